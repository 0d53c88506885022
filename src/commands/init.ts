import { partitionOf } from '../aws/region.js';
import { createQuestion, planNotes } from '../plan/notes.js';
import { wrappedNotes } from '../status/render.js';
import { requireSecrets } from '../engine/engine.js';
import { Cancelled, UsageError } from '../errors.js';
import { buildPlan } from '../plan/build.js';
import type { ChangePlan } from '../plan/changes.js';
import { canonicalJson } from '../plan/field-diff.js';
import { checkAllowReplace, decideChanges, recordedDryRun, refuseUnallowedReplacement, requireChangeSecrets } from './init-change.js';
import { stackOutputs } from '../state/outputs.js';
import { outputsJson } from '../state/outputs-schema.js';
import { newStateId } from '../state/schema.js';
import { NonInteractivePrompter, type Prompter } from '../ui/prompter.js';
import { doneText, planChoices } from '../ui/plan-summary.js';
import type { InitOptions } from './init-options.js';
import { proveNewStack } from './init-prove.js';
import { outputsText, planTable } from '../ui/tables.js';
import { keepingAnswers, saveConfig } from './init-answers.js';
import { nameClashError } from '../orphans/preflight.js';
import { checkAccessLogRole } from '../resources/stage-access-log.js';
import { makeUi, type CommandEnv } from './env.js';
import { prepareInit, type AskForConfig } from '../usecases/resolve-init.js';
import { applyStack } from '../usecases/apply-stack.js';
import { discoverStack } from '../usecases/discover-stack.js';
import { newStackDryRun } from './init-dry-run.js';

export async function runInit(o: InitOptions, env: CommandEnv, ask?: AskForConfig): Promise<number> {
  const prepared = await prepareInit(o, env);
  let { config, plan, existing, path, owner, input } = prepared;
  const ui = await makeUi(env, o.json);
  const interactive = env.stdin.isTTY === true && env.stderr.isTTY === true && ui.mode !== 'json';
  let prompter: Prompter = !o.yes && interactive ? await env.prompter() : new NonInteractivePrompter('secure-api init');
  if (ask && !o.yes && interactive && !o.dryRun) {
    input = await ask(prepared.given, prompter, { resolve: prepared.resolve, defaultRegion: config.region });
    config = prepared.resolve(input);
    // The wizard may have changed the stack name (or picked a recorded stack): its state is the one that counts.
    path = prepared.backend.where(config.stack);
    existing = await prepared.backend.read(config.stack);
    if (existing || prepared.existing) {
      owner = existing ? { stateId: existing.stateId, legacyTags: existing.legacyTags } : { stateId: newStateId() };
      config = prepared.resolveFor(input, owner);
    }
    plan = buildPlan(config, partitionOf(config.region));
  }
  // issue 12: an existing API or pool is read (no write) and the config completed from it; bad answers exit 2 here.
  let existingLines: string[] = [];
  if (config.existingApi || config.existingPool) {
    const { withExisting, existingSummary } = await import('./init-existing.js');
    const done = await withExisting(input, config, existing, o, env, prepared.resolve, prompter);
    ({ config, plan } = done);
    existingLines = existingSummary(done.facts, config, { allowTriggers: o.allowTriggers });
  }
  const asked = Boolean(ask && !o.yes && interactive && !o.dryRun);
  // Ctrl-C at a question after the wizard keeps its answers in a file, as missing credentials do.
  if (asked) prompter = keepingAnswers(prompter, () => ({ env, ui, config, saveConfig: o.saveConfig }));

  if (o.dryRun && existing) {
    recordedDryRun(ui, plan, existing, path, prepared.backend.args);
    if (o.saveConfig) saveConfig(env, ui, config, o.saveConfig);
    return 0;
  }
  if (o.dryRun) {
    newStackDryRun(ui, env, { config, plan, existingLines, given: prepared.given, stateOnS3: prepared.backend.kind === 's3', saveConfig: o.saveConfig, existing: existing !== undefined });
    if (o.saveConfig) saveConfig(env, ui, config, o.saveConfig);
    return 0;
  }

  if (existing) {
    if (existing.region !== config.region) throw new UsageError(`stack "${config.stack}" exists in ${existing.region}, not ${config.region}`, `Use --region ${existing.region}, or another --stack.`);
    checkAllowReplace(o.allowReplace);
    refuseUnallowedReplacement(plan, existing, o.allowReplace, !o.yes && prompter.interactive);
    requireChangeSecrets(plan, existing, env.env);
  }
  requireSecrets(plan, existing?.nodes ?? {}, (_name, envName) => env.env[envName]);
  // Refuse before any AWS call when a confirmation is needed and cannot be asked.
  if (!o.yes && !prompter.interactive) await prompter.confirm({ message: existing ? 'Apply these changes?' : 'Create these resources?' });

  const found = await discoverStack({ o, env, ui, prompter, prepared, config, plan, existing, owner, input, asked });
  ({ config, plan, owner } = found);
  const { clients, account, endpointUrl, reach, ctx, adopted, clashes } = found;
  // On a recorded stack the change plan says what changes; the summary of the user's API is for the first run.
  if (existingLines.length && !existing) ui.reporter.info(existingLines.join('\n'));
  if (clashes.length) throw nameClashError(config.stack, clashes);
  await checkAccessLogRole(ctx, plan, existing?.nodes ?? {});

  let changes: ChangePlan | undefined;
  if (existing) {
    const decision = await decideChanges({ plan, existing, ctx, ui, prompter, yes: o.yes, allowReplace: o.allowReplace, config });
    // Declining the change plan is a cancel (exit 1), as declining a create plan or a destroy is.
    if (!decision.proceed) throw new Cancelled('Cancelled: nothing was changed.');
    if (decision.report.empty && existing.complete && canonicalJson(existing.config) === canonicalJson(config)) {
      const outputs = stackOutputs(existing, path);
      if (ui.mode === 'json') ui.json({ ...outputsJson(outputs), changes: decision.report });
      else {
        ui.reporter.info(`No changes. Stack ${config.stack} matches its configuration.`);
        ui.out(outputsText(outputs, ui.c, { reach, columns: env.stdout.columns }));
      }
      return 0;
    }
    changes = decision.changes;
  } else if (!o.yes) {
    ui.reporter.info([planChoices(config, ui.c, env.stderr.columns), '', planTable(plan, ui.c, { width: env.stderr.columns }), ...wrappedNotes(planNotes(config), env.stderr.columns)].join('\n'));
    const { handlerFor } = await import('../resources/registry.js');
    const ok = await prompter.confirm({ message: createQuestion(plan.nodes, (k) => handlerFor(k).adopted === true, `account ${account}, ${config.region}`), default: true });
    if (!ok) throw new Cancelled(`Cancelled: nothing was created${o.saveConfig ? `; ${o.saveConfig} was not written` : ''}.`);
  }
  // Written once the run is agreed to (--yes, or the plan confirmed): a declined plan leaves no file behind.
  if (o.saveConfig) saveConfig(env, ui, config, o.saveConfig);

  const applied = { backend: prepared.backend, config, plan, existing, owner, account, endpointUrl, profile: o.profile, adopted, changes, ctx, reporter: ui.reporter, now: env.now, signal: env.signal };
  return applyStack(applied, async (state, now) => {
    const outputs = stackOutputs(state, path);
    // With the proof to follow, the Next block waits until after its table.
    const proving = o.verify !== false && Boolean(state.nodes.pool);
    if (ui.mode !== 'json') {
      ui.reporter.info(ui.c.green(`\nDone: ${doneText(changes, Object.keys(state.nodes).length)} in ${((env.now() - Date.parse(now)) / 1000).toFixed(1)}s.\n`));
      ui.out(outputsText(outputs, ui.c, { next: !proving, reach, columns: env.stdout.columns }));
    }
    if (o.verify === false || !state.nodes.pool) {
      if (ui.mode === 'json') ui.json(outputsJson(outputs));
      return 0;
    }
    return proveNewStack({ o, env, ui, clients, config, state, path, outputs, reach, dir: prepared.dir, backend: prepared.backend });
  });
}
