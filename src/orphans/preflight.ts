import { UsageError } from '../errors.js';
import type { AnyPlanNode, Plan } from '../plan/specs.js';
import { handlerFor } from '../resources/registry.js';
import type { Ctx, ResourceHandler } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';

/** A name this stack would use that something else holds. */
export interface NameClash {
  node: string;
  what: string;
  name: string;
  /** Whose it is, from its tags. */
  owner: string;
  /** The flag and config key that pick another name. */
  change: string;
}

/**
 * Every name the plan's not-yet-created nodes would take, checked with read calls only (before any create), each by its
 * kind's handler (`nameTaken`). `noneTagged`: the search for this stack's tag found nothing (a new stack), so names AWS
 * does not keep unique (API and pool names: `rename.amongTaggedOnly`) cannot clash.
 */
export async function findNameClashes(ctx: Ctx, plan: Plan, recorded: Record<string, NodeRecord>, o: { noneTagged?: boolean } = {}): Promise<NameClash[]> {
  const handler = (n: AnyPlanNode) => handlerFor(n.kind) as ResourceHandler<unknown>;
  const todo = plan.nodes.filter((n) => recorded[n.id]?.status !== 'created' && handler(n).nameTaken && !(o.noneTagged && handler(n).rename?.amongTaggedOnly));
  const found = await Promise.all(todo.map(async (n) => {
    const h = handler(n);
    const clash = await h.nameTaken!(ctx, n.spec, recorded);
    return clash ? { ...clash, node: n.id, change: h.rename?.change ?? 'another --stack' } : undefined;
  }));
  return found.filter((c): c is NameClash => c !== undefined);
}

/** The exit-2 refusal for names held by someone else: what, whose, and how to pick another. */
export function nameClashError(stack: string, clashes: NameClash[]): UsageError {
  const lines = clashes.map((c) => `  ${c.what} ${c.name} is taken: ${c.owner}`);
  const changes = [...new Set(clashes.map((c) => c.change))].join(', ');
  return new UsageError(
    `stack "${stack}" would use ${clashes.length === 1 ? 'a name' : 'names'} that something this state did not make already holds; nothing was created:\n${lines.join('\n')}`,
    `secure-api never adopts, changes or deletes what is not its own. Choose another --stack, or another name with ${changes}.`,
    'NAME_TAKEN',
  );
}
