/**
 * The state file and its lock: a corrupt, truncated or future-version state is refused (exit 2, a message naming the
 * problem) by init, status and destroy, and left byte for byte as it was, with its .bak, and no AWS call made; a lock
 * held by a live process refuses; a stale one is taken over with a warning; writes are atomic and private.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { DESTROY, INIT, STACK, destroyAndExpectNothingLeft, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('state-file');
let s: Scenario | undefined;
afterEach(() => s?.restore());

/** A real state file, as init writes it (the source of the truncated and edited variants). */
let valid = '';
beforeAll(async () => {
  const sc = scenario();
  try {
    expect((await sc.run(INIT)).code).toBe(0);
    valid = sc.stateText()!;
  } finally {
    sc.restore();
  }
});

const edit = (f: (st: Record<string, unknown>) => void): string => {
  const st = JSON.parse(valid) as Record<string, unknown>;
  f(st);
  return JSON.stringify(st, null, 2);
};

const BAD_STATES: Array<[string, () => string, RegExp]> = [
  ['garbage', () => '{this is not json', /is not valid JSON \(truncated or edited\?\); it was left untouched/],
  ['truncated', () => valid.slice(0, Math.floor(valid.length / 2)), /is not valid JSON \(truncated or edited\?\)/],
  ['empty', () => '', /is not valid JSON/],
  ['future version', () => edit((st) => { st.version = 4; }), /has version 4; this secure-api reads version 3[\s\S]*upgrade secure-api/],
  ['unknown resource kind', () => edit((st) => { (st.nodes as Record<string, { kind: string }>).api!.kind = 'load-balancer'; }), /nodes\.api\.kind: must be one of/],
  ['unknown status', () => edit((st) => { (st.nodes as Record<string, { status: string }>).pool!.status = 'half-made'; }), /nodes\.pool\.status/],
  ['missing nodes', () => edit((st) => { delete st.nodes; }), /nodes:/],
  ['a JSON array', () => '[]', /state file .* (is not valid|version)/],
];

const COMMANDS: Array<[string, string[]]> = [
  ['init', INIT],
  ['status', ['status', '--stack', STACK]],
  ['status (no --stack)', ['status']],
  ['destroy', DESTROY],
];

describe('a bad state file is refused and left untouched', () => {
  for (const [what, make, message] of BAD_STATES) {
    it.each(COMMANDS)(`${what}: %s exits 2, names the problem, changes no byte, calls nothing`, async (_name, argv) => {
      s = scenario();
      const bytes = make();
      const bak = `${valid}\n`;
      mkdirSync(dirname(s.statePath), { recursive: true });
      writeFileSync(s.statePath, bytes, { mode: 0o600 });
      writeFileSync(`${s.statePath}.bak`, bak, { mode: 0o600 });
      const r = await s.run(argv);
      figures.runs++;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain(s.statePath);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(s.statePath, 'utf8')).toBe(bytes);
      expect(readFileSync(`${s.statePath}.bak`, 'utf8')).toBe(bak);
      expect(existsSync(`${s.statePath}.lock`)).toBe(false);
      expect(readdirSync(dirname(s.statePath)).sort()).toEqual([`${STACK}.json`, `${STACK}.json.bak`]);
      expect(s.fake.calls).toEqual([]);
      figures.cases++;
      figures.faults++;
    });
  }
});

describe('the lock', () => {
  it('held by a live process: destroy refuses (StackLocked, exit 1, as on S3) with its PID, host and start time, before any call but the target check', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const startedAt = '2026-01-01T10:00:00.000Z';
    writeFileSync(`${s.statePath}.lock`, JSON.stringify({ lockId: 'l-1', who: 'alice', host: hostname(), pid: process.pid, startedAt, command: 'init' }));
    const calls = s.fake.calls.length;
    const r = await s.run(DESTROY);
    figures.runs += 2;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`stack "${STACK}" is locked by alice (init, PID ${process.pid} on ${hostname()}) since ${startedAt}`);
    expect(r.stderr).toContain(`secure-api unlock --stack ${STACK} l-1`);
    // The first call on a recorded stack is who the credentials are (issue 24); nothing of the stack is read.
    expect(s.fake.calls.slice(calls).map((c) => c.command)).toEqual(['GetCallerIdentity']);
    expect(existsSync(`${s.statePath}.lock`), 'the holder\'s lock is not removed').toBe(true);
    figures.cases++;
    figures.faults++;
  });

  it('held by a live process: init refuses (exit 1) and creates nothing', async () => {
    s = scenario();
    mkdirSync(dirname(s.statePath), { recursive: true });
    writeFileSync(`${s.statePath}.lock`, JSON.stringify({ pid: process.pid, startedAt: '2026-01-01T10:00:00.000Z', command: 'destroy' }));
    const r = await s.run(INIT);
    figures.runs++;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/is locked by unknown \(destroy, PID \d+\) since 2026-01-01T10:00:00.000Z/);
    expect(s.fake.resources()).toEqual([]);
    figures.cases++;
    figures.faults++;
  });

  it.each([
    ['a dead PID', () => JSON.stringify({ pid: spawnSync(process.execPath, ['-e', '0']).pid, startedAt: '2026-01-01T10:00:00.000Z', command: 'init' }), /took over a stale lock left by PID \d+ \(init, started 2026-01-01T10:00:00.000Z\)/],
    ['unreadable content', () => 'garbage', /took over a stale lock/],
  ])('left by %s: taken over with a warning; init and destroy complete', async (_what, content, warning) => {
    s = scenario();
    mkdirSync(dirname(s.statePath), { recursive: true });
    writeFileSync(`${s.statePath}.lock`, content());
    const r = await s.run(INIT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(warning);
    expect(existsSync(`${s.statePath}.lock`)).toBe(false);
    s.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'a stale lock');
    figures.runs += 2;
    figures.cases++;
    figures.faults++;
  });
});

describe('writes', () => {
  it('are private (0600), keep the previous version as .bak, and leave no temp file', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    figures.runs++;
    const dir = dirname(s.statePath);
    expect(statSync(s.statePath).mode & 0o777).toBe(0o600);
    expect(statSync(`${s.statePath}.bak`).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o077, 'the state directory is not group/world readable').toBe(0);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    // The .bak is the state one write before: the same stack, at most one change behind.
    const bak = JSON.parse(readFileSync(`${s.statePath}.bak`, 'utf8')) as { stack: string };
    expect(bak.stack).toBe(STACK);
    figures.cases++;
  });

  it('a leftover temp file from a killed write is ignored by status and init', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    writeFileSync(`${s.statePath}.99999.tmp`, '{"half": ');
    const st = await s.run(['status', '--offline']);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toContain(`Stack ${STACK}`);
    expect((await s.run(INIT)).code).toBe(0);
    figures.runs += 3;
    figures.cases++;
    figures.faults++;
  });
});

it('the state directory can be elsewhere (--state-dir) with the same guarantees', async () => {
  s = scenario();
  const dir = join(s.cwd, 'elsewhere');
  expect((await s.run([...INIT, '--state-dir', dir])).code).toBe(0);
  expect(statSync(join(dir, `${STACK}.json`)).mode & 0o777).toBe(0o600);
  expect((await s.run([...DESTROY, '--state-dir', dir])).code).toBe(0);
  expect(s.fake.resources()).toEqual([]);
  figures.runs += 2;
  figures.cases++;
});
