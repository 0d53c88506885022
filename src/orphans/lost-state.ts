import { UsageError } from '../errors.js';
import type { Plan } from '../plan/specs.js';
import { STACK_TAG, STATE_ID_TAG } from '../resources/refs.js';
import { newStateId, type NodeRecord } from '../state/schema.js';
import { stateIdsOf, type Orphan } from './find.js';
import { orphanRemoval } from './orphans-command.js';

/** Whose resources a new state takes over with --adopt: the state id read from their tags. */
export interface Adoption {
  stateId: string;
  /** They carry no state id (made before state version 2): they are recognised by the stack tag alone. */
  legacyTags: boolean;
  /** The hosted UI domain the pool already has: a pool takes one, so the adopted run keeps it. */
  domainPrefix?: string | undefined;
}

function listing(orphans: Orphan[]): string {
  return orphans.map((o) => `  ${o.kind} ${o.name}${o.id === o.name ? '' : ` (${o.id})`}${o.stateId ? `, ${STATE_ID_TAG}=${o.stateId}` : ''}`).join('\n');
}

/**
 * No state file, yet AWS holds resources tagged with this stack: a lost state file, or another person's stack of
 * the same name. Creating now would make a second API and pool beside them, so stop (exit 2) and name both ways on.
 */
/** `reach`: the flags printed commands need beside --stack (the state's location, this run's --profile…). */
export function lostStateError(stack: string, orphans: Orphan[], reach = ''): UsageError {
  const ids = stateIdsOf(orphans);
  return new UsageError(
    `there is no state file for stack "${stack}", but AWS already holds ${orphans.length} resource${orphans.length > 1 ? 's' : ''} tagged ${STACK_TAG}=${stack}; nothing was created:\n${listing(orphans)}`,
    `If they are yours (the state file was lost), take them back with \`secure-api init --stack ${stack}${reach} --adopt\`${ids.length > 1 ? ' (only when they carry one state id)' : ''}, `
      + `or remove them with ${orphanRemoval(stack, ids, reach)}. If they are someone else's, choose another --stack.`,
    'STACK_EXISTS_UNRECORDED',
  );
}

/** The state the found resources belong to; refused when they carry more than one state id (two stacks of one name). */
export function adoptionOf(stack: string, orphans: Orphan[], reach = ''): Adoption {
  const ids = stateIdsOf(orphans);
  if (ids.length !== 1) {
    throw new UsageError(
      `--adopt: the resources tagged ${STACK_TAG}=${stack} belong to ${ids.length} different states (${ids.map((i) => i || 'none').join(', ')}), so they are not one stack:\n${listing(orphans)}`,
      `Remove the ones that are not yours' leftovers with ${orphanRemoval(stack, ids, reach)}, then run \`secure-api init --stack ${stack}${reach} --adopt\` again; or choose another --stack.`,
      'ADOPT_AMBIGUOUS',
    );
  }
  const id = ids[0] ?? '';
  const domain = orphans.find((o) => o.kind === 'user-pool-domain');
  return { stateId: id || newStateId(), legacyTags: id === '', domainPrefix: domain?.id };
}

/**
 * Every node of the plan journaled `creating` with no ids, exactly as a run killed before recording them would
 * leave it: the engine then adopts through each handler's `find` (both tags, or children under their parent) and
 * creates only what is missing.
 */
export function adoptedNodes(plan: Plan, at: string): Record<string, NodeRecord> {
  return Object.fromEntries(plan.nodes.map((n) => [n.id, {
    kind: n.kind, status: 'creating' as const, out: {}, label: n.label, deps: n.deps, ...(n.parent ? { parent: n.parent } : {}), spec: n.spec, updatedAt: at,
  }]));
}
