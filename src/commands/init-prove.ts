import type { AwsClients } from '../aws/clients.js';
import type { StackConfig } from '../config/schema.js';
import { wantsMachineClient } from '../plan/build-scopes.js';
import type { StateBackend } from '../state/backend.js';
import type { StackOutputs } from '../state/outputs.js';
import { outputsJson } from '../state/outputs-schema.js';
import type { StateFile } from '../state/schema.js';
import { nextStepsText, stackNextSteps } from '../ui/tables.js';
import type { CommandEnv, Ui } from './env.js';
import type { InitOptions } from './init-options.js';

export interface NewStackProof {
  o: InitOptions;
  env: CommandEnv;
  ui: Ui;
  clients: AwsClients;
  config: StackConfig;
  state: StateFile;
  path: string;
  outputs: StackOutputs;
  /** Flags a printed command needs to reach this stack. */
  reach: string;
  dir: string;
  backend: StateBackend;
}

/** Step 6 of init: prove the stack just made or changed, with the same code as `secure-api verify`; its exit code. */
export async function proveNewStack({ o, env, ui, clients, config, state, path, outputs, reach, dir, backend }: NewStackProof): Promise<number> {
  // Step 6: prove it. The same code as `secure-api verify`.
  const { renderVerify, verifyJson, verifyExit, verifyNextSteps } = await import('./verify.js');
  const { verifyStack, stagePolicyOf, apiKeysOf } = await import('../usecases/verify-stack.js');
  const { stackTarget } = await import('./stack-target.js');
  ui.reporter.info(`\nProving it (step 6): a temporary user signs in, and every route is called without and with its id token (skip with --no-verify)`);
  const target = stackTarget(o, env, { stack: config.stack, dir, path, state, backend });
  const result = await verifyStack(target, clients.cognito, env, ui, { allowTriggers: o.allowTriggers, stagePolicy: stagePolicyOf(target, clients, env, ui), apiKeys: apiKeysOf(target, clients) });
  if (ui.mode === 'json') ui.json({ ...outputsJson(outputs), verify: verifyJson(result) });
  else {
    renderVerify(result, ui, env.stdout.columns);
    ui.out(`\n${nextStepsText(result.report.verdict.ok ? stackNextSteps(config.stack, reach, { machine: wantsMachineClient(config) }) : verifyNextSteps(result), env.stdout.columns)}`);
  }
  return verifyExit(result, ui.mode);
}
