/**
 * Issue 21: `init --dry-run` on a recorded stack prints the change plan `plan` prints (from the state file, no AWS
 * call), not a from-scratch plan; `plan --json` carries the stack's outputs, one schema for both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stackOutputsSchema } from '../../src/state/outputs-schema.js';
import { planJsonSchema } from '../../src/status/plan-schema.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
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

const run = (argv: string[]) => runSecureApi(argv, { cwd, clock });

describe('init --dry-run on a recorded stack', () => {
  it('says "No changes." with no AWS call, where it used to plan every resource from scratch', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo'])).code).toBe(0);
    const from = fake.calls.length;
    const r = await run(['init', '--dry-run', '--stack', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes.');
    expect(r.stdout).not.toMatch(/iam:CreateRole|resources, \d+ AWS calls/);
    expect(fake.calls.length).toBe(from);
  });

  it('lists the changes plan lists, field by field, in the same document (offline: true)', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo'])).code).toBe(0);
    const change = ['--stack', 'demo', '--route', 'GET /items', '--public-route', 'GET /health', '--stage-description', 'two', '--mfa', 'OPTIONAL'];
    const from = fake.calls.length;
    const dry = await run(['init', '--dry-run', '--json', ...change]);
    expect(dry.code, dry.stdout).toBe(0);
    expect(fake.calls.length).toBe(from);
    const live = await run(['plan', '--json', ...change]);
    expect(live.code).toBe(3);
    const [d, l] = [planJsonSchema.strict().parse(JSON.parse(dry.stdout)), planJsonSchema.strict().parse(JSON.parse(live.stdout))];
    expect(d.offline).toBe(true);
    expect(l.offline).toBe(false);
    expect(d.changes).toEqual(l.changes);
    expect(d.counts).toEqual(l.counts);
    expect(d.counts.add).toBeGreaterThan(0);
    const text = await run(['init', '--dry-run', ...change]);
    const planText = await run(['plan', ...change]);
    expect(text.stdout).toContain(planText.stdout.trim());
  });
});

describe('plan --json', () => {
  it('carries the stack outputs, as init --json and status --json do', async () => {
    const init = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--json']);
    const plan = await run(['plan', '--json', '--stack', 'demo']);
    expect(plan.code, plan.stdout).toBe(0);
    const doc = planJsonSchema.strict().parse(JSON.parse(plan.stdout));
    expect(stackOutputsSchema.parse(doc)).toEqual(stackOutputsSchema.parse(JSON.parse(init.stdout)));
    expect(doc.urls.invoke).toMatch(/^http/);
    expect(doc.empty).toBe(true);
  });
});
