import { kindTraits, NOTHING } from '../engine/engine.js';
import type { EventSink } from '../engine/events.js';
import { execute } from '../engine/execute.js';
import { planChanges } from '../plan/planner.js';
import { handlerFor } from '../resources/registry.js';
import type { Ctx, FoundResource } from '../resources/types.js';
import type { StateWriter } from '../state/backend.js';
import { STATE_VERSION, type NodeRecord, type StateFile } from '../state/schema.js';

const nodeId = (f: FoundResource) => `${f.kind}:${f.id}`;

/**
 * What the tag search found, as a state's records: each kind's handler says how (`fromFound`: the ids its delete
 * reads, and what must be deleted after it), so the sweep is a plan over these records like any destroy.
 */
export function foundRecords(found: readonly FoundResource[], at: string): Record<string, NodeRecord> {
  return Object.fromEntries(found.map((f): [string, NodeRecord] => {
    const made = handlerFor(f.kind).fromFound?.(f, found);
    if (!made) throw new Error(`internal: a ${f.kind} is not a kind the tag search finds`);
    return [nodeId(f), { kind: f.kind, status: 'created', out: made.out, label: f.name, deps: made.before.map(nodeId), spec: {}, updatedAt: at }];
  }));
}

/**
 * Delete what `findOrphans` found: the plan with nothing desired over the records made from it, run by the executor
 * `destroy` uses (so "not found" is done, a role's policies are detached first, DeleteRestApi is paced, a pool's domain
 * goes before the pool, functions before roles). Found by both our tags, they are ours: no tag read before a delete.
 * Nothing is saved: there is no state file, and a run that stops is finished by running the sweep again.
 */
export async function removeOrphans(ctx: Ctx, orphans: readonly FoundResource[], emit: EventSink, signal?: AbortSignal): Promise<void> {
  const again = () => `Run \`secure-api destroy --stack ${ctx.stack}${ctx.reach ?? ''} --orphans --yes\` again: it finds what is left.`;
  const at = new Date(ctx.now()).toISOString();
  const nodes = foundRecords(orphans, at);
  const state: StateFile = {
    version: STATE_VERSION, stateId: ctx.stateId, stack: ctx.stack, region: ctx.region, account: ctx.account,
    createdAt: at, updatedAt: at, complete: false, config: {}, nodes,
  };
  const store: StateWriter = { state, save: () => undefined };
  const changes = planChanges({ desired: NOTHING, recorded: nodes, traits: kindTraits });
  await execute(NOTHING, changes, { ctx, store, emit, signal }, {
    stopped: 'no new deletions were started', interruptHint: again, failHint: again, notOurs: 'refuse', trusted: Object.keys(nodes),
  });
}
