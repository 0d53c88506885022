import { UsageError } from '../errors.js';
import { listStacks, readState, stateDir, statePath } from '../state/store.js';
import type { StateFile } from '../state/schema.js';
import type { CommandEnv, CommonOptions } from './env.js';

export interface LoadedStack { stack: string; dir: string; path: string; state: StateFile }

/**
 * The stack a command works on: --stack, or the only one in the state directory. Missing → exit 2 with the
 * stacks that do exist (or a pointer to `init`).
 */
export function loadStack(o: CommonOptions, env: CommandEnv): LoadedStack {
  const dir = stateDir(o.stateDir, env.cwd);
  const stacks = listStacks(dir);
  let stack = o.stack;
  if (!stack) {
    if (stacks.length === 1) stack = stacks[0]!;
    else if (stacks.length === 0) {
      throw new UsageError(`no stack in ${dir}`, 'Create one with `secure-api init`, or point --state-dir at the folder that holds its state. '
        + 'Lost a state file? `secure-api status --orphans --stack NAME` lists what AWS holds tagged with that stack.', 'NO_STACK');
    }
    else throw new UsageError(`${stacks.length} stacks in ${dir}: ${stacks.join(', ')}; say which with --stack`, undefined, 'WHICH_STACK');
  }
  const path = statePath(dir, stack);
  const state = readState(path);
  if (!state) {
    throw new UsageError(`no stack "${stack}" in ${dir}`,
      `${stacks.length ? `Stacks there: ${stacks.join(', ')}. ` : ''}Lost its state file? \`secure-api status --orphans --stack ${stack}\` lists what AWS holds tagged with it (and \`secure-api init --stack ${stack} --adopt\` takes it back); `
      + 'else create it with `secure-api init`, or point --state-dir at the folder that holds its state.', 'NO_STACK');
  }
  return { stack, dir, path, state };
}
