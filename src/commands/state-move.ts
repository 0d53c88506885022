import { z } from 'zod';
import { AwsFailure, UsageError } from '../errors.js';
import type { StateBackend } from '../state/backend.js';
import { resolveStateLocation } from '../state/location.js';
import { commonOptionsSchema } from './common-options.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { noteReach, reachStack } from './stack-session.js';
import { openBackend } from './state-backend.js';

export const stateMoveOptionsSchema = commonOptionsSchema.extend({
  to: z.string().optional(),
  from: z.string().optional(),
});
export type StateMoveOptions = z.infer<typeof stateMoveOptionsSchema>;

const canonical = (v: unknown) => JSON.stringify(v);

/**
 * Move one stack's state between two backends under both locks: the copy is written where none is, read back and
 * compared, and only then is the source removed. Anything wrong before that leaves the source as it was.
 */
export async function moveState(from: StateBackend, to: StateBackend, stack: string, command: string): Promise<{ resources: number }> {
  const src = await from.open(stack, command);
  try {
    if (!src.state) throw new UsageError(`no stack "${stack}" in ${from.location}`, `The stacks there: ${(await from.list()).join(', ') || 'none'}.`, 'NO_STACK');
    const dst = await to.open(stack, command);
    try {
      if (dst.state) {
        throw new UsageError(`${to.where(stack)} already holds a state for stack "${stack}"; nothing was moved`,
          `Compare both: \`secure-api status --stack ${stack}${from.args}\` and \`secure-api status --stack ${stack}${to.args}\`; remove the one that is wrong first.`, 'STATE_EXISTS');
      }
      const writer = dst.writer(structuredClone(src.state));
      await writer.save();
      const copy = await to.read(stack);
      if (!copy || canonical(copy) !== canonical(writer.state)) {
        throw new AwsFailure(`the copy at ${to.where(stack)} does not read back as written; the source ${from.where(stack)} was kept`, { code: 'COPY_MISMATCH' });
      }
      await src.remove();
      return { resources: Object.keys(copy.nodes).length };
    } finally {
      await dst.end();
    }
  } finally {
    await src.end();
  }
}

/** `secure-api state push --stack S --to s3://…` and `state pull --stack S --from s3://…`: local ↔ S3. */
export async function runStateMove(direction: 'push' | 'pull', o: StateMoveOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  if (!o.stack) throw new UsageError(`state ${direction} needs --stack NAME`, undefined, 'NO_STACK');
  const url = direction === 'push' ? o.to : o.from;
  const flag = direction === 'push' ? '--to' : '--from';
  if (!url) throw new UsageError(`state ${direction} needs ${flag} s3://BUCKET/PREFIX`);
  const remote = resolveStateLocation({ flag: url, cwd: env.cwd });
  if (remote.kind !== 's3') throw new UsageError(`${flag}: "${url}" is not an s3://BUCKET/PREFIX URL`);
  const local = resolveStateLocation({ stateDir: o.stateDir, cwd: env.cwd });
  const ui = await makeUi(env, o.json);
  const warn = (m: string) => ui.reporter.warn(m);
  const [localBackend, s3Backend] = [await openBackend(o, env, warn, local), await openBackend(o, env, warn, remote)];
  const [from, to] = direction === 'push' ? [localBackend, s3Backend] : [s3Backend, localBackend];
  // The state moves only with credentials for the stack it names (its account, region, endpoint): else exit 2, nothing written.
  const recorded = await from.read(o.stack);
  if (recorded) noteReach(env, { stack: o.stack, backend: from, region: recorded.region, account: recorded.account });
  if (recorded) await reachStack(o, env, recorded, ui.reporter);
  const moved = await moveState(from, to, o.stack, `state ${direction}`);
  if (ui.mode === 'json') ui.json({ stack: o.stack, from: from.where(o.stack), to: to.where(o.stack), resources: moved.resources });
  else {
    ui.out(`Moved the state of stack ${o.stack} (${moved.resources} resources) from ${from.where(o.stack)} to ${to.where(o.stack)}; the copy was read back before the source was removed.`);
    if (direction === 'push') ui.out(`From now on: --state ${s3Backend.location} (or SECURE_API_STATE=${s3Backend.location}) on every command.`);
  }
  return 0;
}
