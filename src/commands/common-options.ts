import { z } from 'zod';

/** The options every command that talks to AWS or reads state accepts (program.ts's `common()`). */
export const commonOptionsSchema = z.object({
  stack: z.string().optional(),
  region: z.string().optional(),
  profile: z.string().optional(),
  endpointUrl: z.string().optional(),
  stateDir: z.string().optional(),
  state: z.string().optional(),
  createBucket: z.boolean().optional(),
  json: z.boolean().optional(),
  /** --no-color (commander's `color: false`); --verbose, --debug: read by program.ts into the CommandEnv. */
  color: z.boolean().optional(),
  verbose: z.boolean().optional(),
  debug: z.boolean().optional(),
});
