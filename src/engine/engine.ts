import { Interrupted, UsageError } from '../errors.js';
import { toAwsFailure } from '../aws/errors.js';
import type { AnyPlanNode, Plan } from '../plan/specs.js';
import { handlerFor } from '../resources/registry.js';
import { readCache, type Ctx, type Observed, type Out, type Outputs, type ResourceHandler } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';
import type { StateStore } from '../state/store.js';
import type { EventSink, Verb } from './events.js';
import { runGraph } from './scheduler.js';

export interface EngineDeps {
  ctx: Ctx;
  store: StateStore;
  emit: EventSink;
  signal?: AbortSignal | undefined;
}

const resumeHint = (stack: string) =>
  `The state is saved. Re-run the same \`secure-api init\` to resume, or \`secure-api destroy --stack ${stack}\` to remove what was made.`;
const destroyAgainHint = (stack: string) => `Run \`secure-api destroy --stack ${stack}\` again to finish.`;

/**
 * After Ctrl-C every failure is the interruption (exit 130, with the hint), whatever the call in flight threw:
 * a retry sleep cut short throws a bare Interrupted, and a call that failed meanwhile is named in the message.
 */
function interruption(err: unknown, what: string, hint: string): Interrupted {
  const also = err instanceof Interrupted ? '' : ` (a call in flight failed meanwhile: ${err instanceof Error ? err.message : String(err)})`;
  return new Interrupted(`Interrupted: ${what}; the state is saved.${also}`, hint);
}

/**
 * After the first failure a run only winds down: the nodes in flight finish, but no call is retried and no wait
 * begins (each call still gets its attempt), so the error shows within one retry budget, however many calls were
 * queued behind the per-service limiter.
 */
function windDown(ctx: Ctx, signal: AbortSignal | undefined): { ctx: Ctx; stop: () => void; schedulerSignal: AbortSignal } {
  let stopped = false;
  // The scheduler must stop starting nodes the moment a node fails, not once that node has looked up what it left.
  const failed = new AbortController();
  return {
    ctx: { ...ctx, sleep: (ms) => (stopped ? Promise.reject(new Interrupted('Stopped waiting: another resource of this run failed.')) : ctx.sleep(ms)) },
    stop: () => {
      stopped = true;
      ctx.clients.stopRetrying?.();
      failed.abort();
    },
    schedulerSignal: signal ? AbortSignal.any([signal, failed.signal]) : failed.signal,
  };
}

function outputsOf(nodes: Record<string, NodeRecord>): Outputs {
  const o: Outputs = {};
  for (const [id, r] of Object.entries(nodes)) o[id] = r.out;
  return o;
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

/** Create every node of the plan that the state does not hold yet; adopt those left `creating`. */
export async function apply(plan: Plan, { ctx: runCtx, store, emit, signal }: EngineDeps): Promise<Outputs> {
  const { ctx, stop, schedulerSignal } = windDown(runCtx, signal);
  const byId = new Map<string, AnyPlanNode>(plan.nodes.map((n) => [n.id, n]));
  const nodes = store.state.nodes;
  requireSecrets(plan, nodes, ctx.secrets.idpClientSecret);
  const stamp = () => new Date(ctx.now()).toISOString();
  const record = (n: AnyPlanNode, status: NodeRecord['status'], out: Out): NodeRecord => ({
    kind: n.kind, status, out, label: n.label, deps: n.deps, ...(n.parent ? { parent: n.parent } : {}), spec: n.spec, updatedAt: stamp(),
    // issue 12: the user's resources are adopted, with what we change on them kept to put back.
    ...(handlerFor(n.kind).adopted ? { owned: 'adopted' as const } : {}), ...(nodes[n.id]?.prior ? { prior: nodes[n.id]!.prior } : {}),
  });

  const work = async (id: string): Promise<void> => {
    const n = byId.get(id)!;
    const existing = nodes[id];
    if (existing?.status === 'created') {
      emit({ type: 'node-skip', id, kind: n.kind, label: n.label, reason: 'exists' });
      return;
    }
    const h = asHandler(n.kind);
    const deps = outputsOf(nodes);
    const started = ctx.now();
    // A resource of the user's that we only read is adopted, not created.
    let verb: Verb = h.adopted && !h.capturePrior ? 'adopt' : 'create';
    try {
      let out: Out | undefined;
      if (existing) {
        // Journaled `creating` by a run that stopped: the create call may have happened.
        emit({ type: 'node-start', id, kind: n.kind, label: n.label, verb: 'adopt' });
        out = await h.find(ctx, n.spec, deps);
        if (out) verb = 'adopt';
      }
      if (!out) {
        // issue 12: what we are about to change on an adopted resource, read before the node is journaled (another
        // node's save must never write the record without it) and journaled before the change. Not yet changed (find
        // said so), the live value is still the prior one.
        const prior = h.capturePrior && !existing?.prior ? await h.capturePrior(ctx, n.spec, deps) : existing?.prior;
        if (!existing || prior !== existing.prior) {
          nodes[id] = { ...(existing ?? record(n, 'creating', {})), ...(prior ? { prior } : {}) };
          store.save();
        }
        emit({ type: 'node-start', id, kind: n.kind, label: n.label, verb });
        out = await h.create(ctx, n.spec, deps, nodes[id]?.prior);
      }
      nodes[id] = record(n, 'created', out);
      store.save();
      emit({ type: 'node-done', id, kind: n.kind, label: n.label, verb, out, ms: ctx.now() - started });
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
      if (found) nodes[id] = record(n, 'creating', found);
      else if (known) delete nodes[id];
      else nodes[id] ??= record(n, 'creating', {});
      store.save();
      const failure = signal?.aborted
        ? interruption(err, 'no new resources were started', resumeHint(ctx.stack))
        : toAwsFailure(err, `${n.kind} ${n.label}`, resumeHint(ctx.stack));
      emit({ type: 'node-fail', id, kind: n.kind, label: n.label, verb, message: failure.message });
      throw failure;
    }
  };

  await runGraph(plan.nodes.map((n) => n.id), (id) => byId.get(id)?.deps ?? [], work, {
    signal: schedulerSignal,
    onAbort: () => interruption(new Interrupted(), 'no new resources were started', resumeHint(ctx.stack)),
  });
  return outputsOf(nodes);
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
export async function destroy({ ctx: runCtx, store, emit, signal }: EngineDeps): Promise<void> {
  const { ctx, stop, schedulerSignal } = windDown(runCtx, signal);
  const nodes = store.state.nodes;
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
      let out: Out | undefined = r.out;
      if (r.status === 'creating' && Object.keys(out).length === 0) {
        // The run that made it died before recording its ids: look for it.
        out = await h.find(ctx, r.spec, outputsOf(nodes));
      }
      r.status = 'deleting';
      store.save();
      // An adopted node's delete only puts back what we changed (handlers with `adopted`).
      if (out && Object.keys(out).length) await h.delete(ctx, r.spec, out, outputsOf(nodes), r.prior);
      const children = ids.filter((c) => rootOf.get(c) === id && nodes[c]);
      for (const c of children) {
        const cr = nodes[c]!;
        delete nodes[c];
        emit({ type: 'node-skip', id: c, kind: cr.kind, label: cr.label, reason: `removed with ${r.label}` });
      }
      delete nodes[id];
      store.save();
      emit({ type: 'node-done', id, kind: r.kind, label: r.label, verb, out: out ?? {}, ms: ctx.now() - started });
    } catch (err) {
      stop();
      store.save();
      const failure = signal?.aborted
        ? interruption(err, 'no new deletions were started', destroyAgainHint(ctx.stack))
        : toAwsFailure(err, `deleting ${r.kind} ${r.label}`, `The state is saved with what is left. Run \`secure-api destroy --stack ${ctx.stack}\` again.`);
      emit({ type: 'node-fail', id, kind: r.kind, label: r.label, verb, message: failure.message });
      throw failure;
    }
  };
  await runGraph(roots, (id) => [...(mustWaitFor.get(id) ?? [])], work, {
    signal: schedulerSignal,
    onAbort: () => interruption(new Interrupted(), 'no new deletions were started', destroyAgainHint(ctx.stack)),
  });
}

export interface NodeStatus { id: string; kind: NodeRecord['kind']; label: string; status: NodeRecord['status']; out: Out; observed: Observed | { state: 'error'; message: string } }

/** Read every node of the state from AWS, all at once (the clients bound calls per service). */
export async function readAll({ ctx: runCtx, store }: Omit<EngineDeps, 'emit'>): Promise<NodeStatus[]> {
  const nodes = store.state.nodes;
  const deps = outputsOf(nodes);
  // One read of each shared thing (the API's tree, its gateway responses) for the whole run.
  const ctx: Ctx = { ...runCtx, reads: runCtx.reads ?? readCache() };
  return Promise.all(Object.entries(nodes).map(async ([id, r]): Promise<NodeStatus> => {
    const base = { id, kind: r.kind, label: r.label, status: r.status, out: r.out };
    if (r.status !== 'created') return { ...base, observed: { state: 'error', message: `left ${r.status} by an interrupted run` } };
    try {
      return { ...base, observed: await asHandler(r.kind).read(ctx, r.spec, r.out, deps) };
    } catch (err) {
      return { ...base, observed: { state: 'error', message: toAwsFailure(err, `reading ${r.kind} ${r.label}`).message } };
    }
  }));
}
