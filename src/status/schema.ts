import { z } from 'zod';
import { RESOURCE_KINDS } from '../resources/types.js';
import { outputIdsSchema, outputUrlsSchema, routeUrlSchema } from '../state/outputs-schema.js';

/**
 * A resource's state as status reports it: read live (present / missing / drifted / error), left half-made by an
 * interrupted run (unfinished), or not checked at all (`--offline`: unchecked).
 */
export const RESOURCE_STATES = ['present', 'missing', 'drifted', 'error', 'unfinished', 'unchecked'] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];

/**
 * One field found changed outside secure-api: `before` is what secure-api recorded or expects, `after` what AWS
 * holds now (null: absent). Consumers match on `path` (the list is DRIFT_PATHS in src/plan/drift-text.ts), never on
 * the sentence in `problems`; `context` names what the sentence mentions (a stage, a method).
 */
export const driftChangeSchema = z.object({
  path: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  context: z.record(z.string(), z.string()).optional(),
}).strict();

export const fixSchema = z.object({
  /** What to do, in a sentence. */
  summary: z.string(),
  /** Commands that do it, in order, ready to paste (may be empty when the summary says where to look). */
  commands: z.array(z.string()),
  /** The way out is to rebuild the stack (the steps are in `next`). */
  rebuild: z.boolean(),
}).strict();
export type Fix = z.infer<typeof fixSchema>;

export const resourceStatusSchema = z.object({
  /** Node id in the state file ('api', 'method:GET /items', …). */
  id: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  label: z.string(),
  /** The id people look for in the console (API id, pool id, function name…). */
  physicalId: z.string(),
  /** Every id / ARN the state file records for it. */
  ids: z.record(z.string(), z.string()),
  /** What the state file says about it. */
  recorded: z.enum(['creating', 'created', 'updating', 'deleting']),
  state: z.enum(RESOURCE_STATES),
  /** What differs from what secure-api made (empty when present or unchecked). */
  problems: z.array(z.string()),
  /** The drift behind `problems`, as data (empty unless drifted). */
  drift: z.array(driftChangeSchema),
  /** What the problem breaks, for people deciding how urgent it is. */
  impact: z.string().nullable(),
  fix: fixSchema.nullable(),
}).strict();
export type ResourceStatus = z.infer<typeof resourceStatusSchema>;

export const routeStatusSchema = routeUrlSchema.extend({
  /** The state of the method that serves it. */
  state: z.enum(RESOURCE_STATES),
  /** Meant to be secured, but the stage serves it without the authorizer right now. */
  servedOpen: z.boolean(),
}).strict();
export type RouteStatus = z.infer<typeof routeStatusSchema>;

/** An earlier configuration: when it was replaced and which top-level config keys changed then (newest last). */
export const configHistorySchema = z.array(z.object({ replacedAt: z.string(), changed: z.array(z.string()) }).strict());
export type ConfigHistory = z.infer<typeof configHistorySchema>;

export const nextStepSchema = z.object({ command: z.string(), why: z.string() }).strict();
export type NextStep = z.infer<typeof nextStepSchema>;

const counts = z.object({
  total: z.number().int(), present: z.number().int(), missing: z.number().int(), drifted: z.number().int(),
  error: z.number().int(), unfinished: z.number().int(), unchecked: z.number().int(),
}).strict();

/** `secure-api status --json` for one stack: the same content as the table and the lines under it. */
export const statusReportSchema = z.object({
  stack: z.string(),
  region: z.string(),
  account: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stateFile: z.string(),
  /** init finished; false means a run stopped part-way (resume it with init). */
  complete: z.boolean(),
  /** When not complete: what the recorded configuration plans that the state has no record of ("kind label"). */
  notMade: z.array(z.string()).optional(),
  /** Read from AWS (false: --offline, the state file only). */
  live: z.boolean(),
  checkedAt: z.string().nullable(),
  /** Everything present and secured; null when not checked (--offline). */
  ok: z.boolean().nullable(),
  counts,
  resources: z.array(resourceStatusSchema),
  /** The stack's outputs, as `init --json` gives them (src/state/outputs-schema.ts); each route also says its state. */
  urls: outputUrlsSchema.extend({ routes: z.array(routeStatusSchema) }).strict(),
  ids: outputIdsSchema.strict(),
  /**
   * The token the secured methods take: the id token, or (methods with custom scopes) an access token with one of
   * `scopes`, which the machine client's client-credentials token carries when `machine`. Absent without a pool.
   */
  token: z.object({ use: z.enum(['id', 'access']), scopes: z.array(z.string()), machine: z.boolean() }).optional(),
  /** Things worth knowing that are not problems (a hosted UI domain still being set up…). */
  notes: z.array(z.string()),
  next: z.array(nextStepSchema),
  /** The kept previous configurations, as `plan --json` gives them. */
  history: configHistorySchema,
}).strict();
export type StatusReport = z.infer<typeof statusReportSchema>;

/** `secure-api status --json` with several stacks and no --stack: one entry per state file. */
export const stackListSchema = z.object({
  stateDir: z.string(),
  stacks: z.array(z.object({
    stack: z.string(),
    region: z.string().nullable(),
    createdAt: z.string().nullable(),
    resources: z.number().int(),
    complete: z.boolean(),
    /** Why the state file could not be read, when it could not. */
    error: z.string().nullable(),
  }).strict()),
}).strict();
export type StackList = z.infer<typeof stackListSchema>;

/** Either document `status --json` prints. */
export const statusJsonSchema = z.union([statusReportSchema, stackListSchema]);
