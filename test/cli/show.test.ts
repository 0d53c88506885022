/**
 * `secure-api show` (issue 21): the recorded configuration offline, as text and, with --json, exactly the document
 * `init --config` takes (show → edit → init --config changes only the edit); `show --outputs` as terraform output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stackOutputsSchema } from '../../src/state/outputs-schema.js';
import { readState } from '../../src/state/store.js';
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
const MUTATING = /^(Create|Put|Add|Attach|Set|Update|Tag|Untag|Delete|Remove|Detach)/;

/** Every leaf of a config as [section, key path below it]. */
function leaves(tree: Record<string, unknown>, at: string[] = []): string[][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length
    ? leaves(v as Record<string, unknown>, [...at, k]) : [[...at, k]]));
}

describe('secure-api show', () => {
  it('--json is the recorded configuration, and init --config of it says "No changes."; an edit changes only itself', async () => {
    const init = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--public-route', 'GET /health', '--route', 'GET /items', '--mfa', 'optional', '--tag', 'team=a']);
    expect(init.code, init.stderr).toBe(0);
    const from = fake.calls.length;
    const shown = await run(['show', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(fake.calls.length).toBe(from);
    const doc = JSON.parse(shown.stdout) as Record<string, unknown> & { stage: { description: string } };
    expect(doc).toEqual(readState(join(cwd, '.secure-api', 'demo.json'))!.config);
    const file = join(cwd, 'stack.json');
    writeFileSync(file, shown.stdout);
    const same = await run(['init', '--config', file, '--yes']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain('No changes.');
    expect(fake.calls.slice(from).filter((c) => MUTATING.test(c.command))).toEqual([]);
    writeFileSync(file, JSON.stringify({ ...doc, stage: { ...doc.stage, description: 'edited' } }));
    const plan = await run(['plan', '--config', file]);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('0 to add, 1 to change, 0 to replace, 0 to delete.');
  });

  it('as text shows every key of the configuration, with no AWS call', async () => {
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo'])).code).toBe(0);
    const from = fake.calls.length;
    const r = await run(['show']);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.calls.length).toBe(from);
    const config = readState(join(cwd, '.secure-api', 'demo.json'))!.config;
    const text = r.stdout;
    for (const path of leaves(config)) {
      const [section, ...rest] = path;
      expect(text).toMatch(new RegExp(`^${section}\\b`, 'm'));
      if (rest.length) expect(text).toMatch(new RegExp(`^  ${rest.join('.').replace(/[.]/g, '\\.')}\\s`, 'm'));
    }
    expect(text).toMatch(/^routes\s+GET,POST \/items {2}secured, answered by the sample Lambda$/m);
  });

  it('--outputs gives the outputs offline, in the one outputs schema with --json', async () => {
    const init = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--json']);
    expect(init.code, init.stderr).toBe(0);
    const from = fake.calls.length;
    const json = await run(['show', '--outputs', '--json']);
    expect(fake.calls.length).toBe(from);
    expect(stackOutputsSchema.strict().parse(JSON.parse(json.stdout))).toEqual(stackOutputsSchema.parse(JSON.parse(init.stdout)));
    const text = await run(['show', '--outputs']);
    expect(text.stdout).toContain(`Invoke URL   ${(JSON.parse(json.stdout) as { urls: { invoke: string } }).urls.invoke}`);
  });

  it('--outputs prints URLs at a recorded endpoint only under the target rule: one not on this machine must be given again', async () => {
    // On AWS's own endpoints (no data plane of the harness): the state records no endpoint, then an edited one.
    const run = (argv: string[]) => runSecureApi(argv, { cwd, clock, dataPlane: false });
    const init = await run(['init', '--yes', '--no-verify', '--stack', 'demo']);
    expect(init.code, init.stderr).toBe(0);
    const path = join(cwd, '.secure-api', 'demo.json');
    const far = 'https://emulator.example.net:4566';
    writeFileSync(path, JSON.stringify({ ...readState(path)!, endpointUrl: far }));
    const refused = await run(['show', '--outputs', '--stack', 'demo']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`records the endpoint ${far}, which is not on this machine`);
    expect(refused.stdout, 'no URL printed').not.toContain(far);
    const given = await run(['show', '--outputs', '--stack', 'demo', '--endpoint-url', far]);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).toContain(`${far}/restapis/`);
  });

  it('with no stack recorded: exit 2 and how to make one', async () => {
    const r = await run(['show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secure-api init');
  });
});
