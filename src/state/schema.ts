import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { RESOURCE_KINDS } from '../resources/types.js';

/**
 * 2: the state's own id (tagged on every resource, so two stacks of one name never touch each other's), ownership
 * per node (created by us / adopted from the user), an `updating` journal status, and the previous configurations.
 * 3: the specs of the API, the pool, the function and its role hold the user's tags (changed in place since).
 */
export const STATE_VERSION = 3;
/** How many earlier configurations the state keeps, newest last (plan and status say what changed and when). */
export const CONFIG_HISTORY = 5;

export const NodeRecordSchema = z.object({
  kind: z.enum(RESOURCE_KINDS),
  /**
   * creating: the create call may have happened (journaled before it); created: `out` holds its ids;
   * updating: an update call may have happened (`pending` holds the spec being applied); deleting: delete under way.
   */
  status: z.enum(['creating', 'created', 'updating', 'deleting']),
  /** created (or absent): ours, removed by destroy. adopted: the user's (an existing API or pool), only put back by destroy. */
  owned: z.enum(['created', 'adopted']).optional(),
  /** Physical ids / ARNs. */
  out: z.record(z.string(), z.string()).default({}),
  label: z.string().default(''),
  /** Ids of the nodes this one depended on, so destroy can order itself without the config. */
  deps: z.array(z.string()).default([]),
  parent: z.string().optional(),
  /** The node's spec as applied (no secrets: IdP secrets are named by environment variable only). */
  spec: z.unknown().optional(),
  /** While `updating`: the spec being applied (the recorded `spec` is still the one AWS last had for sure). */
  pending: z.unknown().optional(),
  /** On an adopted resource: the values it had before we changed them, by field, so destroy can put them back. */
  prior: z.record(z.string(), z.unknown()).optional(),
  updatedAt: z.string(),
}).strict();
export type NodeRecord = z.infer<typeof NodeRecordSchema>;

export const ConfigHistoryEntrySchema = z.object({
  /** When this configuration stopped being the current one. */
  replacedAt: z.string(),
  config: z.record(z.string(), z.unknown()),
}).strict();

export const StateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  /** Made once with the state; every resource is tagged with it (secure-api:state-id) beside secure-api:stack. */
  stateId: z.string().min(1),
  stack: z.string(),
  region: z.string(),
  account: z.string(),
  endpointUrl: z.string().optional(),
  profile: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** init finished (every node created, deployment made). */
  complete: z.boolean().default(false),
  /** The resolved StackConfig (see src/config/schema.ts); never holds a secret. */
  config: z.record(z.string(), z.unknown()),
  /** Earlier configurations, oldest first, at most CONFIG_HISTORY (absent: none). */
  history: z.array(ConfigHistoryEntrySchema).optional(),
  /**
   * Made by secure-api before state version 2: its resources carry only secure-api:stack, not the state id, so
   * adoption of those accepts the stack tag alone. New states never set it.
   */
  legacyTags: z.boolean().optional(),
  nodes: z.record(z.string(), NodeRecordSchema),
}).strict();
export type StateFile = z.infer<typeof StateFileSchema>;

/** A new state id: random, short enough for a tag value, never reused. */
export function newStateId(): string {
  return randomUUID();
}

/** Version 1 → 2: a state id is made (the resources made under 1 keep only the stack tag: `legacyTags`); every node was ours. */
function migrateV1(doc: Record<string, unknown>): Record<string, unknown> {
  const nodes = (doc.nodes ?? {}) as Record<string, Record<string, unknown>>;
  return {
    ...doc,
    version: 2,
    stateId: newStateId(),
    legacyTags: true,
    history: [],
    nodes,
  };
}

/** The kinds whose spec holds the user's tags (src/resources/tags.ts). */
const TAGGED_KINDS = new Set(['rest-api', 'user-pool', 'lambda-function', 'iam-role', 'log-group']);

/**
 * Version 2 → 3: the user's tags join the specs. Version 2 made those resources with the configuration's tags
 * without saying so in their specs; without this, the first plan would show every tag as new, and a tag dropped in
 * that run would never be removed. A node being updated has its spec and its pending spec filled from the
 * configuration before the one being applied (the last of `history`), if there is one.
 */
function migrateV2(doc: Record<string, unknown>): Record<string, unknown> {
  const tagsOf = (config: unknown): Record<string, string> | undefined => {
    const t = (config as { tags?: unknown } | undefined)?.tags;
    return typeof t === 'object' && t !== null && Object.keys(t).length > 0 ? t as Record<string, string> : undefined;
  };
  const now = tagsOf(doc.config);
  const history = (doc.history ?? []) as Array<{ config?: unknown }>;
  const before = history.length ? tagsOf(history[history.length - 1]?.config) : now;
  const fill = (spec: unknown, tags: Record<string, string> | undefined) =>
    (tags && typeof spec === 'object' && spec !== null && !('tags' in spec) ? { ...spec, tags: { ...tags } } : spec);
  const nodes = (doc.nodes ?? {}) as Record<string, Record<string, unknown>>;
  return {
    ...doc,
    version: 3,
    nodes: Object.fromEntries(Object.entries(nodes).map(([id, n]) => {
      if (!TAGGED_KINDS.has(String(n.kind))) return [id, n];
      // An update journaled under 2 was applying `config`; what it had before is the previous configuration.
      const updating = n.status === 'updating';
      return [id, { ...n, spec: fill(n.spec, updating ? before : now), ...(n.pending !== undefined ? { pending: fill(n.pending, now) } : {}) }];
    })),
  };
}

const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = { 1: migrateV1, 2: migrateV2 };

/** Bring an older state document up to STATE_VERSION, one version at a time. Newer or unknown versions are returned as they are. */
export function migrateState(doc: unknown): { doc: unknown; migratedFrom?: number } {
  if (typeof doc !== 'object' || doc === null) return { doc };
  let cur = doc as Record<string, unknown>;
  const from = cur.version;
  if (typeof from !== 'number' || from >= STATE_VERSION) return { doc };
  for (let v = from; v < STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return { doc: cur };
    cur = step(cur);
  }
  return { doc: cur, migratedFrom: from };
}

/** Record a new configuration, keeping the one it replaces in the history. */
export function recordConfig(state: StateFile, config: Record<string, unknown>, at: string): void {
  if (JSON.stringify(state.config) === JSON.stringify(config)) return;
  if (Object.keys(state.config).length) state.history = [...(state.history ?? []), { replacedAt: at, config: state.config }].slice(-CONFIG_HISTORY);
  state.config = config;
}
