import { z } from 'zod';
import { ageText, holderText } from '../state/backend.js';
import { UsageError } from '../errors.js';
import { commonOptionsSchema } from './common-options.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { openBackend } from './state-backend.js';

export const unlockOptionsSchema = commonOptionsSchema;
export type UnlockOptions = z.infer<typeof unlockOptionsSchema>;

/**
 * `secure-api unlock --stack S LOCK_ID`: remove the lock a crashed or killed run left, after saying whose it was. The
 * id (printed by the "locked by" refusal) must match, so a lock taken again since is never removed by mistake.
 */
export async function runUnlock(lockId: string, o: UnlockOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  if (!o.stack) throw new UsageError('unlock needs --stack NAME: the stack whose lock to remove', undefined, 'NO_STACK');
  if (!/^[0-9a-f-]{8,64}$/i.test(lockId)) throw new UsageError(`"${lockId}" is not a lock id (the "locked by" message names it)`);
  const ui = await makeUi(env, o.json);
  const backend = await openBackend(o, env, (m) => ui.reporter.warn(m));
  const held = await backend.readLock(o.stack);
  if (held && held.lockId === lockId) {
    ui.reporter.info(`Removing the lock ${lockId} on stack ${o.stack} (${backend.location}): held by ${holderText(held)} since ${held.startedAt} (${ageText(held.ageMs)} ago).`);
  }
  const removed = await backend.unlock(o.stack, lockId);
  if (ui.mode === 'json') ui.json({ stack: o.stack, state: backend.where(o.stack), removed });
  else ui.out(`Lock ${lockId} removed: stack ${o.stack} can be changed again. If that run was still working, its next save is refused and it stops.`);
  return 0;
}
