/** The fake's update calls, each named after the AWS behaviour it models (sources in the fake's comments). */
import {
  APIGatewayClient, BadRequestException, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetStageCommand, GetRestApiCommand,
  PutIntegrationCommand, PutMethodCommand, UpdateRestApiCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CognitoIdentityProviderClient, CreateIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand, DescribeUserPoolCommand, UpdateIdentityProviderCommand, UpdateUserPoolClientCommand, UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, GetRoleCommand, IAMClient, UpdateRoleCommand } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, ListTagsCommand, ResourceConflictException, TagResourceCommand,
  UntagResourceCommand, UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from './aws-fake.js';

let fake: AwsFake | undefined;
afterEach(() => { fake?.restore(); fake = undefined; });
const install = () => (fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 1 }));
const cognito = () => new CognitoIdentityProviderClient({ region: 'us-east-1' });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('UpdateUserPool / UpdateUserPoolClient', () => {
  it('UpdateUserPool resets every updatable setting it is not given to its default, and keeps the sign-in identifiers', async () => {
    install();
    const { UserPool } = await cognito().send(new CreateUserPoolCommand({
      PoolName: 'p', UsernameAttributes: ['email'], AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: { MinimumLength: 12 } }, AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
    }));
    await cognito().send(new UpdateUserPoolCommand({ UserPoolId: UserPool?.Id, Policies: { PasswordPolicy: { MinimumLength: 10 } } }));
    const after = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: UserPool?.Id }))).UserPool;
    expect(after?.Policies?.PasswordPolicy?.MinimumLength).toBe(10);
    expect(after?.AdminCreateUserConfig?.AllowAdminCreateUserOnly).not.toBe(true);
    expect(after?.AccountRecoverySetting).toBeUndefined();
    expect(after?.UsernameAttributes).toEqual(['email']);
  });

  it('UpdateUserPool overwrites the tags with UserPoolTags, and removes them all when it is not given (aws-cli#3302)', async () => {
    install();
    const { UserPool } = await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', UserPoolTags: { team: 'a', env: 'dev' } }));
    await cognito().send(new UpdateUserPoolCommand({ UserPoolId: UserPool?.Id, UserPoolTags: { team: 'b' } }));
    expect((await cognito().send(new DescribeUserPoolCommand({ UserPoolId: UserPool?.Id }))).UserPool?.UserPoolTags).toEqual({ team: 'b' });
    await cognito().send(new UpdateUserPoolCommand({ UserPoolId: UserPool?.Id }));
    expect((await cognito().send(new DescribeUserPoolCommand({ UserPoolId: UserPool?.Id }))).UserPool?.UserPoolTags ?? {}).toEqual({});
  });

  it('UpdateUserPoolClient resets the flows, callbacks and scopes it is not given; the client id and secret stay', async () => {
    install();
    const { UserPool } = await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }));
    const { UserPoolClient } = await cognito().send(new CreateUserPoolClientCommand({
      UserPoolId: UserPool?.Id, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://example.com/cb'],
      SupportedIdentityProviders: ['COGNITO'],
    }));
    await cognito().send(new UpdateUserPoolClientCommand({ UserPoolId: UserPool?.Id, ClientId: UserPoolClient?.ClientId, ClientName: 'c2' }));
    const after = (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: UserPool?.Id, ClientId: UserPoolClient?.ClientId }))).UserPoolClient;
    expect(after?.ClientName).toBe('c2');
    expect(after?.CallbackURLs ?? []).toEqual([]);
    expect(after?.AllowedOAuthScopes ?? []).toEqual([]);
    expect(after?.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(after?.ClientId).toBe(UserPoolClient?.ClientId);
  });
});

describe('UpdateIdentityProvider', () => {
  it('replaces ProviderDetails whole and keeps the provider name and type', async () => {
    install();
    const { UserPool } = await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }));
    await cognito().send(new CreateIdentityProviderCommand({
      UserPoolId: UserPool?.Id, ProviderName: 'Google', ProviderType: 'Google',
      ProviderDetails: { client_id: 'a', client_secret: 'fake-secret-1', authorize_scopes: 'openid email' },
    }));
    await cognito().send(new UpdateIdentityProviderCommand({
      UserPoolId: UserPool?.Id, ProviderName: 'Google', ProviderDetails: { client_id: 'b', client_secret: 'fake-secret-2', authorize_scopes: 'openid' },
    }));
    const idp = (await cognito().send(new DescribeIdentityProviderCommand({ UserPoolId: UserPool?.Id, ProviderName: 'Google' }))).IdentityProvider;
    expect(idp?.ProviderDetails).toEqual({ client_id: 'b', client_secret: 'fake-secret-2', authorize_scopes: 'openid' });
    expect(idp?.ProviderType).toBe('Google');
  });
});

/** An API with one MOCK method: something a deployment can serve. */
async function deployableApi() {
  install();
  const apigw = new APIGatewayClient({ region: 'us-east-1' });
  const api = await apigw.send(new CreateRestApiCommand({ name: 'a' }));
  const res = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'x' }));
  await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', type: 'MOCK' }));
  return { apigw, api };
}

describe('CreateDeployment / UpdateStage', () => {
  it('CreateDeployment into an existing stage keeps its description (stageDescription only describes a new stage); UpdateStage patches /description', async () => {
    const { apigw, api } = await deployableApi();
    await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev', stageDescription: 'first' }));
    await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev', stageDescription: 'second' }));
    expect((await apigw.send(new GetStageCommand({ restApiId: api.id, stageName: 'dev' }))).description).toBe('first');
    await apigw.send(new UpdateStageCommand({ restApiId: api.id, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/description', value: 'second' }] }));
    expect((await apigw.send(new GetStageCommand({ restApiId: api.id, stageName: 'dev' }))).description).toBe('second');
  });
});

describe('canary releases and stage variables (create-canary-deployment.html, serverless/serverless#11518)', () => {
  async function apiWithStage() {
    const { apigw, api } = await deployableApi();
    const base = await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'prod', variables: { sv0: 'val0', sv1: 'val1' } }));
    return { apigw, restApiId: api.id!, base: base.id! };
  }

  it('CreateDeployment into an existing stage without variables keeps the stage variables', async () => {
    const { apigw, restApiId } = await apiWithStage();
    await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: 'prod', description: 'again' }));
    expect((await apigw.send(new GetStageCommand({ restApiId, stageName: 'prod' }))).variables).toEqual({ sv0: 'val0', sv1: 'val1' });
  });

  it('a canary release deployment goes to the canary; the stage keeps its deployment and variables', async () => {
    const { apigw, restApiId, base } = await apiWithStage();
    const canary = await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: 'prod', canarySettings: { percentTraffic: 10.5, stageVariableOverrides: { sv1: 'val2' } } }));
    const stage = await apigw.send(new GetStageCommand({ restApiId, stageName: 'prod' }));
    expect(stage).toMatchObject({ deploymentId: base, variables: { sv0: 'val0', sv1: 'val1' }, canarySettings: { deploymentId: canary.id, percentTraffic: 10.5, stageVariableOverrides: { sv1: 'val2' } } });
    await expect(apigw.send(new CreateDeploymentCommand({ restApiId, stageName: 'nope', canarySettings: { percentTraffic: 5 } })))
      .rejects.toThrow('Stage nope must already be created before making a canary release deployment');
  });

  it('while a stage has a canary, a non-canary deployment into it is refused (BadRequestException) until the canary is removed', async () => {
    const { apigw, restApiId, base } = await apiWithStage();
    // Enabled by UpdateStage: the canary starts on the stage's own deployment.
    await apigw.send(new UpdateStageCommand({ restApiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/canarySettings/percentTraffic', value: '20' }] }));
    expect((await apigw.send(new GetStageCommand({ restApiId, stageName: 'prod' }))).canarySettings).toMatchObject({ deploymentId: base, percentTraffic: 20 });
    const refused = apigw.send(new CreateDeploymentCommand({ restApiId, stageName: 'prod' }));
    await expect(refused).rejects.toBeInstanceOf(BadRequestException);
    await expect(apigw.send(new CreateDeploymentCommand({ restApiId, stageName: 'prod' })))
      .rejects.toThrow('Non canary deployment not supported on stage prod because Canary is enabled. Provide CanarySettings in deploymentInput.');
    await apigw.send(new UpdateStageCommand({ restApiId, stageName: 'prod', patchOperations: [{ op: 'remove', path: '/canarySettings' }] }));
    const d = await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: 'prod' }));
    expect((await apigw.send(new GetStageCommand({ restApiId, stageName: 'prod' })))).toMatchObject({ deploymentId: d.id });
    expect((await apigw.send(new GetStageCommand({ restApiId, stageName: 'prod' }))).canarySettings).toBeUndefined();
  });
});

describe('UpdateRestApi', () => {
  it('patches the name, the description and the endpoint type (EDGE → REGIONAL); an unknown path is a BadRequestException', async () => {
    install();
    const api = await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'a', endpointConfiguration: { types: ['EDGE'] } }));
    await new APIGatewayClient({ region: 'us-east-1' }).send(new UpdateRestApiCommand({ restApiId: api.id, patchOperations: [
      { op: 'replace', path: '/name', value: 'b' }, { op: 'replace', path: '/description', value: 'd' },
      { op: 'replace', path: '/endpointConfiguration/types/EDGE', value: 'REGIONAL' },
    ] }));
    const after = await new APIGatewayClient({ region: 'us-east-1' }).send(new GetRestApiCommand({ restApiId: api.id }));
    expect([after.name, after.description, after.endpointConfiguration?.types]).toEqual(['b', 'd', ['REGIONAL']]);
    await expect(new APIGatewayClient({ region: 'us-east-1' }).send(new UpdateRestApiCommand({ restApiId: api.id, patchOperations: [{ op: 'replace', path: '/nope', value: 'x' }] })))
      .rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('UpdateRole', () => {
  it('changes the description and keeps what it is not given (the trust policy, the tags, the session duration)', async () => {
    install();
    const iam = new IAMClient({ region: 'us-east-1' });
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST, Description: 'old', Tags: [{ Key: 'team', Value: 'a' }], MaxSessionDuration: 7200 }));
    await iam.send(new UpdateRoleCommand({ RoleName: 'r', Description: 'new' }));
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'r' }))).Role;
    expect([role?.Description, role?.MaxSessionDuration, role?.Tags]).toEqual(['new', 7200, [{ Key: 'team', Value: 'a' }]]);
    await expect(iam.send(new UpdateRoleCommand({ RoleName: 'r', MaxSessionDuration: 60 }))).rejects.toThrow(/MaxSessionDuration/);
    await expect(iam.send(new UpdateRoleCommand({ RoleName: 'nosuch', Description: 'x' }))).rejects.toThrow(/cannot be found|NoSuchEntity/);
  });
});

describe('UpdateFunctionConfiguration', () => {
  it('changes only what it is given, runs asynchronously (InProgress, then Successful), and refuses a second change while in progress', async () => {
    install();
    const role = await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    const lambda = new LambdaClient({ region: 'us-east-1' });
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'fn', Runtime: 'nodejs20.x', Role: role.Role?.Arn, Handler: 'index.handler', Code: { ZipFile: new Uint8Array([0x50, 0x4b, 3, 4]) },
      MemorySize: 128, Timeout: 3, Environment: { Variables: { A: '1' } },
    }));
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }));
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }));
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', MemorySize: 256 }));
    expect([updated.MemorySize, updated.Timeout, updated.Environment?.Variables, updated.LastUpdateStatus]).toEqual([256, 3, { A: '1' }, 'InProgress']);
    await expect(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Timeout: 10 }))).rejects.toBeInstanceOf(ResourceConflictException);
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }));
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }))).LastUpdateStatus).toBe('Successful');
  });

  it('TagResource and UntagResource are refused while an update is in progress (ResourceConflictException), then accepted', async () => {
    install();
    const role = await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    const lambda = new LambdaClient({ region: 'us-east-1' });
    const made = await lambda.send(new CreateFunctionCommand({
      FunctionName: 'fn', Runtime: 'nodejs20.x', Role: role.Role?.Arn, Handler: 'index.handler', Code: { ZipFile: new Uint8Array([0x50, 0x4b, 3, 4]) },
    }));
    while ((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }))).State === 'Pending');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', MemorySize: 256 }));
    const arn = made.FunctionArn!;
    await expect(lambda.send(new TagResourceCommand({ Resource: arn, Tags: { team: 'a' } }))).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['team'] }))).rejects.toBeInstanceOf(ResourceConflictException);
    while ((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }))).LastUpdateStatus === 'InProgress');
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { team: 'a' } }));
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ team: 'a' });
  });
});
