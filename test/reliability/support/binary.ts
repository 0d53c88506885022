/**
 * The real CLI as a process (test/support/fake-cli.ts: the CLI's own main against the stateful fake, whose memory is
 * a file written after every changing call), so signals — SIGINT, SIGTERM, SIGKILL — hit a real process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AwsFake } from '../../fakes/aws-fake.js';
import { recordedLoopbackEndpoint } from '../../support/harness.js';

const ROOT = resolve(__dirname, '../../..');
const FAKE_CLI = join(ROOT, 'test/support/fake-cli.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export const FAKE_FILE = '.fake-aws.json';

export interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

export interface CliProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr matches (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<Exit>;
}

/** Start `secure-api <args>` against the fake whose memory lives in `<cwd>/.fake-aws.json`. */
export function startCli(args: string[], o: { cwd: string; latencyMs?: number; fakeFile?: string; env?: Record<string, string> }): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', TSX, FAKE_CLI, ...args], {
    cwd: o.cwd,
    env: {
      PATH: process.env.PATH, HOME: o.cwd, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SECURE_API_FAKE_FILE: o.fakeFile ?? join(o.cwd, FAKE_FILE), SECURE_API_FAKE_LATENCY_MS: String(o.latencyMs ?? 0),
      // Any free port for the fake's data plane, so processes can run side by side.
      SECURE_API_FAKE_PORT: '0',
      // A stack recorded here at a data plane on this machine is reached there, as an emulator that stays put.
      ...(recordedLoopbackEndpoint(o.cwd) ? { AWS_ENDPOINT_URL: recordedLoopbackEndpoint(o.cwd) } : {}),
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (e: Error) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); check(); });
  const exited = new Promise<Exit>((ok) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`the process ended before stderr matched ${String(w.pattern)}:\n${stderr}`));
      ok({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return {
    child,
    stderr: () => stderr,
    waitFor: (pattern) => new Promise<void>((ok, fail) => {
      waiters.push({ pattern, resolve: ok, reject: fail });
      check();
    }),
    exited,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Give an in-process fake the memory a process left (or nothing, when no process got that far). */
export function loadFakeFile(fake: AwsFake, cwd: string): void {
  const file = join(cwd, FAKE_FILE);
  if (existsSync(file)) fake.load(readFileSync(file, 'utf8'));
}

/** Hand an in-process fake's memory to the next process. */
export function saveFakeFile(fake: AwsFake, cwd: string): void {
  writeFileSync(join(cwd, FAKE_FILE), fake.dump());
}

/** mulberry32: the kill points are seeded, so a failure names a point that can be replayed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
