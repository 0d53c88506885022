/**
 * Routes one at a time (issue 21): `routes add|remove` on a live stack is a change like any other (the plan, --yes,
 * the proof), and touches nothing but that route; `--route` repeated keeps a route's recorded integration.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { APIGatewayClient, GetIntegrationCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { makeLegacyApi } from '../existing/legacy-api.js';

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
const state = () => readState(join(cwd, '.secure-api', 'demo.json'))!;
const MUTATING = /^(Create|Put|Add|Attach|Set|Update|Tag|Untag|Delete|Remove|Detach)/;
const writes = (from: number) => fake.calls.slice(from).filter((c) => MUTATING.test(c.command)).map((c) => c.command);

/** The integration type API Gateway holds for each method: what a change must leave alone. */
async function integrations(): Promise<Record<string, string>> {
  const api = new APIGatewayClient({ region: 'us-east-1' });
  const restApiId = state().nodes.api!.out.apiId!;
  const out: Record<string, string> = {};
  // The run before may have spent API Gateway's burst (40): let the quota refill on the fake's clock first.
  await clock.sleep(5000);
  for (const r of (await api.send(new GetResourcesCommand({ restApiId, limit: 500 }))).items ?? []) {
    for (const m of Object.keys(r.resourceMethods ?? {})) {
      if (m === 'OPTIONS') continue;
      // API Gateway's control-plane quota (10/s) refills on the fake's clock.
      await clock.sleep(200);
      const i = await api.send(new GetIntegrationCommand({ restApiId, resourceId: r.id!, httpMethod: m }));
      out[`${m} ${r.path}`] = `${i.type}${i.uri?.includes(':function:') ? ` ${i.uri.split(':function:')[1]!.split('/')[0]}` : i.type === 'HTTP_PROXY' ? ` ${i.uri}` : ''}`;
    }
  }
  return out;
}

async function liveStack(): Promise<void> {
  const file = join(cwd, 'demo.json');
  writeFileSync(file, JSON.stringify({
    stack: 'demo',
    routes: [
      { path: '/items', methods: ['GET', 'POST'] },
      { path: '/health', methods: ['GET'], public: true, integration: { type: 'mock' } },
    ],
  }));
  const r = await run(['init', '--config', file, '--yes', '--no-verify']);
  expect(r.code, r.stderr).toBe(0);
}

describe('routes add', () => {
  it('adds one route with its plan and proof, touching no other route', async () => {
    await liveStack();
    const before = await integrations();
    const from = fake.calls.length;
    const r = await run(['routes', 'add', 'GET /items/{id}', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('3 to add, 1 to change, 0 to replace, 0 to delete.');
    // What this change did, not the stack's size.
    expect(r.stderr).toMatch(new RegExp(`Done: 3 added, 1 changed \\(the stack has ${Object.keys(state().nodes).length} resources\\)`));
    expect(r.stdout).toMatch(/secured: \d+ checks passed/);
    // Only the new resource, its method and preflight, and the deployment that publishes them.
    expect(new Set(writes(from))).toEqual(new Set(['CreateResource', 'PutMethod', 'PutIntegration', 'PutMethodResponse', 'PutIntegrationResponse', 'CreateDeployment']));
    const after = await integrations();
    expect(after).toEqual({ ...before, 'GET /items/{id}': after['GET /items/{id}'] });
    expect(after['GET /items/{id}']).toMatch(/^AWS_PROXY demo-fn-/);
    expect(state().config.routes).toEqual([
      { path: '/items', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' }, public: false },
      { path: '/health', methods: ['GET'], integration: { type: 'mock' }, public: true },
      { path: '/items/{id}', methods: ['GET'], integration: { type: 'sample-lambda' }, public: false },
    ]);
  });

  it('--integration chooses what answers it, and --public leaves it open', async () => {
    await liveStack();
    for (const [route, flags, want] of [
      ['GET /status', ['--public', '--integration', 'MOCK'], 'MOCK'],
      ['GET /proxy', ['--integration', 'http:https://example.com/upstream'], 'HTTP_PROXY https://example.com/upstream'],
    ] as const) {
      const r = await run(['routes', 'add', route, ...flags, '--yes', '--no-verify']);
      expect(r.code, r.stderr).toBe(0);
      expect((await integrations())[route]).toBe(want);
    }
    const routes = state().config.routes as Array<{ path: string; public: boolean }>;
    expect(routes.find((x) => x.path === '/status')).toMatchObject({ public: true, integration: { type: 'mock' } });
    expect(routes.find((x) => x.path === '/proxy')).toMatchObject({ public: false, integration: { type: 'http', url: 'https://example.com/upstream' } });
    const list = await run(['routes', 'list', '--json']);
    expect(JSON.parse(list.stdout).routes).toEqual(expect.arrayContaining([
      expect.objectContaining({ method: 'GET', path: '/status', public: true, integration: { type: 'mock' }, url: expect.stringContaining('/status') }),
      expect.objectContaining({ method: 'GET', path: '/proxy', public: false, integration: { type: 'http', url: 'https://example.com/upstream' } }),
    ]));
  });

  it('refuses a route that exists, a bad integration, and a change with no terminal and no --yes: exit 2, no AWS call', async () => {
    await liveStack();
    const from = fake.calls.length;
    for (const argv of [
      ['routes', 'add', 'POST /items', '--yes'],
      ['routes', 'add', 'GET /x', '--integration', 'lamda', '--yes'],
      ['routes', 'add', 'GET /x'],
      ['routes', 'remove', 'DELETE /items', '--yes'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^Error: /);
    }
    expect(fake.calls.slice(from)).toEqual([]);
  });
});

describe('routes on a stack that secures an API of yours', () => {
  it('routes add and remove refuse (exit 2, no AWS call) and name --secure-add / --secure-remove', async () => {
    const { apiId } = await makeLegacyApi();
    const init = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId], { cwd, clock });
    expect(init.code, init.stderr).toBe(0);
    const from = fake.calls.length;
    for (const argv of [['routes', 'add', 'DELETE /orders', '--yes'], ['routes', 'remove', 'GET /orders', '--yes']]) {
      const r = await run([...argv, '--stack', 'legacy']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('secures a REST API of yours');
      expect(r.stderr).toContain('--secure-add');
    }
    expect(fake.calls.slice(from)).toEqual([]);
  });
});

describe('routes remove', () => {
  it('removes one method, leaving the others and their integrations', async () => {
    await liveStack();
    const before = await integrations();
    const r = await run(['routes', 'remove', 'POST /items', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const { 'POST /items': _gone, ...rest } = before;
    expect(await integrations()).toEqual(rest);
  });
});

describe('--route is the whole list, and repeating a route keeps its integration', () => {
  it('repeating the mock /health as --public-route changes nothing', async () => {
    await liveStack();
    const from = fake.calls.length;
    const r = await run(['plan', '--stack', 'demo', '--route', 'GET,POST /items', '--public-route', 'GET /health']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes');
    const init = await run(['init', '--stack', 'demo', '--route', 'GET,POST /items', '--public-route', 'GET /health', '--yes', '--no-verify']);
    expect(init.code, init.stderr).toBe(0);
    expect(writes(from)).toEqual([]);
    expect((await integrations())['GET /health']).toBe('MOCK');
  });

  it('init --help says so', async () => {
    const r = await run(['init', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('the WHOLE list: a recorded route left out is deleted');
  });
});
