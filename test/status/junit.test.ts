/** `status --junit FILE`: one JUnit test case per check, so a CI system shows which route lost its authorizer. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { makeDrift } from './drift.js';
import { makeBlogPool, makeLegacyApi } from '../existing/legacy-api.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

describe('status --junit', () => {
  it('writes a passing case per resource and route, and a failure naming the route served without the authorizer', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock });
    const cwd = tempDir('secure-api-junit-');
    const run = (argv: string[]) => runSecureApi(argv, { cwd, clock });
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /items', '--route', 'GET /health'])).code).toBe(0);
    const clean = await run(['status', '--stack', 'demo', '--junit', 'status.xml']);
    expect(clean.code, clean.stderr).toBe(0);
    const ok = readFileSync(join(cwd, 'status.xml'), 'utf8');
    const state = readState(join(cwd, '.secure-api', 'demo.json'))!;
    const cases = (ok.match(/<testcase /g) ?? []).length;
    expect(cases).toBe(Object.keys(state.nodes).length + 2);
    expect(ok).toContain('failures="0"');
    expect(ok).toContain('<testcase classname="secure-api.demo.routes" name="GET /items requires a Cognito token"/>');

    await makeDrift('open-deployment-served', state);
    const drifted = await run(['status', '--stack', 'demo', '--junit', 'status.xml']);
    expect(drifted.code).toBe(3);
    const xml = readFileSync(join(cwd, 'status.xml'), 'utf8');
    expect(xml).toMatch(/<testcase classname="secure-api\.demo\.routes" name="GET \/(items|health) requires a Cognito token">\n\s*<failure message="GET \/(items|health) is served without the authorizer" type="drift">/);
    expect(xml).not.toContain('failures="0"');
  });

  it('a method of their API left open by choice is skipped as not the stack\'s, live; "(--offline)" only with --offline', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock });
    const cwd = tempDir('secure-api-junit-');
    const run = (argv: string[]) => runSecureApi(argv, { cwd, clock });
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId, '--secure', 'GET /orders'])).code).toBe(0);
    expect((await run(['status', '--stack', 'legacy', '--junit', 'live.xml'])).code).toBe(0);
    const live = readFileSync(join(cwd, 'live.xml'), 'utf8');
    expect(live).toContain('<testcase classname="secure-api.legacy.routes" name="POST /orders (public by design) is served">\n      <skipped message="left open by choice on an API secure-api does not own: not the stack&apos;s to check"/>');
    expect(live).not.toContain('--offline');
    expect((await run(['status', '--stack', 'legacy', '--offline', '--junit', 'offline.xml'])).code).toBe(0);
    expect(readFileSync(join(cwd, 'offline.xml'), 'utf8')).toContain('<skipped message="not read from AWS (--offline)"/>');
  });
});
