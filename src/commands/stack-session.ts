import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { isIP } from 'node:net';
import type { AwsClients, AwsTarget } from '../aws/clients.js';
import { toAwsFailure } from '../aws/errors.js';
import { partitionOf } from '../aws/region.js';
import { UsageError, type CommandNamer } from '../errors.js';
import type { StateBackend } from '../state/backend.js';
import type { StateFile } from '../state/schema.js';
import type { Reporter } from '../ui/reporter.js';
import { makeClients, type CommandEnv, type CommonOptions } from './env.js';

/**
 * The target rule (issue 24): a command on a recorded stack acts on exactly the account, partition, region and
 * endpoint its state names, or refuses with exit 2 before it reads or writes anything there. The state is data, not
 * an authority: its endpoint is used unasked only when it is on this machine, and its profile never.
 */

/** An endpoint on this machine (an emulator): localhost, 127.0.0.0/8 or ::1. A name that merely resolves there is not. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** One spelling of an endpoint, so http://127.0.0.1:4566 and http://127.0.0.1:4566/ are the same place. */
function sameEndpoint(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const x = new URL(u);
      return `${x.protocol}//${x.host}${x.pathname.replace(/\/+$/, '')}`.toLowerCase();
    } catch {
      return u.replace(/\/+$/, '').toLowerCase();
    }
  };
  return norm(a) === norm(b);
}

/**
 * Where this run reaches the recorded stack: the state's region (another --region is exit 2), the endpoint (the
 * flag or AWS_ENDPOINT_URL must be the recorded one; a recorded loopback endpoint is the default; any other must be
 * given again), and this run's --profile only. No AWS call.
 */
export function recordedTarget(o: Pick<CommonOptions, 'region' | 'profile' | 'endpointUrl'>, env: Pick<CommandEnv, 'env'>, state: StateFile): AwsTarget {
  const stack = state.stack;
  if (o.region !== undefined && o.region !== state.region) {
    throw new UsageError(`stack "${stack}" lives in ${state.region}, not ${o.region}`,
      `Leave --region out (it is read from the state), or use --region ${state.region}. Nothing was read or changed.`, 'WRONG_REGION');
  }
  const flag = o.endpointUrl !== undefined ? '--endpoint-url' : env.env.AWS_ENDPOINT_URL ? 'AWS_ENDPOINT_URL' : undefined;
  const given = o.endpointUrl ?? (env.env.AWS_ENDPOINT_URL || undefined);
  const recorded = state.endpointUrl;
  if (recorded === undefined) {
    if (given !== undefined) {
      throw new UsageError(`stack "${stack}" lives in AWS (${state.region}), but this run points at ${flag} ${given}`,
        `Leave ${flag} out${flag === 'AWS_ENDPOINT_URL' ? ' (unset it)' : ''}: the state records no endpoint. Nothing was read or changed.`, 'WRONG_ENDPOINT');
    }
  } else if (given !== undefined) {
    if (!sameEndpoint(given, recorded)) {
      throw new UsageError(`stack "${stack}" was made at endpoint ${recorded}, but this run points at ${flag} ${given}`,
        `Use --endpoint-url ${recorded}${flag === 'AWS_ENDPOINT_URL' ? ' (or unset AWS_ENDPOINT_URL)' : ''}. Nothing was read or changed.`, 'WRONG_ENDPOINT');
    }
  } else if (!isLoopbackUrl(recorded)) {
    // A state file (local, or anyone's who can write the bucket) is no authority on where credentials and passwords go.
    throw new UsageError(`stack "${stack}" records the endpoint ${recorded}, which is not on this machine: it is used only when given again`,
      `If that is where the stack lives, add --endpoint-url ${recorded}. Nothing was sent anywhere.`, 'ENDPOINT_NOT_CONFIRMED');
  }
  return { region: state.region, profile: o.profile, endpointUrl: given ?? recorded };
}

/**
 * Who the credentials are: account and partition (from the ARN). Proves they work, too. An emulator on this machine
 * that serves no STS (cognito-local) answers something else than STS's XML: there is no account to mix up there (every
 * call stays on this machine), so `undefined` is returned and the caller says the account was not checked.
 */
async function callerOf(clients: Pick<AwsClients, 'sts'>, endpointUrl?: string): Promise<{ account: string; partition: string | undefined } | undefined> {
  try {
    const r = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!r.Account) throw new Error('GetCallerIdentity returned no account');
    return { account: r.Account, partition: r.Arn?.split(':')[1] };
  } catch (err) {
    const failure = toAwsFailure(err, 'sts:GetCallerIdentity');
    const noSts = endpointUrl !== undefined && isLoopbackUrl(endpointUrl) && failure.code !== 'CREDENTIALS' && failure.code !== 'NETWORK'
      && failure.code !== 'ACCESS_DENIED';
    if (noSts) return undefined;
    throw failure;
  }
}

/**
 * The first call on a recorded stack: the credentials must be for the state's account and partition, else exit 2
 * naming both sides and the fix (CDK: "Need to perform AWS calls for account X, but the current credentials are for
 * Y"). Returns the account.
 */
export async function checkCaller(clients: Pick<AwsClients, 'sts'>, state: StateFile, profile?: string,
  local?: { endpointUrl?: string | undefined; warn?: (m: string) => void }): Promise<string> {
  const who = await callerOf(clients, local?.endpointUrl);
  if (!who) {
    local?.warn?.(`The emulator at ${local.endpointUrl ?? ''} does not answer sts:GetCallerIdentity: the account was not checked (every call stays on this machine).`);
    return state.account;
  }
  const partition = partitionOf(state.region);
  const otherPartition = who.partition !== undefined && who.partition !== partition;
  if (who.account !== state.account || otherPartition) {
    throw new UsageError(
      `these credentials are for account ${who.account}${otherPartition ? ` in partition ${who.partition}` : ''}${profile ? ` (profile ${profile})` : ''}, but stack "${state.stack}" lives in account ${state.account}${otherPartition ? ` in partition ${partition}` : ''} (${state.region})`,
      `Use credentials for account ${state.account}: --profile NAME (or AWS_PROFILE, or \`aws sso login --profile NAME\` first). Nothing was read or changed.`,
      'WRONG_ACCOUNT');
  }
  return who.account;
}

/**
 * The one rule for what a printed command (a "Next:" line, a hint, the unlock or resume line) carries beside `--stack`
 * to reach the same stack as this run (issue 24): the state's location (`--state s3://…`, `--state-dir DIR`: the
 * backend's part), and this run's target flags, for they are not read from the state: `--profile` (never read from a
 * state), `--region` when given (an S3 state's bucket is reached before the state is read), `--endpoint-url` when
 * given and not one the state supplies unasked (a loopback endpoint recorded in a local state is; an S3 state's
 * bucket is reached at the given endpoint before anything is read). Environment variables are inherited by a pasted
 * command and need no flag.
 */
export function targetArgs(o: Pick<CommonOptions, 'profile' | 'region' | 'endpointUrl'>, stateKind: 'local' | 's3'): string {
  const endpoint = o.endpointUrl !== undefined && (stateKind === 's3' || !isLoopbackUrl(o.endpointUrl)) ? o.endpointUrl : undefined;
  return `${o.profile ? ` --profile ${shellWord(o.profile)}` : ''}${o.region ? ` --region ${o.region}` : ''}${endpoint ? ` --endpoint-url ${shellWord(endpoint)}` : ''}`;
}

/** How this run reaches its stack: the name, where its state is kept (the backend), and what the state records. */
export interface StackReach {
  stack: string;
  backend: Pick<StateBackend, 'args' | 'locationArgs'>;
  /** The stack's region and account, when known (the state's, or the region a new stack is made in). */
  region?: string | undefined;
  account?: string | undefined;
}

/**
 * Names a command so that it reaches the same stack as this run: `--stack NAME` and the backend's flags (targetArgs's
 * rule). `policy` takes no credentials or endpoint: it gets the stack, where its state is kept, its region and account.
 */
export function reachNamer(r: StackReach): CommandNamer {
  return (command) => (/^policy\b/.test(command)
    ? `secure-api ${command} --stack ${r.stack}${r.backend.locationArgs}${r.region ? ` --region ${r.region}` : ''}${r.account ? ` --account ${r.account}` : ''}`
    : `secure-api ${command} --stack ${r.stack}${r.backend.args}`);
}

/** This run now works on this stack: an error's hint names its commands with reachNamer (src/program.ts renders it). */
export function noteReach(env: Pick<CommandEnv, 'reach'>, r: StackReach): void {
  if (env.reach) env.reach.command = reachNamer(r);
}

/** A word as a shell reads it back: plain when it is safe, else in single quotes. */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

export interface ReachedStack {
  target: AwsTarget;
  clients: AwsClients;
  account: string;
}

/** recordedTarget + the clients + checkCaller: what every command on a recorded stack does before anything else. */
export async function reachStack(o: Pick<CommonOptions, 'region' | 'profile' | 'endpointUrl'>, env: CommandEnv, state: StateFile, reporter?: Reporter,
  wrap: (c: AwsClients) => AwsClients = (c) => c): Promise<ReachedStack> {
  const target = recordedTarget(o, env, state);
  const clients = wrap(makeClients(env, target, reporter));
  const account = await checkCaller(clients, state, o.profile, { endpointUrl: target.endpointUrl, warn: (m) => reporter?.warn(m) });
  return { target, clients, account };
}
