/**
 * State in S3 across real processes (test/support/fake-cli.ts; the fake's S3 is shared live through one memory file,
 * as a bucket is between machines), each in its own working directory: two runs at once (one proceeds, the other is
 * refused and changes nothing), Ctrl-C releases the lock, SIGKILL leaves it (reported, removed by id with unlock),
 * and a third directory resumes the stack and a fourth destroys it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { sleep, startCli, type Exit } from '../reliability/support/binary.js';
import { tempDir } from '../support/harness.js';
import { expectNoDuplicates, expectStateMatchesFake } from '../support/stack-checks.js';
import { URL, makeBucket, noLocalFiles, object, s3State } from './support.js';

const STACK = 'demo';
const INIT = ['init', '--yes', '--no-verify', '--stack', STACK, '--domain-prefix', 'demo-login', '--route', 'GET,POST /items', '--route', 'GET /items/{id}'];
let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

interface World { file: string; dir: () => string }

/** A fake memory file holding only the team's (versioned) state bucket. */
function world(): World {
  const f = installAwsFake();
  makeBucket(f);
  const file = join(tempDir('secure-api-s3p-'), 'aws.json');
  writeFileSync(file, f.dump());
  f.restore();
  return { file, dir: () => tempDir('secure-api-s3p-dir-') };
}

/** An in-process fake over what the processes left (to check the state against "AWS"). */
function after(w: World): AwsFake {
  fake?.restore();
  fake = installAwsFake({ deleteRestApiWindowMs: 0 });
  fake.load(readFileSync(w.file, 'utf8'));
  return fake;
}

const run = (w: World, args: string[], cwd: string, latencyMs = 0) => startCli(args, { cwd, fakeFile: w.file, latencyMs, env: { SECURE_API_STATE: URL } });
const LOCKED = /stack "demo" is locked by arn:aws:iam::123456789012:user\/secure-api-fake \((init), PID \d+ on [^)]+\) since \d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ s ago\); nothing was changed/;

describe('state in S3, from several processes and directories', () => {
  it('two runs on one stack started together: exactly one proceeds, the other exits 1 "locked by … since …" and changes nothing', async () => {
    const w = world();
    // Enough latency that the second process is up (tsx start-up) long before the first could finish.
    const exits: Exit[] = await Promise.all([run(w, INIT, w.dir(), 100).exited, run(w, INIT, w.dir(), 100).exited]);
    expect(exits.map((e) => e.code).sort(), exits.map((e) => e.stderr).join('\n----\n')).toEqual([0, 1]);
    const loser = exits.find((e) => e.code === 1)!;
    expect(loser.stderr).toMatch(LOCKED);
    expect(loser.stderr, 'the refused run made nothing').not.toMatch(/✓ created /);
    const f = after(w);
    expectStateMatchesFake(s3State(f, STACK), f);
    expectNoDuplicates(f);
    expect(s3State(f, STACK)?.complete).toBe(true);
    expect(object(f, STACK, 'lock'), 'the winner released its lock').toBeUndefined();
  });

  it('Ctrl-C during init releases the lock; another directory resumes the stack', async () => {
    const w = world();
    const p = run(w, INIT, w.dir(), 40);
    await p.waitFor(/created api-resource \/items /);
    p.child.kill('SIGINT');
    const exit = await p.exited;
    expect(exit.code, exit.stderr).toBe(130);
    expect(object(after(w), STACK, 'lock'), 'the lock is released').toBeUndefined();
    fake!.restore();
    fake = undefined;
    const resumed = await run(w, INIT, w.dir()).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming stack demo/);
    const f = after(w);
    expectStateMatchesFake(s3State(f, STACK), f);
    expectNoDuplicates(f);
  });

  it('SIGKILL mid-run: the lock stays and is reported; unlock removes it; a third directory resumes, a fourth destroys', async () => {
    const w = world();
    const [first, second, third, fourth] = [w.dir(), w.dir(), w.dir(), w.dir()];
    const p = run(w, INIT, first, 40);
    await p.waitFor(/created api-resource \/items /);
    await sleep(30);
    p.child.kill('SIGKILL');
    await p.exited;

    const refused = await run(w, INIT, second).exited;
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(LOCKED);
    const lockId = /secure-api unlock --stack demo ([0-9a-f-]{36}) --state /.exec(refused.stderr)?.[1];
    expect(lockId, refused.stderr).toBeDefined();
    const before = readFileSync(w.file, 'utf8');

    const unlocked = await run(w, ['unlock', '--stack', STACK, lockId!], second).exited;
    expect(unlocked.code, unlocked.stderr).toBe(0);
    expect(unlocked.stderr).toContain(`Removing the lock ${lockId} on stack demo (${URL}): held by`);
    expect(JSON.parse(before).apigateway, 'the refused run changed nothing').toEqual(JSON.parse(readFileSync(w.file, 'utf8')).apigateway);

    const resumed = await run(w, INIT, third).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming stack demo/);
    let f = after(w);
    expectStateMatchesFake(s3State(f, STACK), f);
    expectNoDuplicates(f);
    expect(s3State(f, STACK)?.complete).toBe(true);
    f.restore();
    fake = undefined;

    const status = await run(w, ['status', '--stack', STACK, '--json'], fourth).exited;
    expect(status.code, status.stderr).toBe(0);
    const destroyed = await run(w, ['destroy', '--yes', '--stack', STACK], fourth).exited;
    expect(destroyed.code, destroyed.stderr).toBe(0);
    f = after(w);
    expect(f.resources()).toEqual([]);
    expect(object(f, STACK, 'json')).toBeUndefined();
    for (const d of [first, second, third, fourth]) expect(noLocalFiles(d), d).toBe(true);
  }, 90_000); // six CLI processes one after another: on a loaded 2-core machine their start-up alone nears 30 s
});
