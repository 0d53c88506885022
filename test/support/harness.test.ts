/**
 * The in-process harness itself: runs against a fake installed without a clock share one virtual clock with it, so
 * API Gateway's control-plane quota (10/s, burst 40, on the fake's clock) refills while the CLI waits, as on AWS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from './harness.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

describe('runSecureApi', () => {
  it('gives a fake installed without a clock the runs\' virtual clock: six stacks in a row stay within the quota', async () => {
    fake = installAwsFake({ lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0, deleteRestApiWindowMs: 0 });
    const cwd = tempDir();
    for (const stack of ['one', 'two', 'three', 'four', 'five', 'six']) {
      const r = await runSecureApi(['init', '--yes', '--no-verify', '--stack', stack], { cwd });
      expect(r.code, r.stderr).toBe(0);
    }
    // Twice the burst in about a real second: only the shared clock lets the CLI's pacing work (without it the third
    // stack's run gave up, its retries spent in virtual time while the quota refilled in real time).
    expect(fake.calls.filter((c) => c.service === 'apigateway').length).toBeGreaterThan(80);
    expect(fake.clock).toBeInstanceOf(VirtualClock);
  });

  it('keeps a clock the test gave the fake', async () => {
    const clock = { now: () => Date.parse('2026-06-01T00:00:00Z') };
    fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
    await runSecureApi(['status', '--stack', 'none'], { cwd: tempDir() });
    expect(fake.clock).toBe(clock);
  });
});
