/**
 * Day two: a live stack, with users in its pool, changed in place by `init` (each change planned first), then status
 * clean and verify passing; the pool and its users survive every change but a replacement that must be allowed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIGatewayClient, GetDeploymentsCommand, GetResourcesCommand, GetStageCommand, GetTagsCommand, TagResourceCommand, UpdateMethodCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { AdminCreateUserCommand, CognitoIdentityProviderClient, DescribeUserPoolClientCommand, DescribeUserPoolCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, IAMClient, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand, GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient, ListTagsCommand, UntagResourceCommand as UntagFunctionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState } from '../src/state/store.js';
import { planJsonSchema } from '../src/status/plan-schema.js';
import { statusReportSchema } from '../src/status/schema.js';
import { installAwsFake, type AwsFake } from './fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from './support/harness.js';
import { ScriptedPrompter } from './wizard/scripted-prompter.js';
import { expectNoDuplicates, expectStateMatchesFake } from './support/stack-checks.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
const MUTATING = /^(Create|Put|Add|Attach|Set|Update|Tag|Untag|Delete|Remove|Detach|Admin)/;
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const IDP_ENV = { SECURE_API_IDP_GOOGLE_SECRET: 'fake-google-secret-for-tests' };

beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
  cwd = tempDir();
});
afterEach(() => fake.restore());

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runSecureApi(argv, { cwd, clock, env });
const state = () => readState(join(cwd, '.secure-api', 'demo.json'))!;
const cognito = () => new CognitoIdentityProviderClient({ region: 'us-east-1' });
const poolId = () => state().nodes.pool!.out.userPoolId!;
const users = async () => (await cognito().send(new ListUsersCommand({ UserPoolId: poolId() }))).Users?.length ?? 0;
const writes = (from: number) => fake.calls.slice(from).filter((c) => MUTATING.test(c.command) && c.command !== 'AdminDeleteUser' && c.command !== 'AdminCreateUser' && c.command !== 'AdminSetUserPassword');
const deployments = (from: number) => fake.calls.slice(from).filter((c) => c.command === 'CreateDeployment').length;

const BASE = {
  stack: 'demo',
  routes: [
    { path: '/items', methods: ['GET', 'POST'] },
    { path: '/health', methods: ['GET'], public: true, integration: { type: 'mock' } },
  ],
};

function configFile(patch: Record<string, unknown>): string {
  const file = join(cwd, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ ...BASE, ...patch }));
  return file;
}

/** Someone else's function (an existing Lambda a route calls); the fake refuses the first attempts after CreateRole, as IAM propagation does. */
async function createExternalFunction(name: string): Promise<void> {
  const role = await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({ RoleName: `${name}-role`, AssumeRolePolicyDocument: TRUST }));
  const create = new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: role.Role?.Arn, Handler: 'index.handler', Code: { ZipFile: new Uint8Array([0x50, 0x4b, 3, 4]) },
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await new LambdaClient({ region: 'us-east-1' }).send(create);
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
    }
  }
}

async function createWithUser(): Promise<void> {
  expect((await run(['init', '--yes', '--no-verify', '--config', configFile({})])).code).toBe(0);
  await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId(), Username: 'alice@example.com', MessageAction: 'SUPPRESS' }));
  expect(await users()).toBe(1);
}

/** After a change: status clean, verify passing, a second plan empty, the pool and its user still there. */
async function expectHealthy(pool: string): Promise<void> {
  const status = await run(['status', '--stack', 'demo']);
  expect(status.code, status.stdout + status.stderr).toBe(0);
  const verify = await run(['verify', '--stack', 'demo']);
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  const plan = await run(['plan', '--stack', 'demo']);
  expect(plan.code, plan.stdout).toBe(0);
  expect(plan.stdout).toContain('No changes.');
  expect(poolId()).toBe(pool);
  expect(await users()).toBe(1);
  expectStateMatchesFake(state(), fake);
  expectNoDuplicates(fake);
}

/**
 * Someone else updates the stack's function; Lambda keeps that update InProgress for `reads` more reads (the fake
 * settles it after one read by default). Returns the function's name.
 */
async function updatedOutside(reads: number): Promise<string> {
  const name = state().nodes.function!.out.functionName!;
  await new LambdaClient({ region: 'us-east-1' }).send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'Sample backend of the secure-api stack demo' }));
  fake.state.lambda.functions[name]!.reads = -reads;
  return name;
}

describe('init on a live stack: every change in place, users kept', () => {
  it('a new stage description reaches the existing stage (UpdateStage), with one new deployment', async () => {
    await createWithUser();
    const pool = poolId();
    const from = fake.calls.length;
    const r = await run(['init', '--yes', '--no-verify', '--config', configFile({ stage: { name: 'dev', description: 'Team API, week 2' } })]);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(from)).toBe(1);
    expect(writes(from).map((c) => c.command)).toContain('UpdateStage');
    const stage = await new APIGatewayClient({ region: 'us-east-1' }).send(new GetStageCommand({ restApiId: state().nodes.api!.out.apiId!, stageName: 'dev' }));
    expect(stage.description).toBe('Team API, week 2');
    await expectHealthy(pool);
  });

  it('same configuration: "No changes." and no write call', async () => {
    await createWithUser();
    const from = fake.calls.length;
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No changes.');
    expect(writes(from).map((c) => c.command)).toEqual([]);
  });

  it('flags change only what they name; each change is applied in place, with exactly one new deployment when the API changed', async () => {
    await createWithUser();
    const pool = poolId();
    const apiId = state().nodes.api!.out.apiId!;

    // Password policy (UpdateUserPool with every recorded setting: nothing else resets).
    let from = fake.calls.length;
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--password-min-length', '12']);
    expect(r.code, r.stderr).toBe(0);
    const described = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: pool }))).UserPool;
    expect(described?.Policies?.PasswordPolicy?.MinimumLength).toBe(12);
    expect(described?.AdminCreateUserConfig?.AllowAdminCreateUserOnly).toBe(true);
    expect(described?.AccountRecoverySetting?.RecoveryMechanisms?.[0]?.Name).toBe('verified_email');
    expect(deployments(from)).toBe(0);
    expect(state().config.routes).toHaveLength(2);
    await expectHealthy(pool);

    // Routes: --route replaces the list; /health goes (resource, methods, preflight), /orders comes; one deployment.
    from = fake.calls.length;
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET,POST /items', '--route', 'GET /orders']);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(from)).toBe(1);
    // The test's own read, on the fake's clock: a second passes so API Gateway's quota (10/s) has a token for it.
    clock.t += 1000;
    const tree = (await new APIGatewayClient({ region: 'us-east-1' }).send(new GetResourcesCommand({ restApiId: apiId }))).items ?? [];
    expect(tree.map((t) => t.path).sort()).toEqual(['/', '/items', '/orders']);
    expect(Object.keys(state().nodes).filter((id) => id.includes('/health'))).toEqual([]);
    expect(state().history?.length).toBe(2);
    await expectHealthy(pool);

    // status says what changed and when, as plan does: the same line in text, `history` in --json.
    const text = await run(['status', '--stack', 'demo']);
    expect(text.stdout).toMatch(/Configuration last changed \S+ \(routes\)\./);
    const json = statusReportSchema.parse(JSON.parse((await run(['status', '--stack', 'demo', '--json'])).stdout));
    expect(json.history.map((h) => h.changed)).toEqual([['userPool'], ['routes']]);
    expect(json.history[1]!.replacedAt).toBe(state().history![1]!.replacedAt);

    // MFA optional with TOTP; self sign-up; the Lambda's memory and timeout; the CORS origin; callback URLs.
    from = fake.calls.length;
    const file = configFile({
      routes: [{ path: '/items', methods: ['GET', 'POST'] }, { path: '/orders', methods: ['GET'] }],
      userPool: { mfa: { mode: 'OPTIONAL', totp: true }, selfSignUp: true },
      function: { memoryMb: 256, timeoutSeconds: 20 },
      cors: { allowOrigin: 'https://app.example.com' },
      hostedUi: { callbackUrls: ['https://app.example.com/callback'], logoutUrls: ['https://app.example.com/'] },
    });
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--config', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(from)).toBe(1);
    const fn = await new LambdaClient({ region: 'us-east-1' }).send(new GetFunctionConfigurationCommand({ FunctionName: state().nodes.function!.out.functionName! }));
    expect([fn.MemorySize, fn.Timeout, fn.Environment?.Variables?.CORS_ORIGIN]).toEqual([256, 20, 'https://app.example.com']);
    const client = (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: state().nodes.client!.out.clientId }))).UserPoolClient;
    expect(client?.CallbackURLs).toEqual(['https://app.example.com/callback']);
    expect(client?.ExplicitAuthFlows).toEqual(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    const after = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: pool }))).UserPool;
    expect(after?.AdminCreateUserConfig?.AllowAdminCreateUserOnly).toBe(false);
    expect(after?.Policies?.PasswordPolicy?.MinimumLength).toBe(12);
    expect(after?.MfaConfiguration).toBe('OPTIONAL');
    await expectHealthy(pool);

    // The authorizer's header and TTL (UpdateAuthorizer), then a route made public (UpdateMethod).
    from = fake.calls.length;
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--identity-header', 'X-Token']);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.calls.slice(from).map((c) => c.command)).toContain('UpdateAuthorizer');
    expect(deployments(from)).toBe(1);
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--identity-header', 'Authorization', '--config',
      configFile({ routes: [{ path: '/items', methods: ['GET', 'POST'] }, { path: '/orders', methods: ['GET'], public: true }] })]);
    expect(r.code, r.stderr).toBe(0);
    await expectHealthy(pool);
  });

  it('a Google identity provider added then removed; a new domain prefix replaces only the domain', async () => {
    await createWithUser();
    const pool = poolId();
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--config', configFile({ userPool: { identityProviders: [{ type: 'Google', clientId: 'google-client-id' }] } })], IDP_ENV);
    expect(r.code, r.stderr).toBe(0);
    expect(state().nodes['idp:Google']?.status).toBe('created');
    await expectHealthy(pool);
    // Changing it needs its secret again (UpdateIdentityProvider replaces ProviderDetails whole): refused before any call without it.
    const from = fake.calls.length;
    const noSecret = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--config', configFile({ userPool: { identityProviders: [{ type: 'Google', clientId: 'google-client-id-2' }] } })]);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('SECURE_API_IDP_GOOGLE_SECRET');
    expect(fake.calls.length).toBe(from);
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--config', configFile({ userPool: { identityProviders: [{ type: 'Google', clientId: 'google-client-id-2' }] } })], IDP_ENV);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.calls.slice(from).map((c) => c.command)).toContain('UpdateIdentityProvider');
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--config', configFile({ userPool: { identityProviders: [] } })]);
    expect(r.code, r.stderr).toBe(0);
    expect(state().nodes['idp:Google']).toBeUndefined();
    const oldDomain = state().nodes.domain!.out.domain;
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--domain-prefix', 'demo-login-two']);
    expect(r.code, r.stderr).toBe(0);
    expect(state().nodes.domain!.out.domain).toBe('demo-login-two');
    expect(oldDomain).not.toBe('demo-login-two');
    await expectHealthy(pool);
  });

  it('a route that goes leaves no resource, method or Lambda permission behind', async () => {
    await createExternalFunction('ext-fn');
    const file = configFile({ routes: [{ path: '/items', methods: ['GET'] }, { path: '/ext', methods: ['GET'], integration: { type: 'lambda', arn: 'arn:aws:lambda:us-east-1:123456789012:function:ext-fn' } }] });
    const made = await run(['init', '--yes', '--no-verify', '--config', file]);
    expect(made.code, made.stderr).toBe(0);
    expect(state().nodes['permission:ext-fn GET /ext']?.status).toBe('created');
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items', '--route', 'GET /other']);
    expect(r.code, r.stderr).toBe(0);
    const apiId = state().nodes.api!.out.apiId!;
    const tree = (await new APIGatewayClient({ region: 'us-east-1' }).send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'] }))).items ?? [];
    expect(tree.map((t) => t.path).sort()).toEqual(['/', '/items', '/other']);
    expect(Object.keys(state().nodes).filter((id) => id.includes('/ext') || id.startsWith('permission:'))).toEqual([]);
    const policy = await new LambdaClient({ region: 'us-east-1' }).send(new GetPolicyCommand({ FunctionName: 'ext-fn' })).catch(() => ({ Policy: '{"Statement":[]}' }));
    expect((JSON.parse(policy.Policy ?? '{}') as { Statement: unknown[] }).Statement).toHaveLength(0);
  });
});

/** The live tags of the four tagged resources, as each service answers them. */
async function liveTags(): Promise<Record<'api' | 'pool' | 'function' | 'role', Record<string, string>>> {
  const s = state();
  // A pause, as a person reading would take: the runs before spent API Gateway's request budget (10/s, burst 40).
  await clock.sleep(5_000);
  const region = { region: 'us-east-1' };
  const api = (await new APIGatewayClient(region).send(new GetTagsCommand({ resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${s.nodes.api!.out.apiId!}` }))).tags ?? {};
  const pool = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: poolId() }))).UserPool?.UserPoolTags ?? {};
  const fn = (await new LambdaClient(region).send(new ListTagsCommand({ Resource: s.nodes.function!.out.functionArn! }))).Tags ?? {};
  const role = Object.fromEntries(((await new IAMClient(region).send(new ListRoleTagsCommand({ RoleName: s.nodes.role!.out.roleName! }))).Tags ?? [])
    .map((t) => [t.Key!, t.Value!]));
  return { api, pool, function: fn, role };
}

/** Every tagged resource carries exactly these user tags, plus secure-api's own two (and `extra`, where given). */
async function expectUserTags(want: Record<string, string>, extra: Partial<Record<'api' | 'pool' | 'function' | 'role', Record<string, string>>> = {}): Promise<void> {
  const s = state();
  const ours = { 'secure-api:stack': 'demo', 'secure-api:state-id': s.stateId };
  const live = await liveTags();
  for (const kind of ['api', 'pool', 'function', 'role'] as const) expect(live[kind], kind).toEqual({ ...want, ...ours, ...extra[kind] });
}

describe('tags on a live stack', () => {
  it('added, changed, then removed in place: the live tags follow, secure-api\'s own and someone else\'s stay, nothing is replaced or redeployed', async () => {
    await createWithUser();
    const pool = poolId();
    const ids = () => { const n = state().nodes; return [n.api!.out.apiId, n.function!.out.functionArn, n.role!.out.roleArn, n.pool!.out.userPoolId]; };
    const before = ids();
    // A tag someone else put on the API (a cost-allocation tag): not ours to remove.
    await new APIGatewayClient({ region: 'us-east-1' }).send(new TagResourceCommand({
      resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${state().nodes.api!.out.apiId!}`, tags: { 'cost-center': 'cc-42' },
    }));
    const foreign = { api: { 'cost-center': 'cc-42' } };

    // Added: the plan shows each tagged resource as an in-place update of its tags.
    let plan = await run(['plan', '--stack', 'demo', '--tag', 'team=payments', '--tag', 'env=dev']);
    expect(plan.code, plan.stdout).toBe(3);
    for (const label of ['REST API demo-api', 'user pool demo-users', 'IAM role demo-fn-role', 'function demo-fn', 'log group /aws/lambda/demo-fn']) expect(plan.stdout).toMatch(new RegExp(`~ +update in place +${label}.*\\(tags\\.env, tags\\.team changed\\)`));
    expect(plan.stdout).toContain('tags.team: (none) → "payments"');
    expect(plan.stdout).toContain('0 to add, 5 to change, 0 to replace, 0 to delete');
    let from = fake.calls.length;
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments', '--tag', 'env=dev']);
    expect(r.code, r.stderr).toBe(0);
    await expectUserTags({ team: 'payments', env: 'dev' }, foreign);
    // Tags are not served and reset nothing: no deployment, no UpdateUserPool, no UpdateFunctionConfiguration.
    expect(deployments(from)).toBe(0);
    const commands = writes(from).map((c) => c.command);
    expect(commands).not.toContain('UpdateUserPool');
    expect(commands).not.toContain('UpdateFunctionConfiguration');
    // The API, the pool, the function, its role and its log group.
    expect(commands.filter((c) => c === 'TagResource' || c === 'TagRole')).toHaveLength(5);
    expect(state().config.tags).toEqual({ team: 'payments', env: 'dev' });
    await expectHealthy(pool);

    // Changed and one removed: --tag given once is the whole list.
    from = fake.calls.length;
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=identity']);
    expect(r.code, r.stderr).toBe(0);
    await expectUserTags({ team: 'identity' }, foreign);
    expect(writes(from).filter((c) => c.command === 'UntagResource' || c.command === 'UntagRole').map((c) => (c.input as { tagKeys?: string[]; TagKeys?: string[] }).tagKeys ?? (c.input as { TagKeys?: string[] }).TagKeys))
      .toEqual([['env'], ['env'], ['env'], ['env'], ['env']]);
    await expectHealthy(pool);

    // Removed: `"tags": {}` in --config removes every user tag (tags are one value, never merged with the recorded ones).
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--config', configFile({ tags: {} })]);
    expect(r.code, r.stderr).toBe(0);
    await expectUserTags({}, foreign);
    expect(state().config.tags).toEqual({});
    expect(ids()).toEqual(before);
    await expectHealthy(pool);
  });

  it('a settings change beside a tag change: UpdateUserPool carries the live tags, someone else\'s included, so none is lost', async () => {
    await createWithUser();
    const pool = poolId();
    await cognito().send(new (await import('@aws-sdk/client-cognito-identity-provider')).TagResourceCommand({
      ResourceArn: state().nodes.pool!.out.userPoolArn!, Tags: { 'org:owner': 'platform-team' },
    }));
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--password-min-length', '12', '--tag', 'team=payments']);
    expect(r.code, r.stderr).toBe(0);
    const described = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: pool }))).UserPool;
    expect(described?.Policies?.PasswordPolicy?.MinimumLength).toBe(12);
    await expectUserTags({ team: 'payments' }, { pool: { 'org:owner': 'platform-team' } });
    await expectHealthy(pool);
  });

  it('a tag removed outside secure-api: status and plan show it (exit 3), init puts it back without a deployment', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--config', configFile({ tags: { team: 'payments' } })])).code).toBe(0);
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId(), Username: 'alice@example.com', MessageAction: 'SUPPRESS' }));
    await expectUserTags({ team: 'payments' });
    await new LambdaClient({ region: 'us-east-1' }).send(new UntagFunctionCommand({ Resource: state().nodes.function!.out.functionArn!, TagKeys: ['team'] }));
    const status = await run(['status', '--stack', 'demo']);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/tags\.team is unset, expected/);
    expect(status.stdout).toContain('Put its tags back (team).');
    expect(status.stdout).toMatch(/aws lambda tag-resource --resource \S+ --tags '\{"team":"payments"\}'/);
    expect(status.stdout).toContain('to repair (it shows the plan first)');
    const plan = await run(['plan', '--stack', 'demo']);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toMatch(/~ +update in place +function demo-fn/);
    await cognito().send(new (await import('@aws-sdk/client-cognito-identity-provider')).UntagResourceCommand({ ResourceArn: state().nodes.pool!.out.userPoolArn!, TagKeys: ['team'] }));
    const from = fake.calls.length;
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(from)).toBe(0);
    // Tags put back are tags alone: nothing else is sent again (no UpdateUserPool resetting settings, no config update).
    expect(writes(from).map((c) => c.command).sort()).toEqual(['TagResource', 'TagResource']);
    await expectUserTags({ team: 'payments' });
    await expectHealthy(poolId());
  });

  it('a tag update that fails is resumed by a plain init, which still removes the tag that went', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--config', configFile({ tags: { team: 'payments', env: 'dev' } })])).code).toBe(0);
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId(), Username: 'alice@example.com', MessageAction: 'SUPPRESS' }));
    fake.inject({ command: 'UntagResource', service: 'cognito', error: 'InvalidParameterException', message: 'Injected: the untag is refused' });
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments']);
    expect(r.code).toBe(1);
    expect(state().nodes.pool!.status).toBe('updating');
    fake.clearInjections();
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(state().nodes.pool!.status).toBe('created');
    await expectUserTags({ team: 'payments' });
    await expectHealthy(poolId());
  });

  it('a state written before tags were in the specs: no change planned, and a tag dropped in the next run is removed', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--config', configFile({ tags: { team: 'payments', env: 'dev' } })])).code).toBe(0);
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId(), Username: 'alice@example.com', MessageAction: 'SUPPRESS' }));
    // What state version 2 wrote: the resources carry the tags, their specs do not name them.
    const file = join(cwd, '.secure-api', 'demo.json');
    const old = JSON.parse(readFileSync(file, 'utf8')) as { version: number; nodes: Record<string, { spec: Record<string, unknown> }> };
    old.version = 2;
    for (const n of Object.values(old.nodes)) delete n.spec.tags;
    writeFileSync(file, JSON.stringify(old));
    const plan = await run(['plan', '--stack', 'demo']);
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments']);
    expect(r.code, r.stderr).toBe(0);
    await expectUserTags({ team: 'payments' });
    await expectHealthy(poolId());
  });

  it('a tag set by a run that failed, then dropped by the next run\'s configuration, is removed too', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--config', configFile({})])).code).toBe(0);
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId(), Username: 'alice@example.com', MessageAction: 'SUPPRESS' }));
    // The function's tags land, then its configuration update fails: the run stops with it still `updating`.
    fake.inject({ command: 'UpdateFunctionConfiguration', error: 'InvalidParameterValueException', message: 'Injected: the update is refused' });
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments', '--tag', 'env=dev', '--config', configFile({ function: { memoryMb: 256 } })]);
    expect(r.code).toBe(1);
    expect(state().nodes.function!.status).toBe('updating');
    fake.clearInjections();
    const plan = await run(['plan', '--stack', 'demo', '--tag', 'team=payments']);
    expect(plan.stdout).toMatch(/function demo-fn-\w+ +\(an interrupted run was updating it[^\n]*\n(.*\n)*? +tags\.env: "dev" → \(none\)/);
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments']);
    expect(r.code, r.stderr).toBe(0);
    await expectUserTags({ team: 'payments' });
    await expectHealthy(poolId());
  });

  it('a stack from state version 1 (its resources carry no state id): tag and setting changes do not stamp one on them', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--config', configFile({})])).code).toBe(0);
    const s0 = state();
    const region = { region: 'us-east-1' };
    const idTag = ['secure-api:state-id'];
    // As version 1 made it: only secure-api:stack on the resources, and a state without an id.
    await new APIGatewayClient(region).send(new (await import('@aws-sdk/client-api-gateway')).UntagResourceCommand({ resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${s0.nodes.api!.out.apiId!}`, tagKeys: idTag }));
    await cognito().send(new (await import('@aws-sdk/client-cognito-identity-provider')).UntagResourceCommand({ ResourceArn: s0.nodes.pool!.out.userPoolArn!, TagKeys: idTag }));
    await new LambdaClient(region).send(new UntagFunctionCommand({ Resource: s0.nodes.function!.out.functionArn!, TagKeys: idTag }));
    await new IAMClient(region).send(new (await import('@aws-sdk/client-iam')).UntagRoleCommand({ RoleName: s0.nodes.role!.out.roleName!, TagKeys: idTag }));
    const logs = await import('@aws-sdk/client-cloudwatch-logs');
    await new logs.CloudWatchLogsClient(region).send(new logs.UntagResourceCommand({ resourceArn: s0.nodes['function-logs']!.out.logGroupArn!, tagKeys: idTag }));
    const file = join(cwd, '.secure-api', 'demo.json');
    const v1 = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const k of ['stateId', 'history']) delete v1[k];
    writeFileSync(file, JSON.stringify({ ...v1, version: 1 }));
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments', '--config', configFile({ function: { memoryMb: 256 } })]);
    expect(r.code, r.stderr).toBe(0);
    const live = await liveTags();
    for (const kind of ['api', 'pool', 'function', 'role'] as const) expect(live[kind], kind).toEqual({ 'secure-api:stack': 'demo', team: 'payments' });
    expect(state().legacyTags).toBe(true);
    const plan = await run(['plan', '--stack', 'demo']);
    expect(plan.stdout).toContain('No changes.');
  });

  it('the function was just updated by someone else: init still tags it (Lambda refuses a tag while an update is in progress)', async () => {
    await createWithUser();
    // The update outlasts the plan's reads (one takes seconds on AWS): still InProgress when init comes to tag.
    await updatedOutside(5);
    const from = fake.calls.length;
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments']);
    expect(r.code, r.stderr).toBe(0);
    const lambdaCalls = fake.calls.slice(from).filter((c) => c.service === 'lambda').map((c) => c.command);
    // Waited (GetFunctionConfiguration until Successful), then tagged once: never refused, never retried.
    expect(lambdaCalls.filter((c) => c === 'TagResource')).toHaveLength(1);
    expect(lambdaCalls.lastIndexOf('GetFunctionConfiguration')).toBeLessThan(lambdaCalls.indexOf('TagResource'));
    await expectUserTags({ team: 'payments' });
    await expectHealthy(poolId());
  });

  it('an update by someone else that never settles: init stops after its bounded wait, saying so, and a later init goes on', async () => {
    await createWithUser();
    const name = await updatedOutside(1_000);
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Lambda function ${name} still has an update in progress after 60 s`);
    expect(r.stderr).toContain('Run `secure-api init` again once it has settled');
    expect(fake.calls.filter((c) => c.service === 'lambda' && c.command === 'TagResource')).toHaveLength(0);
    fake.state.lambda.functions[name]!.reads = 0;
    const again = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--tag', 'team=payments']);
    expect(again.code, again.stderr).toBe(0);
    await expectUserTags({ team: 'payments' });
    await expectHealthy(poolId());
  });

  it('a reserved or malformed tag is refused with exit 2 before any AWS call', async () => {
    await createWithUser();
    for (const [args, message] of [
      [['--tag', 'secure-api:stack=other'], /secure-api: prefix is secure-api's own/],
      [['--tag', 'aws:cloudformation:stack-name=x'], /aws: prefix is reserved by AWS/],
      [['--tag', 'team'], /must be KEY=VALUE/],
      [['--tag', 'team=a', '--tag', 'team=b'], /given twice/],
      [['--tag', 'bad#key=x'], /may hold only letters/],
    ] as const) {
      const from = fake.calls.length;
      const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(fake.calls.length).toBe(from);
    }
    const file = configFile({ tags: { 'secure-api:state-id': 'x' } });
    const r = await run(['init', '--yes', '--no-verify', '--config', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/secure-api: prefix/);
  });
});

describe('replacement, repair, and the plan as data', () => {
  it('new sign-in identifiers: refused with exit 2 before any AWS call; with --allow-replace the pool is replaced and its users are gone', async () => {
    await createWithUser();
    const pool = poolId();
    const from = fake.calls.length;
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--sign-in', 'username']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--allow-replace user-pool');
    expect(fake.calls.length).toBe(from);
    const plan = await run(['plan', '--stack', 'demo', '--sign-in', 'username', '--json']);
    expect(plan.code).toBe(3);
    const report = planJsonSchema.parse(JSON.parse(plan.stdout));
    expect(report.userPoolReplacement).toEqual({ users: 1 });
    expect(report.changes.find((c) => c.id === 'pool')).toMatchObject({ action: 'replace', fields: [{ path: 'signInIdentifiers', forcesReplace: true }] });
    const text = await run(['plan', '--stack', 'demo', '--sign-in', 'username']);
    expect(text.stdout).toContain('(requires replacement)');
    expect(text.stdout).toContain('its 1 user and their passwords are lost');
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--sign-in', 'username', '--allow-replace', 'user-pool']);
    expect(r.code, r.stderr).toBe(0);
    expect(poolId()).not.toBe(pool);
    expect(await users()).toBe(0);
    expect((await run(['status', '--stack', 'demo'])).code).toBe(0);
    expectNoDuplicates(fake);
  });

  it('only public routes left: the pool would be deleted with its users, so it is refused like a replacement (exit 2, no call)', async () => {
    await createWithUser();
    const pool = poolId();
    const from = fake.calls.length;
    // --public-route given alone replaces the recorded route list, and no secured route is left to need the pool.
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--public-route', 'GET /health']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('deletes the user pool');
    expect(r.stderr).toContain('--allow-replace user-pool');
    expect(fake.calls.length).toBe(from);
    const plan = await run(['plan', '--stack', 'demo', '--public-route', 'GET /health', '--json']);
    expect(plan.code).toBe(3);
    const report = planJsonSchema.parse(JSON.parse(plan.stdout));
    expect(report.changes.find((c) => c.id === 'pool')?.action).toBe('delete');
    expect(report.userPoolReplacement).toEqual({ users: 1 });
    const text = await run(['plan', '--stack', 'demo', '--public-route', 'GET /health']);
    expect(text.stdout).toContain('The pool is deleted: its 1 user and their passwords are lost.');
    expect(poolId()).toBe(pool);
    expect(await users()).toBe(1);
  });

  it('a method opened outside secure-api: plan shows the drift (exit 3), init puts it back and redeploys', async () => {
    await createWithUser();
    const s = state();
    const method = s.nodes['method:GET /items']!;
    await new APIGatewayClient({ region: 'us-east-1' }).send(new UpdateMethodCommand({
      restApiId: s.nodes.api!.out.apiId, resourceId: method.out.resourceId, httpMethod: 'GET',
      patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }],
    }));
    const plan = await run(['plan', '--stack', 'demo']);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('Changed outside secure-api');
    expect(plan.stdout).toMatch(/~ +update in place +method GET \/items/);
    // Someone reads the plan for a while: init's own save then stamps a later time than the state had, which must
    // not be mistaken for another run's write (that would throw away the live plan, and with it the repair).
    await clock.sleep(60_000);
    const from = fake.calls.length;
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(from)).toBe(1);
    await expectHealthy(poolId());
  });

  it('a canary release added to the stack\'s stage since: a change that deploys is refused (exit 2, STAGE_HAS_CANARY with the update-stage that removes it) before any write; removed, the change goes through', async () => {
    await createWithUser();
    const apigw = new APIGatewayClient({ region: 'us-east-1' });
    const restApiId = state().nodes.api!.out.apiId!;
    await clock.sleep(10_000); // API Gateway's control-plane quota refills (the fake counts on its clock)
    const serving = (await apigw.send(new GetStageCommand({ restApiId, stageName: 'dev' }))).deploymentId!;
    await apigw.send(new UpdateStageCommand({ restApiId, stageName: 'dev', patchOperations: [
      { op: 'replace', path: '/canarySettings/deploymentId', value: serving }, { op: 'replace', path: '/canarySettings/percentTraffic', value: '10' }] }));
    // A change that needs no deployment is not refused: the stage is not touched.
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo'])).code).toBe(0);
    const change = ['init', '--yes', '--no-verify', '--config', configFile({ stage: { name: 'dev', description: 'Team API, week 2' } })];
    for (const json of [[], ['--json']]) {
      const from = fake.calls.length;
      const r = await run([...change, ...json]);
      expect(r.code, r.stderr).toBe(2);
      expect(writes(from).map((c) => c.command)).toEqual([]);
      const said = json.length ? r.stdout : r.stderr;
      expect(said).toMatch(/stage dev of the stack's API \(\w+\) has a canary release \(10% of its requests go to deployment \w+\)/);
      expect(said).toContain(`aws apigateway update-stage --rest-api-id ${restApiId} --stage-name dev --patch-operations op=remove,path=/canarySettings`);
      if (json.length) expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'STAGE_HAS_CANARY' } });
    }
    await clock.sleep(10_000);
    await apigw.send(new UpdateStageCommand({ restApiId, stageName: 'dev', patchOperations: [{ op: 'remove', path: '/canarySettings' }] }));
    const from = fake.calls.length;
    expect((await run(change)).code).toBe(0);
    expect(deployments(from)).toBe(1);
  });

  it('another run changed the stack while this plan waited for its yes: refused (exit 1), nothing changed, the other run\'s change kept', async () => {
    await createWithUser();
    const file = join(cwd, '.secure-api', 'demo.json');
    // While the plan is on screen, a teammate's run changes the stack (here: its state, as that run would save it).
    const prompter = new (class extends ScriptedPrompter {
      override async confirm(q: { message: string; default?: boolean }): Promise<boolean> {
        if (/^Apply these changes/.test(q.message)) {
          const other = JSON.parse(readFileSync(file, 'utf8')) as { updatedAt: string; config: { stage: { description: string } } };
          other.config.stage.description = 'the teammate\'s';
          other.updatedAt = new Date(Date.parse(other.updatedAt) + 1_000).toISOString();
          writeFileSync(file, JSON.stringify(other));
        }
        return super.confirm(q);
      }
    })([['What should happen', { pick: 'Change this stack' }], [/^Apply these changes/, true]]);
    const theirs = () => readFileSync(file, 'utf8');
    const from = fake.calls.length;
    const r = await runSecureApi(['init', '--no-verify', '--stack', 'demo', '--password-min-length', '12'], { cwd, clock, tty: true, prompter });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('Stack demo was changed by another run since this plan was read');
    expect(r.stderr).toContain('Run `secure-api init --stack demo` again');
    expect(writes(from)).toEqual([]);
    expect((JSON.parse(theirs()) as { config: { stage: { description: string } } }).config.stage.description).toBe('the teammate\'s');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('a new deployment whose answer was lost: the next init takes the deployment the stage serves instead of making another', async () => {
    await createWithUser();
    const apis = () => new APIGatewayClient({ region: 'us-east-1' });
    const restApiId = state().nodes.api!.out.apiId!;
    // The test's own reads are not retried: let API Gateway's account quota refill first (the CLI's runs spend it).
    const deploymentsOfApi = async () => {
      clock.t += 10_000;
      return (await apis().send(new GetDeploymentsCommand({ restApiId }))).items ?? [];
    };
    const before = (await deploymentsOfApi()).length;
    // The call takes effect (the stage serves the new deployment), then the answer is lost, as on a timeout or a kill.
    fake.inject({ command: 'CreateDeployment', error: 'ServiceUnavailableException', afterCall: true });
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--config', configFile({ routes: [BASE.routes[0], { ...BASE.routes[1], public: false }] })]);
    expect(r.code).toBe(1);
    expect(state().nodes.deployment!.status).toBe('updating');
    const served = (await apis().send(new GetStageCommand({ restApiId, stageName: 'dev' }))).deploymentId;
    expect(served).not.toBe(state().nodes.deployment!.out.deploymentId);
    fake.clearInjections();
    const from = fake.calls.length;
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(from)).toBe(0);
    expect(state().nodes.deployment!.out.deploymentId).toBe(served);
    expect((await deploymentsOfApi()).length).toBe(before + 1);
    await expectHealthy(poolId());
  });

  it('a resumed deployment after another change to the API: a new deployment, since the one made before publishes too little', async () => {
    await createWithUser();
    fake.inject({ command: 'CreateDeployment', error: 'ServiceUnavailableException', afterCall: true });
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--stage-description', 'first'])).code).toBe(1);
    fake.clearInjections();
    // Meanwhile a method was opened outside secure-api: this run repairs it, so the stage needs a deployment made after.
    const restApiId = state().nodes.api!.out.apiId!;
    const items = (await new APIGatewayClient({ region: 'us-east-1' }).send(new GetResourcesCommand({ restApiId }))).items!.find((x) => x.path === '/items')!;
    await new APIGatewayClient({ region: 'us-east-1' }).send(new UpdateMethodCommand({
      restApiId, resourceId: items.id!, httpMethod: 'GET', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }],
    }));
    const from = fake.calls.length;
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(from)).toBe(1);
    await expectHealthy(poolId());
  });

  it('an update that fails is resumed by a plain init: nothing duplicated, then destroy removes everything', async () => {
    await createWithUser();
    fake.inject({ command: 'UpdateUserPoolClient', error: 'InvalidParameterException', message: 'Injected: the update is refused' });
    let r = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--password-min-length', '14', '--config', configFile({ hostedUi: { callbackUrls: ['https://app.example.com/cb'] } })]);
    expect(r.code).toBe(1);
    const client = state().nodes.client!;
    expect(client.status).toBe('updating');
    expect((client.pending as { oauth?: { callbackUrls?: string[] } }).oauth?.callbackUrls).toEqual(['https://app.example.com/cb']);
    fake.clearInjections();
    // Without the original flags: the recorded configuration (the one being applied) is the base.
    const plan = await run(['plan', '--stack', 'demo', '--json']);
    const report = planJsonSchema.parse(JSON.parse(plan.stdout));
    expect(report.changes.find((c) => c.id === 'client')).toMatchObject({ action: 'update', resumes: 'updating' });
    r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(state().nodes.client!.status).toBe('created');
    expect(state().nodes.client!.pending).toBeUndefined();
    await expectHealthy(poolId());
    expect((await run(['destroy', '--stack', 'demo', '--yes'])).code).toBe(0);
    expect(fake.resources().filter((x) => ['rest-api', 'user-pool', 'function', 'role', 'user-pool-domain'].includes(x.type))).toEqual([]);
  });
});
