import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createAwsClients, type AwsClients } from '../aws/clients.js';
import { toAwsFailure } from '../aws/errors.js';
import { missingProfile, partitionOf } from '../aws/region.js';
import { checkHttpUrl, checkRegion, checkStackName } from '../config/validators.js';
import { Interrupted, UsageError, type CommandNamer } from '../errors.js';
import { STACK_TAG, STATE_ID_TAG } from '../resources/refs.js';
import type { Ctx } from '../resources/types.js';
import { makeChalk, outputMode, type OutputMode, type Streams } from '../ui/output.js';
import type { Prompter } from '../ui/prompter.js';
import { Reporter, type SpinnerFactory } from '../ui/reporter.js';

/** Everything a command needs from the outside world; cli.ts builds the real one, tests build their own. */
export interface CommandEnv extends Streams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT / SIGTERM. */
  signal: AbortSignal;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /** Builds the interactive prompter (lazy: inquirer loads only when a question is asked). */
  prompter: () => Promise<Prompter>;
  spinner?: () => Promise<SpinnerFactory>;
  /** --verbose (each AWS call and its timing, on stderr) and --debug (also what went over the wire, redacted). */
  trace?: { debug: boolean } | undefined;
  /** This run's stack, once a command knows it (noteReach): the CLI names the commands of an error's hint with it. */
  reach?: RunReach | undefined;
}

/** Shared by every view of one run's env (they are prototype-linked): set by the command, read by the CLI. */
export interface RunReach {
  command?: CommandNamer | undefined;
}

/** Options every command that talks to AWS or reads state accepts. */
export interface CommonOptions {
  stack?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  stateDir?: string | undefined;
  /** s3://BUCKET/PREFIX (or a directory): where the state lives; wins over --state-dir. */
  state?: string | undefined;
  /** With an s3:// state: make the bucket when it is missing. */
  createBucket?: boolean | undefined;
  json?: boolean | undefined;
}

export function checkCommon(o: CommonOptions): void {
  if (o.stack !== undefined) {
    const e = checkStackName(o.stack);
    if (e) throw new UsageError(`--stack: ${e}`);
  }
  if (o.region !== undefined) {
    const e = checkRegion(o.region);
    if (e) throw new UsageError(`--region: ${e}`);
  }
  if (o.endpointUrl !== undefined) {
    const e = checkHttpUrl(o.endpointUrl);
    if (e) throw new UsageError(`--endpoint-url: ${e}`);
  }
}

/** --endpoint-url, else AWS_ENDPOINT_URL (the SDK reads per-service variables itself). */
export function endpointOf(o: CommonOptions, env: NodeJS.ProcessEnv): string | undefined {
  return o.endpointUrl ?? env.AWS_ENDPOINT_URL ?? undefined;
}

export interface Ui {
  mode: OutputMode;
  reporter: Reporter;
  c: ReturnType<typeof makeChalk>;
  /** Results for people (not in --json mode). */
  out: (text: string) => void;
  json: (doc: unknown) => void;
}

export async function makeUi(env: CommandEnv, json: boolean | undefined): Promise<Ui> {
  const mode = outputMode({ json }, env, env.env);
  const spinner = mode === 'tty' && env.spinner ? await env.spinner() : undefined;
  const reporter = new Reporter(mode, env, makeChalk(env.stderr, env.env), spinner, env.now);
  return {
    mode,
    reporter,
    c: makeChalk(env.stdout, env.env),
    out: (text) => { env.stdout.write(text.endsWith('\n') ? text : text + '\n'); },
    json: (doc) => { env.stdout.write(JSON.stringify(doc, null, 2) + '\n'); },
  };
}

/** A sleep that ends early, with Interrupted, when the run is cancelled. */
export function abortableSleep(env: CommandEnv): (ms: number) => Promise<void> {
  return async (ms) => {
    if (env.signal.aborted) throw new Interrupted();
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        env.sleep(ms),
        new Promise<never>((_, reject) => {
          onAbort = () => reject(new Interrupted());
          env.signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) env.signal.removeEventListener('abort', onAbort);
    }
  };
}

/** A --profile the AWS config does not define is a usage error, before any call (the SDK says only "Could not resolve credentials"). */
export function checkProfile(env: CommandEnv, profile: string | undefined): void {
  const missing = profile === undefined ? undefined : missingProfile(env.env, profile);
  if (missing) throw new UsageError(missing, `Create it with \`aws configure --profile ${profile}\` (or \`aws configure sso\`), or pass one it has.`, 'NO_PROFILE');
}

export function makeClients(env: CommandEnv, target: { region: string; profile?: string | undefined; endpointUrl?: string | undefined }, reporter?: Reporter): AwsClients {
  checkProfile(env, target.profile);
  const sleep = abortableSleep(env);
  let lastNote = 0;
  return createAwsClients(target, {
    sleep,
    now: env.now,
    random: env.random,
    tracer: env.trace && { debug: env.trace.debug, line: (t) => { env.stderr.write(`${t}\n`); } },
    onRetry: (service, command, err, delay) => {
      // One note per few seconds is enough to show we are not stuck.
      if (env.now() - lastNote < 3000) return;
      lastNote = env.now();
      // A network failure is named by its code (ECONNREFUSED…), an AWS error by its name.
      const what = (err as { code?: unknown }).code ?? (err as Error).name ?? 'error';
      reporter?.info(`  ${service} ${command.replace(/Command$/, '')}: ${String(what)}, retrying in ${(delay / 1000).toFixed(1)}s`);
    },
  });
}

/** The account id, which also proves the credentials work. */
export async function accountOf(clients: AwsClients): Promise<string> {
  try {
    const r = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!r.Account) throw new Error('GetCallerIdentity returned no account');
    return r.Account;
  } catch (err) {
    throw toAwsFailure(err, 'sts:GetCallerIdentity');
  }
}

/** Whose resources a run may touch: the state's id, and whether it predates that tag (see isOurs). */
export interface StateOwner { stateId: string; legacyTags?: boolean | undefined }

export function makeCtx(env: CommandEnv, clients: AwsClients, o: { region: string; account: string; stack: string; owner: StateOwner; reach?: string | undefined }, reporter: Reporter): Ctx {
  return {
    reach: o.reach,
    clients,
    region: o.region,
    account: o.account,
    partition: partitionOf(o.region),
    stack: o.stack,
    stateId: o.owner.stateId,
    legacyTags: o.owner.legacyTags,
    // A state migrated from version 1 made its resources without the state id: what it makes or updates stays alike
    // (one stack, one kind of tags), so a lost state of it is still adopted as one (isOurs, src/orphans).
    tags: o.owner.legacyTags ? { [STACK_TAG]: o.stack } : { [STACK_TAG]: o.stack, [STATE_ID_TAG]: o.owner.stateId },
    sleep: abortableSleep(env),
    now: env.now,
    note: (m) => reporter.event({ type: 'note', message: m }),
    secrets: { idpClientSecret: (_name, envName) => env.env[envName] },
  };
}
