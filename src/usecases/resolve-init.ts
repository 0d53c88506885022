/**
 * Resolve, the first step of the create-or-change use case: flags + --config file (+ the recorded state) → a
 * validated StackConfig and its plan. No AWS call.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { defaultRegion, partitionOf } from '../aws/region.js';
import { mergeConfig, overlayFlags } from '../config/flags.js';
import { applyRouteGroups, keepRecordedIntegrations, type RecordedRoute } from '../config/routes-edit.js';
import { derivedSuffix, resolveConfig, stateNameSuffix } from '../config/resolve.js';
import type { StackConfig, StackConfigInput } from '../config/schema.js';
import { checkStackName } from '../config/validators.js';
import { UsageError } from '../errors.js';
import { buildPlan } from '../plan/build.js';
import type { Plan } from '../plan/specs.js';
import type { StateBackend } from '../state/backend.js';
import { newStateId, type StateFile } from '../state/schema.js';
import type { Prompter } from '../ui/prompter.js';
import { checkCommon, checkProfile, type CommandEnv, type StateOwner } from '../commands/env.js';
import type { InitOptions } from '../commands/init-options.js';
import { openBackend, stateLocation } from '../commands/state-backend.js';
import { noteReach } from '../commands/stack-session.js';

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
  noteReach(env, { stack, backend });
  const existing = o.dryRun && backend.kind === 's3' ? undefined : await backend.read(stack);
  if (existing) noteReach(env, { stack, backend, region: existing.region, account: existing.account });
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
  noteReach(env, { stack: config.stack, backend, region: config.region, account: existing?.account });
  return { input, given, config, plan: buildPlan(config, partitionOf(config.region)), existing, dir, path, backend, resolve, owner, resolveFor };
}
