import { Interrupted, UsageError } from '../errors.js';
import { toAwsFailure } from '../aws/errors.js';
import type { ChangePlan } from '../plan/changes.js';
import { planChanges, type KindTraits } from '../plan/planner.js';
import type { Plan } from '../plan/specs.js';
import { applyChanges } from './execute.js';
import { handlerFor } from '../resources/registry.js';
import { readCache, type Ctx, type Observed, type Out, type Outputs, type ResourceHandler } from '../resources/types.js';
import { destroyAgainHint, interruption, nodeFailure, outputsOf, saveAfterFailure, windDown } from './run-support.js';
import type { NodeRecord } from '../state/schema.js';
import type { StateWriter } from '../state/backend.js';
import type { EventSink, Verb } from './events.js';
import { idsUnknown, journal } from './journal.js';
import { ownershipCheck, type NotOursNode } from './ownership.js';
import { ownerText } from '../resources/refs.js';
import { runGraph } from './scheduler.js';

export interface EngineDeps {
  ctx: Ctx;
  store: StateWriter;
  emit: EventSink;
  signal?: AbortSignal | undefined;
}

const asHandler = (kind: NodeRecord['kind']) => handlerFor(kind) as ResourceHandler<unknown>;

/**
 * A secret only the environment can give (an IdP's client secret): without it, refuse before anything is made
 * rather than halfway through. init calls this before its first AWS call too.
 */
export function requireSecrets(plan: Plan, nodes: Record<string, NodeRecord>, secretOf: Ctx['secrets']['idpClientSecret']): void {
  const noSecret = plan.nodes.flatMap((n) => (n.kind === 'identity-provider' && nodes[n.id]?.status !== 'created'
    && !secretOf(n.spec.providerName, n.spec.clientSecretEnv) ? [n.spec] : []));
  if (noSecret.length) {
    throw new UsageError(noSecret.map((i) => `identity provider ${i.providerName} needs its client secret in the environment variable ${i.clientSecretEnv}, which is not set`).join('; '),
      `Set ${noSecret.map((i) => i.clientSecretEnv).join(' and ')} (from your secret store, not on the command line) and run \`secure-api init\` again. Secrets are never written to the state file.`, 'MISSING_SECRET');
  }
}

/** What each kind says about changes (its immutable fields, whether it updates in place), for the planner. */
export function kindTraits(kind: NodeRecord['kind']): KindTraits {
  const h = asHandler(kind);
  return { immutable: h.immutable, updatable: h.update !== undefined, publishes: h.publishes === true, unrepairable: h.unrepairable };
}

/**
 * Bring the stack to the plan: the planner decides each node's action from the desired spec, the recorded one and
 * (when given) the live reads; then one engine creates, updates and deletes. Without `changes`, only the state is
 * consulted: a new stack is created, an interrupted one resumed.
 */
export async function apply(plan: Plan, deps: EngineDeps, changes?: ChangePlan): Promise<Outputs> {
  requireSecrets(plan, deps.store.state.nodes, deps.ctx.secrets.idpClientSecret);
  const todo = changes ?? planChanges({ desired: plan, recorded: deps.store.state.nodes, traits: kindTraits });
  await applyChanges(plan, todo, deps);
  return outputsOf(deps.store.state.nodes);
}

/** The root a node is deleted with (its parent's parent…), when that root is itself in the state. */
function cascadeRoot(id: string, nodes: Record<string, NodeRecord>): string | undefined {
  let cur = nodes[id];
  let root: string | undefined;
  const seen = new Set<string>();
  // issue 12: an adopted parent (their API or pool) is never deleted, so its children are each undone on their own.
  while (cur?.parent && nodes[cur.parent] && nodes[cur.parent]!.owned !== 'adopted' && !seen.has(cur.parent)) {
    seen.add(cur.parent);
    root = cur.parent;
    cur = nodes[cur.parent];
  }
  return root;
}

/**
 * Delete everything the state names, newest first: a node goes only after every node that depends on it.
 * Children that AWS removes with their parent (an API's methods, a pool's clients) cost no call.
 */
export async function destroy({ ctx: runCtx, store, emit, signal }: EngineDeps): Promise<NotOursNode[]> {
  const { ctx, stop, schedulerSignal } = windDown(runCtx, signal);
  const nodes = store.state.nodes;
  const write = journal(store, ctx.now);
  const notOurs = ownershipCheck(ctx, nodes);
  const leftAlone: NotOursNode[] = [];
  const ids = Object.keys(nodes);
  const rootOf = new Map(ids.map((id) => [id, cascadeRoot(id, nodes)]));
  const roots = ids.filter((id) => rootOf.get(id) === undefined);
  // Root A must be deleted before root B when A depends on B (the domain before its pool, the function before
  // its role). Children's edges are not lifted: an API whose methods name a function, or a function whose
  // permission names the API, may go in either order, and lifting both would make a cycle.
  const mustWaitFor = new Map<string, Set<string>>(roots.map((r) => [r, new Set<string>()]));
  for (const from of roots) {
    for (const dep of nodes[from]!.deps) {
      if (!nodes[dep]) continue;
      const to = rootOf.get(dep) ?? dep;
      if (to !== from) mustWaitFor.get(to)!.add(from);
    }
  }
  const work = async (id: string): Promise<void> => {
    const r = nodes[id];
    if (!r) return;
    const h = asHandler(r.kind);
    const started = ctx.now();
    // issue 12: the user's own resources are put back (what we changed) or kept, never deleted.
    const verb: Verb = r.owned === 'adopted' ? (r.prior ? 'restore' : 'keep') : 'delete';
    emit({ type: 'node-start', id, kind: r.kind, label: r.label, verb });
    try {
      // issue 25.4: the live resource (or the one it lives in) must carry our tags; another stack's is left alone.
      const whose = idsUnknown(r) ? undefined : await notOurs(id);
      if (whose) {
        const gone = [id, ...ids.filter((c) => rootOf.get(c) === id && nodes[c])];
        for (const c of gone) {
          const cr = nodes[c]!;
          leftAlone.push({ id: c, kind: cr.kind, label: cr.label, ...whose });
          delete nodes[c];
          emit({ type: 'node-skip', id: c, kind: cr.kind, label: cr.label, reason: `left alone: not this stack's (${whose.whose})` });
        }
        await store.save();
        return;
      }
      // The run that made it died before recording its ids (or a destroy died before deleting it): look for it.
      const out: Out = idsUnknown(r) ? (await h.find(ctx, r.spec, outputsOf(nodes))) ?? {} : r.out;
      // What was found is journaled with `deleting` in one write: a kill before the delete leaves it named.
      await write(id, r, { status: 'deleting', out });
      // An adopted node's delete only puts back what we changed (handlers with `adopted`).
      if (Object.keys(out).length) await h.delete(ctx, r.spec, out, outputsOf(nodes), r.prior);
      const children = ids.filter((c) => rootOf.get(c) === id && nodes[c]);
      for (const c of children) {
        const cr = nodes[c]!;
        delete nodes[c];
        emit({ type: 'node-skip', id: c, kind: cr.kind, label: cr.label, reason: `removed with ${r.label}` });
      }
      delete nodes[id];
      await store.save();
      emit({ type: 'node-done', id, kind: r.kind, label: r.label, verb, out, ms: ctx.now() - started });
    } catch (err) {
      stop();
      const failure = signal?.aborted
        ? interruption(err, 'no new deletions were started', destroyAgainHint(ctx))
        : nodeFailure(err, `deleting ${r.kind} ${r.label}`, `The state is saved with what is left. Run \`secure-api destroy --stack ${ctx.stack}${ctx.reach ?? ''}\` again.`);
      // The first cause stays the error; a save that fails now is reported beside it.
      await saveAfterFailure(store, failure);
      emit({ type: 'node-fail', id, kind: r.kind, label: r.label, verb, message: failure.message });
      throw failure;
    }
  };
  await runGraph(roots, (id) => [...(mustWaitFor.get(id) ?? [])], work, {
    signal: schedulerSignal,
    onAbort: () => interruption(new Interrupted(), 'no new deletions were started', destroyAgainHint(ctx)),
  });
  return leftAlone;
}

export interface NodeStatus { id: string; kind: NodeRecord['kind']; label: string; status: NodeRecord['status']; out: Out; observed: Observed | { state: 'error'; message: string } }

/** Read every node of the state from AWS, all at once (the clients bound calls per service). */
export async function readAll({ ctx: runCtx, store, only }: {
  ctx: Ctx; store: Pick<StateWriter, 'state'>; signal?: AbortSignal | undefined;
  /** Read only the nodes whose handler this picks (verify reads the publishers: what each stage serves). */
  only?: ((h: ResourceHandler<unknown>) => boolean) | undefined;
}): Promise<NodeStatus[]> {
  const nodes = only
    ? Object.fromEntries(Object.entries(store.state.nodes).filter(([, r]) => only(asHandler(r.kind))))
    : store.state.nodes;
  const deps = outputsOf(store.state.nodes);
  // One read of each shared thing (the API's tree, its gateway responses) for the whole run.
  const ctx: Ctx = { ...runCtx, reads: runCtx.reads ?? readCache() };
  const notOurs = ownershipCheck(ctx, nodes);
  return Promise.all(Object.entries(nodes).map(async ([id, r]): Promise<NodeStatus> => {
    const base = { id, kind: r.kind, label: r.label, status: r.status, out: r.out };
    if (r.status !== 'created') return { ...base, observed: { state: 'error', message: `left ${r.status} by an interrupted run` } };
    try {
      // issue 25.4: a resource the state names that is not this stack's is reported as such (drift on `owner`),
      // never compared with this stack's spec; init and destroy leave it alone.
      const whose = await notOurs(id);
      if (whose) {
        const drift = [{ path: 'owner', before: ownerText(ctx.tags), after: whose.whose, context: { resource: whose.physical, in: whose.owner } }];
        return { ...base, observed: { state: 'drifted', drift, out: r.out } };
      }
      return { ...base, observed: await asHandler(r.kind).read(ctx, r.spec, r.out, deps) };
    } catch (err) {
      return { ...base, observed: { state: 'error', message: toAwsFailure(err, `reading ${r.kind} ${r.label}`).message } };
    }
  }));
}
