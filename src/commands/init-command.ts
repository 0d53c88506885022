import { relative } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { defaultRegion } from '../aws/region.js';
import {
  checkEmail, checkHeaderName, checkResourceName, checkSesIdentityArn,
} from '../config/validators.js';
import { UsageError } from '../errors.js';
import { stackOutputs } from '../state/outputs.js';
import { readState, stateDir, statePath } from '../state/store.js';
import { makeChalk } from '../ui/output.js';
import { outputsText, table } from '../ui/tables.js';
import { accountOf, endpointOf, makeClients, type CommandEnv } from './env.js';
import { initOptionsSchema, prepareInit, runInit, type AskForConfig, type InitOptions } from './init.js';

type Tree = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function setKey(tree: Tree, key: string, value: unknown): void {
  const parts = key.split('.');
  const last = parts.pop()!;
  let node = tree;
  for (const p of parts) node = (node[p] ??= {}) as Tree;
  node[last] = value;
}

function must(flag: string, err: string | undefined): void {
  if (err) throw new UsageError(`${flag}: ${err}`);
}

/**
 * init's per-question flags (--api-name, --mfa…) as config keys, checked by the same validators as the
 * prompts and the --config file. They win over --config.
 */
export function flagsToConfig(opts: Record<string, unknown>): Tree {
  const out: Tree = {};
  const name = (flag: string, v: unknown, key: string, what: string) => {
    const s = str(v);
    if (s === undefined) return;
    must(flag, checkResourceName(s, what, 128));
    setKey(out, key, s);
  };
  name('--api-name', opts.apiName, 'api.name', 'API name');
  name('--user-pool-name', opts.userPoolName, 'userPool.name', 'user pool name');
  name('--app-client-name', opts.appClientName, 'appClient.name', 'app client name');
  name('--authorizer-name', opts.authorizerName, 'authorizer.name', 'authorizer name');
  const apiDescription = str(opts.apiDescription);
  if (apiDescription !== undefined) setKey(out, 'api.description', apiDescription);
  const endpointType = str(opts.endpointType);
  if (endpointType !== undefined) setKey(out, 'api.endpointType', endpointType.toUpperCase());
  const signIn = str(opts.signIn);
  if (signIn !== undefined) {
    const ids = signIn.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
    const bad = ids.find((x) => !['username', 'email', 'phone'].includes(x));
    if (bad !== undefined || ids.length === 0) throw new UsageError(`--sign-in: "${bad ?? signIn}" is not one of username, email, phone (give a comma-separated list)`);
    setKey(out, 'userPool.signInIdentifiers', [...new Set(ids)]);
  }
  const minLength = str(opts.passwordMinLength);
  if (minLength !== undefined) {
    const n = Number(minLength);
    if (!Number.isInteger(n) || n < 6 || n > 99) throw new UsageError(`--password-min-length: "${minLength}" must be a whole number from 6 to 99`);
    setKey(out, 'userPool.passwordPolicy.minLength', n);
  }
  const mfa = str(opts.mfa);
  if (mfa !== undefined) setKey(out, 'userPool.mfa.mode', ({ off: 'OFF', optional: 'OPTIONAL', required: 'ON' } as Record<string, string>)[mfa] ?? mfa);
  const email = str(opts.email);
  const from = str(opts.emailFrom);
  const sourceArn = str(opts.sesIdentityArn);
  if (email === 'cognito') {
    if (from || sourceArn) throw new UsageError('--email cognito sends from Cognito\'s own address: drop --email-from and --ses-identity-arn, or use --email ses');
    setKey(out, 'userPool.email', { type: 'COGNITO_DEFAULT' });
  } else if (email === 'ses' || from !== undefined || sourceArn !== undefined) {
    if (!from || !sourceArn) throw new UsageError('Amazon SES email needs both --email-from <address> and --ses-identity-arn <arn>');
    must('--email-from', checkEmail(from.replace(/^.*<([^>]+)>\s*$/, '$1')));
    must('--ses-identity-arn', checkSesIdentityArn(sourceArn));
    setKey(out, 'userPool.email', { type: 'SES', from, sourceArn });
  }
  if (opts.hostedUi === true) setKey(out, 'hostedUi.enabled', true);
  const header = str(opts.identityHeader);
  if (header !== undefined) {
    must('--identity-header', checkHeaderName(header));
    setKey(out, 'authorizer.identityHeader', header);
  }
  const scopes = str(opts.authorizerScopes);
  if (scopes !== undefined) setKey(out, 'authorizer.scopes', scopes.split(/[\s,]+/).filter(Boolean));
  const stageDescription = str(opts.stageDescription);
  if (stageDescription !== undefined) setKey(out, 'stage.description', stageDescription);
  return out;
}

/** A summary of a recorded stack, like `status --offline`, for the wizard's "show it". */
function describeRecorded(env: CommandEnv, path: string): string {
  const state = readState(path);
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
    const [{ runWizard }, { awsLookups }] = await Promise.all([import('../wizard/wizard.js'), import('../wizard/aws-lookups.js')]);
    const dir = stateDir(o.stateDir, env.cwd);
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
      stateDirLabel: relative(env.cwd, dir) || '.',
      account: () => withTimeout(accountOf(clientsFor(known.region ?? help.defaultRegion)), 15_000, 'sts:GetCallerIdentity'),
      lookups: awsLookups(clientsFor),
      existing: (stack) => {
        const st = readState(statePath(dir, stack));
        return st && { stack, region: st.region, complete: st.complete, resources: Object.keys(st.nodes).length, config: st.config };
      },
      describeExisting: (stack) => describeRecorded(env, statePath(dir, stack)),
      env: env.env,
      verify: o.verify,
    });
    // Step 6 is a run option, not a config key: hand the answer to runInit through its options.
    o.verify = result.verify;
    return result.input;
  };
}

/** No terminal and no --yes: refuse before any AWS call, naming each answer flags and --config left open. */
async function refuseWithoutTerminal(o: InitOptions, env: CommandEnv): Promise<void> {
  const { input, config } = prepareInit(o, env);
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
  const flagConfig = flagsToConfig(opts);
  const o = initOptionsSchema.parse({
    ...opts,
    hostedUi: opts.hostedUi === false ? false : undefined,
    ...(Object.keys(flagConfig).length ? { flagConfig } : {}),
  });
  const interactive = env.stdin.isTTY === true && env.stderr.isTTY === true && !o.json;
  if (!o.yes && !o.dryRun && !interactive) await refuseWithoutTerminal(o, env);
  return runInit(o, env, wizardAsk(o, env));
}
