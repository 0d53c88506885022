import { UsageError } from '../errors.js';
import { toAwsFailure } from '../aws/errors.js';
import type { ChangePlan } from '../plan/changes.js';
import { planChanges, type KindTraits } from '../plan/planner.js';
import type { Plan } from '../plan/specs.js';
import { execute, type RunRules } from './execute.js';
import { anyHandler } from '../resources/registry.js';
import { readCache, type Ctx, type Observed, type Out, type Outputs, type ResourceHandler } from '../resources/types.js';
import { destroyAgainHint, outputsOf, resumeHint } from './run-support.js';
import type { NodeRecord } from '../state/schema.js';
import type { StateWriter } from '../state/backend.js';
import type { EventSink } from './events.js';
import { ownershipCheck, type NotOursNode } from './ownership.js';
import { ownerText } from '../resources/refs.js';

export interface EngineDeps {
  ctx: Ctx;
  store: StateWriter;
  emit: EventSink;
  signal?: AbortSignal | undefined;
}


/**
 * A secret only the environment can give (an IdP's client secret): without it, refuse before anything is made
 * rather than halfway through. init calls this before its first AWS call too.
 */
export function requireSecrets(plan: Plan, nodes: Record<string, NodeRecord>, secretOf: Ctx['secrets']['idpClientSecret']): void {
  const noSecret = plan.nodes.flatMap((n) => {
    const s = nodes[n.id]?.status === 'created' ? undefined : anyHandler(n.kind).secretNeeded?.(n.spec);
    return s && !secretOf(s.name, s.env) ? [s] : [];
  });
  if (noSecret.length) {
    throw new UsageError(noSecret.map((s) => `${s.what} needs its client secret in the environment variable ${s.env}, which is not set`).join('; '),
      (cmd) => `Set ${noSecret.map((s) => s.env).join(' and ')} (from your secret store, not on the command line) and run \`${cmd('init')}\` again. Secrets are never written to the state file.`, 'MISSING_SECRET');
  }
}

/** What each kind says about changes (its immutable fields, whether it updates in place), for the planner. */
export function kindTraits(kind: NodeRecord['kind']): KindTraits {
  const h = anyHandler(kind);
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
  await execute(plan, todo, deps, CHANGE_RUN);
  return outputsOf(deps.store.state.nodes);
}

/** A run that brings the stack to a configuration: stopped, it is resumed by the same init. */
export const CHANGE_RUN: RunRules = { stopped: 'no new resources were started', interruptHint: resumeHint, failHint: resumeHint, notOurs: 'refuse' };

/** destroy: nothing is wanted, so what is not this stack's is left alone (and returned) while the rest goes. */
export const DESTROY_RUN: RunRules = {
  stopped: 'no new deletions were started',
  interruptHint: destroyAgainHint,
  failHint: (ctx) => `The state is saved with what is left. Run \`secure-api destroy --stack ${ctx.stack}${ctx.reach ?? ''}\` again.`,
  notOurs: 'leave',
};

/** Nothing desired: the plan of a destroy. */
export const NOTHING: Plan = { nodes: [] };

/**
 * Delete everything the state names, newest first: the plan with nothing desired, run by the one executor (a node
 * goes only after every node that depends on it; children AWS removes with their parent cost no call). The user's
 * own resources are put back or kept; another stack's are left alone and returned.
 */
export async function destroy(deps: EngineDeps): Promise<NotOursNode[]> {
  const changes = planChanges({ desired: NOTHING, recorded: deps.store.state.nodes, traits: kindTraits });
  return execute(NOTHING, changes, deps, DESTROY_RUN);
}

export interface NodeStatus { id: string; kind: NodeRecord['kind']; label: string; status: NodeRecord['status']; out: Out; observed: Observed | { state: 'error'; message: string } }

/** Read every node of the state from AWS, all at once (the clients bound calls per service). */
export async function readAll({ ctx: runCtx, store, only }: {
  ctx: Ctx; store: Pick<StateWriter, 'state'>; signal?: AbortSignal | undefined;
  /** Read only the nodes whose handler this picks (verify reads the publishers: what each stage serves). */
  only?: ((h: ResourceHandler<unknown>) => boolean) | undefined;
}): Promise<NodeStatus[]> {
  const nodes = only
    ? Object.fromEntries(Object.entries(store.state.nodes).filter(([, r]) => only(anyHandler(r.kind))))
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
      return { ...base, observed: await anyHandler(r.kind).read(ctx, r.spec, r.out, deps) };
    } catch (err) {
      return { ...base, observed: { state: 'error', message: toAwsFailure(err, `reading ${r.kind} ${r.label}`).message } };
    }
  }));
}
