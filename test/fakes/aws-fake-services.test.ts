import {
  APIGatewayClient, BadRequestException, ConflictException, CreateAuthorizerCommand, CreateDeploymentCommand, CreateResourceCommand,
  CreateRestApiCommand, DeleteAuthorizerCommand, DeleteResourceCommand, GetDeploymentCommand, GetGatewayResponseCommand,
  GetGatewayResponsesCommand, GetMethodCommand, GetResourcesCommand, GetRestApisCommand, GetStageCommand, GetTagsCommand,
  PutIntegrationCommand, PutMethodCommand, TagResourceCommand, UpdateMethodCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient,
  CreateUserPoolClientCommand, CreateUserPoolCommand, CreateUserPoolDomainCommand, DeleteUserPoolCommand,
  DescribeUserPoolClientCommand, DescribeUserPoolDomainCommand, InitiateAuthCommand, InvalidParameterException, InvalidPasswordException,
  ListTagsForResourceCommand, ListUserPoolsCommand, ListUsersCommand, UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteConflictException, DeleteRoleCommand, EntityAlreadyExistsException,
  GetRoleCommand, IAMClient, ListRolesCommand, NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand, CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand,
  GetPolicyCommand, InvalidParameterValueException, LambdaClient, ListFunctionsCommand, RemovePermissionCommand,
  ResourceConflictException, ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { GetResourcesCommand as GetTaggedResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake, type AwsFakeOptions } from './aws-fake.js';

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

async function caught(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-Error: ${String(err)}`);
  }
  throw new Error('expected the call to fail, it succeeded');
}

const apigw = () => new APIGatewayClient({ region: 'us-east-1' });
const cognito = () => new CognitoIdentityProviderClient({ region: 'us-east-1' });
const lambda = () => new LambdaClient({ region: 'us-east-1' });
const iam = () => new IAMClient({ region: 'us-east-1' });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9]);
const LAMBDA_URI = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:fn/invocations';

async function apiWithResource(): Promise<{ apiId: string; rootId: string; resId: string }> {
  const api = await apigw().send(new CreateRestApiCommand({ name: 'api' }));
  const res = await apigw().send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'items' }));
  return { apiId: api.id ?? '', rootId: api.rootResourceId ?? '', resId: res.id ?? '' };
}

async function cognitoAuthorizer(apiId: string): Promise<string> {
  const pool = await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }));
  const a = await apigw().send(new CreateAuthorizerCommand({
    restApiId: apiId, name: 'cognito', type: 'COGNITO_USER_POOLS', providerARNs: [pool.UserPool?.Arn ?? ''], identitySource: 'method.request.header.Authorization',
  }));
  return a.id ?? '';
}

describe('API Gateway', () => {
  it('creates the root with the API and nests resources, refusing duplicates and bad parents', async () => {
    install();
    const { apiId, rootId, resId } = await apiWithResource();
    const child = await apigw().send(new CreateResourceCommand({ restApiId: apiId, parentId: resId, pathPart: '{id}' }));
    expect(child.path).toBe('/items/{id}');
    expect((await caught(apigw().send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'items' }))))).toBeInstanceOf(ConflictException);
    expect((await caught(apigw().send(new CreateResourceCommand({ restApiId: apiId, parentId: 'nope00', pathPart: 'x' })))).name).toBe('NotFoundException');
    expect((await caught(apigw().send(new CreateResourceCommand({ restApiId: apiId, parentId: resId, pathPart: '{other}' })))).name).toBe('BadRequestException');
    const all = await apigw().send(new GetResourcesCommand({ restApiId: apiId }));
    expect(all.items?.map((r) => r.path)).toEqual(['/', '/items', '/items/{id}']);
    await apigw().send(new DeleteResourceCommand({ restApiId: apiId, resourceId: resId }));
    expect((await apigw().send(new GetResourcesCommand({ restApiId: apiId }))).items?.map((r) => r.path)).toEqual(['/']);
  });

  it('requires a method authorizer to exist on that API, and refuses deleting one in use', async () => {
    install();
    const { apiId, resId } = await apiWithResource();
    const bad = await caught(apigw().send(new PutMethodCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'abc123' })));
    expect(bad).toBeInstanceOf(BadRequestException);
    expect(bad.message).toBe('Invalid authorizer ID specified');
    const authorizerId = await cognitoAuthorizer(apiId);
    await apigw().send(new PutMethodCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId }));
    const conflict = await caught(apigw().send(new DeleteAuthorizerCommand({ restApiId: apiId, authorizerId })));
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict.message).toContain('GET//items');
    // Drift, the way tests make it: detach the authorizer behind the tool's back.
    await apigw().send(new UpdateMethodCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }] }));
    const m = await apigw().send(new GetMethodCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET' }));
    expect([m.authorizationType, m.authorizerId]).toEqual(['NONE', undefined]);
    await apigw().send(new DeleteAuthorizerCommand({ restApiId: apiId, authorizerId }));
  });

  it('validates integrations as AWS does, and shows them in GetMethod', async () => {
    install();
    const { apiId, resId } = await apiWithResource();
    await apigw().send(new PutMethodCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET', authorizationType: 'NONE' }));
    const put = (o: Partial<ConstructorParameters<typeof PutIntegrationCommand>[0]>) =>
      apigw().send(new PutIntegrationCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET', type: 'AWS_PROXY', uri: LAMBDA_URI, ...o }));
    expect((await caught(put({}))).message).toBe('Enumeration value for HttpMethod must be non-empty');
    expect((await caught(put({ integrationHttpMethod: 'GET' }))).name).toBe('BadRequestException');
    expect((await caught(put({ integrationHttpMethod: 'POST', uri: 'arn:aws:lambda:us-east-1:123456789012:function:fn' }))).message)
      .toBe('AWS ARN for integration must contain path or action');
    expect((await caught(put({ type: 'HTTP_PROXY', integrationHttpMethod: 'GET', uri: 'not a url' }))).message).toBe('Invalid HTTP endpoint specified for URI');
    expect((await caught(put({ httpMethod: 'POST', integrationHttpMethod: 'POST' }))).message).toBe('Invalid Method identifier specified');
    await put({ integrationHttpMethod: 'POST' });
    const m = await apigw().send(new GetMethodCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET' }));
    expect(m.methodIntegration).toMatchObject({ type: 'AWS_PROXY', httpMethod: 'POST', uri: LAMBDA_URI });
    const embedded = await apigw().send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'] }));
    expect(embedded.items?.find((r) => r.id === resId)?.resourceMethods?.GET?.methodIntegration?.type).toBe('AWS_PROXY');
  });

  it('refuses to deploy an API without methods; deploys into a stage and records what was deployed', async () => {
    install();
    const { apiId, resId } = await apiWithResource();
    const none = await caught(apigw().send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' })));
    expect(none.message).toBe("The REST API doesn't contain any methods");
    const authorizerId = await cognitoAuthorizer(apiId);
    await apigw().send(new PutMethodCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId }));
    await apigw().send(new PutIntegrationCommand({ restApiId: apiId, resourceId: resId, httpMethod: 'GET', type: 'MOCK' }));
    const d1 = await apigw().send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
    expect((await apigw().send(new GetStageCommand({ restApiId: apiId, stageName: 'prod' }))).deploymentId).toBe(d1.id);
    const summary = await apigw().send(new GetDeploymentCommand({ restApiId: apiId, deploymentId: d1.id, embed: ['apisummary'] }));
    expect(summary.apiSummary?.['/items']?.GET?.authorizationType).toBe('COGNITO_USER_POOLS');
    const d2 = await apigw().send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
    expect((await apigw().send(new GetStageCommand({ restApiId: apiId, stageName: 'prod' }))).deploymentId).toBe(d2.id);
    const back = await apigw().send(new UpdateStageCommand({ restApiId: apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/deploymentId', value: d1.id }] }));
    expect(back.deploymentId).toBe(d1.id);
    expect((await caught(apigw().send(new GetStageCommand({ restApiId: apiId, stageName: 'dev' })))).name).toBe('NotFoundException');
  });

  it('pages GetRestApis by position/limit, tags APIs, and answers default gateway responses', async () => {
    install();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await apigw().send(new CreateRestApiCommand({ name }));
    const names: string[] = [];
    let position: string | undefined;
    let pages = 0;
    do {
      const p = await apigw().send(new GetRestApisCommand({ limit: 2, position }));
      names.push(...(p.items ?? []).map((a) => a.name ?? ''));
      position = p.position;
      pages += 1;
    } while (position);
    expect([names, pages]).toEqual([['a', 'b', 'c', 'd', 'e'], 3]);
    expect((await caught(apigw().send(new GetRestApisCommand({ position: 'garbage' })))).name).toBe('BadRequestException');
    const api = (await apigw().send(new GetRestApisCommand({ limit: 1 }))).items?.[0];
    const arn = `arn:aws:apigateway:us-east-1::/restapis/${api?.id ?? ''}`;
    await apigw().send(new TagResourceCommand({ resourceArn: arn, tags: { k: 'v' } }));
    expect((await apigw().send(new GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ k: 'v' });
    const unauthorized = await apigw().send(new GetGatewayResponseCommand({ restApiId: api?.id, responseType: 'UNAUTHORIZED' }));
    expect([unauthorized.statusCode, unauthorized.defaultResponse]).toEqual(['401', true]);
    expect((await apigw().send(new GetGatewayResponsesCommand({ restApiId: api?.id, limit: 500 }))).items).toHaveLength(21);
  });
});

describe('Cognito', () => {
  it('refuses deleting a pool while its domain exists; a prefix is unique in its region; reserved and taken prefixes fail', async () => {
    install({ takenDomainPrefixes: ['someone-elses'], domainCreatingDescribes: 1 });
    const p1 = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'one' }))).UserPool?.Id;
    const p2 = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'two' }))).UserPool?.Id;
    await cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: p1, Domain: 'my-login' }));
    const taken = await caught(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: p2, Domain: 'my-login' })));
    expect([taken.name, taken.message]).toEqual(['InvalidParameterException', 'Domain already associated with another user pool.']);
    expect((await caught(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: p2, Domain: 'someone-elses' })))).message)
      .toBe('Domain already associated with another user pool.');
    expect((await caught(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: p2, Domain: 'my-aws-login' })))).message)
      .toBe('Domain cannot contain reserved word: aws');
    const inUse = await caught(cognito().send(new DeleteUserPoolCommand({ UserPoolId: p1 })));
    expect(inUse).toBeInstanceOf(InvalidParameterException);
    expect((await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'my-login' }))).DomainDescription?.Status).toBe('CREATING');
    const active = (await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'my-login' }))).DomainDescription;
    expect(active).toMatchObject({ Status: 'ACTIVE', UserPoolId: p1, Domain: 'my-login' });
    expect(active?.CloudFrontDistribution).toMatch(/\.cloudfront\.net$/);
    expect((await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'unknown' }))).DomainDescription).toEqual({});
  });

  it('pages ListUserPools, stores the request, tags pools', async () => {
    install();
    for (let i = 0; i < 3; i++) {
      await cognito().send(new CreateUserPoolCommand({ PoolName: `p${i}`, UsernameAttributes: ['email'], UserPoolTags: { n: String(i) } }));
    }
    const first = await cognito().send(new ListUserPoolsCommand({ MaxResults: 2 }));
    const second = await cognito().send(new ListUserPoolsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect([first.UserPools?.length, second.UserPools?.length, second.NextToken]).toEqual([2, 1, undefined]);
    const arn = `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${second.UserPools?.[0]?.Id ?? ''}`;
    expect((await cognito().send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ n: '2' });
    expect((await caught(cognito().send(new ListUserPoolsCommand({ MaxResults: 61 })))).name).toBe('InvalidParameterException');
  });

  it('creates clients with secrets, refusing identity providers the pool does not have', async () => {
    install();
    const poolId = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id;
    const missing = await caught(cognito().send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', SupportedIdentityProviders: ['COGNITO', 'Google'] })));
    expect(missing).toBeInstanceOf(InvalidParameterException);
    const created = await cognito().send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', GenerateSecret: true }));
    const described = await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.UserPoolClient?.ClientId }));
    expect(described.UserPoolClient?.ClientSecret).toMatch(/^[a-z0-9]{51}$/);
    expect(described.UserPoolClient?.ClientSecret).toBe(created.UserPoolClient?.ClientSecret);
  });

  it('keeps users: email sign-in, password policy, lookup by alias, listing', async () => {
    install();
    const poolId = (await cognito().send(new CreateUserPoolCommand({
      PoolName: 'p', UsernameAttributes: ['email'], Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: false } },
    }))).UserPool?.Id;
    const created = await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ann@example.com', MessageAction: 'SUPPRESS' }));
    expect(created.User?.Username).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect(await caught(cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ann@example.com' })))).toBeInstanceOf(UsernameExistsException);
    expect(await caught(cognito().send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ann@example.com', Password: 'Short1', Permanent: true }))))
      .toBeInstanceOf(InvalidPasswordException);
    await cognito().send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ann@example.com', Password: 'LongEnough123', Permanent: true }));
    expect((await cognito().send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann@example.com' }))).UserStatus).toBe('CONFIRMED');
    const listed = await cognito().send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email = "ann@example.com"' }));
    expect(listed.Users).toHaveLength(1);
    expect((await caught(cognito().send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bob@example.com' })))).name).toBe('UserNotFoundException');
  });
});

describe('Cognito sign-in', () => {
  it('signs in with USER_PASSWORD_AUTH, checking the flow, the SECRET_HASH and the password', async () => {
    install();
    const poolId = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id;
    const noFlow = (await cognito().send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'spa' }))).UserPoolClient?.ClientId;
    const made = await cognito().send(new CreateUserPoolClientCommand({
      UserPoolId: poolId, ClientName: 'web', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    const clientId = made.UserPoolClient?.ClientId ?? '';
    const secret = made.UserPoolClient?.ClientSecret ?? '';
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'tester', MessageAction: 'SUPPRESS' }));
    await cognito().send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'tester', Password: 'Passw0rd!Passw0rd', Permanent: true }));
    const hash = createHmac('sha256', secret).update(`tester${clientId}`).digest('base64');
    const auth = (ClientId: string | undefined, p: Record<string, string>) =>
      cognito().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId, AuthParameters: { USERNAME: 'tester', PASSWORD: 'Passw0rd!Passw0rd', ...p } }));
    expect((await caught(auth(noFlow, {}))).message).toContain('USER_PASSWORD_AUTH flow not enabled');
    expect((await caught(auth(clientId, {}))).message).toContain('SECRET_HASH was not received');
    expect((await caught(auth(clientId, { SECRET_HASH: 'wrong' }))).name).toBe('NotAuthorizedException');
    expect((await caught(auth(clientId, { SECRET_HASH: hash, PASSWORD: 'nope' }))).message).toBe('Incorrect username or password.');
    const ok = await auth(clientId, { SECRET_HASH: hash });
    const claims: unknown = JSON.parse(Buffer.from(ok.AuthenticationResult?.IdToken?.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: clientId, token_use: 'id', 'cognito:username': 'tester' });
  });
});

describe('Lambda and IAM', () => {
  async function role(name = 'r'): Promise<string> {
    return (await iam().send(new CreateRoleCommand({ RoleName: name, Path: '/secure-api/', AssumeRolePolicyDocument: TRUST }))).Role?.Arn ?? '';
  }
  const create = (Role: string, FunctionName = 'fn') => lambda().send(new CreateFunctionCommand({
    FunctionName, Role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: ZIP },
  }));

  it('refuses roles that do not exist, then the first K attempts after CreateRole', async () => {
    install({ lambdaAssumeFailures: 2 });
    const missing = await caught(create('arn:aws:iam::123456789012:role/none'));
    expect(missing).toBeInstanceOf(InvalidParameterValueException);
    const arn = await role();
    expect(arn).toBe('arn:aws:iam::123456789012:role/secure-api/r');
    for (let i = 0; i < 2; i++) expect((await caught(create(arn))).message).toBe('The role defined for the function cannot be assumed by Lambda.');
    expect((await create(arn)).State).toBe('Pending');
    expect(await caught(create(arn))).toBeInstanceOf(ResourceConflictException);
  });

  it('can refuse by fake-clock window instead of by count', async () => {
    let now = 0;
    install({ clock: { now: () => now }, lambdaAssumeWindowMs: 8_000 });
    const arn = await role();
    now = 7_999;
    expect((await caught(create(arn))).name).toBe('InvalidParameterValueException');
    now = 8_000;
    await create(arn);
  });

  it('turns Active after the configured number of reads', async () => {
    install({ lambdaActiveAfterReads: 2 });
    await create(await role());
    const states: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) states.push((await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }))).State);
    expect(states).toEqual(['Pending', 'Pending', 'Active']);
    expect((await lambda().send(new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:fn' }))).Configuration?.LastUpdateStatus).toBe('Successful');
  });

  it('keeps a resource policy in IAM form, refusing duplicate statement ids', async () => {
    install();
    await create(await role());
    const permission = { FunctionName: 'fn', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: 'arn:aws:execute-api:us-east-1:123456789012:abc/*' };
    expect(await caught(lambda().send(new GetPolicyCommand({ FunctionName: 'fn' })))).toBeInstanceOf(ResourceNotFoundException);
    await lambda().send(new AddPermissionCommand(permission));
    const dup = await caught(lambda().send(new AddPermissionCommand(permission)));
    expect(dup).toBeInstanceOf(ResourceConflictException);
    expect(dup.message).toContain('The statement id (apigw) provided already exists');
    const policy: unknown = JSON.parse((await lambda().send(new GetPolicyCommand({ FunctionName: 'fn' }))).Policy ?? '');
    expect(policy).toMatchObject({ Statement: [{ Sid: 'apigw', Principal: { Service: 'apigateway.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': permission.SourceArn } } }] });
    await lambda().send(new RemovePermissionCommand({ FunctionName: 'fn', StatementId: 'apigw' }));
    expect(await caught(lambda().send(new RemovePermissionCommand({ FunctionName: 'fn', StatementId: 'apigw' })))).toBeInstanceOf(ResourceNotFoundException);
    await lambda().send(new AddPermissionCommand(permission));
    await lambda().send(new DeleteFunctionCommand({ FunctionName: 'fn' }));
    expect(fake?.resources()).toEqual([expect.objectContaining({ type: 'role' })]);
  });

  it('pages ListFunctions and ListRoles', async () => {
    install();
    const arn = await role('base');
    for (const n of ['f1', 'f2', 'f3']) await create(arn, n);
    const page1 = await lambda().send(new ListFunctionsCommand({ MaxItems: 2 }));
    const page2 = await lambda().send(new ListFunctionsCommand({ MaxItems: 2, Marker: page1.NextMarker }));
    expect([...(page1.Functions ?? []), ...(page2.Functions ?? [])].map((f) => f.FunctionName)).toEqual(['f1', 'f2', 'f3']);
    expect(page2.NextMarker).toBeUndefined();
    await iam().send(new CreateRoleCommand({ RoleName: 'other', Path: '/else/', AssumeRolePolicyDocument: TRUST }));
    const ours = await iam().send(new ListRolesCommand({ PathPrefix: '/secure-api/', MaxItems: 1 }));
    expect([ours.Roles?.map((r) => r.RoleName), ours.IsTruncated]).toEqual([['base'], false]);
    const all1 = await iam().send(new ListRolesCommand({ MaxItems: 1 }));
    const all2 = await iam().send(new ListRolesCommand({ MaxItems: 1, Marker: all1.Marker }));
    expect([all1.IsTruncated, all2.IsTruncated, all2.Roles?.[0]?.RoleName]).toEqual([true, false, 'other']);
  });

  it('enforces IAM: duplicates, delete while attached, URL-encoded trust policy', async () => {
    install();
    await role();
    expect(await caught(role())).toBeInstanceOf(EntityAlreadyExistsException);
    await iam().send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    expect(await caught(iam().send(new DeleteRoleCommand({ RoleName: 'r' })))).toBeInstanceOf(DeleteConflictException);
    const got = await iam().send(new GetRoleCommand({ RoleName: 'r' }));
    expect(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? '')).toBe(TRUST);
    expect(await caught(iam().send(new GetRoleCommand({ RoleName: 'nope' })))).toBeInstanceOf(NoSuchEntityException);
  });
});

describe('Resource Groups Tagging', () => {
  it('finds APIs, functions and pools by tag', async () => {
    install();
    const tags = { 'secure-api:stack': 'demo' };
    const api = await apigw().send(new CreateRestApiCommand({ name: 'a', tags }));
    await apigw().send(new CreateRestApiCommand({ name: 'b', tags: { 'secure-api:stack': 'other' } }));
    const pool = await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', UserPoolTags: tags }));
    const roleArn = (await iam().send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }))).Role?.Arn;
    const fn = await lambda().send(new CreateFunctionCommand({ FunctionName: 'fn', Role: roleArn, Runtime: 'nodejs20.x', Handler: 'i.h', Code: { ZipFile: ZIP }, Tags: tags }));
    const found = await new ResourceGroupsTaggingAPIClient({ region: 'us-east-1' }).send(new GetTaggedResourcesCommand({ TagFilters: [{ Key: 'secure-api:stack', Values: ['demo'] }] }));
    expect(found.ResourceTagMappingList?.map((m) => m.ResourceARN).sort()).toEqual([
      `arn:aws:apigateway:us-east-1::/restapis/${api.id ?? ''}`, fn.FunctionArn, pool.UserPool?.Arn,
    ].sort());
    expect(found.PaginationToken).toBe('');
  });
});
