import type { ChangePlan } from '../plan/changes.js';
import { planChanges, type LiveRead } from '../plan/planner.js';
import type { Plan } from '../plan/specs.js';
import { estimatedUsers } from '../resources/user-pool-users.js';
import { handlerFor } from '../resources/registry.js';
import type { Ctx, ResourceHandler } from '../resources/types.js';
import { outputsOf } from './run-support.js';
import type { StateStore } from '../state/store.js';
import { kindTraits, readAll, type NodeStatus } from './engine.js';
import { removesUserPool } from '../plan/changes.js';

function liveReadOf(r: NodeStatus): LiveRead | undefined {
  // A node an interrupted run left journaled is planned from its journal, not from a read.
  if (r.status !== 'created') return undefined;
  const o = r.observed;
  if (o.state === 'drifted') return { state: 'drifted', drift: o.drift };
  if (o.state === 'error') return { state: 'error', message: o.message };
  return { state: o.state };
}

/** The plan from the state alone (no AWS call): what the configuration changes, before anything is read. */
export function planOffline(plan: Plan, store: Pick<StateStore, 'state'>): ChangePlan {
  return planChanges({ desired: plan, recorded: store.state.nodes, traits: kindTraits });
}

export interface LivePlan {
  changes: ChangePlan;
  /** When the plan replaces the user pool: how many users it holds now (they are deleted with it). */
  poolUsers?: number | undefined;
}

/** Read every recorded node live (as status does), then plan: drift shows, and is put back by the plan. */
export async function planLive(plan: Plan, { ctx, store }: { ctx: Ctx; store: Pick<StateStore, 'state'> }): Promise<LivePlan> {
  const results = await readAll({ ctx, store });
  const live = new Map<string, LiveRead>();
  for (const r of results) {
    const read = liveReadOf(r);
    if (read) live.set(r.id, read);
  }
  const changes = await withPreviews(plan, planChanges({ desired: plan, recorded: store.state.nodes, live, traits: kindTraits }), { ctx, store });
  const poolId = store.state.nodes.pool?.out.userPoolId;
  return { changes, poolUsers: removesUserPool(changes) && poolId ? await estimatedUsers(ctx, poolId) : undefined };
}

/**
 * An adopted resource created or deleted is a change to the user's own (a method secured, or put back as it was):
 * its handler's preview says before → after, read live, so the plan names what happens to their methods.
 */
async function withPreviews(plan: Plan, changes: ChangePlan, { ctx, store }: { ctx: Ctx; store: Pick<StateStore, 'state'> }): Promise<ChangePlan> {
  const nodes = store.state.nodes;
  const deps = outputsOf(nodes);
  const labelOf = (id: string) => plan.nodes.find((n) => n.id === id)?.label ?? nodes[id]?.label ?? id;
  return {
    changes: await Promise.all(changes.changes.map(async (c) => {
      const h = handlerFor(c.kind) as ResourceHandler<unknown>;
      if (!h.preview || (c.action !== 'create' && c.action !== 'delete') || c.fields.length) return c;
      const spec = c.action === 'create' ? plan.nodes.find((n) => n.id === c.id)?.spec : nodes[c.id]?.spec;
      try {
        return { ...c, fields: await h.preview(ctx, spec, deps, { action: c.action, prior: nodes[c.id]?.prior, labelOf }) };
      } catch {
        return c;
      }
    })),
  };
}

export { removesUserPool };
