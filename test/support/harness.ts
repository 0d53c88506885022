import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { CommandEnv } from '../../src/commands/env.js';
import { runCli } from '../../src/program.js';
import { renderError } from '../../src/ui/render-error.js';
import type { Prompter } from '../../src/ui/prompter.js';
import { currentAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { sharedDataPlane, sharedPlaneUrl } from '../fakes/data-plane.js';

/** A virtual clock: sleeps advance it at once, so backoff costs no real time in tests. */
export class VirtualClock {
  t = Date.parse('2026-01-01T00:00:00Z');
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.t += ms;
    await Promise.resolve();
  };
}

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns: number | undefined;
  constructor(tty = false, columns?: number) {
    super();
    this.isTTY = tty;
    this.columns = columns;
  }
  override _write(chunk: Buffer | string, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  clock?: VirtualClock;
  tty?: boolean;
  prompter?: Prompter;
  signal?: AbortSignal;
  /**
   * Serve the installed fake's data plane and pass it as AWS_ENDPOINT_URL, so invoke URLs land on it and
   * init's proof step (and verify) really call the API. @default true when a fake is installed
   */
  dataPlane?: boolean;
  /** Written to the CLI's standard input, then closed (a password for --password-stdin). */
  stdin?: string;
  /** The terminal's width in columns. @default 100 */
  columns?: number;
}

export interface RunResult { code: number; stdout: string; stderr: string }

/**
 * The endpoint a stack recorded in `cwd/.secure-api` was made at, when on this machine: a run on it is given no other
 * (the CLI refuses another endpoint, and uses a recorded loopback one unasked), as a user runs the next command.
 */
export function recordedLoopbackEndpoint(cwd: string): string | undefined {
  const dir = join(cwd, '.secure-api');
  if (!existsSync(dir)) return undefined;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    try {
      const url = (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { endpointUrl?: unknown }).endpointUrl;
      if (typeof url === 'string' && /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?/.test(url)) return url;
    } catch { /* not a state */ }
  }
  return undefined;
}

export function tempDir(prefix = 'secure-api-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The clock of runs against a fake when the test gives none: the fake's own if it is virtual, else one made for the
 * fake (from the real time now) that the fake then follows. Each run on a clock of its own, with the fake on real
 * time, would let API Gateway's quota refill only in real time while the CLI's backoff waits in virtual time: a few
 * dozen calls more and a run gives up in an instant.
 */
const fakeClocks = new WeakMap<AwsFake, VirtualClock>();
function clockFor(fake: AwsFake | undefined): VirtualClock {
  if (!fake) return new VirtualClock();
  if (fake.clock instanceof VirtualClock) return fake.clock;
  let clock = fakeClocks.get(fake);
  if (!clock) {
    clock = new VirtualClock();
    clock.t = Date.now();
    fake.followClock(clock);
    // A fake installed with a real clock of the test's own keeps it: then each run has its own virtual clock, as before.
    if (fake.clock !== clock) return new VirtualClock();
    fakeClocks.set(fake, clock);
  }
  return clock;
}

/** A stack in `cwd` records a loopback endpoint other than this fake's shared data plane (a spawned run's). */
function otherPlaneRecorded(cwd: string, fake: AwsFake): boolean {
  const recorded = recordedLoopbackEndpoint(cwd);
  const ours = sharedPlaneUrl(fake);
  return recorded !== undefined && (ours === undefined || recorded.replace(/\/+$/, '') !== ours.replace(/\/+$/, ''));
}

/** Run the CLI in-process through its real argument parser, with captured output. */
export async function runSecureApi(argv: string[], o: RunOptions = {}): Promise<RunResult> {
  const fake = currentAwsFake();
  const clock = o.clock ?? clockFor(fake);
  const stdout = new Capture(o.tty ?? false, o.columns ?? 100);
  const stderr = new Capture(o.tty ?? false, o.columns ?? 100);
  const cwd = o.cwd ?? tempDir();
  // A stack recorded here by another process's data plane is reached there (the CLI's default), not at ours.
  const plane = fake && o.dataPlane !== false && o.env?.AWS_ENDPOINT_URL === undefined && (o.dataPlane === true || !otherPlaneRecorded(cwd, fake))
    ? await sharedDataPlane(fake) : undefined;
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = o.tty ?? false;
  if (o.stdin !== undefined) stdin.end(o.stdin);
  const env: CommandEnv = {
    stdout,
    stderr,
    stdin,
    env: {
      CI: 'true', NO_COLOR: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
      ...(plane ? { AWS_ENDPOINT_URL: plane.url } : {}), ...o.env,
    },
    cwd,
    signal: o.signal ?? new AbortController().signal,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    prompter: async () => {
      if (!o.prompter) throw new Error('the test gave no prompter');
      return o.prompter;
    },
  };
  const code = await runCli(argv, env, (e, s) => renderError(s, e, env.env));
  return { code, stdout: stdout.text, stderr: stderr.text };
}
