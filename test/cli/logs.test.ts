/**
 * `secure-api logs` (issue 21): the stack's function's log events from CloudWatch Logs (FilterLogEvents), newest last,
 * `--since`, `--follow` until Ctrl-C (exit 0), a clear line when the group does not exist yet, bad input exit 2 before
 * any AWS call, and the stack's target checked first.
 */
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { functionLogGroup } from '../../src/commands/logs.js';
import type { StateFile } from '../../src/state/schema.js';
import { writeLogEvents } from '../fakes/logs.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
  cwd = tempDir();
});
afterEach(() => fake.restore());

const run = (argv: string[], o: { signal?: AbortSignal; clock?: VirtualClock } = {}) => runSecureApi(argv, { cwd, clock: o.clock ?? clock, ...(o.signal ? { signal: o.signal } : {}) });
const groupOf = () => Object.keys(fake.state.logs?.groups ?? {}).find((g) => g.startsWith('/aws/lambda/demo-fn'))!;
const filters = () => fake.calls.filter((c) => c.command === 'FilterLogEvents').length;

describe('secure-api logs', () => {
  it('shows the events the proof\'s invocations wrote (START, END, REPORT), oldest first, and only those since --since', async () => {
    expect((await run(['init', '--yes', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    const group = groupOf();
    expect(group).toMatch(/^\/aws\/lambda\/demo-fn-[a-z0-9]{6}$/);
    const r = await run(['logs', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.*Z {2}START RequestId: \S+ Version: \$LATEST$/);
    expect(lines.some((l) => /END RequestId/.test(l))).toBe(true);
    expect(lines.some((l) => /REPORT RequestId: .*Duration: .*Memory Size: 128 MB/.test(l))).toBe(true);
    const times = lines.map((l) => Date.parse(l.slice(0, 24)));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // An hour later, the default 10 minutes hold nothing; --since 2h holds them again; a new event is the last line.
    clock.t += 3_600_000;
    const quiet = await run(['logs', '--stack', 'demo']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/No log events in \/aws\/lambda\/demo-fn-\w+ since .* \(--since 10m\)/);
    writeLogEvents(fake.state, 'us-east-1', group, ['the newest line'], clock.now(), 'stream-2');
    const back = await run(['logs', '--stack', 'demo', '--since', '2h']);
    expect(back.stdout.trim().split('\n').at(-1)).toMatch(/ {2}the newest line$/);
    expect(back.stdout.trim().split('\n')).toHaveLength(lines.length + 1);

    const json = JSON.parse((await run(['logs', '--stack', 'demo', '--since', '2h', '--json'])).stdout) as { logGroup: string; groupExists: boolean; events: Array<{ timestamp: number; message: string; stream: string; time: string }> };
    expect(json).toMatchObject({ logGroup: group, groupExists: true });
    expect(json.events.at(-1)).toEqual({ time: new Date(clock.now()).toISOString(), timestamp: clock.now(), stream: 'stream-2', message: 'the newest line' });
  });

  it('pages through every nextToken of FilterLogEvents', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    const lines = Array.from({ length: 10_050 }, (_, i) => `line ${i}`);
    writeLogEvents(fake.state, 'us-east-1', groupOf(), lines, clock.now(), 's');
    const before = filters();
    const r = await run(['logs', '--stack', 'demo', '--json']);
    expect(filters() - before).toBe(2);
    expect((JSON.parse(r.stdout) as { events: unknown[] }).events).toHaveLength(10_050);
  });

  it('says so, exit 0, when the group does not exist yet (the function has not run)', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    await new CloudWatchLogsClient({ region: 'us-east-1' }).send(new DeleteLogGroupCommand({ logGroupName: groupOf() }));
    const r = await run(['logs', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^no log events yet: the function has not run \(its log group \/aws\/lambda\/demo-fn-\w+ does not exist\)\.\n$/);
    const j = JSON.parse((await run(['logs', '--stack', 'demo', '--json'])).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ groupExists: false, events: [], note: 'no log events yet: the function has not run' });
  });

  /** `logs --follow` on a stack whose function logs `first` at once, then `atPoll(n, t)` during its n-th wait; Ctrl-C at wait `stopAt`. */
  async function follow(first: [string, string], atPoll: (n: number, t: number, group: string) => void, stopAt: number) {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    const group = groupOf();
    writeLogEvents(fake.state, 'us-east-1', group, [first[0]], clock.now(), first[1]);
    const ctl = new AbortController();
    const sleeps: number[] = [];
    const scripted = new VirtualClock();
    scripted.t = clock.t;
    scripted.sleep = async (ms: number) => {
      sleeps.push(ms);
      scripted.t += ms;
      atPoll(sleeps.length, scripted.t, group);
      if (sleeps.length === stopAt) ctl.abort();
      await Promise.resolve();
    };
    const r = await run(['logs', '--stack', 'demo', '--follow'], { signal: ctl.signal, clock: scripted });
    expect(r.code, r.stderr).toBe(0);
    return { r, sleeps, lines: r.stdout.trim().split('\n').map((l) => l.slice(26)) };
  }

  it('--follow prints what is new every 2 s, each event once, and stops on Ctrl-C with exit 0', async () => {
    // The function logs during the 2nd and the 3rd wait, Ctrl-C comes during the 4th.
    const { r, sleeps, lines } = await follow(['before', 's'], (n, t, group) => {
      if (n === 2) writeLogEvents(fake.state, 'us-east-1', group, ['first new'], t, 's');
      if (n === 3) writeLogEvents(fake.state, 'us-east-1', group, ['second new', 'third new'], t, 's');
    }, 4);
    expect(lines).toEqual(['before', 'first new', 'second new', 'third new']);
    expect(sleeps.every((ms) => ms >= 1000)).toBe(true);
    expect(r.stderr).toMatch(/Following \/aws\/lambda\/demo-fn-\w+ \(Ctrl-C to stop\)/);
  });

  it('--follow shows a late event from another stream with an older timestamp than the newest seen, once', async () => {
    const { lines } = await follow(['before', 'instance-a'], (n, t, group) => {
      if (n === 1) writeLogEvents(fake.state, 'us-east-1', group, ['newer'], t, 'instance-a');
      // Logged by another instance 3 s before 'newer', delivered only now.
      if (n === 2) writeLogEvents(fake.state, 'us-east-1', group, ['late'], t - 5000, 'instance-b');
    }, 5);
    expect(lines).toEqual(['before', 'newer', 'late']);
  });

  it('reads the group the stack recorded for its function; a stack made before that group: Lambda\'s /aws/lambda/<name>', () => {
    const rec = (kind: string, out: Record<string, string>, spec: Record<string, unknown>) => ({ kind, status: 'created', out, label: kind, deps: [], spec, updatedAt: '2026-01-01T00:00:00Z' });
    const fn = rec('lambda-function', { functionName: 'demo-fn-abc123' }, { functionName: 'demo-fn-abc123' });
    const logs = rec('log-group', { logGroupName: '/aws/lambda/demo-fn-abc123' }, { logGroupName: '/aws/lambda/demo-fn-abc123', createdByService: 'lambda' });
    const access = rec('log-group', { logGroupName: '/aws/apigateway/demo/dev/access' }, { logGroupName: '/aws/apigateway/demo/dev/access' });
    const state = (nodes: Record<string, unknown>) => ({ nodes }) as unknown as StateFile;
    expect(functionLogGroup(state({ access, function: fn, 'function-logs': { ...logs, out: { logGroupName: '/aws/lambda/recorded' } } }))).toBe('/aws/lambda/recorded');
    expect(functionLogGroup(state({ access, function: fn }))).toBe('/aws/lambda/demo-fn-abc123');
    expect(functionLogGroup(state({ access }))).toBeUndefined();
  });

  it.each([['abc'], ['10'], ['0m'], ['5w'], ['-1h'], ['']])('--since %j is exit 2 before any AWS call', async (since) => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    const before = fake.calls.length;
    const r = await run(['logs', '--stack', 'demo', '--since', since]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since ".*" is not a duration: give a number and a unit, like 30s, 10m, 2h or 7d/);
    expect(fake.calls.length).toBe(before);
  });

  it('--follow with --json, and another region than the state\'s: exit 2, no FilterLogEvents', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    const both = await run(['logs', '--stack', 'demo', '--follow', '--json']);
    expect(both.code).toBe(2);
    // With --json the error is the JSON document on stdout.
    expect(both.stdout + both.stderr).toMatch(/--follow .* --json .*: use one of them/);
    const region = await run(['logs', '--stack', 'demo', '--region', 'eu-west-1']);
    expect(region.code).toBe(2);
    expect(filters()).toBe(0);
  });

  it('a 500 from verify (API Gateway may not invoke the function) points at `secure-api logs` for the stack', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    const fn = Object.values(fake.state.lambda.functions)[0]!;
    fn.statements = [];
    const v = await run(['verify', '--stack', 'demo']);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toMatch(/500 Internal server error[\s\S]*`secure-api logs --stack demo --since 15m` shows whether the function ran/);
  });

  it('function.logRetentionDays: the group keeps events that many days; a value CloudWatch Logs refuses is exit 2 before any AWS call', async () => {
    const { writeFileSync } = await import('node:fs');
    const cfg = (days: number) => { writeFileSync(`${cwd}/days.json`, JSON.stringify({ stack: 'demo', function: { logRetentionDays: days } })); return `${cwd}/days.json`; };
    for (const bad of [0, 2, 31, 366, 4000]) {
      const r = await run(['init', '--yes', '--no-verify', '--config', cfg(bad)]);
      expect(r.code, String(bad)).toBe(2);
      expect(r.stderr).toMatch(/CloudWatch Logs keeps events for one of 1, 3, 5, 7, 14, 30, .*, 3653 days/);
    }
    expect(fake.calls).toEqual([]);
    expect((await run(['init', '--yes', '--no-verify', '--config', cfg(7)])).code).toBe(0);
    expect(fake.state.logs!.groups[groupOf()]!.retentionInDays).toBe(7);
    // A change of it is an update in place of the group alone.
    const plan = await run(['plan', '--stack', 'demo', '--config', cfg(90)]);
    expect(plan.stdout).toMatch(/~ +update in place +log group \/aws\/lambda\/demo-fn-\w+ +\(retentionInDays changed\)/);
    expect(plan.stdout).toContain('0 to add, 1 to change, 0 to replace, 0 to delete');
  });

  it('a stack made before the log group: init takes in the group Lambda made (untagged, no retention), keeping its events', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items'])).code).toBe(0);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const file = `${cwd}/.secure-api/demo.json`;
    const st = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Record<string, { deps: string[] }> };
    delete st.nodes['function-logs'];
    st.nodes.function!.deps = st.nodes.function!.deps.filter((d) => d !== 'function-logs');
    writeFileSync(file, JSON.stringify(st));
    // As Lambda left it: made on the function's first run, untagged, kept forever.
    const group = groupOf();
    delete fake.state.logs!.groups[group];
    writeLogEvents(fake.state, 'us-east-1', group, ['an old run'], clock.now(), 's');
    const plan = await run(['plan', '--stack', 'demo']);
    expect(plan.stdout).toMatch(/\+ +create +log group \/aws\/lambda\/demo-fn-\w+/);
    const r = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    const g = fake.state.logs!.groups[group]!;
    expect(g.retentionInDays).toBe(30);
    expect(g.tags).toMatchObject({ 'secure-api:stack': 'demo' });
    expect(g.events.map((e) => e.message)).toEqual(['an old run']);
    expect((await run(['status', '--stack', 'demo'])).code).toBe(0);
  });

  it('a stack whose routes call no function of its own: exit 2, naming why', async () => {
    const cfg = `${cwd}/mock.json`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, JSON.stringify({ stack: 'mocks', routes: [{ path: '/health', methods: ['GET'], integration: { type: 'mock' }, public: true }] }));
    expect((await run(['init', '--yes', '--no-verify', '--config', cfg])).code).toBe(0);
    const r = await run(['logs', '--stack', 'mocks']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stack "mocks" has no function of its own/);
    expect(filters()).toBe(0);
  });
});
