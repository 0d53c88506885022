/**
 * Try the real CLI in a terminal without AWS: `npx tsx test/support/fake-cli.ts init --yes …`.
 * Runs the CLI's own main against the stateful fake, keeping the fake's memory in a file between runs
 * (SECURE_API_FAKE_FILE, default ./.fake-aws.json), so init, status, verify and destroy can follow one another.
 * The fake's data plane (a loopback server answering like the deployed stage, from the fake's memory) listens on
 * SECURE_API_FAKE_PORT (default 4599) and is passed as AWS_ENDPOINT_URL, so invoke URLs take LocalStack's form and
 * land on it: `verify` then really calls the API. SECURE_API_FAKE_LATENCY_MS adds a fixed latency to every call.
 * `fake-cli serve [--port N]` keeps that data plane up (following the memory file as other runs change it), so the
 * exported curl lines and Postman collection can be run against it; other runs then use it. A port held by anything
 * else is an error naming the port, never a silent other port (the state records the endpoint, port included).
 * Ids and ARNs follow the region each run asks for (--region, AWS_REGION), and each account and region has its own
 * resources: SECURE_API_FAKE_ACCOUNTS maps access key ids or profile names to other accounts (KEY=ACCOUNT,…).
 * Test support only: src/ knows nothing of it.
 *
 * The memory is written (atomically) after every call that changes something, before the CLI sees the answer, so a
 * process killed at any moment (SIGKILL included) leaves the file as "AWS" is: what a call did is kept even when the
 * process dies before it could journal the answer (the reliability tests kill it on purpose).
 *
 * SECURE_API_FAKE_KILL=<Command>[:n][:before][:SIGNAL] kills the process at a named AWS call, so a test (or a person)
 * lands a crash exactly where it wants it, with no sleep: by default with SIGKILL right after the nth call of
 * <Command> that AWS acted on (its effect kept in the memory file, its answer lost); `:before` when the nth call
 * arrives, before it acts; a SIGNAL (SIGINT, SIGTERM) is sent instead of SIGKILL, and the call then goes on. Each
 * kill is announced on stderr as "fake: SIGNAL at <Command> #n (before|after)".
 *
 * S3 is shared live between processes, as a bucket is between machines: each S3 call re-reads the file's S3 part and
 * writes it back under a lock file, so two CLI processes at once see each other's objects and conditional writes;
 * other services' writes never overwrite the S3 part.
 */
import { closeSync, constants, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { main } from '../../src/cli.js';
import { alive } from '../../src/state/lock.js';
import { installAwsFake } from '../fakes/aws-fake.js';
import { startFakeDataPlane, type DataPlaneIdentity, type FakeDataPlane } from '../fakes/data-plane.js';

const file = resolve(process.env.SECURE_API_FAKE_FILE ?? '.fake-aws.json');
/** SECURE_API_FAKE_ACCOUNTS="KEY_OR_PROFILE=ACCOUNT,…": credentials that reach another account (its own resources). */
const accounts = Object.fromEntries((process.env.SECURE_API_FAKE_ACCOUNTS ?? '').split(',').filter((p) => p.includes('='))
  .map((p) => p.split('=', 2).map((x) => x.trim()) as [string, string]));
const fake = installAwsFake({ lambdaAssumeFailures: 2, deleteRestApiWindowMs: 0, accounts });
if (existsSync(file)) fake.load(readFileSync(file, 'utf8'));
const latency = Number(process.env.SECURE_API_FAKE_LATENCY_MS ?? 0);
if (latency > 0) fake.setLatency(latency);

/** Temp file + rename: a kill mid-write never leaves half a file. */
const write = (text: string) => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
};
type Dump = Record<string, unknown> & { s3?: unknown };
const onDisk = (): Dump | undefined => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Dump : undefined);

/** A lock file (its content read as `text`) whose holder is gone: its PID is dead (a SIGKILL in the middle of a call), or it is old and unreadable. */
function abandoned(lock: string, text: string): boolean {
  const pid = Number(text);
  if (Number.isInteger(pid) && pid > 0) return !alive(pid);
  // Created but not yet written by its holder, or unreadable: only age says it is left over.
  return Date.now() - statSync(lock).mtimeMs > 5000;
}

// One holder of the file at a time, across processes (a lock file naming its PID; one left by a killed process is
// taken over at once) and within this one.
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
  const run = queue.then(async () => {
    const lock = `${file}.lock`;
    for (;;) {
      try {
        const fd = openSync(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch {
        try {
          // Removed only if it still names the same holder (another waiter may have taken it over meanwhile).
          const seen = readFileSync(lock, 'utf8');
          if (abandoned(lock, seen) && readFileSync(lock, 'utf8') === seen) rmSync(lock, { force: true });
        } catch { /* gone meanwhile */ }
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    try {
      return await fn();
    } finally {
      rmSync(lock, { force: true });
    }
  });
  queue = run.catch(() => {});
  return run;
}
/** This process's memory, with the S3 part as the file has it (S3 is written only by S3 calls). */
const save = () => exclusive(() => {
  const mine = JSON.parse(fake.dump()) as Dump;
  const disk = onDisk();
  write(JSON.stringify(disk && 's3' in disk ? { ...mine, s3: disk.s3 } : mine));
});
/** Where SECURE_API_FAKE_KILL asks this process to die (or be signalled). */
interface KillPoint { command: string; nth: number; before: boolean; signal: NodeJS.Signals }
function killPoint(spec: string | undefined): KillPoint | undefined {
  if (!spec) return undefined;
  const [command = '', ...rest] = spec.split(':');
  const nth = rest.find((p) => /^\d+$/.test(p));
  const signal = rest.find((p) => /^SIG[A-Z]+$/.test(p)) as NodeJS.Signals | undefined;
  const unknown = rest.filter((p) => p !== nth && p !== signal && p !== 'before');
  if (!/^[A-Z][A-Za-z0-9]+$/.test(command) || unknown.length || (nth !== undefined && Number(nth) < 1)) {
    process.stderr.write(`Error: SECURE_API_FAKE_KILL="${spec}" is not <Command>[:n][:before][:SIGNAL] (e.g. CreateFunction:1, DeleteFunction:1:before)\n`);
    process.exit(2);
  }
  return { command, nth: Number(nth ?? 1), before: rest.includes('before'), signal: signal ?? 'SIGKILL' };
}
const kill = killPoint(process.env.SECURE_API_FAKE_KILL);
let killCount = 0;
/** Count this call toward the kill point (`before`: every call received; after: the calls AWS acted on); at the nth, signal. */
function maybeKill(command: string, before: boolean): void {
  if (!kill || kill.command !== command || kill.before !== before || ++killCount !== kill.nth) return;
  writeSync(2, `fake: ${kill.signal} at ${command} #${kill.nth} (${before ? 'before' : 'after'})\n`);
  process.kill(process.pid, kill.signal);
}

// Wrap the fake's `send` on every client prototype: persist the memory as soon as a changing call has acted. Reads
// are not saved, so a second process that only looks (and is refused the stack's lock) never writes a stale copy.
const READ_ONLY = /^(Get|List|Describe|Filter)/;
type Send = (this: unknown, command: { constructor: { name: string } }, ...rest: unknown[]) => Promise<unknown>;
for (const C of [APIGatewayClient, CognitoIdentityProviderClient, IAMClient, LambdaClient, ResourceGroupsTaggingAPIClient, STSClient, CloudWatchLogsClient]) {
  const proto = C.prototype as unknown as { send: Send };
  const send = proto.send;
  proto.send = async function (this: unknown, command, ...rest) {
    const name = command.constructor.name.replace(/Command$/, '');
    // Log events are written by whichever process runs the function (`fake-cli serve`): a reader (`logs --follow`)
    // sees them as they land, as CloudWatch Logs is shared. Only logs reads reload: this process changes nothing then.
    if (name === 'FilterLogEvents') followFile();
    maybeKill(name, true);
    let acted = false;
    try {
      const out = await send.call(this, command, ...rest);
      acted = true;
      return out;
    } finally {
      if (!READ_ONLY.test(command.constructor.name)) await save();
      // After the memory is on disk: what AWS did survives, the answer never reaches the CLI.
      if (acted) maybeKill(name, false);
    }
  };
}
{
  const proto = S3Client.prototype as unknown as { send: Send };
  const send = proto.send;
  proto.send = function (this: unknown, command, ...rest) {
    return exclusive(async () => {
      const disk = onDisk();
      if (disk?.s3) fake.state.s3 = disk.s3 as typeof fake.state.s3;
      try {
        return await send.call(this, command, ...rest);
      } finally {
        if (!/^(Get|List|Head)/.test(command.constructor.name)) {
          const now = onDisk() ?? (JSON.parse(fake.dump()) as Dump);
          write(JSON.stringify({ ...now, s3: fake.state.s3 }));
        }
      }
    });
  };
}
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'fake-secret-for-the-fake';
process.env.AWS_REGION ??= 'us-east-1';
// The hints the CLI prints ("Next: secure-api verify …") then name this entry, so they work when pasted.
process.env.SECURE_API_COMMAND ??= 'npx tsx test/support/fake-cli.ts';
const argv = process.argv.slice(2);
const serving = argv[0] === 'serve';
const portFlag = serving ? argv.indexOf('--port') : -1;
const port = Number(portFlag > 0 ? argv[portFlag + 1] : process.env.SECURE_API_FAKE_PORT ?? 4599);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`Error: "${portFlag > 0 ? argv[portFlag + 1] ?? '' : process.env.SECURE_API_FAKE_PORT ?? ''}" is not a port\n`);
  process.exit(2);
}

/** Who holds the port, when it is a fake data plane (a `fake-cli serve`, or another run's). */
async function holder(on = port): Promise<DataPlaneIdentity | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${on}/_fake/data-plane`, { signal: AbortSignal.timeout(2_000) });
    const body = (await r.json()) as Partial<DataPlaneIdentity>;
    return body.fake === 'secure-api data plane' ? (body as DataPlaneIdentity) : undefined;
  } catch {
    return undefined;
  }
}

let loadedMtime = existsSync(file) ? statSync(file).mtimeMs : 0;
/** Serving: answer from the memory as other runs left it (init, token or users in another terminal change the file). */
function followFile(): void {
  const mtime = existsSync(file) ? statSync(file).mtimeMs : 0;
  if (mtime === loadedMtime) return;
  loadedMtime = mtime;
  fake.load(readFileSync(file, 'utf8'));
}

/**
 * SECURE_API_FAKE_PORT=0 (any port: runs side by side): the port this memory's data plane had last, so the endpoint a
 * stack records stays where it was, as an emulator's does (a state is refused at another endpoint). Kept beside the
 * memory file; shared with a live run on the same memory that holds it.
 */
const portFile = `${file}.port`;
async function samePlaneAgain(): Promise<{ plane?: FakeDataPlane; url?: string } | undefined> {
  const last = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : NaN;
  if (!Number.isInteger(last) || last <= 0) return undefined;
  try {
    return { plane: await startFakeDataPlane(fake, { port: last, memory: file }) };
  } catch (err) {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    const h = await holder(last);
    return h?.memory === file ? { url: `http://127.0.0.1:${last}` } : undefined;
  }
}

/** The data plane on `port`; a busy port is an error naming it, unless a `fake-cli serve` holds it (then it is used). */
async function dataPlane(): Promise<FakeDataPlane | undefined> {
  if (port === 0 && !serving) {
    const again = await samePlaneAgain();
    if (again?.url) {
      process.env.AWS_ENDPOINT_URL ??= again.url;
      return undefined;
    }
    const plane = again?.plane ?? await startFakeDataPlane(fake, { port: 0, memory: file });
    writeFileSync(portFile, String(new URL(plane.url).port));
    return plane;
  }
  try {
    // Serving: what a function logs (the data plane runs it) goes to the memory file, for `logs` in another terminal.
    return await startFakeDataPlane(fake, { port, serve: serving, memory: file, ...(serving ? { beforeRequest: followFile, afterLogEvents: async () => { await save(); loadedMtime = statSync(file).mtimeMs; } } : {}) });
  } catch (err) {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    const h = await holder();
    if (h?.serve && !serving) return undefined;
    const who = h ? (h.serve ? `\`fake-cli serve\` (pid ${h.pid})` : `another fake-cli run (pid ${h.pid})`) : 'another program';
    process.stderr.write(`Error: port ${port} is in use by ${who}, so the fake's data plane cannot listen on it.\n`
      + `  hint: ${h?.serve ? 'one `fake-cli serve` is enough: the others use it' : 'stop it, or use another port: SECURE_API_FAKE_PORT=<port> (stacks made on one port answer only there)'}\n`);
    process.exit(2);
  }
}

const plane = await dataPlane();
if (serving) {
  process.stdout.write(`The fake's data plane is serving ${plane?.url ?? ''}\n  (memory: ${file})\n`
    + 'Stacks made with fake-cli answer there: run their curl lines\n(export curl) or Postman collection (export postman) against it.\n'
    + 'Other fake-cli runs in this folder use it. Ctrl-C stops it.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await plane?.close();
} else {
  process.env.AWS_ENDPOINT_URL ??= plane?.url ?? `http://127.0.0.1:${port}`;
  try {
    await main(argv);
  } finally {
    await plane?.close();
  }
}
