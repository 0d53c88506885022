/**
 * One error for a held lock, whichever backend keeps the state (issue 18.4): StackLocked, code LOCKED, exit 1 (an
 * AWS-side refusal, not the user's mistake), naming the holder and the unlock command; nothing is changed.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MUTATING } from '../reliability/support/faults.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { BUCKET, PREFIX, URL, makeBucket } from './support.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

const holder = { lockId: '0b7c2f4e-0000-4000-8000-000000000001', who: 'alice', host: hostname(), pid: process.pid, startedAt: '2026-01-01T10:00:00.000Z', command: 'init' };

const backends: Array<[string, string[], (cwd: string) => Promise<void>]> = [
  ['local', [], (cwd) => {
    mkdirSync(join(cwd, '.secure-api'), { recursive: true });
    writeFileSync(join(cwd, '.secure-api', 'demo.json.lock'), JSON.stringify(holder));
    return Promise.resolve();
  }],
  ['s3', ['--state', URL], async () => {
    await new S3Client({ region: 'us-east-1' }).send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/demo.lock`, Body: JSON.stringify(holder) }));
  }],
];

describe('a stack locked by a live run (issue 18.4)', () => {
  it.each(backends)('%s state: init and destroy refuse with StackLocked (exit 1, code LOCKED) changing nothing', async (_name, args, lock) => {
    const clock = new VirtualClock();
    clock.t = Date.now();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    makeBucket(fake);
    const cwd = tempDir('secure-api-locked-');
    const made = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo', ...args], { cwd, clock });
    expect(made.code, made.stderr).toBe(0);
    await lock(cwd);
    // init with a change (an unchanged stack is only read, no lock), and destroy.
    for (const argv of [['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /other'], ['destroy', '--yes', '--stack', 'demo']]) {
      const from = fake.calls.length;
      const r = await runSecureApi([...argv, ...args, '--json'], { cwd, clock });
      expect(r.code, `${argv[0]}: ${r.stderr}${r.stdout}`).toBe(1);
      const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } };
      expect(error.code).toBe('LOCKED');
      expect(error.message).toMatch(new RegExp(`^stack "demo" is locked by alice \\(init, PID ${process.pid} on ${hostname()}\\) since ${holder.startedAt} \\(.+ ago\\); nothing was changed$`));
      expect(error.hint).toContain(`secure-api unlock --stack demo ${holder.lockId}${args.length ? ` --state ${URL}` : ''}`);
      expect(fake.calls.slice(from).filter((c) => c.service !== 's3').map((c) => c.command).filter((c) => MUTATING.test(c)), `${argv[0]} changed nothing`).toEqual([]);
    }
  });
});
