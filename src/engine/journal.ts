import type { Out } from '../resources/types.js';
import type { StateWriter } from '../state/backend.js';
import type { NodeRecord } from '../state/schema.js';

/** What a journal entry says of a node: its status, with the ids known for it (and, while updating, the spec sent). */
export interface JournalEntry {
  status: NodeRecord['status'];
  /** The ids known now (found by a look-up, or returned by the call): written in the same save as the status. */
  out?: Out | undefined;
  /** While `updating`: the spec being applied. */
  pending?: unknown;
}

/**
 * The one journal write (issue 18.2): a node's status and the ids known for it go to the state together, in one save,
 * before the call they announce. A run killed right after it (before the call, or before its answer) leaves a record
 * the next run can act on: a `deleting` node names what is being deleted, so the next destroy deletes it again.
 */
export type Journal = (id: string, record: NodeRecord, entry: JournalEntry) => Promise<NodeRecord>;

export function journal(store: StateWriter, now: () => number): Journal {
  return async (id, record, { status, out, pending }) => {
    const { pending: _was, ...rest } = record;
    const next: NodeRecord = {
      ...rest, status, out: out ?? record.out, updatedAt: new Date(now()).toISOString(),
      ...(status === 'updating' ? { pending: pending ?? record.pending } : {}),
    };
    store.state.nodes[id] = next;
    await store.save();
    return next;
  };
}

/** A record journaled `creating` or `deleting` without ids: the run that wrote it died before it knew them; look again. */
export const idsUnknown = (r: NodeRecord): boolean => r.status !== 'created' && r.status !== 'updating' && Object.keys(r.out).length === 0;
