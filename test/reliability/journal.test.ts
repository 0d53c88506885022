/**
 * Issue 18.2: what a destroy finds is journaled with its status, in one write, before the delete call. Processes are
 * killed at named AWS calls (SECURE_API_FAKE_KILL, honoured by test/support/fake-cli.ts), never after a sleep: a
 * destroy that dies between its journal and its delete leaves a state the next destroy finishes, nothing left behind.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { loadFakeFile, startCli } from './support/binary.js';
import { DESTROY, INIT, destroyAndExpectNothingLeft, scenario, type Scenario } from './support/scenario.js';
import { tempDir } from '../support/harness.js';

let s: Scenario | undefined;
afterEach(() => s?.restore());

/** Run `args` as a process killed at `kill` (SECURE_API_FAKE_KILL); it must die there. */
async function killedAt(args: string[], cwd: string, kill: string): Promise<string> {
  const exit = await startCli(args, { cwd, env: { SECURE_API_FAKE_KILL: kill } }).exited;
  expect(exit.signal, exit.stderr).toBe('SIGKILL');
  const [command, nth] = kill.split(':');
  expect(exit.stderr).toContain(`fake: SIGKILL at ${command} #${nth ?? 1} (${kill.endsWith(':before') ? 'before' : 'after'})`);
  return exit.stderr;
}

/** "AWS" as the processes left it, in-process. */
function adopt(cwd: string): Scenario {
  s = scenario({}, cwd, { dataPlane: false });
  s.clock.t = Date.now();
  loadFakeFile(s.fake, cwd);
  return s;
}

describe('a destroy killed after it found what a killed init made (issue 18.2)', () => {
  it('init killed as CreateFunction acts; destroy finds the function and is killed before DeleteFunction; the next destroy deletes it: nothing left', async () => {
    const cwd = tempDir('secure-api-journal-');
    await killedAt(INIT, cwd, 'CreateFunction:1');
    const made = adopt(cwd);
    const statePath = made.statePath;
    const fn = made.fake.resources().find((r) => r.type === 'function');
    expect(fn, 'the function exists in "AWS"').toBeDefined();
    expect(readState(statePath)?.nodes.function).toMatchObject({ status: 'creating', out: {} });
    made.restore();

    await killedAt(DESTROY, cwd, 'DeleteFunction:1:before');
    // The found ids went to disk with `deleting`, in one write, before the delete call.
    const journaled = readState(statePath)?.nodes.function;
    expect(journaled?.status).toBe('deleting');
    expect(journaled?.out.functionName).toBe(fn!.name);
    expect(journaled?.out.functionArn).toMatch(new RegExp(`:function:${fn!.name}$`));

    const after = adopt(cwd);
    expect(after.fake.resources().some((r) => r.type === 'function'), 'the kill came before DeleteFunction').toBe(true);
    await destroyAndExpectNothingLeft(after, 'a destroy killed before DeleteFunction');
    expect(existsSync(`${statePath}.lock`)).toBe(false);
  });

  it('init killed as AddPermission acts; destroy killed before DeleteFunction; the next destroy deletes the function and its permission', async () => {
    const cwd = tempDir('secure-api-journal-');
    await killedAt(INIT, cwd, 'AddPermission:1');
    const made = adopt(cwd);
    expect(made.fake.resources().filter((r) => r.type === 'permission').length).toBe(1);
    expect(readState(made.statePath)?.nodes.permission).toMatchObject({ status: 'creating', out: {} });
    made.restore();

    await killedAt(DESTROY, cwd, 'DeleteFunction:1:before');
    const after = adopt(cwd);
    expect(after.fake.resources().map((r) => r.type)).toEqual(expect.arrayContaining(['function', 'permission']));
    await destroyAndExpectNothingLeft(after, 'a destroy killed before DeleteFunction, the permission journaled creating');
  });

  it('a change that drops the sample function, killed before DeleteFunction after it found the function a killed init made: destroy deletes it', async () => {
    const cwd = tempDir('secure-api-journal-');
    const config = (routes: unknown[]) => {
      const file = join(cwd, `config-${routes.length}.json`);
      writeFileSync(file, JSON.stringify({ stack: 'demo', routes }));
      return ['init', '--yes', '--no-verify', '--config', file];
    };
    await killedAt(config([{ path: '/items', methods: ['GET'] }]), cwd, 'CreateFunction:1');
    // The change (execute.ts) deletes the function it finds: killed before the call.
    await killedAt(config([{ path: '/items', methods: ['GET'], integration: { type: 'mock' } }, { path: '/health', methods: ['GET'], public: true, integration: { type: 'mock' } }]), cwd, 'DeleteFunction:1:before');
    const after = adopt(cwd);
    const fn = after.fake.resources().find((r) => r.type === 'function');
    expect(fn, 'the kill came before DeleteFunction').toBeDefined();
    expect(readState(after.statePath)?.nodes.function).toMatchObject({ status: 'deleting', out: { functionName: fn!.name } });
    await destroyAndExpectNothingLeft(after, 'a change killed before DeleteFunction');
  });
});
