/**
 * State in S3 (in-process, on the stateful fake): any directory can run any command on a stack another directory made;
 * the lock refuses a second run; a stale lock is reported and removed by id; a lost race at save time stops the run
 * and keeps the newer state; push and pull move a state both ways; the object holds no secret and is encrypted.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { minimalPolicy } from '../../src/plan/operator-policy.js';
import { stateBucketPolicy } from '../../src/state/s3-backend.js';
import { evaluate, type IamPolicy } from '../fakes/iam-evaluate.js';
import { iamActionsFor } from '../../src/plan/permissions.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { expectNoDuplicates, expectStateMatchesFake } from '../support/stack-checks.js';
import { BUCKET, PREFIX, URL, makeBucket, noLocalFiles, object, s3State } from './support.js';

const STACK = 'demo';
const INIT = ['init', '--yes', '--no-verify', '--stack', STACK, '--domain-prefix', 'demo-login', '--route', 'GET,POST /items', '--state', URL];
let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

function setup(versioning: 'Enabled' | 'off' = 'Enabled') {
  const clock = new VirtualClock();
  clock.t = Date.now();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
  makeBucket(fake, versioning);
  return { fake, clock, run: (argv: string[], cwd = tempDir('secure-api-s3-'), env: NodeJS.ProcessEnv = {}) => runSecureApi(argv, { cwd, clock, env }) };
}

describe('state in S3', () => {
  it('init in one directory; status, verify, token, users, export and destroy from another with no local files', async () => {
    const { fake, run } = setup();
    const a = tempDir('secure-api-s3-a-');
    const b = tempDir('secure-api-s3-b-');
    const made = await run(INIT, a);
    expect(made.code, made.stderr).toBe(0);
    expect(noLocalFiles(a), 'init wrote no local state').toBe(true);
    expect(object(fake, STACK, 'lock'), 'the lock is released').toBeUndefined();
    expectStateMatchesFake(s3State(fake, STACK), fake);

    const env = { SECURE_API_STATE: URL };
    const status = await run(['status', '--stack', STACK, '--json'], b, env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ stack: STACK, ok: true, stateFile: `${URL}/${STACK}.json` });
    const list = await run(['status', '--json'], b, env);
    expect(JSON.parse(list.stdout)).toMatchObject({ stateDir: URL, stacks: [{ stack: STACK, complete: true }] });
    for (const argv of [['verify'], ['token'], ['users', 'list'], ['export', 'curl']]) {
      const r = await run([...argv, '--stack', STACK], b, env);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const gone = await run(['destroy', '--yes', '--stack', STACK], b, env);
    expect(gone.code, gone.stderr).toBe(0);
    expect(fake.resources()).toEqual([]);
    expect(object(fake, STACK, 'json'), 'the state object is removed').toBeUndefined();
    expect(fake.state.s3?.buckets[BUCKET]?.versions[`${PREFIX}/${STACK}.json`]?.length, 'versioning keeps the old states').toBeGreaterThan(3);
    expect(noLocalFiles(b)).toBe(true);

    // Every S3 call of those runs is allowed by `policy --state`, on the bucket or on PREFIX/*.json|*.lock only.
    const policy = new Set(minimalPolicy({ state: { bucket: BUCKET, prefix: PREFIX } }).Statement.flatMap((st) => st.Action));
    const s3Calls = fake.calls.filter((c) => c.service === 's3');
    expect(s3Calls.length).toBeGreaterThan(20);
    for (const c of s3Calls) {
      for (const a of iamActionsFor(`s3:${c.command}`)) expect(policy.has(a), `s3:${c.command} → ${a}`).toBe(true);
      const key = (c.input as { Key?: string }).Key;
      if (key !== undefined) expect(key).toMatch(new RegExp(`^${PREFIX}/[^/]+\\.(json|lock)$`));
    }
  });

  it('plan and a change in place from another directory with no local files', async () => {
    const { fake, run } = setup();
    expect((await run(INIT)).code).toBe(0);
    const b = tempDir('secure-api-s3-b-');
    const env = { SECURE_API_STATE: URL };
    const pending = await run(['plan', '--stack', STACK, '--password-min-length', '12'], b, env);
    expect(pending.code, pending.stderr + pending.stdout).toBe(3);
    const changed = await run(['init', '--yes', '--no-verify', '--stack', STACK, '--password-min-length', '12'], b, env);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stderr).toContain(`Changing stack ${STACK}`);
    expect(s3State(fake, STACK)?.history?.length, 'the previous configuration is kept').toBe(1);
    expect(object(fake, STACK, 'lock')).toBeUndefined();
    const clean = await run(['plan', '--stack', STACK], b, env);
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    expect(noLocalFiles(b)).toBe(true);
    expectStateMatchesFake(s3State(fake, STACK), fake);
  });

  it('the object holds the local schema, no secret, and is written SSE-S3 encrypted', async () => {
    const { fake } = setup();
    const secret = 'idp-secret-value-never-stored';
    const cwd = tempDir('secure-api-s3-');
    const cfg = join(cwd, 'stack.json');
    writeFileSync(cfg, JSON.stringify({ stack: STACK, state: URL, appClient: { type: 'confidential' }, userPool: { identityProviders: [{ type: 'Google', clientId: 'g' }] } }));
    const r = await runSecureApi(['init', '--yes', '--no-verify', '--config', 'stack.json'], { cwd, env: { SECURE_API_IDP_GOOGLE_SECRET: secret }, clock: new VirtualClock() });
    expect(r.code, r.stderr).toBe(0);
    const o = object(fake, STACK, 'json')!;
    expect(o.sse).toBe('AES256');
    expect(o.body).not.toContain(secret);
    const clientSecrets = Object.values(fake.state.cognito.pools).flatMap((p) => Object.values(p.clients).map((c) => c.ClientSecret)).filter(Boolean);
    expect(clientSecrets.length).toBeGreaterThan(0);
    for (const s of clientSecrets) expect(o.body).not.toContain(s);
    expect(s3State(fake, STACK)?.version).toBe(3);
    expect(noLocalFiles(cwd)).toBe(true);
  });

  it('a missing bucket is exit 2 with the commands that make it; --create-bucket makes it versioned and private', async () => {
    const { fake, run } = setup();
    delete fake.state.s3!.buckets[BUCKET];
    const refused = await run(INIT);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`the state bucket ${BUCKET} does not exist`);
    expect(refused.stderr).toContain(`aws s3api create-bucket --bucket ${BUCKET}`);
    expect(refused.stderr).toContain('put-bucket-versioning');
    expect(refused.stderr).toContain('put-public-access-block');
    expect(fake.resources(), 'nothing was created').toEqual([]);
    const made = await run([...INIT, '--create-bucket']);
    expect(made.code, made.stderr).toBe(0);
    expect(fake.state.s3!.buckets[BUCKET]).toMatchObject({ versioning: 'Enabled', publicAccessBlock: true });
    expect(refused.stderr).toContain(`aws s3api put-bucket-policy --bucket ${BUCKET} --policy '${stateBucketPolicy(BUCKET, 'us-east-1')}'`);
    // issue 25.7: the bucket refuses every request not made over TLS (a Deny on aws:SecureTransport false), whatever
    // the caller's own rights; over TLS it leaves the decision to them.
    const policy = JSON.parse(fake.state.s3!.buckets[BUCKET]!.policy ?? '{}') as IamPolicy;
    for (const [action, resource] of [['s3:GetObject', `arn:aws:s3:::${BUCKET}/${PREFIX}/${STACK}.json`], ['s3:PutObject', `arn:aws:s3:::${BUCKET}/x`], ['s3:ListBucket', `arn:aws:s3:::${BUCKET}`]] as const) {
      expect(evaluate(policy, { action, resource, context: { 'aws:SecureTransport': 'false' } }).decision, action).toBe('explicit-deny');
      expect(evaluate(policy, { action, resource, context: { 'aws:SecureTransport': 'true' } }).decision, action).toBe('implicit-deny');
    }
    expect(made.stderr).toContain('TLS required');
  });

  it('a bucket without versioning gets a warning', async () => {
    const { run } = setup('off');
    const r = await run(INIT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Versioning is off on the state bucket team-state: an older state cannot be recovered/);
  });

  it('a stale lock is reported with its holder and age; unlock with its id removes it, and the next run proceeds', async () => {
    const { fake, clock, run } = setup();
    const lockId = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const startedAt = new Date(clock.t - 2 * 3600_000).toISOString();
    const lockObject = {
      body: JSON.stringify({ lockId, who: 'arn:aws:iam::123456789012:user/alice', host: 'laptop', pid: 4242, command: 'init', startedAt }),
      etag: '"0123456789abcdef0123456789abcdef"', lastModified: clock.t, sse: 'AES256', contentType: 'application/json',
    };
    fake.state.s3!.buckets[BUCKET]!.objects[`${PREFIX}/${STACK}.lock`] = lockObject;
    const refused = await run(INIT);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`locked by arn:aws:iam::123456789012:user/alice (init, PID 4242 on laptop) since ${startedAt} (2 h 0 min ago)`);
    expect(refused.stderr).toContain(`secure-api unlock --stack ${STACK} ${lockId} --state ${URL}`);
    expect(fake.resources(), 'the refused run changed nothing').toEqual([]);
    expect(s3State(fake, STACK)).toBeUndefined();

    expect(refused.stderr).toContain('nothing was changed');

    const wrong = await run(['unlock', '--stack', STACK, 'aaaaaaaa-0000-4000-8000-000000000000', '--state', URL]);
    expect(wrong.code).toBe(2);
    expect(object(fake, STACK, 'lock'), 'a wrong id removes nothing').toBeDefined();
    const unlocked = await run(['unlock', '--stack', STACK, lockId, '--state', URL]);
    expect(unlocked.code, unlocked.stderr).toBe(0);
    expect(unlocked.stderr).toContain(`Removing the lock ${lockId} on stack ${STACK} (${URL}): held by arn:aws:iam::123456789012:user/alice (init, PID 4242 on laptop) since ${startedAt}`);
    expect(object(fake, STACK, 'lock')).toBeUndefined();
    const made = await run(INIT);
    expect(made.code, made.stderr).toBe(0);
    // status names a lock it finds, with the way to remove it.
    fake.state.s3!.buckets[BUCKET]!.objects[`${PREFIX}/${STACK}.lock`] = { ...lockObject, lastModified: clock.t };
    const status = await run(['status', '--stack', STACK, '--state', URL, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { notes: string[] }).notes.join('\n')).toContain(`Locked by arn:aws:iam::123456789012:user/alice (init, PID 4242 on laptop) since ${startedAt}`);
  });

  it('a lost race at save time (the state written behind the lock, e.g. by an older secure-api or aws s3 cp): 412 stops the run, exit 1, the newer state intact', async () => {
    const { fake, run } = setup();
    // Something writes the state just before this run's next save, leaving the lock as it is (a run that removes and
    // takes the lock is fenced out before its write: test/state/fencing.test.ts).
    let newer: string | undefined;
    fake.inject({ command: 'CreateUserPool', latencyMs: 1 });
    const rule = fake.inject({ command: 'CreateRestApi', latencyMs: 1 });
    const racing = (async () => {
      while (!object(fake, STACK, 'json') || rule.applied === 0) await new Promise((r) => setTimeout(r, 0));
      const bucket = fake.state.s3!.buckets[BUCKET]!;
      const theirs = JSON.parse(bucket.objects[`${PREFIX}/${STACK}.json`]!.body) as Record<string, unknown>;
      newer = JSON.stringify({ ...theirs, updatedAt: '2030-01-01T00:00:00.000Z' }, null, 2) + '\n';
      bucket.objects[`${PREFIX}/${STACK}.json`] = { ...bucket.objects[`${PREFIX}/${STACK}.json`]!, body: newer, etag: '"ffffffffffffffffffffffffffffffff"' };
    })();
    const r = await run(INIT);
    await racing;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the state of stack "${STACK}" at ${URL}/${STACK}.json was changed by another run since this run read it; this run stopped and did not overwrite it`);
    expect(object(fake, STACK, 'json')?.body, 'the newer state is intact').toBe(newer);
  });

  it('state push moves a local state to S3 and state pull brings it back, each copy read back before the source goes', async () => {
    const { fake, run } = setup();
    const cwd = tempDir('secure-api-s3-move-');
    const local = await run(INIT.filter((x, i, all) => x !== '--state' && all[i - 1] !== '--state'), cwd);
    expect(local.code, local.stderr).toBe(0);
    const file = join(cwd, '.secure-api', `${STACK}.json`);
    const before = JSON.parse(readFileSync(file, 'utf8')) as { stateId: string; nodes: object };

    const pushed = await run(['state', 'push', '--stack', STACK, '--to', URL], cwd);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(existsSync(file), 'the local file is removed').toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(s3State(fake, STACK)).toMatchObject({ stateId: before.stateId, nodes: before.nodes });
    expect(object(fake, STACK, 'lock')).toBeUndefined();
    const elsewhere = await run(['status', '--stack', STACK, '--state', URL]);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);

    const pulled = await run(['state', 'pull', '--stack', STACK, '--from', URL], cwd);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(object(fake, STACK, 'json'), 'the S3 object is removed').toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ stateId: before.stateId, nodes: before.nodes });
    expectStateMatchesFake(JSON.parse(readFileSync(file, 'utf8')), fake);
    expectNoDuplicates(fake);

    // Pushing onto a stack S3 already holds refuses and keeps both.
    const body = readFileSync(file, 'utf8');
    fake.state.s3!.buckets[BUCKET]!.objects[`${PREFIX}/${STACK}.json`] = { body, etag: '"00000000000000000000000000000001"', lastModified: 0, sse: 'AES256', contentType: 'application/json' };
    const refused = await run(['state', 'push', '--stack', STACK, '--to', URL], cwd);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already holds a state for stack "demo"');
    expect(existsSync(file)).toBe(true);
    expect(object(fake, STACK, 'json')?.body).toBe(body);
    expect(object(fake, STACK, 'lock')).toBeUndefined();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('policy --state adds exactly the S3 actions on exactly that bucket and those keys', async () => {
    const { run } = setup();
    const r = await run(['policy', '--state', URL]);
    expect(r.code, r.stderr).toBe(0);
    const statements = (JSON.parse(r.stdout) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string | string[] }> }).Statement;
    const s3 = statements.filter((st) => st.Action.some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([
      { Sid: 'StateBucket', Effect: 'Allow', Action: ['s3:GetBucketVersioning', 's3:ListBucket'], Resource: `arn:aws:s3:::${BUCKET}` },
      { Sid: 'StateObjects', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: [`arn:aws:s3:::${BUCKET}/${PREFIX}/*.json`, `arn:aws:s3:::${BUCKET}/${PREFIX}/*.lock`] },
    ]);
    const plain = await run(['policy']);
    expect(plain.stdout).not.toContain('s3:');
    const create = JSON.parse((await run(['policy', '--state', URL, '--create-bucket'])).stdout) as { Statement: Array<{ Sid: string; Action: string[] }> };
    expect(create.Statement.find((st) => st.Sid === 'StateBucketCreate')?.Action).toEqual(['s3:CreateBucket', 's3:PutBucketPolicy', 's3:PutBucketPublicAccessBlock', 's3:PutBucketVersioning']);
  });

  it('with --endpoint-url the S3 client addresses the bucket path-style', async () => {
    const { fake, run } = setup();
    const r = await run(['status', '--state', URL, '--endpoint-url', 'http://localhost:4566']);
    expect(r.code, r.stderr).toBe(2);
    const client = fake.mocks.s3.call(0).thisValue as { config: { forcePathStyle?: boolean } };
    expect(client.config.forcePathStyle).toBe(true);
  });
});
