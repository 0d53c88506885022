import { z } from 'zod';
import { flagsToConfig } from '../config/flags.js';
import { commonOptionsSchema } from './common-options.js';

export const initOptionsSchema = commonOptionsSchema.extend({
  config: z.string().optional(),
  route: z.array(z.string()).optional(),
  publicRoute: z.array(z.string()).optional(),
  routeGroup: z.array(z.string()).optional(),
  appClient: z.string().optional(),
  hostedUi: z.boolean().optional(),
  domainPrefix: z.string().optional(),
  stage: z.string().optional(),
  yes: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  saveConfig: z.string().optional(),
  verify: z.boolean().optional(),
  /** No state file but resources tagged with this stack: take them back into a new state (their state id). */
  adopt: z.boolean().optional(),
  /** Kinds init may replace although their data goes with them (only 'user-pool'). */
  allowReplace: z.array(z.string()).optional(),
  /** The proof's test user may set off the pool's Lambda triggers (issue 25.7). */
  allowTriggers: z.boolean().optional(),
  /** --secure-add / --secure-remove "METHOD /path": change the recorded list of secured methods one at a time. */
  secureAdd: z.array(z.string()).optional(),
  secureRemove: z.array(z.string()).optional(),
  /** Config keys set by init's per-question flags (--api-name, --mfa…); they win over --config. */
  flagConfig: z.record(z.string(), z.unknown()).optional(),
});
export type InitOptions = z.infer<typeof initOptionsSchema>;

/** commander's option object → validated InitOptions, the per-question flags as config keys (init and plan read flags alike). */
export function initOptionsFrom(opts: Record<string, unknown>): InitOptions {
  const flagConfig = flagsToConfig(opts);
  return initOptionsSchema.parse({
    ...opts,
    hostedUi: opts.hostedUi === false ? false : undefined,
    ...(Object.keys(flagConfig).length ? { flagConfig } : {}),
  });
}
