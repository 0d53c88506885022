import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CREDENTIALS_HINT } from '../aws/errors.js';
import type { StackConfig } from '../config/schema.js';
import { AwsFailure, Interrupted, SecureApiError } from '../errors.js';
import { criticalPathDepth } from '../plan/build.js';
import { ownershipCalls, planCalls } from '../plan/calls.js';
import type { Plan } from '../plan/specs.js';
import type { Prompter } from '../ui/prompter.js';
import { writeFileAtomic } from '../state/store.js';
import { planChoices } from '../ui/plan-summary.js';
import { planTable } from '../ui/tables.js';
import type { CommandEnv, Ui } from './env.js';

/** The plan as --dry-run prints it: the choices, every resource with its AWS calls, the totals. */
export function dryRunText(ui: Ui, plan: Plan, config: StackConfig, width: number | undefined): string {
  const calls = planCalls(plan);
  return [
    planChoices(config, ui.c, width),
    '',
    planTable(plan, ui.c, { calls: true, width }),
    '',
    `${plan.nodes.length} resources, ${calls.length} AWS calls (sts:GetCallerIdentity first, then ${ownershipCalls(plan).length} reads:\nnothing of this name taken, no stack of this name already there); critical path ${criticalPathDepth(plan)} resources deep.`,
  ].join('\n');
}

/** Write the configuration (`--save-config`, or the answers kept when there are no credentials) and say where. */
export function saveConfig(env: CommandEnv, ui: Ui, config: StackConfig, file: string, say = true): string {
  const full = resolve(env.cwd, file);
  writeFileAtomic(full, JSON.stringify(config, null, 2) + '\n');
  const shown = relative(env.cwd, full) || full;
  if (say) ui.reporter.info(`Configuration saved to ${shown}: \`secure-api init --config ${shown} --yes\` reproduces it.`);
  return shown;
}

/** A file name for kept answers that overwrites nothing but an earlier copy of the same answers. */
function answersFile(env: CommandEnv, config: StackConfig): string {
  const text = JSON.stringify(config, null, 2) + '\n';
  for (let i = 1; ; i++) {
    const name = `secure-api-${config.stack}${i > 1 ? `-${i}` : ''}.json`;
    const full = resolve(env.cwd, name);
    if (!existsSync(full) || readFileSync(full, 'utf8') === text) return name;
  }
}

/**
 * The wizard was answered but there are no credentials to create with: rather than lose the answers, show the plan
 * as --dry-run does, keep them in a config file and say the one command that resumes from there.
 */
export function keepAnswers(err: unknown, o: { env: CommandEnv; ui: Ui; plan: Plan; config: StackConfig; saveConfig: string | undefined }): unknown {
  if (!(err instanceof SecureApiError) || err.code !== 'CREDENTIALS') return err;
  const { env, ui, plan, config } = o;
  ui.reporter.info(`\nThe plan (nothing was created: there are no usable AWS credentials)\n${dryRunText(ui, plan, config, env.stderr.columns)}\n`);
  const file = saveConfig(env, ui, config, o.saveConfig ?? answersFile(env, config), false);
  return new AwsFailure(err.message, {
    code: 'CREDENTIALS', cause: err,
    hint: `Your answers are kept in ${file}. ${CREDENTIALS_HINT} Then run: secure-api init --config ${file} --yes`,
  });
}

/**
 * The wizard was answered and a question after it (the plan's confirmation, adopt or not) is left with Ctrl-C: the
 * answers are kept in a config file, as they are when there are no credentials, and the interrupt names it.
 */
export function keepingAnswers(p: Prompter, now: () => { env: CommandEnv; ui: Ui; config: StackConfig; saveConfig: string | undefined }): Prompter {
  const keep = <T>(ask: () => Promise<T>): Promise<T> => ask().catch((err: unknown) => {
    if (!(err instanceof Interrupted)) throw err;
    const { env, ui, config, saveConfig: file } = now();
    const kept = saveConfig(env, ui, config, file ?? answersFile(env, config), false);
    throw new Interrupted(`${err.message} Your answers are kept in ${kept}.`, `Go on from them with: secure-api init --config ${kept}`);
  });
  return {
    interactive: p.interactive,
    confirm: (q) => keep(() => p.confirm(q)),
    input: (q) => keep(() => p.input(q)),
    password: (q) => keep(() => p.password(q)),
    select: (q) => keep(() => p.select(q)),
    checkbox: (q) => keep(() => p.checkbox(q)),
    number: (q) => keep(() => p.number(q)),
  };
}

/** Ctrl-C in the middle of the wizard: the answers given so far, kept; `init --config FILE` asks only the rest. */
export function keepPartialAnswers(env: CommandEnv, input: Record<string, unknown>, err: Interrupted): Interrupted {
  const stack = typeof input.stack === 'string' ? input.stack : 'secure-api';
  const text = JSON.stringify(input, null, 2) + '\n';
  let name = `secure-api-${stack}.json`;
  for (let i = 2; existsSync(resolve(env.cwd, name)) && readFileSync(resolve(env.cwd, name), 'utf8') !== text; i++) name = `secure-api-${stack}-${i}.json`;
  writeFileAtomic(resolve(env.cwd, name), text);
  return new Interrupted(`${err.message} Your answers so far are kept in ${name}.`, `Go on from them with: secure-api init --config ${name} (it asks only what is left)`);
}
