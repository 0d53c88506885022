import { initOptionsSchema, runInit } from './init.js';
import type { CommandEnv } from './env.js';

/** commander's option object → validated InitOptions → runInit (the wizard plugs in here). */
export async function runInitCommand(opts: Record<string, unknown>, env: CommandEnv): Promise<number> {
  const o = initOptionsSchema.parse({ ...opts, hostedUi: opts.hostedUi === false ? false : undefined });
  return runInit(o, env);
}
