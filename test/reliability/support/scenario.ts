/** One stack against a fresh stateful fake, run in-process on a virtual clock: the unit of every reliability case. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readState } from '../../../src/state/store.js';
import type { StateFile } from '../../../src/state/schema.js';
import { installAwsFake, type AwsFake, type AwsFakeOptions } from '../../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock, type RunOptions, type RunResult } from '../../support/harness.js';
import { expectNoDuplicates, expectStateMatchesFake } from '../../support/stack-checks.js';
import { mutatingCalls, type CallRef } from './faults.js';

export const STACK = 'demo';
/** Two nested routes, a hosted UI with a fixed prefix: every kind of node but the federated IdP (step 6 is the secrets suite's). */
export const INIT = ['init', '--yes', '--no-verify', '--stack', STACK, '--domain-prefix', 'demo-login', '--route', 'GET,POST /items', '--route', 'GET,DELETE /items/{id}'];
export const DESTROY = ['destroy', '--yes', '--stack', STACK];

export interface Scenario {
  fake: AwsFake;
  clock: VirtualClock;
  cwd: string;
  statePath: string;
  run(argv: string[], o?: Omit<RunOptions, 'cwd' | 'clock'>): Promise<RunResult>;
  state(): StateFile | undefined;
  /** The state file's bytes, or undefined when there is none. */
  stateText(): string | undefined;
  /** The state names exactly what exists, and nothing exists twice. */
  expectExact(): void;
  restore(): void;
}

/**
 * `defaults` go to every run: `dataPlane: false` for a directory a fake-cli process left (its state records that
 * process's data plane, which is on this machine and reached unasked; another endpoint would be refused).
 */
export function scenario(opts: AwsFakeOptions = {}, cwd = tempDir('secure-api-rel-'), defaults: Omit<RunOptions, 'cwd' | 'clock'> = {}): Scenario {
  const clock = new VirtualClock();
  const fake = installAwsFake({ clock, deleteRestApiWindowMs: 30_000, ...opts });
  const statePath = join(cwd, '.secure-api', `${STACK}.json`);
  return {
    fake,
    clock,
    cwd,
    statePath,
    run: (argv, o = {}) => runSecureApi(argv, { ...defaults, ...o, cwd, clock }),
    state: () => readState(statePath),
    stateText: () => (existsSync(statePath) ? readFileSync(statePath, 'utf8') : undefined),
    expectExact() {
      expectStateMatchesFake(readState(statePath), fake);
      expectNoDuplicates(fake);
    },
    restore: () => fake.restore(),
  };
}

/** destroy, then: exit 0, nothing left in "AWS", no state file. Returns what was left (0) for the figures. */
export async function destroyAndExpectNothingLeft(s: Scenario, what: string): Promise<number> {
  const d = await s.run(DESTROY);
  expect(d.code, `destroy after ${what}: ${d.stderr}`).toBe(0);
  const left = s.fake.resources();
  expect(left, `left after ${what}`).toEqual([]);
  expect(existsSync(s.statePath), `state file after destroy (${what})`).toBe(false);
  return left.length;
}

/** The mutating calls a clean run makes (in its last command), learned from runs against a fresh fake. */
export async function learnCalls(argvs: string[][]): Promise<CallRef[]> {
  const probe = scenario();
  try {
    let from = 0;
    for (const [i, argv] of argvs.entries()) {
      if (i === argvs.length - 1) from = probe.fake.calls.length;
      expect((await probe.run(argv)).code).toBe(0);
    }
    return mutatingCalls(probe.fake.calls.slice(from));
  } finally {
    probe.restore();
  }
}
