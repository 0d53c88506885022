import { wantsMachineClient } from '../plan/build-scopes.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { defaultRegion, partitionOf } from '../aws/region.js';
import { flagsToConfig, mergeConfig, overlayFlags } from '../config/flags.js';
import { applyRouteGroups, keepRecordedIntegrations, type RecordedRoute } from '../config/routes-edit.js';
import { planNotes } from '../plan/notes.js';
import { hostname } from 'node:os';
import { derivedSuffix, resolveConfig, stateNameSuffix } from '../config/resolve.js';
import type { StackConfig, StackConfigInput } from '../config/schema.js';
import { checkStackName } from '../config/validators.js';
import { apply, requireSecrets } from '../engine/engine.js';
import { Cancelled, ExitCode, SecureApiError, UsageError } from '../errors.js';
import { buildPlan, criticalPathDepth } from '../plan/build.js';
import { createCalls, ownershipCalls, planCalls } from '../plan/calls.js';
import { countChanges, type ChangePlan } from '../plan/changes.js';
import { canonicalJson } from '../plan/field-diff.js';
import type { Plan } from '../plan/specs.js';
import type { Ctx } from '../resources/types.js';
import { checkAllowReplace, decideChanges, recordedDryRun, refuseUnallowedReplacement, requireChangeSecrets } from './init-change.js';
import type { StateBackend } from '../state/backend.js';
import { stackOutputs } from '../state/outputs.js';
import { outputsJson } from '../state/outputs-schema.js';
import { STATE_VERSION, newStateId, recordConfig, type NodeRecord, type StateFile } from '../state/schema.js';
import { NonInteractivePrompter, type Prompter } from '../ui/prompter.js';
import { planChoices } from '../ui/plan-summary.js';
import { nextStepsText, outputsText, planTable, stackNextSteps } from '../ui/tables.js';
import { dryRunText, keepAnswers, keepingAnswers, saveConfig } from './init-answers.js';
import { findOrphans, type Orphan } from '../orphans/find.js';
import { adoptedNodes, adoptionOf, lostStateError } from '../orphans/lost-state.js';
import { findNameClashes, nameClashError, type NameClash } from '../orphans/preflight.js';
import { STACK_TAG, STATE_ID_TAG } from '../resources/refs.js';
import { checkAccessLogRole } from '../resources/stage-access-log.js';
import { checkCaller, recordedTarget } from './stack-session.js';
import { accountOf, checkCommon, checkProfile, endpointOf, makeClients, makeCtx, makeUi, type CommandEnv, type StateOwner } from './env.js';
import { openBackend, stateLocation } from './state-backend.js';

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

function readConfigFile(path: string, cwd: string): Record<string, unknown> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --config ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`--config ${path} must hold a JSON object`);
  return json as Record<string, unknown>;
}

export interface InitInputs {
  /** What flags, the --config file and (for an existing stack) the recorded configuration said, before defaults. */
  input: StackConfigInput;
  /** What flags and the --config file alone said: the wizard asks for what is missing here. */
  given: StackConfigInput;
  config: StackConfig;
  plan: Plan;
  existing: StateFile | undefined;
  dir: string;
  path: string;
  /** Where the state lives (local directory or S3). */
  backend: StateBackend;
  /** Validate and complete another input the same way (the wizard's answers end here). */
  resolve: (input: StackConfigInput) => StackConfig;
  /** The state id a new state gets (or the existing state's): default role and function names end with part of it. */
  owner: StateOwner;
  /** resolve, for another owner (an adopted stack's) and perhaps its recorded domain prefix. */
  resolveFor: (input: StackConfigInput, owner: StateOwner, domainPrefix?: string) => StackConfig;
}

/** The interactive wizard's entry: given what is known, ask for the rest and return the completed input. */
export type AskForConfig = (known: StackConfigInput, prompter: Prompter, help: { resolve: (input: StackConfigInput) => StackConfig; defaultRegion: string }) => Promise<StackConfigInput>;

/** The default domain prefix's suffix: derived from the stack, this state directory and this machine (dry run = real run). */
export const suffixFor = (dir: string) => (stack: string): string => derivedSuffix(stack, `${hostname()}\0${dir}`);

/** Flags + --config file (+ existing state) → a validated StackConfig and its plan. No AWS call. */
export async function prepareInit(o: InitOptions, env: CommandEnv): Promise<InitInputs> {
  checkCommon(o);
  // Before the wizard's first question, not after its last.
  checkProfile(env, o.profile);
  const file = o.config ? readConfigFile(o.config, env.cwd) : {};
  // "state" says where the state lives, not what to build: it is not part of the stack's configuration.
  const { state: fileState, ...stackFile } = file;
  if (fileState !== undefined && typeof fileState !== 'string') throw new UsageError(`--config ${o.config}: "state" must be a string such as "s3://BUCKET/PREFIX"`);
  let input = overlayFlags(stackFile, {
    stack: o.stack, region: o.region, routes: o.route, publicRoutes: o.publicRoute, appClient: o.appClient, hostedUi: o.hostedUi, domainPrefix: o.domainPrefix, stage: o.stage,
  }, o.flagConfig);
  const stack = typeof input.stack === 'string' ? input.stack : 'secure-api';
  const stackErr = checkStackName(stack);
  if (stackErr) throw new UsageError(o.stack !== undefined ? `--stack: ${stackErr}` : stackErr);
  const location = stateLocation(o, env, fileState);
  const backend = await openBackend(o, env, undefined, location);
  const dir = backend.location;
  const path = backend.where(stack);
  // A dry run needs no credentials: an S3 state is not read for it.
  const existing = o.dryRun && backend.kind === 's3' ? undefined : await backend.read(stack);
  // An existing stack: the recorded configuration is the base; flags and --config change only what they name.
  const given = input;
  if (existing) input = mergeConfig(existing.config, input) as StackConfigInput;
  // --route/--public-route are the whole list, but a route they repeat keeps the integration recorded for it.
  if (existing && (o.route?.length || o.publicRoute?.length) && Array.isArray(input.routes)) {
    const recorded = Array.isArray(existing.config.routes) ? existing.config.routes as RecordedRoute[] : [];
    input = { ...input, routes: keepRecordedIntegrations(input.routes as RecordedRoute[], recorded) as StackConfigInput['routes'] };
  }
  // --route-group restricts routes of the list (the one given, or the recorded one) to Cognito groups.
  if (o.routeGroup?.length) {
    if (!Array.isArray(input.routes)) throw new UsageError('--route-group restricts routes of the list: give the routes with --route', 'For example: --route "GET /items" --route "GET /admin" --route-group "GET /admin=admins".', 'NO_SUCH_ROUTE');
    input = { ...input, routes: applyRouteGroups(input.routes as RecordedRoute[], o.routeGroup) as StackConfigInput['routes'] };
  }
  const existingCfg = existing?.config as { hostedUi?: { domainPrefix?: string }; function?: { name?: string; roleName?: string } } | undefined;
  if (o.adopt && existing) {
    throw new UsageError(`--adopt is for a stack whose state file is lost, and ${path} exists`, `Run \`secure-api init --stack ${stack}${backend.args}\` without --adopt: it resumes or changes what that state records.`, 'HAS_STATE');
  }
  const region = existing && input.region === undefined ? existing.region : defaultRegion(env.env, o.profile).region;
  const owner: StateOwner = existing ? { stateId: existing.stateId, legacyTags: existing.legacyTags } : { stateId: newStateId() };
  const resolveFor = (i: StackConfigInput, who: StateOwner, domainPrefix?: string) => resolveConfig(i, {
    defaultRegion: region,
    existingDomainPrefix: domainPrefix ?? existingCfg?.hostedUi?.domainPrefix,
    source: o.config ? `--config ${o.config}` : 'the configuration',
    nameSuffix: who.legacyTags ? undefined : stateNameSuffix(who.stateId),
    existingNames: who.stateId === existing?.stateId ? { functionName: existingCfg?.function?.name, roleName: existingCfg?.function?.roleName } : undefined,
    suffix: suffixFor(dir),
  });
  const resolve = (i: StackConfigInput) => resolveFor(i, owner);
  const config = resolve(input);
  return { input, given, config, plan: buildPlan(config, partitionOf(config.region)), existing, dir, path, backend, resolve, owner, resolveFor };
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
    message: `No state file for stack ${stack}, but ${found.length} resources in AWS carry its tag (a lost state file, or someone else's stack of that name). What now?`,
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
    const calls = planCalls(plan);
    if (ui.mode === 'json') {
      ui.json({ stack: config.stack, region: config.region, dryRun: true, criticalPathDepth: criticalPathDepth(plan), callCount: calls.length,
        ownershipChecks: ownershipCalls(plan),
        nodes: plan.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label, dependsOn: n.deps, calls: createCalls(n) })), config });
    } else {
      ui.out(`Plan for stack ${ui.c.bold(config.stack)} in ${config.region}\n${ui.c.dim('Dry run: nothing is created, no credentials needed.')}\n`);
      if (existingLines.length) ui.out(existingLines.join('\n') + '\n');
      ui.out(dryRunText(ui, plan, config, env.stdout.columns));
      for (const note of planNotes(config)) ui.out(note);
      // Default function and role names end with part of the state's id, and a dry run's state id is never saved.
      // (An S3 state is not read by a dry run: the stack may exist there, with its own names. Nothing to say then.)
      const given = (prepared.given.function ?? {}) as { name?: unknown; roleName?: unknown };
      const derived = [given.name === undefined && config.function.name, given.roleName === undefined && config.function.roleName].filter(Boolean);
      if (!existing && prepared.backend.kind !== 's3' && !o.saveConfig && plan.nodes.some((n) => n.kind === 'lambda-function') && derived.length) {
        ui.out(`${derived.length === 2 ? `Names ${derived.join(' and ')} end` : `The name ${String(derived[0])} ends`} with 6 characters of this dry run's state id: the real run makes its own, so its names end differently. To create exactly these, add --save-config FILE here and run \`init --config FILE --yes\`.`);
      }
    }
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
      ui.reporter.info(`Adopting ${found.length} resources tagged ${STACK_TAG}=${config.stack}${a.legacyTags ? '' : ` and ${STATE_ID_TAG}=${a.stateId}`} into a new state; what is missing is created.`);
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
    const ok = await prompter.confirm({ message: `Create these ${plan.nodes.length} resources in account ${account}, ${config.region}?`, default: true });
    if (!ok) throw new Cancelled(`Cancelled: nothing was created${o.saveConfig ? `; ${o.saveConfig} was not written` : ''}.`);
  }
  // Written once the run is agreed to (--yes, or the plan confirmed): a declined plan leaves no file behind.
  if (o.saveConfig) saveConfig(env, ui, config, o.saveConfig);

  const session = await prepared.backend.open(config.stack, 'init');
  try {
    // Re-read under the lock: another run may have written it since.
    const current = session.state;
    // Was it written by another run since the plan was read (compared before the save below stamps a new updatedAt)?
    // Then the plan, and the configuration it applies (the recorded one, with this run's flags over it), are stale:
    // applying them would undo the other run's change. Refused before any call, as Terraform refuses a stale plan.
    if (session.state?.updatedAt !== existing?.updatedAt) {
      throw new SecureApiError('STALE_PLAN', session.state
        ? `Stack ${config.stack} was changed by another run since this plan was read (its state was saved at ${session.state.updatedAt}): nothing was changed.`
        : `Stack ${config.stack} was removed by another run since this plan was read: nothing was changed.`,
      { hint: `Run \`secure-api init --stack ${config.stack}${prepared.backend.args}\` again: it plans from what the state says now.`, exitCode: ExitCode.aws });
    }
    const now = new Date(env.now()).toISOString();
    const state: StateFile = current ?? {
      version: STATE_VERSION, stateId: owner.stateId, stack: config.stack, region: config.region, account, createdAt: now, updatedAt: now, complete: false,
      config: config as unknown as Record<string, unknown>, history: [], nodes: adopted ?? {}, ...(owner.legacyTags ? { legacyTags: true } : {}),
      ...(endpointUrl ? { endpointUrl } : {}), ...(o.profile ? { profile: o.profile } : {}),
    };
    // The configuration being applied is recorded first (the one it replaces goes to the history): a run that
    // stops is resumed by a plain `init`, which takes the recorded configuration as its base.
    recordConfig(state, config as unknown as Record<string, unknown>, now);
    const store = session.writer(state, () => new Date(env.now()));
    await store.save();
    ui.reporter.restartClock();
    ui.reporter.info(`${current ? (current.complete ? 'Changing' : 'Resuming') : adopted ? 'Resuming' : 'Creating'} stack ${config.stack} in ${account} / ${config.region}`);
    try {
      // The plan read live before the lock (a new stack has none: the engine plans its creates).
      await apply(plan, { ctx, store, emit: ui.reporter.event, signal: env.signal }, changes);
    } finally {
      ui.reporter.stop();
    }
    state.complete = true;
    await store.save();
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
    const { verifyStack, renderVerify, verifyJson, verifyExit, verifyNextSteps, stagePolicyOf } = await import('./verify.js');
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
  } finally {
    await session.end();
  }
}
