import {
  APIGatewayClient, APIGatewayServiceException, CreateAuthorizerCommand, CreateDeploymentCommand, CreateResourceCommand,
  CreateRestApiCommand, DeleteRestApiCommand, GetRestApiCommand, GetRestApisCommand, NotFoundException, PutGatewayResponseCommand,
  PutIntegrationCommand, PutMethodCommand, TooManyRequestsException,
} from '@aws-sdk/client-api-gateway';
import {
  AdminCreateUserCommand, CognitoIdentityProviderClient, CreateIdentityProviderCommand, CreateUserPoolClientCommand,
  CreateUserPoolCommand, CreateUserPoolDomainCommand, DeleteUserPoolCommand, DeleteUserPoolDomainCommand, DescribeUserPoolCommand, DescribeUserPoolDomainCommand,
  LimitExceededException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DetachRolePolicyCommand, GetRoleCommand, IAMClient,
} from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { installAwsFake, type AwsFake, type AwsFakeOptions } from './aws-fake.js';

expect.extend(allCustomMatcher);

let fake: AwsFake | undefined;
function install(o: AwsFakeOptions = {}): AwsFake {
  fake?.restore();
  fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0, ...o });
  return fake;
}
afterEach(() => {
  fake?.restore();
  fake = undefined;
});

async function caught(p: Promise<unknown>): Promise<Error & { $fault?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-Error: ${String(err)}`);
  }
  throw new Error('expected the call to fail, it succeeded');
}

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

describe('wiring', () => {
  it('answers every client instance of one account and region, however it was built, from one memory', async () => {
    install();
    const a = new APIGatewayClient({ region: 'eu-west-1', endpoint: 'http://localhost:4566', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const b = new APIGatewayClient({ region: 'eu-west-1' });
    const created = await a.send(new CreateRestApiCommand({ name: 'shared' }));
    const read = await b.send(new GetRestApiCommand({ restApiId: created.id }));
    expect(read.name).toBe('shared');
    expect(read.$metadata.httpStatusCode).toBe(200);
    expect(created.$metadata.httpStatusCode).toBe(201);
  });

  it('records calls in order and counts them', async () => {
    const f = install();
    const sts = new STSClient({ region: 'us-west-2' });
    await sts.send(new GetCallerIdentityCommand({}));
    await new APIGatewayClient({ region: 'us-east-1' }).send(new GetRestApisCommand({}));
    await sts.send(new GetCallerIdentityCommand({}));
    expect(f.calls.map((c) => `${c.service}:${c.command}`)).toEqual(['sts:GetCallerIdentity', 'apigateway:GetRestApis', 'sts:GetCallerIdentity']);
    expect(f.count()).toBe(3);
    expect(f.count('GetCallerIdentity')).toBe(2);
    expect(f.count('GetRestApis', 'sts')).toBe(0);
    expect(f.mocks.sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 2);
  });

  it('makes the account configurable and throws SDK-shaped errors', async () => {
    install({ account: '210987654321' });
    expect((await new STSClient({ region: 'us-east-1' }).send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
    const err = await caught(new APIGatewayClient({ region: 'us-east-1' }).send(new GetRestApiCommand({ restApiId: 'missing' })));
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err).toBeInstanceOf(APIGatewayServiceException);
    expect(err.name).toBe('NotFoundException');
    expect(err.$fault).toBe('client');
    expect(err.$metadata?.httpStatusCode).toBe(404);
  });

  it('refuses commands it does not implement, loudly', async () => {
    install();
    const { GetVpcLinksCommand } = await import('@aws-sdk/client-api-gateway');
    const err = await caught(new APIGatewayClient({ region: 'us-east-1' }).send(new GetVpcLinksCommand({})));
    expect(err.name).toBe('NotImplementedByFake');
  });

  it('stops answering after restore()', async () => {
    const f = install();
    f.restore();
    const send = APIGatewayClient.prototype.send as unknown as { restore?: unknown };
    expect(send.restore).toBeUndefined();
  });
});

describe('ids', () => {
  it('look like AWS ids and repeat for a seed', async () => {
    const ids = async (seed: number) => {
      install({ seed });
      const apigw = new APIGatewayClient({ region: 'us-east-1' });
      const api = await apigw.send(new CreateRestApiCommand({ name: 'a' }));
      const res = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'x' }));
      const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1' });
      const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: 'p' }));
      const client = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool?.Id, ClientName: 'c' }));
      const auth = await apigw.send(new CreateAuthorizerCommand({
        restApiId: api.id, name: 'a', type: 'COGNITO_USER_POOLS', providerARNs: [pool.UserPool?.Arn ?? ''], identitySource: 'method.request.header.Authorization',
      }));
      return [api.id, res.id, pool.UserPool?.Id, client.UserPoolClient?.ClientId, auth.id];
    };
    const first = await ids(7);
    expect(await ids(7)).toEqual(first);
    expect(await ids(8)).not.toEqual(first);
    const [apiId, resourceId, poolId, clientId, authorizerId] = first;
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(resourceId).toMatch(/^[a-z0-9]{6}$/);
    expect(poolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(clientId).toMatch(/^[a-z0-9]{26}$/);
    expect(authorizerId).toMatch(/^[a-z0-9]{6}$/);
  });
});

describe('inject', () => {
  it('fails the next call of a command by default, once', async () => {
    const f = install();
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1' });
    const rule = f.inject({ command: 'CreateUserPool', error: 'LimitExceededException' });
    const err = await caught(cognito.send(new CreateUserPoolCommand({ PoolName: 'p' })));
    expect(err).toBeInstanceOf(LimitExceededException);
    expect(err.message).toContain('Injected');
    await cognito.send(new CreateUserPoolCommand({ PoolName: 'p' }));
    expect(rule.applied).toBe(1);
    expect(f.resources().filter((r) => r.type === 'user-pool')).toHaveLength(1);
  });

  it('fails the nth call, `times` times, and matches every command with "*"', async () => {
    const f = install();
    const apigw = new APIGatewayClient({ region: 'us-east-1' });
    f.inject({ command: 'GetRestApis', nth: 2, times: 2, error: 'ServiceUnavailableException' });
    await apigw.send(new GetRestApisCommand({}));
    const err = await caught(apigw.send(new GetRestApisCommand({})));
    expect(err.$fault).toBe('server');
    expect(err.$metadata?.httpStatusCode).toBe(503);
    await caught(apigw.send(new GetRestApisCommand({})));
    await apigw.send(new GetRestApisCommand({}));

    const boom = new Error('socket hang up');
    f.inject({ command: '*', error: boom, times: 2 });
    expect(await caught(new STSClient({ region: 'us-east-1' }).send(new GetCallerIdentityCommand({})))).toBe(boom);
    expect(await caught(apigw.send(new GetRestApisCommand({})))).toBe(boom);
    await apigw.send(new GetRestApisCommand({}));
  });

  it('can let the call take effect and then fail (a lost response)', async () => {
    const f = install();
    f.inject({ command: 'CreateRestApi', error: 'TooManyRequestsException', afterCall: true, retryAfterSeconds: 3 });
    const err = await caught(new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'made-anyway' })));
    expect(err).toBeInstanceOf(TooManyRequestsException);
    expect(err.$response?.headers?.['retry-after']).toBe('3');
    expect(f.resources().map((r) => r.name)).toEqual(['made-anyway']);
  });

  it('scopes a rule to one service', async () => {
    const f = install();
    await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'a' }));
    f.inject({ command: 'GetRestApis', service: 'lambda', error: 'ServiceException' });
    await new APIGatewayClient({ region: 'us-east-1' }).send(new GetRestApisCommand({}));
  });

  it('throttles with a seeded probability, repeatably', async () => {
    const pattern = async () => {
      // The control-plane quota off: its refusals (200 calls in well under a second) would mix with the injected ones.
      const f = install({ seed: 3, apigatewayQuota: false });
      f.inject({ command: 'GetRestApis', throttle: 0.5 });
      const apigw = new APIGatewayClient({ region: 'us-east-1' });
      const out: boolean[] = [];
      for (let i = 0; i < 200; i++) {
        out.push(await apigw.send(new GetRestApisCommand({})).then(() => true, (e: unknown) => {
          expect(e).toBeInstanceOf(TooManyRequestsException);
          return false;
        }));
      }
      return out;
    };
    const a = await pattern();
    expect(await pattern()).toEqual(a);
    const throttled = a.filter((ok) => !ok).length;
    expect(throttled).toBeGreaterThan(60);
    expect(throttled).toBeLessThan(140);

    const f = install();
    f.inject({ command: 'GetCallerIdentity', throttle: 1 });
    expect((await caught(new STSClient({ region: 'us-east-1' }).send(new GetCallerIdentityCommand({})))).name).toBe('Throttling');
  });

  it('adds latency per rule and with setLatency, on real timers', async () => {
    const f = install();
    const sts = new STSClient({ region: 'us-east-1' });
    f.inject({ command: 'GetCallerIdentity', latencyMs: 60 });
    let t = performance.now();
    await sts.send(new GetCallerIdentityCommand({}));
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
    f.clearInjections();
    f.setLatency(40);
    t = performance.now();
    await Promise.all([sts.send(new GetCallerIdentityCommand({})), new APIGatewayClient({ region: 'us-east-1' }).send(new GetRestApisCommand({}))]);
    const took = performance.now() - t;
    expect(took).toBeGreaterThanOrEqual(35);
    expect(took).toBeLessThan(1000);
  });
});

describe('DeleteRestApi throttling', () => {
  it('refuses a second delete within the window, with retry-after, on the fake clock', async () => {
    let now = 1_000_000;
    install({ clock: { now: () => now }, deleteRestApiWindowMs: 30_000 });
    const apigw = new APIGatewayClient({ region: 'us-east-1' });
    const a = await apigw.send(new CreateRestApiCommand({ name: 'a' }));
    const b = await apigw.send(new CreateRestApiCommand({ name: 'b' }));
    await apigw.send(new DeleteRestApiCommand({ restApiId: a.id }));
    now += 10_000;
    const err = await caught(apigw.send(new DeleteRestApiCommand({ restApiId: b.id })));
    expect(err).toBeInstanceOf(TooManyRequestsException);
    expect(err.$metadata?.httpStatusCode).toBe(429);
    expect(err.$response?.headers?.['retry-after']).toBe('20');
    now += 20_000;
    await apigw.send(new DeleteRestApiCommand({ restApiId: b.id }));
  });

  it('is survived by secure-api\'s own client factory, which honours retry-after', async () => {
    let now = 0;
    const f = install({ clock: { now: () => now }, deleteRestApiWindowMs: 30_000 });
    const slept: number[] = [];
    const clients = createAwsClients({ region: 'eu-central-1', endpointUrl: 'http://127.0.0.1:9' }, {
      now: () => now, random: () => 0, sleep: async (ms) => { slept.push(ms); now += ms; },
    });
    const a = await clients.apigateway.send(new CreateRestApiCommand({ name: 'a' }));
    const b = await clients.apigateway.send(new CreateRestApiCommand({ name: 'b' }));
    await clients.apigateway.send(new DeleteRestApiCommand({ restApiId: a.id }));
    await clients.apigateway.send(new DeleteRestApiCommand({ restApiId: b.id }));
    expect(slept).toEqual([30_000]);
    expect(f.count('DeleteRestApi')).toBe(3);
    expect(f.resources()).toEqual([]);
  });

  it('can be turned off', async () => {
    install({ deleteRestApiWindowMs: 0 });
    const apigw = new APIGatewayClient({ region: 'us-east-1' });
    for (const name of ['a', 'b', 'c']) {
      const api = await apigw.send(new CreateRestApiCommand({ name }));
      await apigw.send(new DeleteRestApiCommand({ restApiId: api.id }));
    }
  });
});

/** Builds the whole secure-api stack the way the CLI does, in the fake. */
async function buildStack(): Promise<{ apiId: string; poolId: string; domain: string; roleName: string; fn: string }> {
  const iam = new IAMClient({ region: 'us-east-1' });
  const lambda = new LambdaClient({ region: 'us-east-1' });
  const apigw = new APIGatewayClient({ region: 'us-east-1' });
  const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1' });
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'fn-role', Path: '/secure-api/', AssumeRolePolicyDocument: TRUST }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'fn-role', PolicyArn: BASIC }));
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: 'fn', Role: role.Role?.Arn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: ZIP }, Tags: { 'secure-api:stack': 's' },
  }));
  const api = await apigw.send(new CreateRestApiCommand({ name: 'api', endpointConfiguration: { types: ['REGIONAL'] }, tags: { 'secure-api:stack': 's' } }));
  const res = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'items' }));
  const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: 'pool', UserPoolTags: { 'secure-api:stack': 's' } }));
  const poolId = pool.UserPool?.Id ?? '';
  await cognito.send(new CreateIdentityProviderCommand({
    UserPoolId: poolId, ProviderName: 'Google', ProviderType: 'Google',
    ProviderDetails: { client_id: 'id', client_secret: 'secret', authorize_scopes: 'openid email' },
  }));
  await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', GenerateSecret: true, SupportedIdentityProviders: ['COGNITO', 'Google'] }));
  await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'my-stack-login' }));
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'tester', MessageAction: 'SUPPRESS' }));
  const auth = await apigw.send(new CreateAuthorizerCommand({
    restApiId: api.id, name: 'cognito', type: 'COGNITO_USER_POOLS', providerARNs: [pool.UserPool?.Arn ?? ''], identitySource: 'method.request.header.Authorization',
  }));
  await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId: auth.id }));
  const uri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.FunctionArn ?? ''}/invocations`;
  await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri }));
  await apigw.send(new PutGatewayResponseCommand({ restApiId: api.id, responseType: 'DEFAULT_4XX', responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" } }));
  await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'prod' }));
  await lambda.send(new AddPermissionCommand({
    FunctionName: 'fn', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
    SourceArn: `arn:aws:execute-api:us-east-1:123456789012:${api.id ?? ''}/*/*/*`,
  }));
  return { apiId: api.id ?? '', poolId, domain: 'my-stack-login', roleName: 'fn-role', fn: 'fn' };
}

describe('lifecycle', () => {
  it('lists every live resource, and nothing once everything is deleted', async () => {
    const f = install();
    const ids = await buildStack();
    const types = new Set(f.resources().map((r) => r.type));
    expect([...types].sort()).toEqual([
      'authorizer', 'deployment', 'function', 'gateway-response', 'identity-provider', 'method', 'permission', 'resource',
      'rest-api', 'role', 'role-policy-attachment', 'stage', 'user', 'user-pool', 'user-pool-client', 'user-pool-domain',
    ]);
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1' });
    await new APIGatewayClient({ region: 'us-east-1' }).send(new DeleteRestApiCommand({ restApiId: ids.apiId }));
    await new LambdaClient({ region: 'us-east-1' }).send(new DeleteFunctionCommand({ FunctionName: ids.fn }));
    await cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId: ids.poolId, Domain: ids.domain }));
    // Deleting a domain is asynchronous: wait for DescribeUserPoolDomain to report it gone before deleting the pool.
    while ((await cognito.send(new DescribeUserPoolDomainCommand({ Domain: ids.domain }))).DomainDescription?.Domain) { /* still DELETING */ }
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId: ids.poolId }));
    const iam = new IAMClient({ region: 'us-east-1' });
    await iam.send(new DetachRolePolicyCommand({ RoleName: ids.roleName, PolicyArn: BASIC }));
    await iam.send(new DeleteRoleCommand({ RoleName: ids.roleName }));
    expect(f.resources()).toEqual([]);
  });

  it('round-trips its memory through dump() and load(), ids continuing where they left off', async () => {
    const a = install({ seed: 5 });
    const ids = await buildStack();
    const dumped = a.dump();
    const before = a.resources();
    const nextInA = (await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'next' }))).id;

    const b = install({ seed: 99, lambdaAssumeFailures: 5 });
    b.load(dumped);
    expect(b.resources()).toEqual(before);
    const pool = await new CognitoIdentityProviderClient({ region: 'us-east-1' }).send(new DescribeUserPoolCommand({ UserPoolId: ids.poolId }));
    expect(pool.UserPool?.Domain).toBe(ids.domain);
    const fnArn = (await new LambdaClient({ region: 'us-east-1' }).send(new GetFunctionCommand({ FunctionName: 'fn' }))).Configuration?.FunctionArn;
    expect((await new LambdaClient({ region: 'us-east-1' }).send(new ListTagsCommand({ Resource: fnArn }))).Tags).toEqual({ 'secure-api:stack': 's' });
    expect((await new IAMClient({ region: 'us-east-1' }).send(new GetRoleCommand({ RoleName: ids.roleName }))).Role?.Path).toBe('/secure-api/');
    expect((await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'next' }))).id).toBe(nextInA);
    expect(() => b.load('{"nope":1}')).toThrow(/not a dump/);
  });
});

// AWS: API Gateway, Cognito user pools and Lambda are regional; ids and ARNs name the region the call was made in,
// and a pool id is "{region}_{9 chars}" (Cognito API reference, UserPoolType.Id pattern [\w-]+_[0-9a-zA-Z]+;
// ARN formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
describe('regions: ids and ARNs follow the calling client\'s region', () => {
  it('a pool, a function and an API made from eu-central-1 clients carry eu-central-1, whatever the fake\'s default', async () => {
    install({ region: 'us-east-1' });
    const region = 'eu-central-1';
    const cognito = new CognitoIdentityProviderClient({ region });
    const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool;
    expect(pool?.Id).toMatch(/^eu-central-1_[0-9a-zA-Z]{9}$/);
    expect(pool?.Arn).toBe(`arn:aws:cognito-idp:eu-central-1:123456789012:userpool/${pool?.Id ?? ''}`);
    const iam = new IAMClient({ region });
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'r', Path: '/secure-api/', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }))).Role;
    const fn = await new LambdaClient({ region }).send(new CreateFunctionCommand({ FunctionName: 'f', Role: role?.Arn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array<number>(18).fill(0)]) } }));
    expect(fn.FunctionArn).toBe('arn:aws:lambda:eu-central-1:123456789012:function:f');
    const other = (await new CognitoIdentityProviderClient({ region: 'ap-southeast-2' }).send(new CreateUserPoolCommand({ PoolName: 'q' }))).UserPool;
    expect(other?.Id).toMatch(/^ap-southeast-2_/);
  });
});

// AWS: a regional resource exists in the one region it was made in (API Gateway, Cognito user pools and Lambda are
// regional services; IAM is global to the account: https://docs.aws.amazon.com/IAM/latest/UserGuide/intro-structure.html
// "IAM is a global service"), and an account sees only its own (sts:GetCallerIdentity "returns details about the IAM
// user or role whose credentials are used to call the operation": https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
describe('accounts and regions: each (account, region) has its own resources', () => {
  const OTHER = '111122223333';
  const withEnv = async (vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> => {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    try {
      await fn();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  };

  it('GetCallerIdentity names the account of the credentials: the profile\'s, else AWS_ACCESS_KEY_ID\'s, else the default', async () => {
    install({ accounts: { other: OTHER, AKIAOTHERFAKEKEY0001: OTHER } });
    await withEnv({ AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: undefined }, async () => {
      expect((await new STSClient({ region: 'us-east-1' }).send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
      const viaProfile = await new STSClient({ region: 'us-east-1', profile: 'other' }).send(new GetCallerIdentityCommand({}));
      expect(viaProfile.Account).toBe(OTHER);
      expect(viaProfile.Arn).toContain(`::${OTHER}:`);
      await withEnv({ AWS_ACCESS_KEY_ID: 'AKIAOTHERFAKEKEY0001' }, async () => {
        expect((await new STSClient({ region: 'us-east-1' }).send(new GetCallerIdentityCommand({}))).Account).toBe(OTHER);
        // A profile wins over the environment's keys, as in the SDK's default chain.
        expect((await new STSClient({ region: 'us-east-1', profile: 'unmapped' }).send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
      });
    });
  });

  it('a REST API made in one account is NotFound from another account, and from another region of the same account', async () => {
    const f = install({ accounts: { other: OTHER } });
    const mine = await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'mine' }));
    const fromOther = await caught(new APIGatewayClient({ region: 'us-east-1', profile: 'other' }).send(new GetRestApiCommand({ restApiId: mine.id })));
    expect(fromOther.name).toBe('NotFoundException');
    const fromRegion = await caught(new APIGatewayClient({ region: 'eu-west-1' }).send(new GetRestApiCommand({ restApiId: mine.id })));
    expect(fromRegion.name).toBe('NotFoundException');
    expect((await new APIGatewayClient({ region: 'us-east-1', profile: 'other' }).send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
    const theirs = await new APIGatewayClient({ region: 'us-east-1', profile: 'other' }).send(new CreateRestApiCommand({ name: 'theirs' }));
    expect(theirs.id).not.toBe(mine.id);
    expect(f.resources().filter((r) => r.type === 'rest-api').map((r) => r.name).sort()).toEqual(['mine', 'theirs']);
    // A memory per (account, region) a call reached, the default one first.
    expect(f.memories().map((m) => `${m.account}/${m.region}`)).toEqual(['123456789012/us-east-1', `${OTHER}/us-east-1`, '123456789012/eu-west-1']);
  });

  it('IAM is one per account: a role made from one region is seen from another, never from another account', async () => {
    install({ accounts: { other: OTHER } });
    const trust = { RoleName: 'r', Path: '/secure-api/', AssumeRolePolicyDocument: TRUST };
    await new IAMClient({ region: 'eu-west-1' }).send(new CreateRoleCommand(trust));
    expect((await new IAMClient({ region: 'us-east-1' }).send(new GetRoleCommand({ RoleName: 'r' }))).Role?.Arn).toBe('arn:aws:iam::123456789012:role/secure-api/r');
    expect((await caught(new IAMClient({ region: 'us-east-1', profile: 'other' }).send(new GetRoleCommand({ RoleName: 'r' })))).name).toBe('NoSuchEntityException');
    // A function in eu-west-1 of the other account can use a role of that account made from us-east-1.
    const role = (await new IAMClient({ region: 'us-east-1', profile: 'other' }).send(new CreateRoleCommand(trust))).Role;
    expect(role?.Arn).toBe(`arn:aws:iam::${OTHER}:role/secure-api/r`);
  });

  it('a dump holds every account and region, and load() brings them back', async () => {
    const a = install({ accounts: { other: OTHER } });
    await new APIGatewayClient({ region: 'eu-west-1', profile: 'other' }).send(new CreateRestApiCommand({ name: 'far' }));
    const dump = a.dump();
    a.restore();
    const b = install({ accounts: { other: OTHER } });
    b.load(dump);
    expect((await new APIGatewayClient({ region: 'eu-west-1', profile: 'other' }).send(new GetRestApisCommand({}))).items?.map((i) => i.name)).toEqual(['far']);
    expect((await new APIGatewayClient({ region: 'eu-west-1' }).send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
  });
});
