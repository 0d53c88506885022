/**
 * Run the CLI in this process against the stateful fake, in REAL time: the fake sleeps its injected latency with
 * setTimeout, and the CLI's own backoff sleeps for real, so wall time is what a user would wait (module loading
 * aside: the first run warms the imports, see run.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { CommandEnv } from '../src/commands/env.js';
import { runCli } from '../src/program.js';
import { renderError } from '../src/ui/render-error.js';
import type { ServiceName } from '../test/fakes/aws-fake.js';

class Capture extends Writable {
  text = '';
  isTTY = false;
  columns = 120;
  override _write(chunk: Buffer | string, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface CliRun { code: number; stdout: string; stderr: string; ms: number }

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'secure-api-bench-'));
}

/** The CLI's real argument parser and commands, with a real clock and real sleeps. */
export async function runCliRealTime(argv: string[], cwd: string): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = false;
  const env: CommandEnv = {
    stdout, stderr, stdin, cwd,
    env: { CI: 'true', NO_COLOR: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'fake-secret-for-the-bench' },
    signal: new AbortController().signal,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    prompter: () => Promise.reject(new Error('the benchmark answers no questions')),
  };
  const start = performance.now();
  const code = await runCli(argv, env, (e) => renderError(stderr, e, env.env));
  return { code, stdout: stdout.text, stderr: stderr.text, ms: performance.now() - start };
}

type Sender = (this: unknown, ...args: unknown[]) => Promise<unknown>;
interface Proto { send: Sender }

const CLIENTS: Record<ServiceName, { prototype: unknown }> = {
  apigateway: APIGatewayClient, cognito: CognitoIdentityProviderClient, lambda: LambdaClient,
  iam: IAMClient, sts: STSClient, tagging: ResourceGroupsTaggingAPIClient, s3: S3Client, logs: CloudWatchLogsClient,
};

export interface InFlight {
  /** Most calls of each service in flight at once, as the SDK (so AWS) saw them. */
  readonly peak: Record<ServiceName, number>;
  restore(): void;
}

/**
 * Count calls in flight per service at the SDK boundary, independently of the CLI's own limiter: wraps `send` on
 * each client prototype (over the fake's stub). Call after installAwsFake, restore before fake.restore().
 * `oneAtATime` makes every call, of any service, wait for the one before: the sequential baseline, measured.
 */
export function trackInFlight(oneAtATime = false): InFlight {
  const peak = { apigateway: 0, cognito: 0, lambda: 0, iam: 0, sts: 0, tagging: 0, s3: 0, logs: 0 };
  const undo: Array<() => void> = [];
  let previous: Promise<unknown> = Promise.resolve();
  for (const [service, ctor] of Object.entries(CLIENTS) as Array<[ServiceName, { prototype: unknown }]>) {
    const proto = ctor.prototype as Proto;
    const original = proto.send;
    let active = 0;
    proto.send = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      let done = (): void => {};
      if (oneAtATime) {
        const before = previous;
        previous = new Promise<void>((resolve) => { done = resolve; });
        await before;
      }
      active += 1;
      peak[service] = Math.max(peak[service], active);
      try {
        return await original.apply(this, args);
      } finally {
        active -= 1;
        done();
      }
    };
    undo.push(() => { proto.send = original; });
  }
  return { peak, restore: () => undo.forEach((u) => u()) };
}
