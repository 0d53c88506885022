/**
 * Issue 20, one reconciler: a change plan, destroy ("the plan with nothing desired") and the orphan sweep ("the plan
 * over records made from what was found") are run by one executor, on one work graph. Roles such as "deleted with its
 * parent" are read from the kind's handler: a kind changes its behaviour in its own file, nowhere else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { buildPlan } from '../plan/build.js';
import { planChanges } from '../plan/planner.js';
import { findOrphans } from '../orphans/find.js';
import { foundRecords, removeOrphans } from '../orphans/remove.js';
import { handlers } from '../resources/registry.js';
import type { StateWriter } from '../state/backend.js';
import { STATE_VERSION, type StateFile } from '../state/schema.js';
import { installAwsFake, type AwsFake } from '../../test/fakes/aws-fake.js';
import { testCtx, type TestCtx } from '../../test/support/resource-ctx.js';
import { apply, destroy, kindTraits, NOTHING } from './engine.js';
import type { EngineEvent } from './events.js';
import { workGraph } from './execute.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

/** A stack with every top-level kind the tag search finds (function + role, API, pool + client + hosted UI domain), and a stage setting on our stage. */
const plan = buildPlan(resolveConfig({ stack: 'demo', routes: [{ path: '/items', methods: ['GET', 'POST'] }], hostedUi: { enabled: true }, stage: { tracing: true } } as never,
  { defaultRegion: 'eu-west-1', suffix: () => 'abc123' }));

function memoryStore(): StateWriter {
  const at = '2026-01-01T00:00:00.000Z';
  const state: StateFile = { version: STATE_VERSION, stateId: 'x', stack: 'demo', region: 'eu-west-1', account: '123456789012', createdAt: at, updatedAt: at, complete: false, config: {}, nodes: {} };
  return { state, save: () => undefined };
}

/** A fresh fake holding the stack, made by the engine; the calls after it are the teardown's. */
async function madeStack(): Promise<{ ctx: TestCtx; store: StateWriter; events: EngineEvent[]; fake: AwsFake; from: number }> {
  fake?.restore();
  const f = installAwsFake({ region: 'eu-west-1' });
  fake = f;
  const ctx = testCtx();
  f.followClock({ now: ctx.now });
  const store = memoryStore();
  await apply(plan, { ctx, store, emit: () => undefined });
  expect(Object.keys(store.state.nodes).sort()).toEqual(plan.nodes.map((n) => n.id).sort());
  const events: EngineEvent[] = [];
  return { ctx, store, events, fake: f, from: f.calls.length };
}

/** The top-level node a node's parents lead to (a stage setting → the deployment → the API). */
const rootOf = (id: string): string => {
  const p = plan.nodes.find((n) => n.id === id)!.parent;
  return p === undefined ? id : rootOf(p);
};

const WRITES = /^(Create|Put|Add|Attach|Set|Update|Tag|Untag|Delete|Remove|Detach|Admin)/;
const writesSince = (f: AwsFake, from: number) => f.calls.slice(from).map((c) => c.command).filter((c) => WRITES.test(c));
const before = (calls: string[], a: string, b: string) => expect(calls.indexOf(a), `${a} before ${b}`).toBeLessThan(calls.indexOf(b));

describe('one executor for changes, destroy and the orphan sweep (issue 20)', () => {
  it('destroy, a change plan that wants nothing, and the orphan sweep make the same deletes, children going with their parents', async () => {
    const a = await madeStack();
    expect(await destroy({ ctx: a.ctx, store: a.store, emit: (e) => a.events.push(e) })).toEqual([]);
    const destroyed = writesSince(a.fake, a.from);
    expect(a.fake.resources()).toEqual([]);

    // The same records through init's path: a change plan computed by the planner with nothing desired.
    const b = await madeStack();
    const changes = planChanges({ desired: NOTHING, recorded: b.store.state.nodes, traits: kindTraits });
    expect(new Set(changes.changes.map((c) => c.action))).toEqual(new Set(['delete']));
    await apply(NOTHING, { ctx: b.ctx, store: b.store, emit: (e) => b.events.push(e) }, changes);
    const changed = writesSince(b.fake, b.from);
    expect(b.fake.resources()).toEqual([]);
    expect(b.store.state.nodes).toEqual({});

    // No state at all: what the tag search finds becomes records (each handler's fromFound).
    const c = await madeStack();
    const found = await findOrphans(c.ctx.clients, 'demo');
    expect(found.map((o) => o.kind).sort()).toEqual(['iam-role', 'lambda-function', 'log-group', 'rest-api', 'user-pool', 'user-pool-domain']);
    await removeOrphans(c.ctx, found, (e) => c.events.push(e));
    const swept = writesSince(c.fake, c.from);
    expect(c.fake.resources()).toEqual([]);

    // Only the top-level deletes (and the pool's deletion protection turned off): AWS removes an API's methods, a pool's clients, a function's permission with them.
    const top = ['DeleteRestApi', 'UpdateUserPool', 'DeleteUserPool', 'DeleteUserPoolDomain', 'DeleteFunction', 'DeleteLogGroup', 'DeleteRole', 'DetachRolePolicy'];
    for (const calls of [destroyed, changed, swept]) {
      expect([...calls].sort()).toEqual([...destroyed].sort());
      expect(new Set(calls)).toEqual(new Set(top));
      before(calls, 'DeleteUserPoolDomain', 'DeleteUserPool');
      before(calls, 'DeleteFunction', 'DeleteRole');
    }
    // The same steps and skips from the one executor: children reported removed with their parent in both runs on a state.
    const skips = (ev: EngineEvent[]) => ev.flatMap((e) => (e.type === 'node-skip' ? [`${e.id}: ${e.reason}`] : [])).sort();
    expect(skips(b.events)).toEqual(skips(a.events));
    const labelOf = (id: string) => plan.nodes.find((n) => n.id === id)!.label;
    expect(skips(a.events)).toEqual(plan.nodes.flatMap((n) => (n.parent ? [`${n.id}: removed with ${labelOf(rootOf(n.id))}`] : [])).sort());
    expect(skips(a.events)).toContain('stage-setting:tracing: removed with demo-api');
    const done = (ev: EngineEvent[]) => ev.flatMap((e) => (e.type === 'node-done' ? [`${e.kind} ${e.verb}`] : [])).sort();
    expect(done(b.events)).toEqual(done(a.events));
    expect(done(c.events)).toEqual(done(a.events));
  });

  it('"deleted with its parent" is the kind\'s trait: without it, a kind is deleted by its own call, and nothing else changes', async () => {
    const trait = handlers['api-method'].deletedWithParent;
    expect(trait).toBe(true);
    const { ctx, store, fake: f, from } = await madeStack();
    delete (handlers['api-method'] as { deletedWithParent?: true }).deletedWithParent;
    try {
      // The work graph of the destroy plan now has a step of its own for each method, before the API's.
      const { graph } = workGraph(NOTHING, planChanges({ desired: NOTHING, recorded: store.state.nodes, traits: kindTraits }), store.state.nodes);
      expect(graph.get('del:api')).toEqual(expect.arrayContaining(['del:method:GET /items', 'del:method:POST /items']));
      expect(graph.has('del:cors:/items')).toBe(false);
      await destroy({ ctx, store, emit: () => undefined });
    } finally {
      handlers['api-method'].deletedWithParent = trait;
    }
    const calls = writesSince(f, from);
    expect(calls.filter((c) => c === 'DeleteMethod')).toHaveLength(2);
    before(calls, 'DeleteMethod', 'DeleteRestApi');
    // The kinds that keep the trait still cost no call.
    expect(calls).not.toContain('DeleteAuthorizer');
    expect(calls).not.toContain('DeleteUserPoolClient');
    expect(calls).not.toContain('RemovePermission');
    expect(f.resources()).toEqual([]);
  });

  it('a change plan that deletes a parent removes its children with it (the API\'s methods cost no call)', async () => {
    const { ctx, store, fake: f, from } = await madeStack();
    // Keep only the pool's side: the API and everything under it, the function and its role go.
    const keep = { nodes: plan.nodes.filter((n) => ['pool', 'client', 'domain'].includes(n.id)) };
    const changes = planChanges({ desired: keep, recorded: store.state.nodes, traits: kindTraits });
    const events: EngineEvent[] = [];
    await apply(keep, { ctx, store, emit: (e) => events.push(e) }, changes);
    const calls = writesSince(f, from);
    expect(new Set(calls)).toEqual(new Set(['DeleteRestApi', 'DeleteFunction', 'DeleteLogGroup', 'DeleteRole', 'DetachRolePolicy']));
    expect(Object.keys(store.state.nodes).sort()).toEqual(['client', 'domain', 'pool']);
    expect(events.flatMap((e) => (e.type === 'node-skip' && e.reason === 'removed with demo-api' ? [e.id] : [])).sort())
      .toEqual(plan.nodes.filter((n) => n.parent !== undefined && rootOf(n.id) === 'api').map((n) => n.id).sort());
  });
});

describe('a route restricted to groups is published only once the function enforces them (review: HIGH)', () => {
  const groupsPlan = (routes: unknown[]) => buildPlan(resolveConfig({ stack: 'demo', routes } as never, { defaultRegion: 'eu-west-1', suffix: () => 'abc123' }));
  const items = { path: '/items', methods: ['GET'] };
  const admin = { path: '/admin', methods: ['GET'], groups: ['admins'] };
  const recordsOf = (p: typeof plan) => Object.fromEntries(p.nodes.map((x) => [x.id, {
    kind: x.kind, status: 'created' as const, out: { id: x.id }, label: x.label, deps: x.deps, ...(x.parent ? { parent: x.parent } : {}), spec: x.spec, updatedAt: '2026-01-01T00:00:00Z',
  }]));

  it('GET /admin with groups added to a live stack: the deployment waits for the function update (its route groups)', () => {
    const before = groupsPlan([items]);
    const after = groupsPlan([items, admin]);
    const recorded = recordsOf(before);
    const changes = planChanges({ desired: after, recorded, traits: kindTraits });
    const act = Object.fromEntries(changes.changes.map((c) => [c.id, c.action]));
    expect(act).toMatchObject({ function: 'update', 'method:GET /admin': 'create', deployment: 'update' });
    const { graph } = workGraph(after, changes, recorded);
    expect(graph.get('deployment')).toEqual(expect.arrayContaining(['function', 'method:GET /admin']));
  });

  it('the groups of an existing route changed: the deployment (when there is one) waits for the function too; with no groups anywhere it does not', () => {
    expect(groupsPlan([items, admin]).nodes.find((x) => x.id === 'deployment')!.deps).toContain('function');
    expect(groupsPlan([items, { ...admin, groups: undefined }]).nodes.find((x) => x.id === 'deployment')!.deps).not.toContain('function');
  });
});

describe('a root deleted with its children inherits their dependencies (review: LOW, the access log)', () => {
  const planOf = (input: Record<string, unknown>) => buildPlan(resolveConfig({ stack: 'demo', ...input } as never, { defaultRegion: 'eu-west-1', suffix: () => 'abc123' }));
  const recordsOf = (p: typeof plan) => Object.fromEntries(p.nodes.map((x) => [x.id, {
    kind: x.kind, status: 'created' as const, out: { id: x.id }, label: x.label, deps: x.deps, ...(x.parent ? { parent: x.parent } : {}), spec: x.spec, updatedAt: '2026-01-01T00:00:00Z',
  }]));
  const destroyGraph = (p: typeof plan) => {
    const recorded = recordsOf(p);
    return workGraph(NOTHING, planChanges({ desired: NOTHING, recorded, traits: kindTraits }), recorded).graph;
  };
  /** Whether the graph has a cycle (the scheduler could never finish it). */
  const cyclic = (g: Map<string, string[]>): boolean => {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (s: string): boolean => {
      if (state.get(s) === 'done') return false;
      if (state.get(s) === 'open') return true;
      state.set(s, 'open');
      const found = (g.get(s) ?? []).some(visit);
      state.set(s, 'done');
      return found;
    };
    return [...g.keys()].some(visit);
  };

  it('destroy: the access-log group goes after the API (its stage logs into it until the API is gone)', () => {
    const g = destroyGraph(planOf({ routes: [{ path: '/items', methods: ['GET'] }], stage: { accessLog: {} } }));
    expect(g.has('del:stage-setting:access-log')).toBe(false);
    expect(g.get('del:log-group:access')).toContain('del:api');
    expect(cyclic(g)).toBe(false);
  });

  it('two roots each inheriting an edge to the other (a deployment waiting for the function, the function\'s permission naming the API): either order, no cycle', () => {
    const g = destroyGraph(planOf({ routes: [{ path: '/items', methods: ['GET'] }, { path: '/admin', methods: ['GET'], groups: ['admins'] }], stage: { accessLog: {} } }));
    expect(cyclic(g)).toBe(false);
    expect(g.get('del:function')).not.toContain('del:api');
    expect(g.get('del:api')).not.toContain('del:function');
    expect(g.get('del:log-group:access')).toContain('del:api');
  });

  it('the orphan sweep: a found API goes before the found access-log groups, not before the function\'s', () => {
    const found = [
      { kind: 'rest-api' as const, id: 'a1b2c3d4e5', name: 'demo-api' },
      { kind: 'log-group' as const, id: '/aws/apigateway/demo-abc123/dev/access', name: '/aws/apigateway/demo-abc123/dev/access' },
      { kind: 'log-group' as const, id: '/aws/lambda/demo-fn', name: '/aws/lambda/demo-fn' },
    ];
    const recorded = foundRecords(found, '2026-01-01T00:00:00Z');
    expect(recorded['rest-api:a1b2c3d4e5']!.deps).toEqual(['log-group:/aws/apigateway/demo-abc123/dev/access']);
    const { graph } = workGraph(NOTHING, planChanges({ desired: NOTHING, recorded, traits: kindTraits }), recorded);
    expect(graph.get('del:log-group:/aws/apigateway/demo-abc123/dev/access')).toEqual(['del:rest-api:a1b2c3d4e5']);
    expect(graph.get('del:log-group:/aws/lambda/demo-fn')).toEqual([]);
  });
});
