/** init --dry-run of a new stack: the plan, each node's calls and the notes, with no credentials (--json: the same as data). */
import type { StackConfig, StackConfigInput } from '../config/schema.js';
import { criticalPathDepth } from '../plan/build.js';
import { createCalls, ownershipCalls, planCalls } from '../plan/calls.js';
import { planNotes } from '../plan/notes.js';
import { wrappedNotes } from '../status/render.js';
import type { Plan } from '../plan/specs.js';
import type { CommandEnv, Ui } from './env.js';
import { dryRunText } from './init-answers.js';

export interface NewStackDryRun {
  config: StackConfig;
  plan: Plan;
  /** What the user's existing API or pool holds (issue 12), as lines. */
  existingLines: string[];
  /** What flags and --config said (names left out are derived from the state id). */
  given: StackConfigInput;
  stateOnS3: boolean;
  saveConfig: string | undefined;
  existing: boolean;
}

export function newStackDryRun(ui: Ui, env: CommandEnv, a: NewStackDryRun): void {
  const { config, plan, existingLines } = a;
  const calls = planCalls(plan);
  if (ui.mode === 'json') {
    ui.json({ stack: config.stack, region: config.region, dryRun: true, criticalPathDepth: criticalPathDepth(plan), callCount: calls.length,
      ownershipChecks: ownershipCalls(plan),
      nodes: plan.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label, dependsOn: n.deps, calls: createCalls(n) })), config });
  } else {
    ui.out(`Plan for stack ${ui.c.bold(config.stack)} in ${config.region}\n${ui.c.dim('Dry run: nothing is created, no credentials needed.')}\n`);
    if (existingLines.length) ui.out(existingLines.join('\n') + '\n');
    ui.out(dryRunText(ui, plan, config, env.stdout.columns));
    for (const note of wrappedNotes(planNotes(config), env.stdout.columns)) ui.out(note);
    // Default function and role names end with part of the state's id, and a dry run's state id is never saved.
    // (An S3 state is not read by a dry run: the stack may exist there, with its own names. Nothing to say then.)
    const given = (a.given.function ?? {}) as { name?: unknown; roleName?: unknown };
    const derived = [given.name === undefined && config.function.name, given.roleName === undefined && config.function.roleName].filter(Boolean);
    if (!a.existing && !a.stateOnS3 && !a.saveConfig && plan.nodes.some((n) => n.kind === 'lambda-function') && derived.length) {
      ui.out(`${derived.length === 2 ? `Names ${derived.join(' and ')} end` : `The name ${String(derived[0])} ends`} with 6 characters of this dry run's state id: the real run makes its own, so its names end differently. To create exactly these, add --save-config FILE here and run \`init --config FILE --yes\`.`);
    }
  }
}
