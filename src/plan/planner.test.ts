import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { kindTraits } from '../engine/engine.js';
import { RESOURCE_KINDS } from '../resources/types.js';
import { buildPlan } from './build.js';
import type { ResourceKind } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';
import type { ChangeAction } from './changes.js';
import { fieldChanges } from './field-diff.js';
import { planChanges, type LiveRead } from './planner.js';
import type { AnyPlanNode, Plan } from './specs.js';

// The handlers' own traits, from the registry (never a restated table): a kind whose traits change is planned here as it is in a run.
const traits = kindTraits;

const n = (id: string, kind: ResourceKind, spec: Record<string, unknown>, deps: string[] = [], parent?: string): AnyPlanNode =>
  ({ id, kind, spec, deps, label: id, ...(parent ? { parent } : {}) }) as unknown as AnyPlanNode;
const rec = (node: AnyPlanNode, status: NodeRecord['status'] = 'created', spec: unknown = node.spec): NodeRecord =>
  ({ kind: node.kind, status, out: { id: node.id }, label: node.label, deps: node.deps, ...(node.parent ? { parent: node.parent } : {}), spec, updatedAt: '2026-01-01T00:00:00Z' });

const pool = n('pool', 'user-pool', { name: 'p', signInIdentifiers: ['email'], passwordPolicy: { minLength: 8 } });
const client = n('client', 'user-pool-client', { name: 'c', generateSecret: false }, ['pool'], 'pool');
const domain = n('domain', 'user-pool-domain', { domainPrefix: 'a' }, ['pool']);
const api = n('api', 'rest-api', { name: 'a' });
const authorizer = n('authorizer', 'authorizer', { ttlSeconds: 300 }, ['api', 'pool'], 'api');
const get = n('method:GET /items', 'api-method', { path: '/items', httpMethod: 'GET', authorizerNode: 'authorizer' }, ['api', 'authorizer'], 'api');
const deployment = n('deployment', 'deployment', { stageName: 'prod' }, ['api', 'method:GET /items'], 'api');
const all = [pool, client, domain, api, authorizer, get, deployment];
const recordedAll = Object.fromEntries(all.map((x) => [x.id, rec(x)]));

const withSpec = (node: AnyPlanNode, patch: Record<string, unknown>): AnyPlanNode => ({ ...node, spec: { ...(node.spec as object), ...patch } }) as AnyPlanNode;

interface Row {
  name: string;
  desired: AnyPlanNode[];
  recorded: Record<string, NodeRecord>;
  live?: Record<string, LiveRead>;
  want: Record<string, ChangeAction>;
}

const ROWS: Row[] = [
  { name: 'nothing recorded: every node is created', desired: all, recorded: {}, want: Object.fromEntries(all.map((x) => [x.id, 'create'])) },
  { name: 'same config, live as recorded: all no-op', desired: all, recorded: recordedAll, live: Object.fromEntries(all.map((x) => [x.id, { state: 'present' }])), want: Object.fromEntries(all.map((x) => [x.id, 'no-op'])) },
  { name: 'a mutable pool field: update in place, nothing else moves', desired: [withSpec(pool, { passwordPolicy: { minLength: 12 } }), ...all.slice(1)], recorded: recordedAll, want: { pool: 'update', client: 'no-op', domain: 'no-op', authorizer: 'no-op', deployment: 'no-op' } },
  { name: 'sign-in identifiers: the pool is replaced, its client and domain with it, the authorizer rewired, one redeploy', desired: [withSpec(pool, { signInIdentifiers: ['username'] }), ...all.slice(1)], recorded: recordedAll, want: { pool: 'replace', client: 'replace', domain: 'replace', authorizer: 'update', 'method:GET /items': 'no-op', deployment: 'update' } },
  { name: 'a new domain prefix replaces only the domain', desired: [pool, client, withSpec(domain, { domainPrefix: 'b' }), api, authorizer, get, deployment], recorded: recordedAll, want: { pool: 'no-op', client: 'no-op', domain: 'replace', deployment: 'no-op' } },
  { name: 'a method opened outside secure-api: updated back, and redeployed', desired: all, recorded: recordedAll, live: { [get.id]: { state: 'drifted', drift: [{ path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE' }] } }, want: { [get.id]: 'update', deployment: 'update', pool: 'no-op' } },
  { name: 'a resource deleted outside secure-api: created again', desired: all, recorded: recordedAll, live: { client: { state: 'missing' } }, want: { client: 'create', pool: 'no-op' } },
  { name: 'a route removed: its method is deleted and the API redeployed', desired: [pool, client, domain, api, authorizer, withSpec(deployment, {})], recorded: recordedAll, want: { [get.id]: 'delete', deployment: 'update' } },
  { name: 'journaled creating: create (looked up first)', desired: all, recorded: { ...recordedAll, client: rec(client, 'creating') }, want: { client: 'create' } },
  { name: 'journaled updating: the update is sent again', desired: all, recorded: { ...recordedAll, pool: rec(pool, 'updating') }, want: { pool: 'update' } },
  { name: 'journaled deleting, still wanted: replaced', desired: all, recorded: { ...recordedAll, domain: rec(domain, 'deleting') }, want: { domain: 'replace' } },
  { name: 'tags added to the API and the pool: both updated in place, and no deployment (tags are not served)', desired: [withSpec(pool, { tags: { team: 'x' } }), client, domain, withSpec(api, { tags: { team: 'x' } }), authorizer, get, deployment], recorded: recordedAll, want: { pool: 'update', api: 'update', client: 'no-op', deployment: 'no-op' } },
  { name: 'a tag of the API removed outside secure-api: put back, and no deployment', desired: all, recorded: recordedAll, live: { api: { state: 'drifted', drift: [{ path: 'tags.team', before: 'x', after: null }] } }, want: { api: 'update', deployment: 'no-op' } },
  { name: 'the API renamed and tagged: updated, and redeployed as before', desired: [...all.slice(0, 3), withSpec(api, { name: 'b', tags: { team: 'x' } }), ...all.slice(4)], recorded: recordedAll, want: { api: 'update', deployment: 'update' } },
  { name: 'a kind without update that changed: replaced', desired: [n('permission', 'lambda-permission', { statementId: 's', function: { arn: 'b' } })], recorded: { permission: rec(n('permission', 'lambda-permission', { statementId: 's', function: { arn: 'a' } })) }, want: { permission: 'replace' } },
];

describe('planChanges (terraform getAction over desired, recorded, live)', () => {
  it.each(ROWS)('$name', ({ desired, recorded, live, want }) => {
    const plan: Plan = { nodes: desired };
    const got = planChanges({ desired: plan, recorded, live: live && new Map(Object.entries(live)), traits });
    const actions = Object.fromEntries(got.changes.map((c) => [c.id, c.action]));
    for (const [id, action] of Object.entries(want)) expect(actions[id], id).toBe(action);
    for (const c of got.changes) expect(c.reason.length).toBeGreaterThan(0);
  });

  it('marks the field that forces the replacement', () => {
    const got = planChanges({ desired: { nodes: [withSpec(pool, { signInIdentifiers: ['username'] })] }, recorded: { pool: rec(pool) }, traits });
    expect(got.changes[0]!.fields).toEqual([{ path: 'signInIdentifiers', before: ['email'], after: ['username'], forcesReplace: true }]);
    expect(got.changes[0]!.reason).toContain('(requires replacement)');
  });
});

describe('the publisher (a node with the `publishes` trait, whatever its kind)', () => {
  // Someone's API secured in place: their stage is redeployed by a stage-redeploy node, not a 'deployment'.
  const theirApi = n('api', 'existing-rest-api', { apiId: 'a1' });
  const stage = n('stage', 'existing-stage', { stageName: 'prod' }, ['api'], 'api');
  const secured = (m: string) => n(`method:${m} /orders`, 'secured-method', { path: '/orders', httpMethod: m }, ['api', 'stage'], 'api');
  const redeploy = (ms: string[]) => n('deployment', 'stage-redeploy', { stageName: 'prod' }, ['api', 'stage', ...ms.map((m) => `method:${m} /orders`)], 'api');
  const recordedOne = Object.fromEntries([theirApi, stage, secured('GET'), redeploy(['GET'])].map((x) => [x.id, rec(x)]));
  const actions = (desired: AnyPlanNode[], live?: Record<string, LiveRead>) => Object.fromEntries(planChanges({
    desired: { nodes: desired }, recorded: recordedOne, live: live && new Map(Object.entries(live)), traits,
  }).changes.map((c) => [c.id, c.action]));

  it('a method secured on their API: the stage is redeployed once', () => {
    expect(actions([theirApi, stage, secured('GET'), secured('POST'), redeploy(['GET', 'POST'])])).toMatchObject({ 'method:POST /orders': 'create', deployment: 'update' });
  });
  it('a secured method dropped (put back as it was): the stage is redeployed', () => {
    expect(actions([theirApi, stage, redeploy([])])).toMatchObject({ 'method:GET /orders': 'delete', deployment: 'update' });
  });
  it('a secured method opened by hand: put back, and redeployed', () => {
    const drift = { state: 'drifted' as const, drift: [{ path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE' }] };
    expect(actions([theirApi, stage, secured('GET'), redeploy(['GET'])], { 'method:GET /orders': drift })).toMatchObject({ 'method:GET /orders': 'update', deployment: 'update' });
  });
  it('drift only a change of configuration settles (a method the owners opened): no update, the drift is kept for the reader', () => {
    const opened = { state: 'drifted' as const, drift: [{ path: 'served.openMethod', before: null, after: 'NONE' }] };
    const got = planChanges({ desired: { nodes: [theirApi, stage, secured('GET'), redeploy(['GET'])] }, recorded: recordedOne, live: new Map([['deployment', opened]]), traits });
    expect(got.changes.find((c) => c.id === 'deployment')).toMatchObject({ action: 'no-op', drift: opened.drift });
    // A secured method served open (the stage rolled back) is put back by a deployment.
    const served = { state: 'drifted' as const, drift: [...opened.drift, { path: 'served.authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE' }] };
    expect(actions([theirApi, stage, secured('GET'), redeploy(['GET'])], { deployment: served })).toMatchObject({ deployment: 'update' });
  });
  it('nothing under the API changed: no deployment', () => {
    expect(actions([theirApi, stage, secured('GET'), redeploy(['GET'])])).toMatchObject({ deployment: 'no-op' });
  });
});

describe('fieldChanges', () => {
  it('walks objects to their leaves, compares arrays whole, ignores key order', () => {
    expect(fieldChanges({ a: { b: 1, c: [1, 2] }, d: 'x' }, { d: 'x', a: { c: [1, 2], b: 2 } })).toEqual([{ path: 'a.b', before: 1, after: 2, forcesReplace: false }]);
    expect(fieldChanges({ a: [1, 2] }, { a: [2, 1] }, ['a'])).toEqual([{ path: 'a', before: [1, 2], after: [2, 1], forcesReplace: true }]);
    expect(fieldChanges({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
    // An optional object (the user's tags) that appears or goes is compared key by key, as if it were empty.
    expect(fieldChanges({ n: 1 }, { n: 1, tags: { team: 'x' } })).toEqual([{ path: 'tags.team', before: null, after: 'x', forcesReplace: false }]);
    expect(fieldChanges({ tags: { team: 'x', env: 'd' } }, {})).toEqual([
      { path: 'tags.env', before: 'd', after: null, forcesReplace: false }, { path: 'tags.team', before: 'x', after: null, forcesReplace: false },
    ]);
  });
});

/** Every kind, as the real plans make it: the default stack with an IdP and a custom scope, and one on an existing API and pool. */
const cfg = (input: Record<string, unknown>) => resolveConfig(input, { defaultRegion: 'us-east-1', suffix: () => 'abc123' });
const realNodes: AnyPlanNode[] = [
  // A custom scope brings a resource server (and a machine client).
  // A route restricted to a group brings the group (and the function's route groups).
  ...buildPlan(cfg({
    stack: 'demo', stage: { tracing: true, throttle: { rateLimit: 100, burstLimit: 200 } }, userPool: { identityProviders: [{ type: 'Google', clientId: 'google-client-id' }] }, authorizer: { scopes: ['orders/read'] },
    routes: [{ path: '/items', methods: ['GET'] }, { path: '/admin', methods: ['GET'], groups: ['admins'] }],
  })).nodes,
  ...buildPlan(cfg({
    stack: 'legacy', stage: { name: 'prod' }, routes: [{ path: '/orders', methods: ['GET'], integration: { type: 'mock' } }],
    existingApi: { id: 'a1b2c3d4e5', secure: [{ path: '/orders', methods: ['GET'] }], preflights: ['/orders'], gatewayResponses: ['DEFAULT_4XX'], reuseAuthorizer: true },
    existingPool: { id: 'us-east-1_AbC123', appClientId: 'abc123def', domain: false },
  })).nodes,
];
const firstOf = (kind: ResourceKind) => realNodes.find((x) => x.kind === kind);

/** A different value of the same shape. */
function changed(v: unknown): unknown {
  if (typeof v === 'string') return `${v}-changed`;
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) return [...v, 'added'];
  if (v && typeof v === 'object') return { ...v, added: 'x' };
  return 'set';
}

describe('every kind, with its handler\'s traits (issue 18.6)', () => {
  it('the real plans hold every resource kind (a new kind gets its rows here)', () => {
    expect(RESOURCE_KINDS.filter((k) => !firstOf(k))).toEqual([]);
  });

  const rows = RESOURCE_KINDS.flatMap((kind) => {
    const node = firstOf(kind);
    return node ? Object.keys(node.spec as object).map((field) => [kind, field, node] as const) : [];
  });
  it.each(rows)('%s: a change of %s is planned as its traits say (immutable → replace, else update in place, or replace without one)', (kind, field, node) => {
    const t = kindTraits(kind);
    const spec = node.spec as Record<string, unknown>;
    const want = { ...node, spec: { ...spec, [field]: changed(spec[field]) } } as AnyPlanNode;
    const got = planChanges({ desired: { nodes: [want] }, recorded: { [node.id]: rec(node) }, traits }).changes[0]!;
    const immutable = t.immutable.some((p) => p === field || p.startsWith(`${field}.`));
    expect(got.action).toBe(immutable || !t.updatable ? 'replace' : 'update');
    expect(got.fields.length, 'the change is named').toBeGreaterThan(0);
    expect(got.fields.every((f) => f.path === field || f.path.startsWith(`${field}.`) || f.path.startsWith(`${field}[`))).toBe(true);
    if (immutable) expect(got.fields.some((f) => f.forcesReplace)).toBe(true);
  });

  const publishers = realNodes.filter((x) => kindTraits(x.kind).publishes);
  it('publishers are the deployment of a new API and the stage redeploy of an existing one', () => {
    expect(publishers.map((x) => x.kind).sort()).toEqual(['deployment', 'stage-redeploy']);
  });
  it.each(publishers.map((p) => [p.kind, p] as const))('%s: a secured method opened outside secure-api is put back and published by exactly one new deployment', (_kind, publisher) => {
    const plan = publisher.kind === 'deployment' ? realNodes.slice(0, realNodes.indexOf(publisher) + 1) : realNodes.slice(realNodes.findIndex((x) => x.kind === 'existing-rest-api'));
    const method = plan.find((x) => x.parent === publisher.parent && (x.kind === 'api-method' || x.kind === 'secured-method'))!;
    const recorded = Object.fromEntries(plan.map((x) => [x.id, rec(x)]));
    const live = new Map<string, LiveRead>([[method.id, { state: 'drifted', drift: [{ path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE' }] }]]);
    const got = planChanges({ desired: { nodes: plan }, recorded, live, traits });
    const actions = Object.fromEntries(got.changes.map((c) => [c.id, c.action]));
    expect(actions[method.id]).toBe('update');
    expect(actions[publisher.id]).toBe('update');
    expect(got.changes.filter((c) => c.action !== 'no-op').map((c) => c.id).sort()).toEqual([method.id, publisher.id].sort());
    // Nothing changed: nothing to publish.
    const calm = planChanges({ desired: { nodes: plan }, recorded, live: new Map(), traits });
    expect(calm.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
  });
});
