/**
 * issue 25.1: the operator policy is least privilege, tested the way the IAM policy simulator would: the fake
 * authorizes every call against the caller's policy (test/fakes/iam-evaluate.ts, over the requests of
 * test/fakes/iam-requests.ts). A whole life of one stack (init with the proof, status, verify, users, token, a
 * change, destroy) runs under `secure-api policy --stack demo`; every one of those calls, aimed at another stack's
 * resources (or at resources secure-api never made, under the generic policy), is refused, but for the reads
 * WIDE_GRANTS names with their reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateUserPoolCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CreateRestApiCommand, APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { minimalPolicy, policyScopeOf, POLICY_TAGS, WIDE_GRANTS, type PolicyDocument } from '../../src/plan/operator-policy.js';
import { STACK_TAG, STATE_ID_TAG } from '../../src/resources/refs.js';
import type { StateFile } from '../../src/state/schema.js';
import { readState } from '../../src/state/store.js';
import type { FakeCall } from '../fakes/aws-fake.js';
import { evaluate, type IamPolicy } from '../fakes/iam-evaluate.js';
import { iamRequestsFor } from '../fakes/iam-requests.js';
import { makeBlogPool, makeLegacyApi } from '../existing/legacy-api.js';
import { scenario, STACK, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(() => s?.restore());

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const COMMON = ['--stack', STACK];
const INIT = ['init', '--yes', ...COMMON, '--domain-prefix', 'demo-login', '--route', 'GET /items', '--public-route', 'GET /health'];
const WIDE = new Set(WIDE_GRANTS.map((w) => w.sid));

/** Runs argv and expects exit 0 with nothing refused by the caller policy. */
async function ok(argv: string[], tty = false): Promise<void> {
  const r = await s!.run(argv, tty ? { tty, env: { CI: 'false' } } : {});
  expect({ code: r.code, denied: s!.fake.denied }, `${argv.join(' ')}: ${r.stderr.slice(-1500)}`).toEqual({ code: 0, denied: [] });
}

/** One stack's whole life under a policy that `scopeNow` gives for what the state holds at each step. */
async function wholeLife(scopeNow: () => PolicyDocument): Promise<{ calls: FakeCall[]; policy: PolicyDocument; state: StateFile }> {
  s!.fake.setCallerPolicy(scopeNow());
  await ok(INIT);
  s!.fake.setCallerPolicy(scopeNow());
  await ok(['status', ...COMMON]);
  await ok(['verify', ...COMMON]);
  // The function's log events (the proof ran it): FilterLogEvents on the stack's group.
  await ok(['logs', '--since', '1h', ...COMMON]);
  await ok(['users', 'add', 'bob@example.com', ...COMMON], true);
  await ok(['users', 'list', ...COMMON]);
  await ok(['users', 'remove', 'bob@example.com', ...COMMON]);
  // A change in place: a new route, and a tag on the API, the pool, the function and its role.
  await ok([...INIT, '--route', 'POST /items', '--tag', 'team=payments']);
  await ok(['status', ...COMMON]);
  const state = s!.state()!;
  const policy = scopeNow();
  const calls = [...s!.fake.calls];
  await ok(['destroy', '--yes', ...COMMON]);
  expect(s!.fake.resources().filter((r) => r.name.includes(STACK))).toEqual([]);
  return { calls: [...calls, ...s!.fake.calls.slice(calls.length)], policy, state };
}

/** The ids each kind of node records, demo's and the target's side by side, to aim demo's calls at the target. */
function idPairs(from: StateFile, to: Record<string, string>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const n of Object.values(from.nodes)) {
    for (const [k, v] of Object.entries(n.out)) if (to[`${n.kind}.${k}`] !== undefined && v) pairs.push([v, to[`${n.kind}.${k}`]!]);
  }
  pairs.push([from.stateId, to.stateId ?? 'someone-elses-state']);
  // Longest first, so an ARN is replaced whole before the name inside it.
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

/** Each call of the run, aimed at the target's resources: refused, unless a read WIDE_GRANTS names allows it. */
function aimedElsewhere(calls: FakeCall[], policy: IamPolicy, pairs: Array<[string, string]>, tagValue: string, creates = false): { wrong: string[]; refused: number } {
  const wrong: string[] = [];
  let refused = 0;
  for (const c of calls) {
    // A create makes a new resource (AWS refuses a taken role, function or log group name): no one else's is touched.
    if (creates && /^Create(RestApi|UserPool|Function|Role|LogGroup)$/.test(c.command)) continue;
    let text = JSON.stringify(c.input ?? {});
    for (const [a, b] of pairs) text = text.split(a).join(b);
    text = text.split(`"${STACK_TAG}":"${STACK}"`).join(`"${STACK_TAG}":"${tagValue}"`).split(`"Value":"${STACK}"`).join(`"Value":"${tagValue}"`);
    for (const req of iamRequestsFor(s!.fake.state, c.service, c.command, JSON.parse(text) as unknown, REGION)) {
      const { decision, sid } = evaluate(policy, req);
      if (decision === 'allow' && !WIDE.has(sid ?? '')) wrong.push(`${c.command}: ${req.action} on ${req.resource} allowed by ${sid}`);
      if (decision !== 'allow') refused++;
    }
  }
  return { wrong: [...new Set(wrong)], refused };
}

describe('IAM policy evaluation, as the fake models it (IAM User Guide: policy evaluation logic)', () => {
  const doc = (st: IamPolicy['Statement']): IamPolicy => ({ Version: '2012-10-17', Statement: st });
  const req = (action: string, resource: string, context: Record<string, string | string[]> = {}) => ({ action, resource, context });

  it('an explicit Deny overrides any Allow; nothing allowed is an implicit deny', () => {
    const p = doc([{ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }, { Effect: 'Deny', Action: 'lambda:DeleteFunction', Resource: '*' }]);
    expect(evaluate(p, req('lambda:DeleteFunction', 'arn:aws:lambda:us-east-1:1:function:f')).decision).toBe('explicit-deny');
    expect(evaluate(p, req('lambda:GetPolicy', 'arn:aws:lambda:us-east-1:1:function:f')).decision).toBe('allow');
    expect(evaluate(p, req('iam:GetRole', 'arn:aws:iam::1:role/r')).decision).toBe('implicit-deny');
  });

  it('actions match case-insensitively with wildcards; resources case-sensitively; an action on no resource needs "*"', () => {
    const p = doc([{ Effect: 'Allow', Action: 'Cognito-IDP:Describe*', Resource: 'arn:aws:cognito-idp:*:*:userpool/*' }]);
    expect(evaluate(p, req('cognito-idp:DescribeUserPool', 'arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_A')).decision).toBe('allow');
    expect(evaluate(p, req('cognito-idp:DescribeUserPool', 'arn:aws:cognito-idp:us-east-1:1:USERPOOL/us-east-1_A')).decision).toBe('implicit-deny');
    expect(evaluate(p, req('cognito-idp:DescribeUserPoolDomain', '*')).decision).toBe('implicit-deny');
  });

  it('a condition key absent from the request matches no positive operator, every negated one, Null true, and IfExists', () => {
    const allow = (Condition: NonNullable<IamPolicy['Statement'][number]['Condition']>) => doc([{ Effect: 'Allow', Action: '*', Resource: '*', Condition }]);
    const bare = req('lambda:GetPolicy', '*');
    expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/t': 'x' } }), bare).decision).toBe('implicit-deny');
    expect(evaluate(allow({ StringNotEquals: { 'aws:ResourceTag/t': 'x' } }), bare).decision).toBe('allow');
    expect(evaluate(allow({ Null: { 'aws:ResourceTag/t': 'false' } }), bare).decision).toBe('implicit-deny');
    expect(evaluate(allow({ Null: { 'aws:ResourceTag/t': 'true' } }), bare).decision).toBe('allow');
    expect(evaluate(allow({ StringEqualsIfExists: { 'aws:ResourceTag/t': 'x' } }), bare).decision).toBe('allow');
    // Key names are case-insensitive, values are not; values of one key are OR'ed, keys AND'ed.
    const tagged = req('lambda:GetPolicy', '*', { 'aws:resourcetag/T': 'x', 'lambda:Principal': 'apigateway.amazonaws.com' });
    expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/t': ['y', 'x'], 'lambda:Principal': 'apigateway.amazonaws.com' } }), tagged).decision).toBe('allow');
    expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/t': 'X' } }), tagged).decision).toBe('implicit-deny');
    expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/t': 'x', 'lambda:Principal': 'events.amazonaws.com' } }), tagged).decision).toBe('implicit-deny');
    // ForAllValues over a multivalued key (aws:TagKeys): every value must match.
    const keys = req('lambda:TagResource', '*', { 'aws:TagKeys': ['team', 'secure-api:stack'] });
    expect(evaluate(allow({ 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'secure-api:*' } }), keys).decision).toBe('implicit-deny');
    expect(evaluate(allow({ 'ForAnyValue:StringLike': { 'aws:TagKeys': 'secure-api:*' } }), keys).decision).toBe('allow');
  });
});

describe('`secure-api policy --stack demo`', () => {
  it('allows the whole life of demo: init with the proof, status, verify, users, a change, destroy', async () => {
    s = scenario();
    // Before demo has a state, the policy holds its tag value; once it has one, its ARNs too.
    const life = await wholeLife(() => minimalPolicy({ account: ACCOUNT, region: REGION, scope: s!.state() ? policyScopeOf(s!.state()!) : { stack: STACK } }));
    expect(life.calls.length).toBeGreaterThan(80);
    expect(JSON.stringify(life.policy)).toContain(`userpool/${life.state.nodes.pool!.out.userPoolId}`);
    expect(JSON.stringify(life.policy)).toContain(`/restapis/${life.state.nodes.api!.out.apiId}`);
  });

  it('refuses each of those calls on another stack\'s resources (and on its state\'s id), but for the named reads', async () => {
    s = scenario();
    // Another stack, "other", made by an administrator in the same account.
    expect((await s.run(['init', '--yes', '--no-verify', '--stack', 'other', '--domain-prefix', 'other-login', '--route', 'GET /items', '--public-route', 'GET /health'])).code).toBe(0);
    const otherState = readOther(s);
    const life = await wholeLife(() => minimalPolicy({ account: ACCOUNT, region: REGION, scope: s!.state() ? policyScopeOf(s!.state()!) : { stack: STACK } }));
    const to: Record<string, string> = { stateId: otherState.stateId };
    for (const n of Object.values(otherState.nodes)) for (const [k, v] of Object.entries(n.out)) to[`${n.kind}.${k}`] = v;
    const { wrong, refused } = aimedElsewhere(life.calls, life.policy, idPairs(life.state, to), 'other');
    expect(wrong).toEqual([]);
    expect(refused).toBeGreaterThan(60);
    // And demo's policy, run on other's state, stops at its first call to other's resources; nothing of other's is gone.
    const before = s.fake.resources().length;
    s.fake.setCallerPolicy(life.policy);
    const d = await s.run(['destroy', '--yes', '--stack', 'other']);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/not authorized|AccessDenied|permission/i);
    expect(s.fake.resources().length).toBe(before);
  });
});

describe('the generic `secure-api policy`', () => {
  it('allows the whole life of a stack, and refuses those calls on resources secure-api never made (but for the named reads)', async () => {
    s = scenario();
    const life = await wholeLife(() => minimalPolicy({ account: ACCOUNT, region: REGION }));
    // Someone else's API, pool, function and role (even one under /secure-api/), without secure-api's tags.
    s.fake.setCallerPolicy(undefined);
    const api = await new APIGatewayClient({ region: REGION }).send(new CreateRestApiCommand({ name: 'payments' }));
    const pool = await new CognitoIdentityProviderClient({ region: REGION }).send(new CreateUserPoolCommand({ PoolName: 'customers' }));
    const role = await new IAMClient({ region: REGION }).send(new CreateRoleCommand({
      RoleName: 'payments-role', Path: '/secure-api/', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }));
    const fn = await createFunctionEventually(role.Role!.Arn!);
    const to: Record<string, string> = {
      'rest-api.apiId': api.id!, 'user-pool.userPoolId': pool.UserPool!.Id!, 'user-pool.userPoolArn': pool.UserPool!.Arn!,
      'lambda-function.functionName': fn.FunctionName!, 'lambda-function.functionArn': fn.FunctionArn!,
      'iam-role.roleName': 'payments-role', 'iam-role.roleArn': role.Role!.Arn!,
    };
    const { wrong, refused } = aimedElsewhere(life.calls, life.policy, idPairs(life.state, to), 'demo', true);
    expect(wrong).toEqual([]);
    expect(refused).toBeGreaterThan(40);
  });

  it('lets Add/RemovePermission name API Gateway only, and user-admin actions only act on a secure-api pool', () => {
    const policy = minimalPolicy({ account: ACCOUNT, region: REGION });
    const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments`;
    const ask = (action: string, resource: string, context: Record<string, string>) => evaluate(policy, { action, resource, context }).decision;
    expect(ask('lambda:AddPermission', fn, { 'lambda:Principal': 'apigateway.amazonaws.com' })).toBe('allow');
    for (const principal of ['events.amazonaws.com', '*', '210987654321']) expect(ask('lambda:AddPermission', fn, { 'lambda:Principal': principal }), principal).toBe('implicit-deny');
    const pool = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/us-east-1_Prod`;
    for (const a of ['AdminSetUserPassword', 'AdminCreateUser', 'AdminDeleteUser', 'UpdateUserPool', 'UpdateUserPoolClient', 'DeleteUserPool', 'DescribeUserPoolClient']) {
      expect(ask(`cognito-idp:${a}`, pool, {}), a).toBe('implicit-deny');
      expect(ask(`cognito-idp:${a}`, pool, { [`aws:ResourceTag/${STACK_TAG}`]: 'demo', [`aws:ResourceTag/${STATE_ID_TAG}`]: 's1' }), a).toBe('allow');
    }
    expect(POLICY_TAGS).toEqual({ stack: STACK_TAG, stateId: STATE_ID_TAG });
  });
});

function readOther(sc: Scenario): StateFile {
  return readState(sc.statePath.replace(`${STACK}.json`, 'other.json'))!;
}

async function createFunctionEventually(roleArn: string): Promise<{ FunctionName?: string; FunctionArn?: string }> {
  const lambda = new LambdaClient({ region: REGION });
  for (let i = 0; ; i++) {
    try {
      return await lambda.send(new CreateFunctionCommand({ FunctionName: 'payments', Role: roleArn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) } }));
    } catch (e) {
      if (i > 5) throw e;
    }
  }
}

describe('an API and a pool of yours (init --api-id --user-pool-id): untagged, so named', () => {
  it('`policy --api-id --user-pool-id` allows securing them, verify, users and destroy; without them it refuses; another pool stays out', async () => {
    s = scenario();
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const init = ['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--secure', 'GET,POST /orders', '--user-pool-id', poolId];
    // The generic policy alone: their API and pool carry no secure-api tag, so the first write to them is refused.
    s.fake.setCallerPolicy(minimalPolicy({ account: ACCOUNT, region: REGION }));
    const refused = await s.run(init);
    expect(refused.code).toBe(1);
    expect(s.fake.denied.length).toBeGreaterThan(0);
    s.fake.denied.length = 0;
    const named = minimalPolicy({ account: ACCOUNT, region: REGION, scope: { existingApiIds: [apiId], existingUserPoolIds: [poolId] } });
    s.fake.setCallerPolicy(named);
    await ok(init);
    await ok(['verify', '--stack', 'legacy']);
    await ok(['users', 'list', '--stack', 'legacy']);
    // And with the stack's own policy, read beside its state: the same ids, from the state.
    const own = minimalPolicy({ account: ACCOUNT, region: REGION, scope: policyScopeOf(readState(s.statePath.replace(`${STACK}.json`, 'legacy.json'))!) });
    expect(JSON.stringify(own)).toContain(`userpool/${poolId}`);
    expect(JSON.stringify(own)).toContain(`/restapis/${apiId}/*`);
    s.fake.setCallerPolicy(own);
    await ok(['status', '--stack', 'legacy']);
    await ok(['destroy', '--yes', '--stack', 'legacy']);
    // Their pool never gets a delete, an update or a new tag from it; nor does another pool of theirs get anything.
    const other = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/us-east-1_Other`;
    for (const a of ['DeleteUserPool', 'UpdateUserPool', 'TagResource', 'SetUserPoolMfaConfig']) {
      expect(evaluate(named, { action: `cognito-idp:${a}`, resource: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${poolId}`, context: {} }).decision, a).toBe('implicit-deny');
    }
    // Their API itself is only read: DeleteRestApi / UpdateRestApi on it are refused, its resources below stay writable.
    const theirApi = `arn:aws:apigateway:${REGION}::/restapis/${apiId}`;
    for (const [policy, which] of [[named, 'named'], [own, 'own']] as const) {
      for (const v of ['DELETE', 'PATCH', 'PUT', 'POST']) {
        expect(evaluate(policy, { action: `apigateway:${v}`, resource: theirApi, context: {} }).decision, `${which} ${v}`).toBe('implicit-deny');
      }
      expect(evaluate(policy, { action: 'apigateway:GET', resource: theirApi, context: {} }).decision, `${which} GET`).toBe('allow');
      expect(evaluate(policy, { action: 'apigateway:POST', resource: `${theirApi}/deployments`, context: {} }).decision, `${which} deploy`).toBe('allow');
    }
    for (const a of ['AdminCreateUser', 'AdminSetUserPassword', 'CreateUserPoolClient']) {
      expect(evaluate(named, { action: `cognito-idp:${a}`, resource: other, context: {} }).decision, a).toBe('implicit-deny');
    }
  });

  it('custom scopes on a pool of yours: the resource server (and machine client) secure-api adds to it are allowed by `policy --user-pool-id`, and removed on destroy', async () => {
    s = scenario();
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    s.fake.setCallerPolicy(minimalPolicy({ account: ACCOUNT, region: REGION, scope: { existingApiIds: [apiId], existingUserPoolIds: [poolId] } }));
    await ok(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--secure', 'GET,POST /orders', '--user-pool-id', poolId, '--authorizer-scopes', 'orders/read']);
    const own = minimalPolicy({ account: ACCOUNT, region: REGION, scope: policyScopeOf(readState(s.statePath.replace(`${STACK}.json`, 'legacy.json'))!) });
    s.fake.setCallerPolicy(own);
    await ok(['status', '--stack', 'legacy']);
    await ok(['destroy', '--yes', '--stack', 'legacy']);
    expect(s.fake.denied).toEqual([]);
  });

  it('a route restricted to a group, on a pool of yours: the group secure-api adds to it is allowed by `policy --user-pool-id`', async () => {
    s = scenario();
    const poolId = await makeBlogPool();
    writeFileSync(join(s.cwd, 'groups.json'), JSON.stringify({ routes: [{ path: '/admin', methods: ['GET'], groups: ['admins'] }] }));
    s.fake.setCallerPolicy(minimalPolicy({ account: ACCOUNT, region: REGION, scope: { existingUserPoolIds: [poolId] } }));
    await ok(['init', '--yes', '--no-verify', '--stack', STACK, '--user-pool-id', poolId, '--config', 'groups.json']);
    await ok(['destroy', '--yes', '--stack', STACK]);
    expect(s.fake.denied).toEqual([]);
  });
});

describe('the generic policy\'s log-group grants: only the prefixes secure-api\'s groups live under (review: MEDIUM)', () => {
  const policy = minimalPolicy({ account: ACCOUNT, region: REGION }) as unknown as IamPolicy;
  const arn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
  const tagged = { [`aws:RequestTag/${STACK_TAG}`]: 'anything', 'aws:TagKeys': [STACK_TAG] };
  const carries = { [`aws:ResourceTag/${STACK_TAG}`]: 'anything' };
  const decide = (action: string, resource: string, context: Record<string, string | string[]>) => evaluate(policy, { action, resource, context }).decision;

  it.each(['/aws/lambda/secure-api-fn', '/aws/apigateway/shop-abc123/dev/access'])('%s: tagged, its retention set, deleted (the stack\'s own groups)', (name) => {
    expect(decide('logs:CreateLogGroup', arn(name), tagged)).toBe('allow');
    expect(decide('logs:TagResource', arn(name), tagged)).toBe('allow');
    expect(decide('logs:PutRetentionPolicy', `${arn(name)}:*`, carries)).toBe('allow');
    expect(decide('logs:DeleteLogGroup', `${arn(name)}:*`, carries)).toBe('allow');
  });

  it.each(['/aws/cloudtrail/x', 'aws-cloudtrail-logs-123456789012', '/vpc/flow-logs', 'RDSOSMetrics'])('%s: never tagged as secure-api\'s, never deleted or shortened, tags or not', (name) => {
    expect(decide('logs:TagResource', arn(name), tagged)).not.toBe('allow');
    expect(decide('logs:CreateLogGroup', arn(name), tagged)).not.toBe('allow');
    expect(decide('logs:PutRetentionPolicy', `${arn(name)}:*`, carries)).not.toBe('allow');
    expect(decide('logs:DeleteLogGroup', `${arn(name)}:*`, carries)).not.toBe('allow');
    expect(decide('logs:DeleteLogGroup', arn(name), carries)).not.toBe('allow');
  });

  it('the tag-on-create left wide is named in WIDE_GRANTS with its reason', () => {
    expect(WIDE_GRANTS.find((w) => w.sid === 'LogsCreateGroup')?.reason).toMatch(/\/aws\/lambda\/ or \/aws\/apigateway\//);
  });
});
