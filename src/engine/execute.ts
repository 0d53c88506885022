import { ExitCode, Interrupted, SecureApiError } from '../errors.js';
import type { ChangePlan, ResourceChange } from '../plan/changes.js';
import type { AnyPlanNode, Plan } from '../plan/specs.js';
import { anyHandler, handlerFor } from '../resources/registry.js';
import type { Ctx, Out } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';
import type { EngineDeps } from './engine.js';
import type { Verb } from './events.js';
import { interruption, nodeFailure, outputsOf, saveAfterFailure, windDown } from './run-support.js';
import { idsUnknown, journal } from './journal.js';
import { homeOf, NotThisStacks, ownershipCheck, type NotOursNode } from './ownership.js';
import { runGraph } from './scheduler.js';

const publishes = (kind: NodeRecord['kind']) => handlerFor(kind).publishes === true;
const DEL = 'del:';

/**
 * The node whose delete removes this one (its parent, or the parent's parent…), when that node is deleted too and
 * AWS deletes this kind with its parent (the `deletedWithParent` trait). An adopted parent (the user's API or pool,
 * issue 12) is never deleted, so its children are each undone on their own.
 */
export function removedWith(id: string, nodes: Record<string, NodeRecord>, goes: (id: string) => boolean): string | undefined {
  let root: string | undefined;
  const seen = new Set<string>();
  for (let cur = nodes[id]; cur?.parent !== undefined && handlerFor(cur.kind).deletedWithParent === true;) {
    const parent: string = cur.parent;
    const p = nodes[parent];
    if (!p || p.owned === 'adopted' || !goes(parent) || seen.has(parent)) break;
    seen.add(parent);
    root = parent;
    cur = p;
  }
  return root;
}

/**
 * The work graph of a change plan: one step per create or update (on the dependency edges), one `del:` step per
 * delete (on the reversed edges: a node goes after everything that depended on it is gone or no longer uses it),
 * both for a replace (the old one first). A node AWS deletes with its parent, when the parent goes too, has no step:
 * it goes in its root's (`removedWith`), and the root inherits the child's edges to what is deleted apart (but a pair
 * of roots each inheriting an edge to the other may go in either order: neither edge is kept). The deployment goes last among the API's steps, deletes included, so
 * a removed route is not served and exactly one deployment publishes everything.
 */
export function workGraph(desired: Plan, changes: ChangePlan, nodes: Record<string, NodeRecord>): { graph: Map<string, string[]>; rootOf: Map<string, string> } {
  const byId = new Map(changes.changes.map((c) => [c.id, c]));
  const wanted = new Map(desired.nodes.map((n) => [n.id, n]));
  const graph = new Map<string, string[]>();
  const isDeleted = (id: string) => ['delete', 'replace'].includes(byId.get(id)?.action ?? '');
  const hasStep = (id: string) => ['create', 'update', 'replace'].includes(byId.get(id)?.action ?? '');
  const rootOf = new Map<string, string>();
  for (const c of changes.changes) {
    const root = isDeleted(c.id) ? removedWith(c.id, nodes, isDeleted) : undefined;
    if (root !== undefined) rootOf.set(c.id, root);
  }
  /** The step that deletes a node: its own, or its root's. */
  const delStep = (id: string) => DEL + (rootOf.get(id) ?? id);
  const ownDelete = (id: string) => isDeleted(id) && !rootOf.has(id);
  for (const c of changes.changes) {
    if (ownDelete(c.id)) graph.set(DEL + c.id, []);
    if (hasStep(c.id)) {
      const n = wanted.get(c.id)!;
      graph.set(c.id, [...n.deps.filter(hasStep), ...(c.action === 'replace' ? [delStep(c.id)] : [])]);
    }
  }
  // A root deleted with its children inherits their dependencies on what is deleted apart (the API's stage logs to the
  // access-log group: the group goes after the API, else API Gateway may log into it again). Two roots that would each
  // wait for the other this way (an API whose deployment waits for a function, a function whose permission names the
  // API) may go in either order: such a pair of inherited edges is dropped, never made a cycle.
  const inherited: Array<[target: string, waiter: string]> = [];
  for (const [cId, root] of rootOf) {
    for (const d of new Set(nodes[cId]?.deps ?? [])) {
      if (!isDeleted(d) || !nodes[d] || delStep(d) === DEL + root) continue;
      inherited.push([delStep(d), DEL + root]);
    }
  }
  const isInherited = (target: string, waiter: string) => inherited.some(([t, w]) => t === target && w === waiter);
  for (const [yId, y] of Object.entries(nodes)) {
    if (rootOf.has(yId)) continue;
    for (const d of new Set(y.deps)) {
      if (!isDeleted(d) || !nodes[d]) continue;
      const target = delStep(d);
      if (target === DEL + yId) continue;
      if (ownDelete(yId)) graph.get(target)!.push(DEL + yId);
      // A pure delete waits until its dependents stop naming it (a method made public before its authorizer goes).
      else if (byId.get(d)?.action === 'delete' && byId.get(yId)?.action === 'update' && !publishes(y.kind)) graph.get(target)!.push(yId);
    }
  }
  for (const [target, waiter] of inherited) {
    const own = graph.get(waiter)?.includes(target) === true;
    if (!own && !isInherited(waiter, target)) graph.get(target)?.push(waiter);
  }
  // A publisher (a deployment) goes after every other step under its parent, so one deployment serves them all.
  const parentOf = (id: string) => wanted.get(id)?.parent ?? nodes[id]?.parent;
  for (const publisher of desired.nodes.filter((n) => publishes(n.kind) && graph.has(n.id))) {
    const under = [...graph.keys()].filter((s) => {
      const id = s.startsWith(DEL) ? s.slice(DEL.length) : s;
      return id !== publisher.id && publisher.parent !== undefined && (parentOf(id) === publisher.parent || id === publisher.parent);
    });
    graph.set(publisher.id, [...new Set([...graph.get(publisher.id)!, ...under])]);
  }
  for (const [s, waits] of graph) graph.set(s, [...new Set(waits)]);
  return { graph, rootOf };
}

/** How one kind of run speaks when it stops, and what it does with a node the state names that is not this stack's. */
export interface RunRules {
  /** What an interrupted run did not start ('no new resources were started'). */
  stopped: string;
  /** What to run after an interruption. */
  interruptHint: (ctx: Ctx) => string;
  /** What to run after a failed call. */
  failHint: (ctx: Ctx) => string;
  /**
   * A node to delete whose live resource is not this stack's (issue 25.4): 'refuse' stops the run (NOT_OURS, a
   * change); 'leave' drops it and what goes with it from the state and carries on (destroy: nothing is wanted).
   */
  notOurs: 'refuse' | 'leave';
  /** Nodes known to be ours already (found by both our tags): no tag read before their delete. */
  trusted?: readonly string[] | undefined;
}

/**
 * The one executor: a change plan's creates, updates and deletes on one graph, whatever made the plan (init's
 * change, destroy's "nothing desired", the orphan sweep's records made from what was found). Each step is
 * journaled before its call (`creating`, `updating` with the `pending` spec, `deleting`), so a run killed anywhere
 * is finished by the next one: a create is looked up before it is made again, an update is sent again (updates are
 * idempotent), a delete is repeated ("not found" is done). Returns the nodes left alone (`rules.notOurs: 'leave'`).
 */
export async function execute(desired: Plan, changes: ChangePlan, { ctx: runCtx, store, emit, signal }: EngineDeps, rules: RunRules): Promise<NotOursNode[]> {
  const { ctx, stop, schedulerSignal } = windDown(runCtx, signal);
  const wanted = new Map<string, AnyPlanNode>(desired.nodes.map((n) => [n.id, n]));
  const byId = new Map<string, ResourceChange>(changes.changes.map((c) => [c.id, c]));
  const nodes = store.state.nodes;
  const { graph, rootOf } = workGraph(desired, changes, nodes);
  const stamp = () => new Date(ctx.now()).toISOString();
  const write = journal(store, ctx.now);
  const notOurs = ownershipCheck(ctx, nodes);
  for (const id of rules.trusted ?? []) notOurs.trust(id);
  const leftAlone: NotOursNode[] = [];
  /** The nodes a root's delete removes with it (AWS deletes them with their parent). */
  const goesWith = (root: string) => [...rootOf].filter(([c, r]) => r === root && nodes[c]).map(([c]) => c);
  /** issue 25.4: refuse to change a resource (or one in a resource) that does not carry this stack's tags. */
  const mustBeOurs = async (id: string, r: { kind: NodeRecord['kind']; label: string }, what = 'changing'): Promise<void> => {
    const whose = await notOurs(id);
    if (whose) throw new NotThisStacks(ctx.stack, [{ id, kind: r.kind, label: r.label, ...whose }], `stopped before ${what} ${r.kind} ${r.label}`);
  };
  const record = (n: AnyPlanNode, status: NodeRecord['status'], out: Out, was?: NodeRecord): NodeRecord => ({
    kind: n.kind, status, out, label: n.label, deps: n.deps, ...(n.parent ? { parent: n.parent } : {}), spec: n.spec, updatedAt: stamp(),
    // The user's resources (issue 12: handlers marked `adopted`) are recorded adopted, with what we change on them
    // kept to put back; `prior` is never overwritten once recorded.
    ...(was?.owned ? { owned: was.owned } : handlerFor(n.kind).adopted ? { owned: 'adopted' as const } : {}),
    ...((was ?? nodes[n.id])?.prior ? { prior: (was ?? nodes[n.id])!.prior } : {}),
  });

  const fail = async (err: unknown, id: string, kind: NodeRecord['kind'], label: string, verb: Verb, what: string): Promise<never> => {
    stop();
    const failure = signal?.aborted
      ? interruption(err, rules.stopped, rules.interruptHint(ctx))
      : nodeFailure(err, what, rules.failHint(ctx));
    // The first cause stays the error; a save that fails now is reported beside it.
    await saveAfterFailure(store, failure);
    emit({ type: 'node-fail', id, kind, label, verb, message: failure.message });
    throw failure;
  };

  const create = async (n: AnyPlanNode): Promise<void> => {
    const h = anyHandler(n.kind);
    const existing = nodes[n.id];
    const started = ctx.now();
    // A resource of the user's that we only read is adopted, not created.
    let verb: Verb = h.adopted && !h.capturePrior ? 'adopt' : 'create';
    try {
      let out: Out | undefined;
      if (existing?.status === 'creating') {
        // Journaled `creating` by a run that stopped: the create call may have happened.
        emit({ type: 'node-start', id: n.id, kind: n.kind, label: n.label, verb: 'adopt' });
        out = await h.find(ctx, n.spec, outputsOf(nodes));
        if (out) verb = 'adopt';
      }
      if (!out) {
        // issue 25.4: nothing is made in a resource (an API, a pool) that is not this stack's.
        const home = homeOf(n, nodes);
        if (home !== undefined) await mustBeOurs(home, n, 'making');
        // What we are about to change on an adopted resource is read before the node is journaled (another node's
        // save must never write the record without it) and journaled before the change. Not yet changed (find said
        // so), the live value is still the prior one.
        const prior = h.capturePrior && !existing?.prior ? await h.capturePrior(ctx, n.spec, outputsOf(nodes)) : existing?.prior;
        if (existing?.status !== 'creating' || prior !== existing.prior) {
          const base = existing?.status === 'creating' ? existing : record(n, 'creating', {});
          await write(n.id, { ...base, ...(prior ? { prior } : {}) }, { status: 'creating' });
        }
        emit({ type: 'node-start', id: n.id, kind: n.kind, label: n.label, verb });
        out = await h.create(ctx, n.spec, outputsOf(nodes), nodes[n.id]?.prior);
      }
      await write(n.id, record(n, 'created', out, nodes[n.id]), { status: 'created', out });
      // Made by this run, or found by our tags (`find` adopts only what carries both): ours without another read.
      notOurs.trust(n.id);
      emit({ type: 'node-done', id: n.id, kind: n.kind, label: n.label, verb, out, ms: ctx.now() - started });
    } catch (err) {
      stop();
      // Find out whether anything was made before the failure, so the state says exactly what exists.
      // If the lookup itself fails we cannot know, so the node stays journaled `creating` for destroy to look again.
      let found: Out | undefined;
      let known = true;
      try {
        found = await h.find(ctx, n.spec, outputsOf(nodes));
      } catch {
        known = false;
      }
      if (found) nodes[n.id] = record(n, 'creating', found, nodes[n.id]);
      else if (known) delete nodes[n.id];
      else nodes[n.id] ??= record(n, 'creating', {});
      await fail(err, n.id, n.kind, n.label, verb, `${n.kind} ${n.label}`);
    }
  };

  const update = async (n: AnyPlanNode, c: ResourceChange): Promise<void> => {
    const h = anyHandler(n.kind);
    const r = nodes[n.id]!;
    const started = ctx.now();
    const resumed = r.status === 'updating' && (graph.get(n.id) ?? []).length === 0;
    emit({ type: 'node-start', id: n.id, kind: n.kind, label: n.label, verb: 'update' });
    try {
      if (!h.update) {
        throw new SecureApiError('PLAN_MISMATCH', `a ${n.kind} has no in-place update, but the plan updates ${n.label}`, {
          exitCode: ExitCode.aws, hint: `Nothing was sent for it. Run \`secure-api plan --stack ${ctx.stack}${ctx.reach ?? ''}\` again: a fresh plan replaces it.`,
        });
      }
      await mustBeOurs(n.id, r);
      await write(n.id, r, { status: 'updating', pending: n.spec });
      const out = await h.update(ctx, n.spec, r.out, outputsOf(nodes), c.fields, resumed);
      await write(n.id, record(n, 'created', out, r), { status: 'created', out });
      emit({ type: 'node-done', id: n.id, kind: n.kind, label: n.label, verb: 'update', out, ms: ctx.now() - started });
    } catch (err) {
      // Stays `updating` with its pending spec: the next init sends the update again.
      await fail(err, n.id, n.kind, n.label, 'update', `updating ${n.kind} ${n.label}`);
    }
  };

  const remove = async (id: string): Promise<void> => {
    const r = nodes[id];
    if (!r) return;
    const h = anyHandler(r.kind);
    const started = ctx.now();
    // An adopted node is never deleted: its delete only puts back what we changed (restore), or nothing (keep).
    const verb: Verb = r.owned === 'adopted' ? (r.prior ? 'restore' : 'keep') : 'delete';
    emit({ type: 'node-start', id, kind: r.kind, label: r.label, verb });
    try {
      // issue 25.4: the live resource (or the one it lives in) must carry our tags before anything is done to it.
      const whose = idsUnknown(r) ? undefined : await notOurs(id);
      if (whose && rules.notOurs === 'refuse') throw new NotThisStacks(ctx.stack, [{ id, kind: r.kind, label: r.label, ...whose }], `stopped before changing ${r.kind} ${r.label}`);
      if (whose) {
        // Another stack's is left alone, with what goes with it, and dropped from this stack's state.
        for (const c of [id, ...goesWith(id)]) {
          const cr = nodes[c]!;
          leftAlone.push({ id: c, kind: cr.kind, label: cr.label, ...whose });
          delete nodes[c];
          emit({ type: 'node-skip', id: c, kind: cr.kind, label: cr.label, reason: `left alone: not this stack's (${whose.whose})` });
        }
        await store.save();
        return;
      }
      // Ids not yet known (a run died before it recorded them): looked up, then journaled with `deleting` in one write.
      const out: Out = idsUnknown(r) ? (await h.find(ctx, r.spec, outputsOf(nodes))) ?? {} : r.out;
      await write(id, r, { status: 'deleting', out });
      if (Object.keys(out).length) await h.delete(ctx, r.spec, out, outputsOf(nodes), r.prior);
      // What AWS removed with it costs no call; its records go in the same save.
      for (const c of goesWith(id)) {
        const cr = nodes[c]!;
        delete nodes[c];
        emit({ type: 'node-skip', id: c, kind: cr.kind, label: cr.label, reason: `removed with ${r.label}` });
      }
      delete nodes[id];
      await store.save();
      emit({ type: 'node-done', id, kind: r.kind, label: r.label, verb, out, ms: ctx.now() - started });
    } catch (err) {
      await fail(err, id, r.kind, r.label, verb, `deleting ${r.kind} ${r.label}`);
    }
  };

  const work = async (step: string): Promise<void> => {
    if (step.startsWith(DEL)) return remove(step.slice(DEL.length));
    const c = byId.get(step)!;
    const n = wanted.get(step)!;
    if (c.action === 'update') return update(n, c);
    // A node deleted outside secure-api (recorded `created`, found missing): forget it, then make it again.
    if (nodes[step]?.status === 'created') delete nodes[step];
    return create(n);
  };

  for (const c of changes.changes) {
    if (c.action === 'no-op' && wanted.has(c.id)) emit({ type: 'node-skip', id: c.id, kind: c.kind, label: c.label, reason: 'exists' });
  }
  await runGraph([...graph.keys()], (s) => graph.get(s) ?? [], work, {
    signal: schedulerSignal,
    onAbort: () => interruption(new Interrupted(), rules.stopped, rules.interruptHint(ctx)),
  });
  return leftAlone;
}
