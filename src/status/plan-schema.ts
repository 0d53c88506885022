import { z } from 'zod';
import { CHANGE_ACTIONS } from '../plan/changes.js';
import { RESOURCE_KINDS } from '../resources/types.js';
import { stackOutputsSchema } from '../state/outputs-schema.js';
import { configHistorySchema, driftChangeSchema } from './schema.js';

/** One field that differs, as `plan --json` gives it. */
export const fieldChangeSchema = z.object({
  /** Dotted path into the node's spec ('passwordPolicy.minLength'). */
  path: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  /** AWS cannot change it in place: the resource is replaced. */
  forcesReplace: z.boolean(),
}).strict();

export const resourceChangeSchema = z.object({
  /** Node id in the state file ('pool', 'method:GET /items', …). */
  id: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  label: z.string(),
  action: z.enum(CHANGE_ACTIONS),
  /** For people; code matches on `action`. */
  reason: z.string(),
  fields: z.array(fieldChangeSchema),
  /** What the live read found changed outside secure-api (init puts it back). */
  drift: z.array(driftChangeSchema),
  /** An interrupted run left this step journaled; this plan finishes it. */
  resumes: z.enum(['creating', 'updating', 'deleting']).optional(),
}).strict();

/** `secure-api plan --json`: the change plan as data. */
export const changePlanReportSchema = z.object({
  stack: z.string(),
  region: z.string(),
  /** Every node, no-ops included, in plan order; deletes last. */
  changes: z.array(resourceChangeSchema),
  counts: z.object({ add: z.number().int(), change: z.number().int(), replace: z.number().int(), delete: z.number().int() }).strict(),
  /** Nodes found changed outside secure-api. */
  drifted: z.number().int(),
  /** The user pool would be replaced: its users are deleted. `users` is Cognito's estimate (null if unknown). */
  userPoolReplacement: z.object({ users: z.number().int().nullable() }).strict().nullable(),
  /** Earlier configurations: when each stopped being current, and which top-level keys changed then. */
  history: configHistorySchema,
  /** Nothing to create, change, replace or delete. */
  empty: z.boolean(),
}).strict();
export type ChangePlanReport = z.infer<typeof changePlanReportSchema>;

/**
 * `secure-api plan --json` (and `init --dry-run --json` on a recorded stack): the change plan with the stack's outputs
 * beside it, so `stackOutputsSchema` reads it as it reads `init --json` and `status --json`.
 */
export const planJsonSchema = changePlanReportSchema.extend({
  ...stackOutputsSchema.shape,
  /** true: planned from the state file alone (`init --dry-run`), no live read, so no drift is known. */
  offline: z.boolean(),
});
export type PlanJson = z.infer<typeof planJsonSchema>;
