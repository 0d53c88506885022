/**
 * Issue 24: a command acts on exactly the stack its state names (account, partition, region, endpoint), or refuses
 * with exit 2 before any other call, and the state and the first account's stack stay whole.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock, type RunResult } from '../support/harness.js';
import { BUCKET, makeBucket, URL as S3_URL } from '../state/support.js';

const HOME = '123456789012';
const OTHER = '111122223333';
let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
let configFile: string;

const stateFile = () => join(cwd, '.secure-api', 'secure-api.json');
const run = (argv: string[], o: { env?: NodeJS.ProcessEnv; dataPlane?: boolean; stdin?: string } = {}): Promise<RunResult> =>
  runSecureApi(argv, { cwd, clock, env: { AWS_CONFIG_FILE: configFile, ...o.env }, ...(o.dataPlane === undefined ? {} : { dataPlane: o.dataPlane }) });

beforeEach(async () => {
  clock = new VirtualClock();
  // The profile "other" holds credentials of another account (the fake answers it from that account's memory).
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, accounts: { other: OTHER } });
  cwd = tempDir('secure-api-target-');
  configFile = join(cwd, 'aws-config');
  writeFileSync(configFile, '[default]\nregion = us-east-1\n[profile other]\nregion = us-east-1\n');
  const init = await run(['init', '--yes', '--no-verify']);
  expect(init.code, init.stderr).toBe(0);
});
afterEach(() => fake?.restore());

/** What another account holds: nothing, after a refused command. */
const otherAccountResources = () => fake.memories().filter((m) => m.account === OTHER)
  .flatMap((m) => [...Object.keys(m.apigateway.apis), ...Object.keys(m.cognito.pools), ...Object.keys(m.lambda.functions), ...Object.keys(m.iam.roles)]);

describe('credentials for another account: exit 2 after one STS call, the state and the stack untouched', () => {
  const commands: Array<[string, string[]]> = [
    ['init', ['init', '--yes', '--no-verify']],
    ['init with a change', ['init', '--yes', '--no-verify', '--stage', 'prod']],
    ['plan', ['plan']],
    ['destroy', ['destroy', '--yes']],
    ['status', ['status']],
    ['status --orphans', ['status', '--orphans', '--stack', 'secure-api']],
    ['verify', ['verify']],
    ['token', ['token']],
    ['users add', ['users', 'add', 'alice@example.com', '--password-stdin']],
    ['users list', ['users', 'list']],
    ['forget', ['forget', '--yes']],
  ];
  for (const [name, argv] of commands) {
    it(name, async () => {
      const before = readFileSync(stateFile(), 'utf8');
      const resources = fake.resources().length;
      const from = fake.calls.length;
      const r = await run([...argv, '--profile', 'other']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`these credentials are for account ${OTHER} (profile other), but stack "secure-api" lives in account ${HOME}`);
      expect(r.stderr).toContain(`Use credentials for account ${HOME}: --profile NAME`);
      // The only call: who the credentials are. Nothing was read or written in either account.
      expect(fake.calls.slice(from).map((c) => `${c.account} ${c.service}:${c.command}`)).toEqual([`${OTHER} sts:GetCallerIdentity`]);
      expect(readFileSync(stateFile(), 'utf8')).toBe(before);
      expect(fake.resources().length).toBe(resources);
      expect(otherAccountResources()).toEqual([]);
    });
  }

  it('state push to S3: refused before the copy is written', async () => {
    makeBucket(fake);
    const before = readFileSync(stateFile(), 'utf8');
    const r = await run(['state', 'push', '--stack', 'secure-api', '--to', S3_URL, '--profile', 'other']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`lives in account ${HOME}`);
    expect(Object.keys(fake.state.s3?.buckets[BUCKET]?.objects ?? {})).toEqual([]);
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });

  it('the same stack on an S3 state: another account is refused there too', async () => {
    makeBucket(fake);
    const pushed = await run(['state', 'push', '--stack', 'secure-api', '--to', S3_URL]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const from = fake.calls.length;
    const r = await run(['plan', '--stack', 'secure-api', '--state', S3_URL, '--profile', 'other']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`these credentials are for account ${OTHER}`);
    expect(fake.calls.slice(from).filter((c) => c.service !== 's3').map((c) => c.command)).toEqual(['GetCallerIdentity']);
  });

  it('with the right credentials the same commands go on (status exit 0)', async () => {
    const r = await run(['status']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('the recorded endpoint', () => {
  const recorded = () => (JSON.parse(readFileSync(stateFile(), 'utf8')) as { endpointUrl?: string }).endpointUrl;
  const setEndpoint = (url: string | undefined) => {
    const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as Record<string, unknown>;
    if (url === undefined) delete s.endpointUrl; else s.endpointUrl = url;
    writeFileSync(stateFile(), JSON.stringify(s));
  };

  it('a loopback one is the default: plan, init and status without --endpoint-url (or AWS_ENDPOINT_URL) send every call there', async () => {
    const url = recorded();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    for (const argv of [['plan'], ['init', '--yes', '--no-verify'], ['status']]) {
      const from = fake.calls.length;
      const r = await run(argv, { dataPlane: false });
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      const endpoints = new Set(fake.calls.slice(from).map((c) => c.endpoint?.replace(/\/$/, '')));
      expect([...endpoints], argv.join(' ')).toEqual([url!.replace(/\/$/, '')]);
    }
  });

  it('another one is never used unless given again: token, status, plan, verify, users, export refuse before any call, naming it', async () => {
    setEndpoint('https://emulator.example.net:4566');
    for (const argv of [['token', '--username', 'alice@example.com', '--password-stdin'], ['status'], ['plan'], ['verify'], ['users', 'list'], ['export', 'curl'], ['init', '--yes', '--no-verify']]) {
      const from = fake.calls.length;
      const r = await run(argv, { dataPlane: false });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toContain('records the endpoint https://emulator.example.net:4566, which is not on this machine');
      expect(r.stderr, argv.join(' ')).toContain('--endpoint-url https://emulator.example.net:4566');
      expect(fake.calls.length, argv.join(' ')).toBe(from);
    }
    // Given again, it is used.
    const from = fake.calls.length;
    const ok = await run(['status', '--endpoint-url', 'https://emulator.example.net:4566'], { dataPlane: false });
    expect(ok.code, ok.stderr).toBe(0);
    expect(new Set(fake.calls.slice(from).map((c) => c.endpoint))).toEqual(new Set(['https://emulator.example.net:4566/']));
  });

  it('a run pointed elsewhere than the recorded endpoint, or at one when the state records none, is refused naming both', async () => {
    const url = recorded()!;
    const other = await run(['status', '--endpoint-url', 'http://127.0.0.1:9'], { dataPlane: false });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`was made at endpoint ${url}, but this run points at --endpoint-url http://127.0.0.1:9`);
    const viaEnv = await run(['plan'], { dataPlane: false, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain('this run points at AWS_ENDPOINT_URL http://127.0.0.1:9');
    setEndpoint(undefined);
    const none = await run(['destroy', '--yes', '--endpoint-url', url], { dataPlane: false });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`stack "secure-api" lives in AWS (us-east-1), but this run points at --endpoint-url ${url}`);
  });

  it('the profile is never taken from the state', async () => {
    const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile(), JSON.stringify({ ...s, profile: 'other' }));
    const from = fake.calls.length;
    const r = await run(['status']);
    expect(r.code, r.stderr).toBe(0);
    expect(new Set(fake.calls.slice(from).map((c) => c.account))).toEqual(new Set([HOME]));
  });

  it('another --region is refused before any call, by every command on the stack', async () => {
    for (const argv of [['status'], ['plan'], ['destroy', '--yes'], ['verify'], ['token'], ['users', 'list'], ['export', 'curl']]) {
      const from = fake.calls.length;
      const r = await run([...argv, '--region', 'eu-west-1']);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(/stack "secure-api" (lives|exists) in us-east-1, not eu-west-1/);
      expect(fake.calls.length, argv.join(' ')).toBe(from);
    }
  });
});

describe('the recorded configuration is validated on every read', () => {
  const edit = (f: (cfg: Record<string, unknown>) => void) => {
    const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as { config: Record<string, unknown> };
    f(s.config);
    writeFileSync(stateFile(), JSON.stringify(s));
  };
  const commands = [['status'], ['plan'], ['init', '--yes', '--no-verify'], ['destroy', '--yes'], ['token'], ['export', 'curl'], ['status', '--offline']];

  it('a field AWS or secure-api would refuse (a stage name with a space): exit 2 naming it, before any call, file untouched', async () => {
    edit((c) => { c.stage = { name: 'my stage', description: '' }; });
    const before = readFileSync(stateFile(), 'utf8');
    for (const argv of commands) {
      const from = fake.calls.length;
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toContain('the configuration recorded in the state file');
      expect(r.stderr, argv.join(' ')).toContain('stage.name');
      expect(fake.calls.length, argv.join(' ')).toBe(from);
    }
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });

  it('a key the configuration does not have, and a config naming another stack or region, are refused the same way', async () => {
    edit((c) => { c.endpointUrl = 'https://elsewhere.example.net'; });
    let r = await run(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('endpointUrl');
    edit((c) => { delete c.endpointUrl; c.stack = 'someone-else'; });
    r = await run(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('names stack "someone-else", but the state is stack "secure-api"');
    edit((c) => { c.stack = 'secure-api'; c.region = 'eu-west-1'; });
    r = await run(['plan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('names region eu-west-1, but the state is in us-east-1');
  });
});

describe('status on a stack whose init did not finish', () => {
  it('reports what exists and what is missing, exit 3, and how to finish', async () => {
    const s = JSON.parse(readFileSync(stateFile(), 'utf8')) as { complete: boolean; nodes: Record<string, { status: string }> };
    // As a run killed part-way leaves it: the domain journaled "creating", later nodes never journaled.
    s.complete = false;
    s.nodes.domain!.status = 'creating';
    delete s.nodes.deployment;
    delete s.nodes.permission;
    writeFileSync(stateFile(), JSON.stringify(s));
    const text = await run(['status']);
    expect(text.code, text.stderr).toBe(3);
    expect(text.stderr).toMatch(/stack "secure-api" is unfinished: init did not finish \(\d+ of \d+ recorded resources present, 2 not made yet\)/);
    expect(text.stderr).toContain('Run `secure-api init --stack secure-api` to finish it (it resumes where it stopped)');
    expect(text.stdout).toMatch(/2 resources not made yet: (deployment|lambda-permission) .*, (deployment|lambda-permission) /);
    expect(text.stderr).not.toContain('Error: init did not finish');
    const json = await run(['status', '--json']);
    expect(json.code).toBe(3);
    const report = JSON.parse(json.stdout) as { complete: boolean; notMade: string[]; resources: Array<{ id: string; state: string }> };
    expect(report.complete).toBe(false);
    expect(report.notMade.map((x) => x.split(' ')[0]).sort()).toEqual(['deployment', 'lambda-permission']);
    expect(report.resources.find((r) => r.id === 'domain')?.state).toBe('unfinished');
    // And init finishes it.
    const init = await run(['init', '--yes', '--no-verify']);
    expect(init.code, init.stderr).toBe(0);
    expect((await run(['status'])).code).toBe(0);
  });
});

describe('printed commands reach the same stack', () => {
  it('status on an S3 state with --profile: its Next and fix commands carry --state and --profile; no jq line', async () => {
    makeBucket(fake);
    expect((await run(['state', 'push', '--stack', 'secure-api', '--to', S3_URL])).code).toBe(0);
    writeFileSync(configFile, '[default]\nregion = us-east-1\n[profile other]\nregion = us-east-1\n[profile home]\nregion = us-east-1\n');
    // Drift the stack so status prints fixes and Next steps.
    const api = Object.values(fake.state.apigateway.apis)[0]!;
    delete api.gatewayResponses?.DEFAULT_4XX;
    const r = await run(['status', '--stack', 'secure-api', '--state', S3_URL, '--profile', 'home', '--json']);
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout) as { next: Array<{ command: string }>; resources: Array<{ fix?: { commands: string[] } | null }> };
    const commands = [...report.next.map((n) => n.command), ...report.resources.flatMap((x) => x.fix?.commands ?? [])].filter((c) => c.startsWith('secure-api '));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(c, c).toContain(`--stack secure-api --state ${S3_URL} --profile home`);
    expect(r.stdout).not.toContain('jq ');
    // users, verify and export print theirs the same way.
    const users = await run(['users', 'list', '--stack', 'secure-api', '--state', S3_URL, '--profile', 'home']);
    expect(users.code, users.stderr).toBe(0);
    expect(users.stdout).toContain(`secure-api users add EMAIL --stack secure-api --state ${S3_URL} --profile home`);
    const curl = await run(['export', 'curl', '--out', cwd, '--stack', 'secure-api', '--state', S3_URL, '--profile', 'home']);
    expect(curl.code, curl.stderr).toBe(0);
    expect(curl.stderr).toContain(`secure-api token --stack secure-api --state ${S3_URL} --profile home)`);
  });
});

describe('token --machine on another account', () => {
  it('is refused after the one STS call, before the machine client\'s secret is read', async () => {
    const made = await run(['init', '--yes', '--no-verify', '--stack', 'scoped', '--route', 'GET /orders', '--authorizer-scopes', 'orders/read']);
    expect(made.code, made.stderr).toBe(0);
    const from = fake.calls.length;
    const r = await run(['token', '--machine', '--stack', 'scoped', '--profile', 'other']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`these credentials are for account ${OTHER} (profile other), but stack "scoped" lives in account ${HOME}`);
    expect(fake.calls.slice(from).map((c) => `${c.account} ${c.command}`)).toEqual([`${OTHER} GetCallerIdentity`]);
  });
});
