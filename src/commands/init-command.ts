import { relative } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { defaultRegion } from '../aws/region.js';
import { UsageError } from '../errors.js';
import { stackOutputs } from '../state/outputs.js';
import type { StateFile } from '../state/schema.js';
import { readState, stateDir, statePath } from '../state/store.js';
import { makeChalk } from '../ui/output.js';
import { outputsText, table } from '../ui/tables.js';
import { accountOf, endpointOf, makeClients, type CommandEnv } from './env.js';
import { initOptionsFrom, type InitOptions } from './init-options.js';
import { runInit } from './init.js';
import { prepareInit, suffixFor, type AskForConfig } from '../usecases/resolve-init.js';
import { openBackend, stateLocation } from './state-backend.js';
import { keepPartialAnswers } from './init-answers.js';

/** A summary of a recorded stack, like `status --offline`, for the wizard's "show it". */
function describeRecorded(env: CommandEnv, path: string, state: StateFile | undefined = readState(path)): string {
  if (!state) return '(no state)';
  const c = makeChalk(env.stderr, env.env);
  const rows = Object.values(state.nodes).map((r) => [r.kind, r.label, Object.values(r.out)[0] ?? '', r.status]);
  return [
    `Stack ${c.bold(state.stack)} · ${state.account} / ${state.region} · created ${state.createdAt}${state.complete ? '' : ' · unfinished'} (from the state file)`,
    rows.length ? table(['resource', 'name', 'id', 'recorded'], rows, c, env.stderr.columns) : c.dim('No resource recorded yet.'),
    outputsText(stackOutputs(state, path), c),
  ].join('\n');
}

/** A look-up that gives up (rather than hang the banner) when the credential chain is slow. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The interactive wizard as init's `ask` hook; loaded only when a terminal asks. */
function wizardAsk(o: InitOptions, env: CommandEnv): AskForConfig {
  return async (known, prompter, help) => {
    const [{ runWizard, WizardInterrupted }, { awsLookups }] = await Promise.all([import('../wizard/wizard.js'), import('../wizard/aws-lookups.js')]);
    const dir = stateDir(o.stateDir, env.cwd);
    // A shared state: the wizard's questions are synchronous, so the stacks under the prefix are read first.
    const shared = new Map<string, StateFile>();
    const location = stateLocation(o, env);
    const s3 = location.kind === 's3' ? await openBackend(o, env, undefined, location) : undefined;
    for (const name of s3 ? await s3.list() : []) {
      const st = await s3!.read(name).catch(() => undefined);
      if (st) shared.set(name, st);
    }
    const recorded = (stack: string) => (s3 ? shared.get(stack) : readState(statePath(dir, stack)));
    const endpointUrl = endpointOf(o, env.env);
    const clients = new Map<string, AwsClients>();
    const clientsFor = (region: string): AwsClients => {
      let c = clients.get(region);
      if (!c) clients.set(region, c = makeClients(env, { region, profile: o.profile, endpointUrl }));
      return c;
    };
    const fromEnv = defaultRegion(env.env, o.profile);
    const result = await runWizard(known, {
      prompter,
      say: (text) => { env.stderr.write(`${text}\n`); },
      style: makeChalk(env.stderr, env.env),
      columns: env.stderr.columns,
      resolve: help.resolve,
      defaultRegion: help.defaultRegion,
      regionSource: fromEnv.region === help.defaultRegion && fromEnv.from !== 'default' ? fromEnv.from : undefined,
      profile: o.profile ?? env.env.AWS_PROFILE,
      endpointUrl,
      stateDirLabel: s3 ? s3.location : relative(env.cwd, dir) || '.',
      account: () => withTimeout(accountOf(clientsFor(known.region ?? help.defaultRegion)), 15_000, 'sts:GetCallerIdentity'),
      lookups: awsLookups(clientsFor),
      existing: (stack) => {
        const st = recorded(stack);
        return st && { stack, region: st.region, complete: st.complete, resources: Object.keys(st.nodes).length, config: st.config, apiId: st.nodes.api?.out.apiId };
      },
      describeExisting: (stack) => describeRecorded(env, s3 ? s3.where(stack) : statePath(dir, stack), recorded(stack)),
      env: env.env,
      suffix: suffixFor(dir),
      verify: o.verify,
    }).catch((err: unknown) => {
      throw err instanceof WizardInterrupted ? keepPartialAnswers(env, err.partial as Record<string, unknown>, err) : err;
    });
    // Step 6 is a run option, not a config key: hand the answer to runInit through its options.
    o.verify = result.verify;
    return result.input;
  };
}

/** No terminal and no --yes: refuse before any AWS call, naming each answer flags and --config left open. */
async function refuseWithoutTerminal(o: InitOptions, env: CommandEnv): Promise<void> {
  const { input, config } = await prepareInit(o, env);
  const { missingAnswers, missingAnswersText } = await import('../wizard/questions.js');
  const missing = missingAnswers(input, config, { verify: o.verify });
  if (!missing.length) return;
  throw new UsageError(
    `secure-api init has no terminal to ask on, and ${missing.length} answer${missing.length > 1 ? 's are' : ' is'} missing:\n${missingAnswersText(missing)}`,
    'Give them as flags (or keys of a --config file) and add --yes to create without the confirmation; --yes alone takes every default shown.',
    'NO_TTY',
  );
}

/** commander's option object → validated InitOptions → runInit, with the wizard as its `ask`. */
export async function runInitCommand(opts: Record<string, unknown>, env: CommandEnv): Promise<number> {
  const o = initOptionsFrom(opts);
  const interactive = env.stdin.isTTY === true && env.stderr.isTTY === true && !o.json;
  if (!o.yes && !o.dryRun && !interactive) await refuseWithoutTerminal(o, env);
  return runInit(o, env, wizardAsk(o, env));
}
