import { wantsMachineClient } from '../plan/build-scopes.js';
import { countOf } from '../ui/count.js';
import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { partitionOf } from '../aws/region.js';
import { flagsToConfig } from '../config/flags.js';
import { createQuestion, planNotes } from '../plan/notes.js';
import { requireSecrets } from '../engine/engine.js';
import { Cancelled, UsageError } from '../errors.js';
import { buildPlan } from '../plan/build.js';
import { countChanges, type ChangePlan } from '../plan/changes.js';
import { canonicalJson } from '../plan/field-diff.js';
import type { Ctx } from '../resources/types.js';
import { checkAllowReplace, decideChanges, recordedDryRun, refuseUnallowedReplacement, requireChangeSecrets } from './init-change.js';
import { stackOutputs } from '../state/outputs.js';
import { outputsJson } from '../state/outputs-schema.js';
import { newStateId, type NodeRecord } from '../state/schema.js';
import { NonInteractivePrompter, type Prompter } from '../ui/prompter.js';
import { planChoices } from '../ui/plan-summary.js';
import { nextStepsText, outputsText, planTable, stackNextSteps } from '../ui/tables.js';
import { keepAnswers, keepingAnswers, saveConfig } from './init-answers.js';
import { findOrphans, type Orphan } from '../orphans/find.js';
import { adoptedNodes, adoptionOf, lostStateError } from '../orphans/lost-state.js';
import { findNameClashes, nameClashError, type NameClash } from '../orphans/preflight.js';
import { STACK_TAG, STATE_ID_TAG } from '../resources/refs.js';
import { checkAccessLogRole } from '../resources/stage-access-log.js';
import { checkCaller, noteReach, recordedTarget } from './stack-session.js';
import { accountOf, endpointOf, makeClients, makeCtx, makeUi, type CommandEnv } from './env.js';
import { prepareInit, type AskForConfig } from '../usecases/resolve-init.js';
import { applyStack } from '../usecases/apply-stack.js';
import { newStackDryRun } from './init-dry-run.js';

export const initOptionsSchema = commonOptionsSchema.extend({
  config: z.string().optional(),
  route: z.array(z.string()).optional(),
  publicRoute: z.array(z.string()).optional(),
  routeGroup: z.array(z.string()).optional(),
  appClient: z.string().optional(),
  hostedUi: z.boolean().optional(),
  domainPrefix: z.string().optional(),
  stage: z.string().optional(),
  yes: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  saveConfig: z.string().optional(),
  verify: z.boolean().optional(),
  /** No state file but resources tagged with this stack: take them back into a new state (their state id). */
  adopt: z.boolean().optional(),
  /** Kinds init may replace although their data goes with them (only 'user-pool'). */
  allowReplace: z.array(z.string()).optional(),
  /** --secure-add / --secure-remove "METHOD /path": change the recorded list of secured methods one at a time. */
  secureAdd: z.array(z.string()).optional(),
  secureRemove: z.array(z.string()).optional(),
  /** Config keys set by init's per-question flags (--api-name, --mfa…); they win over --config. */
  flagConfig: z.record(z.string(), z.unknown()).optional(),
});
export type InitOptions = z.infer<typeof initOptionsSchema>;

/** commander's option object → validated InitOptions, the per-question flags as config keys (init and plan read flags alike). */
export function initOptionsFrom(opts: Record<string, unknown>): InitOptions {
  const flagConfig = flagsToConfig(opts);
  return initOptionsSchema.parse({
    ...opts,
    hostedUi: opts.hostedUi === false ? false : undefined,
    ...(Object.keys(flagConfig).length ? { flagConfig } : {}),
  });
}

/** What a run did: a new stack's resources, or a change's own count (not the stack's size: "22 resources" after 6 changes misleads). */
export function doneText(changes: ChangePlan | undefined, total: number): string {
  if (!changes) return `${total} resources`;
  const c = countChanges(changes);
  const parts = [[c.add, 'added'], [c.change, 'changed'], [c.replace, 'replaced'], [c.delete, 'deleted']].filter(([n]) => Number(n) > 0).map(([n, w]) => `${String(n)} ${String(w)}`);
  return `${parts.length ? parts.join(', ') : 'nothing changed'} (the stack has ${total} resources)`;
}

/** The wizard's question when the state file is missing but the stack's resources are not. */
async function askAdopt(prompter: Prompter, stack: string, found: Orphan[]): Promise<boolean> {
  const pick = await prompter.select<'adopt' | 'stop'>({
    message: `No state file for stack ${stack}, but ${countOf(found.length, 'resource')} in AWS ${found.length === 1 ? 'carries' : 'carry'} its tag (a lost state file, or someone else's stack of that name). What now?`,
    choices: [
      { name: 'Adopt them into a new state file (they are mine)', value: 'adopt' },
      { name: 'Stop: I will remove them (destroy --orphans) or choose another stack name', value: 'stop' },
    ],
    default: 'stop',
  });
  return pick === 'adopt';
}

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
    existingLines = existingSummary(done.facts, config);
  }
  const asked = Boolean(ask && !o.yes && interactive && !o.dryRun);
  // Ctrl-C at a question after the wizard keeps its answers in a file, as missing credentials do.
  if (asked) prompter = keepingAnswers(prompter, () => ({ env, ui, config, saveConfig: o.saveConfig }));

  if (o.dryRun && existing) {
    recordedDryRun(ui, plan, existing, path);
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

  // A recorded stack is reached where its state says (its endpoint when on this machine), and its account is checked
  // first: credentials for another account would see every recorded id "deleted outside" and make a second stack.
  const endpointUrl = existing ? recordedTarget(o, env, existing).endpointUrl : endpointOf(o, env.env);
  const clients = makeClients(env, { region: config.region, profile: o.profile, endpointUrl }, ui.reporter);
  const account = await (existing ? checkCaller(clients, existing, o.profile) : accountOf(clients))
    .catch((err: unknown) => { throw asked ? keepAnswers(err, { env, ui, plan, config, saveConfig: o.saveConfig }) : err; });
  noteReach(env, { stack: config.stack, backend: prepared.backend, region: config.region, account });
  const at = new Date(env.now()).toISOString();
  let adopted: Record<string, NodeRecord> | undefined;
  // Printed commands carry what this run needed: the state's location, --profile, an endpoint not used unasked.
  const reach = prepared.backend.args;
  const ctxFor = (): Ctx => makeCtx(env, clients, { region: config.region, account, stack: config.stack, owner, reach }, ui.reporter);
  let ctx = ctxFor();
  // Before the first create: every name this run would take must be free or already ours (read calls only).
  let clashes: NameClash[] = [];
  if (!existing) {
    // No state file: what carries this stack's tag is a lost state's stack or someone else's, never a reason for a
    // second one. The names AWS keeps unique are checked meanwhile: one round of reads before the first create.
    const [found, unique] = await Promise.all([findOrphans(clients, config.stack), findNameClashes(ctx, plan, {}, { noneTagged: true })]);
    clashes = unique;
    if (found.length) {
      const adopt = o.adopt === true || (prompter.interactive && await askAdopt(prompter, config.stack, found));
      if (!adopt) throw lostStateError(config.stack, found, reach);
      const a = adoptionOf(config.stack, found, reach);
      owner = { stateId: a.stateId, legacyTags: a.legacyTags || undefined };
      config = prepared.resolveFor(a.domainPrefix ? { ...input, hostedUi: { ...input.hostedUi, domainPrefix: a.domainPrefix } } : input, owner);
      plan = buildPlan(config, partitionOf(config.region));
      adopted = adoptedNodes(plan, at);
      ctx = ctxFor();
      clashes = await findNameClashes(ctx, plan, adopted);
      ui.reporter.info(`Adopting ${countOf(found.length, 'resource')} tagged ${STACK_TAG}=${config.stack}${a.legacyTags ? '' : ` and ${STATE_ID_TAG}=${a.stateId}`} into a new state; what is missing is created.`);
    }
  } else {
    // A recorded stack: no lost-state search; only what it has not created yet (a resume, or a change adding a
    // piece) is checked. Nodes it records as created are skipped, so an unchanged stack makes no call here.
    clashes = await findNameClashes(ctx, plan, existing.nodes);
  }
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
        ui.out(outputsText(outputs, ui.c, { reach }));
      }
      return 0;
    }
    changes = decision.changes;
  } else if (!o.yes) {
    ui.reporter.info([planChoices(config, ui.c, env.stderr.columns), '', planTable(plan, ui.c, { width: env.stderr.columns }), ...planNotes(config)].join('\n'));
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
      ui.out(outputsText(outputs, ui.c, { next: !proving, reach }));
    }
    if (o.verify === false || !state.nodes.pool) {
      if (ui.mode === 'json') ui.json(outputsJson(outputs));
      return 0;
    }
    // Step 6: prove it. The same code as `secure-api verify`.
    const { renderVerify, verifyJson, verifyExit, verifyNextSteps } = await import('./verify.js');
    const { verifyStack, stagePolicyOf } = await import('../usecases/verify-stack.js');
    const { stackTarget } = await import('./stack-target.js');
    ui.reporter.info(`\nProving it (step 6): a temporary user signs in, and every route is called without and with its id token (skip with --no-verify)`);
    const target = stackTarget(o, env, { stack: config.stack, dir: prepared.dir, path, state, backend: prepared.backend });
    const result = await verifyStack(target, clients.cognito, env, ui, { stagePolicy: stagePolicyOf(target, clients, env, ui) });
    if (ui.mode === 'json') ui.json({ ...outputsJson(outputs), verify: verifyJson(result) });
    else {
      renderVerify(result, ui, env.stdout.columns);
      ui.out(`\n${nextStepsText(result.report.verdict.ok ? stackNextSteps(config.stack, reach, { machine: wantsMachineClient(config) }) : verifyNextSteps(result))}`);
    }
    return verifyExit(result, ui.mode);
  });
}
