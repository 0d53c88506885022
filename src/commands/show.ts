import { z } from 'zod';
import { stackOutputs } from '../state/outputs.js';
import { outputsJson } from '../state/outputs-schema.js';
import { configText } from '../ui/config-text.js';
import { outputsText } from '../ui/tables.js';
import { commonOptionsSchema } from './common-options.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { recordedTarget } from './stack-session.js';
import { loadStack } from './stack-state.js';

export const showOptionsSchema = commonOptionsSchema.extend({
  /** The stack's outputs (URLs, ids) instead of its configuration, as `terraform output` gives them. */
  outputs: z.boolean().optional(),
});
export type ShowOptions = z.infer<typeof showOptionsSchema>;

/**
 * `secure-api show`: the recorded configuration, from the state alone (no AWS call). With --json it is exactly the
 * document `init --config` takes, so show → edit → `init --config FILE` changes only what was edited.
 */
export async function runShow(o: ShowOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const { state, path, backend } = await loadStack(o, env);
  const reach = backend?.args ?? '';
  if (o.outputs) {
    // The URLs are built from the state: its hosts are checked (stackOutputs, exit 2 BAD_STATE_VALUE), and an endpoint
    // it records is printed only under the rule every command follows (recordedTarget: not on this machine → given again).
    recordedTarget(o, env, state);
    const outputs = stackOutputs(state, path);
    if (ui.mode === 'json') ui.json(outputsJson(outputs));
    else ui.out(outputsText(outputs, ui.c, { next: false }));
    return 0;
  }
  if (ui.mode === 'json') {
    ui.json(state.config);
    return 0;
  }
  ui.out(`${ui.c.dim(`Stack ${state.stack} as recorded in ${path} (${state.account} / ${state.region}${state.complete ? '' : ', unfinished'}); no AWS call.`)}\n`);
  ui.out(configText(state.config, ui.c));
  ui.out(`\n${ui.c.dim(`To change it: secure-api show --stack ${state.stack}${reach} --json > stack.json, edit, then secure-api init --config stack.json --stack ${state.stack}${reach}`)}`);
  return 0;
}
