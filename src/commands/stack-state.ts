import { UsageError } from '../errors.js';
import type { StateBackend } from '../state/backend.js';
import type { StateFile } from '../state/schema.js';
import type { CommandEnv, CommonOptions } from './env.js';
import { noteReach } from './stack-session.js';
import { openBackend } from './state-backend.js';

export interface LoadedStack { stack: string; dir: string; path: string; state: StateFile; backend?: StateBackend | undefined }

/**
 * The stack a command works on: --stack, or the only one in the state directory (or S3 prefix). Missing → exit 2
 * with the stacks that do exist (or a pointer to `init`).
 */
export async function loadStack(o: CommonOptions, env: CommandEnv, given?: StateBackend): Promise<LoadedStack> {
  const backend = given ?? await openBackend(o, env);
  const dir = backend.location;
  const where = backend.kind === 's3' ? 'name the S3 prefix that holds its state with --state (or SECURE_API_STATE)' : 'point --state-dir at the folder that holds its state';
  let stack = o.stack;
  let stacks: string[] | undefined;
  if (!stack) {
    stacks = await backend.list();
    if (stacks.length === 1) stack = stacks[0]!;
    else if (stacks.length === 0) {
      throw new UsageError(`no stack in ${dir}`, `Create one with \`secure-api init\`, or ${where}. `
        + `Lost a state file? \`secure-api status --orphans --stack NAME${backend.args}\` lists what AWS holds tagged with that stack.`, 'NO_STACK');
    }
    else throw new UsageError(`${stacks.length} stacks in ${dir}: ${stacks.join(', ')}; say which with --stack`, undefined, 'WHICH_STACK');
  }
  const state = await backend.read(stack);
  if (!state) {
    stacks ??= await backend.list();
    throw new UsageError(`no stack "${stack}" in ${dir}`,
      `${stacks.length ? `Stacks there: ${stacks.join(', ')}. ` : ''}Lost its state file? \`secure-api status --orphans --stack ${stack}${backend.args}\` lists what AWS holds tagged with it (and \`secure-api init --stack ${stack}${backend.args} --adopt\` takes it back); `
      + `else create it with \`secure-api init\`, or ${where}.`, 'NO_STACK');
  }
  noteReach(env, { stack, backend, region: state.region, account: state.account });
  return { stack, dir, path: backend.where(stack), state, backend };
}
