/**
 * Signals to a real process (test/support/fake-cli.ts, the CLI's own main against the fake): SIGINT and SIGTERM stop
 * new calls, let the ones in flight finish, save the state, say how to resume or destroy, exit 130; a second signal
 * exits at once; SIGKILL during destroy leaves a state that the next destroy finishes. Two processes on one stack:
 * the second is refused, naming the holder's PID and start time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { loadFakeFile, startCli } from './support/binary.js';
import { DESTROY, INIT, STACK, destroyAndExpectNothingLeft, scenario, type Scenario } from './support/scenario.js';
import { tempDir } from '../support/harness.js';

const FAKE_CLI = 'npx tsx test/support/fake-cli.ts';

const figures = suiteFigures('signals');
let s: Scenario | undefined;
afterEach(() => s?.restore());

/** An in-process scenario over what a process left in `cwd`, on a clock that starts now. */
function adopt(cwd: string): Scenario {
  s = scenario({}, cwd, { dataPlane: false });
  s.clock.t = Date.now();
  loadFakeFile(s.fake, cwd);
  return s;
}

/** A stack made by a process (its state records that process's data plane, which the next processes keep using). */
async function madeStack(): Promise<string> {
  const cwd = tempDir('secure-api-sig-');
  const exit = await startCli(INIT, { cwd }).exited;
  expect(exit.code, exit.stderr).toBe(0);
  figures.runs++;
  return cwd;
}

describe('SIGINT / SIGTERM', () => {
  it('SIGINT during init: in-flight calls finish, the state is exact, the message says how to resume, exit 130', async () => {
    const cwd = tempDir('secure-api-sig-');
    // SIGINT at a named call (the first path segment made), not after a sleep: the run is surely mid-way.
    const exit = await startCli(INIT, { cwd, env: { SECURE_API_FAKE_KILL: 'CreateResource:1:SIGINT' } }).exited;
    expect(exit.stderr).toContain('fake: SIGINT at CreateResource #1 (after)');
    figures.runs++;
    expect(exit.code, exit.stderr).toBe(130);
    expect(exit.stderr).toMatch(/SIGINT: .*calls in flight finish/);
    expect(exit.stderr).toMatch(/Interrupted: no new resources were started\.[^\n]*\nThe state is saved\./);
    // Under fake-cli the hints name its entry (SECURE_API_COMMAND), so they work when pasted.
    expect(exit.stderr).toContain(`Re-run \`${FAKE_CLI} init --stack`);
    expect(exit.stderr).toContain('(with the flags or --config it had) to resume');
    expect(exit.stderr).toContain(`\`${FAKE_CLI} destroy --stack ${STACK}\``);
    const sc = adopt(cwd);
    expect(existsSync(`${sc.statePath}.lock`), 'the lock is released').toBe(false);
    sc.expectExact();
    expect(sc.state()?.complete).toBe(false);
    figures.faults++;
    const resumed = await sc.run(INIT);
    figures.runs++;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming stack demo/);
    sc.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, 'SIGINT during init');
    figures.runs++;
    figures.cases++;
  });

  it('SIGTERM during destroy: exit 130 with the hint to run destroy again, which leaves nothing', async () => {
    const cwd = await madeStack();
    // SIGTERM as the domain's delete is sent: the pool (deleted after its domain) is surely still there, so the
    // interrupted branch runs (exit 130 is required, not one outcome of two).
    const exit = await startCli(DESTROY, { cwd, env: { SECURE_API_FAKE_KILL: 'DeleteUserPoolDomain:1:before:SIGTERM' } }).exited;
    figures.runs++;
    expect(exit.stderr).toContain('fake: SIGTERM at DeleteUserPoolDomain #1 (before)');
    expect(exit.code, exit.stderr).toBe(130);
    expect(exit.stderr).toMatch(/SIGTERM: .*calls in flight finish/);
    expect(exit.stderr).toMatch(/Interrupted: no new deletions were started\./);
    expect(exit.stderr).toContain(`Run \`${FAKE_CLI} destroy --stack ${STACK}\` again to finish`);
    const sc = adopt(cwd);
    // The pool, deleted only after its domain, and the state remain for the next destroy.
    expect(sc.fake.resources().map((r) => r.type)).toContain('user-pool');
    expect(sc.state()?.nodes.pool?.status).toBe('created');
    sc.expectExact();
    figures.faults++;
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, 'SIGTERM during destroy');
    figures.runs++;
    figures.cases++;
  });

  it('a second SIGINT exits at once (130); the next init takes over the stale lock and completes', async () => {
    const cwd = tempDir('secure-api-sig-');
    // Calls slow enough that the graceful wind-down after the first SIGINT is still waiting when the second comes,
    // however long the signal takes to arrive (the second exits at once, so this costs no time).
    const p = startCli(INIT, { cwd, latencyMs: 1_000 });
    await p.waitFor(/creating rest-api/);
    p.child.kill('SIGINT');
    await p.waitFor(/SIGINT: /);
    p.child.kill('SIGINT');
    const exit = await p.exited;
    figures.runs++;
    expect(exit.code, exit.stderr).toBe(130);
    expect(exit.stderr).toMatch(/SIGINT again: exiting now/);
    const sc = adopt(cwd);
    const resumed = await sc.run(INIT);
    figures.runs++;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`took over a stale lock left by PID ${p.child.pid ?? 0} \\(init, started `));
    sc.expectExact();
    figures.faults++;
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, 'a second SIGINT');
    figures.runs++;
    figures.cases++;
  });
});

describe('SIGKILL during destroy', () => {
  // Killed at named calls (SECURE_API_FAKE_KILL): as a delete is sent (`before`) or right after AWS acted on it.
  const points = ['DeleteUserPoolDomain:1:before', 'DeleteUserPoolDomain:1', 'DeleteRestApi:1:before', 'DeleteRestApi:1', 'DeleteFunction:1', 'DetachRolePolicy:1', 'DeleteUserPool:1:before'];
  it.each(points)('killed at %s: destroy again leaves nothing', async (point) => {
    const cwd = await madeStack();
    const exit = await startCli(DESTROY, { cwd, env: { SECURE_API_FAKE_KILL: point } }).exited;
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    figures.runs++;
    figures.faults++;
    const sc = adopt(cwd);
    expect(existsSync(sc.statePath), 'the killed destroy left its state').toBe(true);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, `SIGKILL at ${point} in destroy`);
    figures.runs++;
    figures.cases++;
  });
});

describe('two runs on one stack', () => {
  it('the second is refused (StackLocked, exit 1) naming the holder\'s PID, host and start time; the first goes on', async () => {
    const cwd = tempDir('secure-api-sig-');
    // Slow enough that the first is still running however long the second takes to start.
    const first = startCli(INIT, { cwd, latencyMs: 1_000 });
    await first.waitFor(/Creating stack demo/);
    const second = await startCli(INIT, { cwd }).exited;
    figures.runs += 2;
    expect(second.code, second.stderr).toBe(1);
    const lock = JSON.parse(readFileSync(`${cwd}/.secure-api/${STACK}.json.lock`, 'utf8')) as { pid: number; host: string; who: string; startedAt: string };
    expect(lock.pid).toBe(first.child.pid);
    expect(second.stderr).toContain(`stack "${STACK}" is locked by ${lock.who} (init, PID ${lock.pid} on ${lock.host}) since ${lock.startedAt}`);
    expect(first.child.exitCode, 'the first run is still going').toBeNull();
    // Stop the first (rather than wait for its slow calls); it saves, and init resumes where it stopped.
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    const sc = adopt(cwd);
    sc.expectExact();
    expect((await sc.run(INIT)).code).toBe(0);
    figures.runs++;
    figures.faults++;
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, 'two runs at once');
    figures.runs++;
    figures.cases++;
  });
});
