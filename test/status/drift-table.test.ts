/**
 * Issue 18.1 / 25.3, by construction: for every setting a kind sets, someone changes it outside secure-api (through
 * the SDK, as the console or the AWS CLI would); `status` exits 3 naming that path on that resource, `plan` shows the
 * same path as drift to put back, and `init` puts it back (status is then clean again). One stack serves the whole
 * table: each row leaves it as it found it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APIGatewayClient, GetAuthorizerCommand, UpdateAccountCommand, UpdateAuthorizerCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CognitoIdentityProviderClient, CreateIdentityProviderCommand, CreateUserPoolCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand,
  UpdateUserPoolClientCommand, UpdateUserPoolCommand, type UpdateUserPoolClientCommandInput, type UpdateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand, GetFunctionConfigurationCommand, LambdaClient, RemovePermissionCommand, UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUpdateInput } from '../../src/resources/user-pool-settings.js';
import { readState } from '../../src/state/store.js';
import type { StateFile } from '../../src/state/schema.js';
import { planJsonSchema } from '../../src/status/plan-schema.js';
import { statusReportSchema } from '../../src/status/schema.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { runAwsCli } from './aws-cli.js';

const region = 'us-east-1';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-for-tests' };
const cognito = () => new CognitoIdentityProviderClient({ region, credentials });
const lambda = () => new LambdaClient({ region, credentials });
const apigw = () => new APIGatewayClient({ region, credentials });

// MFA required (TOTP), PLUS with threat protection, so the MFA and threat-protection rows have something to lower;
// the stage traced and throttled, so its settings have rows too.
const CONFIG = {
  stack: 'drift', stage: { tracing: true, throttle: { rateLimit: 100, burstLimit: 200 }, accessLog: { retentionDays: 7 } }, userPool: { mfa: { mode: 'ON', totp: true }, tier: 'PLUS', threatProtection: 'ENFORCED', passwordPolicy: { minLength: 12 } },
};

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
const run = (...argv: string[]) => runSecureApi([...argv, '--stack', 'drift'], { cwd, clock });
const state = (): StateFile => readState(join(cwd, '.secure-api', 'drift.json'))!;
const out = (node: string, key: string): string => state().nodes[node]!.out[key]!;

/** UpdateUserPool resets what it is not given: the live pool given back, with one change. */
async function changePool(edit: (i: UpdateUserPoolCommandInput) => void): Promise<void> {
  const pool = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: out('pool', 'userPoolId') }))).UserPool!;
  const input = liveUpdateInput(pool);
  edit(input);
  await cognito().send(new UpdateUserPoolCommand(input));
}

/** The same for the app client (UpdateUserPoolClient resets what it is not given too). */
async function changeClient(edit: (i: UpdateUserPoolClientCommandInput) => void): Promise<void> {
  const c = (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: out('pool', 'userPoolId'), ClientId: out('client', 'clientId') }))).UserPoolClient!;
  const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...rest } = c;
  const input = rest as UpdateUserPoolClientCommandInput;
  edit(input);
  await cognito().send(new UpdateUserPoolClientCommand({ ...input, UserPoolId: out('pool', 'userPoolId'), ClientId: out('client', 'clientId') }));
}

const patchAuthorizer = (op: 'replace' | 'add', path: string, value: string) => apigw().send(new UpdateAuthorizerCommand({
  restApiId: out('api', 'apiId'), authorizerId: out('authorizer', 'authorizerId'), patchOperations: [{ op, path, value }],
}));

const patchStage = (path: string, value: string) => apigw().send(new UpdateStageCommand({
  restApiId: out('api', 'apiId'), stageName: 'dev', patchOperations: [{ op: 'replace', path, value }],
}));

const changeFunction = (input: object) => lambda().send(new UpdateFunctionConfigurationCommand({ FunctionName: out('function', 'functionName'), ...input }));

/** Our statement replaced by one that differs in one way. */
async function replaceStatement(input: { Principal?: string; Action?: string; SourceArn?: string }): Promise<void> {
  const FunctionName = out('permission', 'functionName');
  const StatementId = out('permission', 'statementId');
  await lambda().send(new RemovePermissionCommand({ FunctionName, StatementId }));
  const sourceArn = `arn:aws:execute-api:${region}:123456789012:${out('api', 'apiId')}/*/*/*`;
  await lambda().send(new AddPermissionCommand({ FunctionName, StatementId, Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: sourceArn, ...input }));
}

interface Row { node: string; path: string; change: () => Promise<unknown> }

const ROWS: Row[] = [
  // The user pool: every setting UpdateUserPool (and SetUserPoolMfaConfig) sets.
  { node: 'pool', path: 'passwordPolicy.minLength', change: () => changePool((i) => { i.Policies!.PasswordPolicy!.MinimumLength = 6; }) },
  { node: 'pool', path: 'passwordPolicy.requireNumbers', change: () => changePool((i) => { i.Policies!.PasswordPolicy!.RequireNumbers = false; }) },
  { node: 'pool', path: 'passwordPolicy.requireSymbols', change: () => changePool((i) => { i.Policies!.PasswordPolicy!.RequireSymbols = false; }) },
  { node: 'pool', path: 'passwordPolicy.requireUppercase', change: () => changePool((i) => { i.Policies!.PasswordPolicy!.RequireUppercase = false; }) },
  { node: 'pool', path: 'passwordPolicy.requireLowercase', change: () => changePool((i) => { i.Policies!.PasswordPolicy!.RequireLowercase = false; }) },
  { node: 'pool', path: 'passwordPolicy.temporaryPasswordValidityDays', change: () => changePool((i) => { i.Policies!.PasswordPolicy!.TemporaryPasswordValidityDays = 90; }) },
  { node: 'pool', path: 'mfa.mode', change: () => changePool((i) => { i.MfaConfiguration = 'OPTIONAL'; }) },
  { node: 'pool', path: 'selfSignUp', change: () => changePool((i) => { i.AdminCreateUserConfig = { AllowAdminCreateUserOnly: false }; }) },
  {
    node: 'pool', path: 'email.type', change: () => changePool((i) => {
      i.EmailConfiguration = { EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/mail.example.com', From: 'no-reply@mail.example.com' };
    }),
  },
  { node: 'pool', path: 'accountRecovery', change: () => changePool((i) => { i.AccountRecoverySetting = { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] }; }) },
  { node: 'pool', path: 'autoVerifiedAttributes', change: () => changePool((i) => { i.AutoVerifiedAttributes = []; }) },
  { node: 'pool', path: 'deletionProtection', change: () => changePool((i) => { i.DeletionProtection = 'INACTIVE'; }) },
  { node: 'pool', path: 'threatProtection', change: () => changePool((i) => { i.UserPoolAddOns = { AdvancedSecurityMode: 'AUDIT' }; }) },
  { node: 'pool', path: 'tier', change: () => changePool((i) => { i.UserPoolTier = 'ESSENTIALS'; i.UserPoolAddOns = undefined; }) },
  { node: 'pool', path: 'name', change: () => changePool((i) => { i.PoolName = 'renamed-outside'; }) },
  // The app client: every setting, sets compared whole (an added member is drift too).
  { node: 'client', path: 'name', change: () => changeClient((i) => { i.ClientName = 'renamed-outside'; }) },
  { node: 'client', path: 'authFlows', change: () => changeClient((i) => { i.ExplicitAuthFlows = [...(i.ExplicitAuthFlows ?? []), 'ALLOW_CUSTOM_AUTH']; }) },
  {
    node: 'client', path: 'supportedIdentityProviders', change: async () => {
      await cognito().send(new CreateIdentityProviderCommand({
        UserPoolId: out('pool', 'userPoolId'), ProviderName: 'Outside', ProviderType: 'OIDC',
        ProviderDetails: { client_id: 'x', client_secret: 'y', authorize_scopes: 'openid', oidc_issuer: 'https://issuer.example', attributes_request_method: 'GET' },
      }));
      await changeClient((i) => { i.SupportedIdentityProviders = [...(i.SupportedIdentityProviders ?? []), 'Outside']; });
    },
  },
  { node: 'client', path: 'preventUserExistenceErrors', change: () => changeClient((i) => { i.PreventUserExistenceErrors = 'LEGACY'; }) },
  { node: 'client', path: 'enableTokenRevocation', change: () => changeClient((i) => { i.EnableTokenRevocation = false; }) },
  { node: 'client', path: 'tokenValidity.accessTokenMinutes', change: () => changeClient((i) => { i.AccessTokenValidity = 1440; }) },
  { node: 'client', path: 'tokenValidity.idTokenMinutes', change: () => changeClient((i) => { i.IdTokenValidity = 1440; }) },
  { node: 'client', path: 'tokenValidity.refreshTokenDays', change: () => changeClient((i) => { i.RefreshTokenValidity = 3650; }) },
  { node: 'client', path: 'refreshTokenRotation', change: () => changeClient((i) => { i.RefreshTokenRotation = { Feature: 'ENABLED' }; }) },
  { node: 'client', path: 'oauth.enabled', change: () => changeClient((i) => { i.AllowedOAuthFlowsUserPoolClient = false; }) },
  { node: 'client', path: 'oauth.flows', change: () => changeClient((i) => { i.AllowedOAuthFlows = ['code', 'implicit']; }) },
  { node: 'client', path: 'oauth.scopes', change: () => changeClient((i) => { i.AllowedOAuthScopes = [...(i.AllowedOAuthScopes ?? []), 'aws.cognito.signin.user.admin']; }) },
  { node: 'client', path: 'oauth.callbackUrls', change: () => changeClient((i) => { i.CallbackURLs = [...(i.CallbackURLs ?? []), 'https://evil.example/cb']; }) },
  { node: 'client', path: 'oauth.logoutUrls', change: () => changeClient((i) => { i.LogoutURLs = [...(i.LogoutURLs ?? []), 'https://evil.example/bye']; }) },
  // The authorizer: everything UpdateAuthorizer patches.
  { node: 'authorizer', path: 'name', change: () => patchAuthorizer('replace', '/name', 'renamed-outside') },
  { node: 'authorizer', path: 'ttlSeconds', change: () => patchAuthorizer('replace', '/authorizerResultTtlInSeconds', '3600') },
  { node: 'authorizer', path: 'identityHeader', change: () => patchAuthorizer('replace', '/identitySource', 'method.request.header.X-Token') },
  {
    node: 'authorizer', path: 'providerARNs', change: async () => {
      const other = await cognito().send(new CreateUserPoolCommand({ PoolName: 'someone-elses' }));
      await patchAuthorizer('add', '/providerARNs', other.UserPool!.Arn!);
    },
  },
  // The Lambda permission: our statement as granted, and nothing beside it on our function.
  { node: 'permission', path: 'permission.sourceArn', change: () => replaceStatement({ SourceArn: `arn:aws:execute-api:${region}:123456789012:*` }) },
  { node: 'permission', path: 'permission.principal', change: () => replaceStatement({ Principal: 'events.amazonaws.com', SourceArn: undefined }) },
  { node: 'permission', path: 'permission.action', change: () => replaceStatement({ Action: 'lambda:*' }) },
  {
    node: 'permission', path: 'permission.otherStatements',
    change: () => lambda().send(new AddPermissionCommand({ FunctionName: out('function', 'functionName'), StatementId: 'public', Action: 'lambda:InvokeFunction', Principal: '*' })),
  },
  // The stage's settings: what UpdateStage patches.
  { node: 'stage-setting:tracing', path: 'tracing', change: () => patchStage('/tracingEnabled', 'false') },
  { node: 'stage-setting:throttle', path: 'throttle.rateLimit', change: () => patchStage('/*/*/throttling/rateLimit', '10000') },
  { node: 'stage-setting:throttle', path: 'throttle.burstLimit', change: () => patchStage('/*/*/throttling/burstLimit', '5000') },
  { node: 'stage-setting:access-log', path: 'accessLog.format', change: () => patchStage('/accessLogSettings/format', '$context.requestId') },
  { node: 'stage-setting:access-log', path: 'accessLog.destinationArn', change: () => patchStage('/accessLogSettings/destinationArn', 'arn:aws:logs:us-east-1:123456789012:log-group:elsewhere') },
  // The function's configuration.
  { node: 'function', path: 'memoryMb', change: () => changeFunction({ MemorySize: 1024 }) },
  { node: 'function', path: 'timeoutSeconds', change: () => changeFunction({ Timeout: 29 }) },
  { node: 'function', path: 'runtime', change: () => changeFunction({ Runtime: 'nodejs20.x' }) },
  { node: 'function', path: 'handler', change: () => changeFunction({ Handler: 'other.handler' }) },
  { node: 'function', path: 'description', change: () => changeFunction({ Description: 'changed outside' }) },
  { node: 'function', path: 'corsOrigin', change: () => changeFunction({ Environment: { Variables: { CORS_ORIGIN: 'https://evil.example' } } }) },
  {
    node: 'function', path: 'role', change: async () => {
      const role = await new IAMClient({ region, credentials }).send(new CreateRoleCommand({
        RoleName: 'someone-elses-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      }));
      await changeFunction({ Role: role.Role!.Arn });
    },
  },
];

beforeAll(async () => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0 });
  cwd = tempDir('secure-api-drift-table-');
  // Access logging needs API Gateway's CloudWatch role in the account (an administrator's setting, made once).
  await apigw().send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: 'arn:aws:iam::123456789012:role/APIGatewayPushToCloudWatchLogs' }] }));
  writeFileSync(join(cwd, 'drift.config.json'), JSON.stringify(CONFIG));
  const init = await runSecureApi(['init', '--yes', '--no-verify', '--config', join(cwd, 'drift.config.json')], { cwd, clock });
  expect(init.code, init.stderr).toBe(0);
  expect((await run('status')).code).toBe(0);
}, 60_000);
afterAll(() => fake?.restore());

describe('every setting a kind sets, changed outside: status names it, plan shows it, init puts it back', () => {
  it.each(ROWS.map((r) => [`${r.node} ${r.path}`, r] as const))('%s', async (_name, row) => {
    // Time passes between rows, as between a change in the console and a status: API Gateway's quota refills.
    clock.t += 60_000;
    await row.change();
    const st = await run('status', '--json');
    expect(st.code, st.stderr).toBe(3);
    const report = statusReportSchema.parse(JSON.parse(st.stdout));
    const res = report.resources.find((r) => r.id === row.node)!;
    expect(res.state).toBe('drifted');
    expect(res.drift.map((d) => d.path)).toContain(row.path);
    // status and plan agree: init repairs it (the fix says so), and plan shows the same path as drift to put back.
    expect(res.fix?.summary).toContain('secure-api init');
    const plan = await run('plan', '--json');
    const change = planJsonSchema.parse(JSON.parse(plan.stdout)).changes.find((c) => c.id === row.node)!;
    expect(change.action).toBe('update');
    expect(change.drift.map((d) => d.path)).toContain(row.path);
    const init = await run('init', '--yes', '--no-verify');
    expect(init.code, init.stderr).toBe(0);
    const after = await run('status', '--json');
    expect(after.code, after.stdout).toBe(0);
  });

  it('the manual fixes status prints beside init work too (authorizer, permission), applied as printed', async () => {
    clock.t += 60_000;
    const rows = ROWS.filter((r) => ['ttlSeconds', 'providerARNs', 'permission.otherStatements', 'permission.sourceArn'].includes(r.path));
    for (const r of rows) await r.change();
    const report = statusReportSchema.parse(JSON.parse((await run('status', '--json')).stdout));
    const commands = report.resources.filter((r) => r.id === 'authorizer' || r.id === 'permission').flatMap((r) => r.fix?.commands ?? []);
    expect(commands.length).toBeGreaterThan(2);
    clock.t += 60_000;
    for (const cmd of commands) await runAwsCli(cmd);
    const after = statusReportSchema.parse(JSON.parse((await run('status', '--json')).stdout));
    expect(after.resources.filter((r) => r.id === 'authorizer' || r.id === 'permission').map((r) => `${r.id}:${r.state}`)).toEqual(['authorizer:present', 'permission:present']);
    expect((await run('init', '--yes', '--no-verify')).code).toBe(0);
  });

  it('the function read back as configured: GetFunctionConfiguration agrees with the spec after the repairs', async () => {
    const conf = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: out('function', 'functionName') }));
    expect(conf.MemorySize).toBe(state().nodes.function!.spec && (state().nodes.function!.spec as { memoryMb: number }).memoryMb);
    const a = await apigw().send(new GetAuthorizerCommand({ restApiId: out('api', 'apiId'), authorizerId: out('authorizer', 'authorizerId') }));
    expect(a.providerARNs).toEqual([out('pool', 'userPoolArn')]);
  });
});
