/**
 * The lock's fencing token (issue 20, "a stack session … a fencing token every save checks"): run A holds the lock;
 * the lock is broken (`secure-api unlock`, or a stale-lock takeover) and taken by run B; A's next save, and A's
 * removal of the state, are refused with LOCK_LOST (exit 1) and write nothing; B's saves work. The same on both
 * state backends. On S3 the state write itself stays conditioned on the ETag read (If-Match, "S3 returns 412
 * Precondition Failed if the ETag does not match": https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, SecureApiError } from '../../src/errors.js';
import type { StateBackend } from '../../src/state/backend.js';
import { LocalStateBackend } from '../../src/state/local-backend.js';
import { S3StateBackend } from '../../src/state/s3-backend.js';
import { STATE_VERSION, type StateFile } from '../../src/state/schema.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { BUCKET, PREFIX, URL, makeBucket, object } from './support.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

const STACK = 'demo';
const state = (note: string): StateFile => ({
  version: STATE_VERSION, stateId: 'test-state-id', stack: STACK, region: 'us-east-1', account: '123456789012',
  createdAt: note, updatedAt: note, complete: false, config: {}, nodes: {},
});

function backends(): Array<[string, () => { backend: StateBackend; warnings: string[] }]> {
  return [
    ['local', () => {
      const warnings: string[] = [];
      const cwd = tempDir('secure-api-fence-');
      return { backend: new LocalStateBackend(join(cwd, '.secure-api'), cwd, (m) => warnings.push(m)), warnings };
    }],
    ['s3', () => {
      fake = installAwsFake();
      makeBucket(fake);
      const warnings: string[] = [];
      return {
        backend: new S3StateBackend({ bucket: BUCKET, prefix: PREFIX, region: 'us-east-1', warn: (m) => warnings.push(m), sleep: () => Promise.resolve(), now: () => Date.now() }),
        warnings,
      };
    }],
  ];
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<SecureApiError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(SecureApiError);
    return err as SecureApiError;
  }
  throw new Error('expected the save to be refused');
}

describe('the lock is a fencing token every save checks (issue 20)', () => {
  it.each(backends())('%s state: A holds the lock, it is unlocked and taken by B: A\'s next save and removal are refused, B\'s saves work', async (name, make) => {
    const { backend } = make();
    const a = await backend.open(STACK, 'init');
    const wa = a.writer(state('A1'));
    await wa.save();
    expect((await backend.read(STACK))?.createdAt, 'A saves while it holds the lock').toBe('A1');

    await backend.unlock(STACK, a.lock.lockId!);
    const b = await backend.open(STACK, 'destroy');
    expect(b.state?.createdAt, 'B reads what A saved').toBe('A1');

    wa.state.createdAt = 'A2';
    const err = await refusal(() => wa.save());
    expect(err.code).toBe('LOCK_LOST');
    expect(err.exitCode).toBe(ExitCode.aws);
    expect(err.message).toContain(`this run's lock on stack "${STACK}" was removed while it worked`);
    expect(err.message).toContain(`is now held by`);
    expect(err.message).toContain('(destroy, PID');
    expect(err.message).toContain(`this run stopped and did not write the state at ${backend.where(STACK)}`);
    expect(err.hint).toContain(`secure-api status --stack ${STACK}${name === 's3' ? ` --state ${URL}` : ''}`);
    expect((await backend.read(STACK))?.createdAt, 'A wrote nothing').toBe('A1');
    const removal = await refusal(() => a.remove());
    expect(removal.code, 'nor does A remove the state').toBe('LOCK_LOST');
    expect(await backend.read(STACK)).toBeDefined();

    const wb = b.writer(state('B1'));
    await wb.save();
    wb.state.createdAt = 'B2';
    await wb.save();
    expect((await backend.read(STACK))?.createdAt, 'B\'s saves work').toBe('B2');
    // A ends: B's lock stays; B ends: the lock is gone.
    await a.end().catch(() => {});
    expect((await backend.readLock(STACK))?.lockId).toBe(b.lock.lockId);
    await b.end();
    expect(await backend.readLock(STACK)).toBeUndefined();
  });

  it('local state: a stale-lock takeover (the holder judged gone) fences the old holder out the same way', async () => {
    const [, make] = backends()[0]!;
    const { backend, warnings } = make();
    const a = await backend.open(STACK, 'init');
    const wa = a.writer(state('A1'));
    await wa.save();
    // Another run judges A's lock left over (as after a crash: its PID is gone) and takes it over.
    const lockPath = `${backend.where(STACK)}.lock`;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(lockPath, JSON.stringify({ ...JSON.parse(readFileSync(lockPath, 'utf8')) as object, pid: dead }));
    const b = await backend.open(STACK, 'init');
    expect(warnings.join('\n')).toContain(`took over a stale lock left by PID ${dead}`);
    const err = await refusal(() => wa.save());
    expect(err.code).toBe('LOCK_LOST');
    const wb = b.writer(state('B1'));
    await wb.save();
    expect((await backend.read(STACK))?.createdAt).toBe('B1');
    await b.end();
  });

  it('s3 state, a whole run: init\'s lock is unlocked and taken by another run mid-way; init stops with LOCK_LOST, exit 1, and the state is not overwritten', async () => {
    const clock = new VirtualClock();
    clock.t = Date.now();
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    makeBucket(fake);
    const rule = fake.inject({ command: 'CreateRestApi', latencyMs: 1 });
    const bucket = fake.state.s3!.buckets[BUCKET]!;
    let before: string | undefined;
    const other = { lockId: '7d1e0c2a-0000-4000-8000-0000000000b2', who: 'arn:aws:iam::123456789012:user/bob', host: 'ci-7', pid: 77, startedAt: new Date(clock.t).toISOString(), command: 'destroy' };
    const racing = (async () => {
      while (!object(fake!, STACK, 'json') || rule.applied === 0) await new Promise((r) => setTimeout(r, 0));
      // `secure-api unlock` by someone else, and their run takes the lock (it has not written yet).
      bucket.objects[`${PREFIX}/${STACK}.lock`] = { ...bucket.objects[`${PREFIX}/${STACK}.lock`]!, body: JSON.stringify(other), etag: '"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"' };
      before = bucket.objects[`${PREFIX}/${STACK}.json`]!.body;
    })();
    const r = await runSecureApi(['init', '--yes', '--no-verify', '--stack', STACK, '--state', URL, '--json'], { cwd: tempDir('secure-api-fence-run-'), clock });
    await racing;
    expect(r.code, r.stderr).toBe(1);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('LOCK_LOST');
    expect(error.message).toContain('is now held by arn:aws:iam::123456789012:user/bob (destroy, PID 77 on ci-7)');
    expect(object(fake, STACK, 'json')?.body, 'the state is as it was when the lock was taken').toBe(before);
    expect(JSON.parse(object(fake, STACK, 'lock')!.body), 'the other run\'s lock is left alone').toMatchObject({ lockId: other.lockId });
  });
});
