import { z } from 'zod';
import { RESOURCE_KINDS } from '../resources/types.js';

export const STATE_VERSION = 1;

export const NodeRecordSchema = z.object({
  kind: z.enum(RESOURCE_KINDS),
  /** creating: the create call may have happened (journaled before it); created: `out` holds its ids; deleting: delete under way. */
  status: z.enum(['creating', 'created', 'deleting']),
  /** Physical ids / ARNs. */
  out: z.record(z.string(), z.string()).default({}),
  label: z.string().default(''),
  /** Ids of the nodes this one depended on, so destroy can order itself without the config. */
  deps: z.array(z.string()).default([]),
  parent: z.string().optional(),
  /** The node's spec as planned (no secrets: IdP secrets are named by environment variable only). */
  spec: z.unknown().optional(),
  updatedAt: z.string(),
}).strict();
export type NodeRecord = z.infer<typeof NodeRecordSchema>;

export const StateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
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
  nodes: z.record(z.string(), NodeRecordSchema),
}).strict();
export type StateFile = z.infer<typeof StateFileSchema>;
