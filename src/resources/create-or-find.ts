import { retriesExhausted, type ServiceName } from '../aws/clients.js';
import { createOnceIn } from '../aws/create-once.js';
import { isTransient } from '../aws/errors.js';
import type { Ctx } from './types.js';

/**
 * createOnceIn (src/aws/create-once.ts: after a timeout or 5xx, look for what the create may have made before sending
 * it again), and when its time runs out, an error that names the call, as the client's own retries do. The command
 * must be in CREATE_ONCE_COMMANDS (src/aws/clients.ts) so the sender does not resend it blindly.
 */
export async function createOrFind<T>(
  ctx: Ctx, call: { what: string; service: ServiceName; command: string }, create: () => Promise<T>, find: () => Promise<T | undefined>,
): Promise<T> {
  const started = ctx.now();
  let attempts = 0;
  return createOnceIn(ctx, call.what, () => {
    attempts += 1;
    return create();
  }, find).catch((err: unknown) => {
    throw attempts > 1 && isTransient(err) ? retriesExhausted(call.service, call.command, err, attempts, ctx.now() - started) : err;
  });
}
