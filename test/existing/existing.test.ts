import { join } from 'node:path';
import {
  APIGatewayClient, CreateAuthorizerCommand, CreateDeploymentCommand, CreateRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand, UpdateMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { callCatalogue } from '../../src/plan/permissions.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { startFakeDataPlane } from '../fakes/data-plane.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { ScriptedPrompter } from '../wizard/scripted-prompter.js';
import { readState } from '../../src/state/store.js';
import { apiSnapshot, makeBlogPool, makeLegacyApi } from './legacy-api.js';
import { IAM_PREFIX } from '../../src/aws/clients.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;

beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock });
  cwd = tempDir();
});
afterEach(() => fake.restore());

const run = (argv: string[]) => runSecureApi(argv, { cwd, clock });
const statePath = () => join(cwd, '.secure-api', 'legacy.json');
const WRITES = /^(Create|Put|Add|Attach|Set|Update|Tag|Delete|Remove|Detach|Admin)/;

describe('securing an API and a pool that already exist', () => {
  it('init secures the chosen methods, verify passes, an unchosen method stays open and public; destroy puts everything back exactly', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const apiBefore = apiSnapshot(fake, apiId);
    const poolBefore = structuredClone(fake.state.cognito.pools[poolId]);

    const r = await run(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--secure', 'GET,POST /orders', '--secure', 'GET /orders/{id}', '--user-pool-id', poolId, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ids: { apiId: string; stage: string; userPoolId: string }; verify: { ok: boolean; rows: Array<{ route: string; method: string; check: string; ok: boolean; got: string }> } };
    expect(out.ids.apiId).toBe(apiId);
    expect(out.ids.stage).toBe('prod');
    expect(out.ids.userPoolId).toBe(poolId);
    expect(out.verify.ok, JSON.stringify(out.verify.rows.filter((x) => !x.ok))).toBe(true);
    const rows = out.verify.rows;
    for (const m of ['GET /orders', 'POST /orders', 'GET /orders/{id}']) {
      const [method, route] = m.split(' ');
      expect(rows.find((x) => x.method === method && x.route === route && x.check === 'no-token')?.got, m).toMatch(/401/);
      expect(rows.find((x) => x.method === method && x.route === route && x.check === 'id-token')?.ok, m).toBe(true);
    }
    expect(rows.find((x) => x.method === 'DELETE' && x.check === 'public-no-token')?.ok).toBe(true);
    expect(r.stderr).toMatch(/blog-userpool .*3 users.*sign-in email; passwords of 10\+ characters/);

    const api = fake.state.apigateway.apis[apiId]!;
    const orders = Object.values(api.resources).find((x) => x.path === '/orders')!;
    expect(orders.methods.GET!.authorizationType).toBe('COGNITO_USER_POOLS');
    expect(orders.methods.POST!.methodIntegration).toEqual(apiBefore!.resources[orders.id]!.methods.POST!.methodIntegration);
    expect(orders.methods.OPTIONS?.authorizationType).toBe('NONE');
    const state = readState(statePath())!;
    expect(state.nodes.api!.owned).toBe('adopted');
    expect(state.nodes['method:GET /orders']!.prior).toEqual({ authorizationType: 'NONE', authorizationScopes: [] });
    expect(state.nodes.client!.owned).toBeUndefined();

    // status: all present; the method left open is theirs (public), not a missing node of ours.
    const st = await run(['status', '--stack', 'legacy', '--json']);
    expect(st.code, st.stdout).toBe(0);
    const routes = (JSON.parse(st.stdout) as { urls: { routes: Array<{ method: string; path: string; state: string; secured: boolean }> } }).urls.routes;
    expect(routes.map((x) => `${x.method} ${x.path} ${x.secured ? 'secured' : 'public'} ${x.state}`).sort()).toEqual([
      'DELETE /orders/{id} public unchecked', 'GET /orders secured present', 'GET /orders/{id} secured present', 'POST /orders secured present',
    ]);
    // token and export work on it as on a stack of our own; the token user is ours and goes with destroy.
    const tok = await run(['token', '--stack', 'legacy']);
    expect(tok.code, tok.stderr).toBe(0);
    const invokeUrl = (JSON.parse(r.stdout) as { urls: { invoke: string } }).urls.invoke;
    expect((await fetch(`${invokeUrl}/orders`)).status).toBe(401);
    expect((await fetch(`${invokeUrl}/orders`, { headers: { Authorization: tok.stdout.trim() } })).status).toBe(200);
    const curl = await run(['export', 'curl', '--stack', 'legacy']);
    expect(curl.code, curl.stderr).toBe(0);
    expect(curl.stdout).toContain('/orders');

    const d = await run(['destroy', '--stack', 'legacy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/keeps: API legacy-orders, pool blog-userpool \(4 users\)/);
    expect(apiSnapshot(fake, apiId)).toEqual(apiBefore);
    expect(fake.state.cognito.pools[poolId]).toEqual(poolBefore);
  });

  it('with --yes and no --secure, every open method but OPTIONS is secured; a new pool is made and destroyed', async () => {
    const { apiId } = await makeLegacyApi();
    const r = await run(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { verify: { ok: boolean }; urls: { routes: Array<{ secured: boolean }> } };
    expect(out.verify.ok).toBe(true);
    expect(out.urls.routes.filter((x) => x.secured)).toHaveLength(4);
    expect(fake.resources().filter((x) => x.type === 'function')).toEqual([]);
    // The same init again: the stack matches, nothing is written.
    const writes = fake.calls.filter((c) => WRITES.test(c.command)).length;
    const again = await run(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--no-verify']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/No changes\. Stack legacy matches its configuration\./);
    expect(fake.calls.filter((c) => WRITES.test(c.command)).length).toBe(writes);
    const d = await run(['destroy', '--stack', 'legacy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(Object.keys(fake.state.cognito.pools)).toEqual([]);
    expect(Object.keys(fake.state.apigateway.apis)).toEqual([apiId]);
  });

  it('bad input exits 2 naming what exists, before any write', async () => {
    const { apiId } = await makeLegacyApi({ stages: ['prod', 'test'] });
    const poolId = await makeBlogPool();
    const writesBefore = fake.calls.filter((c) => WRITES.test(c.command)).length;
    const cases: Array<[string[], RegExp]> = [
      [['--api-id', 'zzzzzzzzzz', '--stage', 'prod'], /no REST API zzzzzzzzzz in us-east-1; the REST APIs there: legacy-orders \(/],
      [['--api-id', apiId, '--stage', 'prod', '--secure', 'GET /nope'], /no resource \/nope; its methods: GET \/orders \(NONE\), POST \/orders \(NONE\)/],
      [['--api-id', apiId, '--stage', 'prod', '--secure', 'PUT /orders'], /\/orders has no PUT method; it has GET, POST/],
      [['--api-id', apiId, '--stage', 'staging'], /no stage "staging"; its stages: prod, test/],
      [['--api-id', apiId], /has 2 stages \(prod, test\): say which/],
      [['--api-id', apiId, '--stage', 'prod', '--user-pool-id', 'us-east-1_nothere'], /no user pool us-east-1_nothere in us-east-1; the user pools there: blog-userpool/],
      [['--api-id', apiId, '--stage', 'prod', '--user-pool-id', poolId, '--app-client-id', 'nope123'], /has no app client nope123/],
      [['--secure', 'GET /orders'], /give its --api-id too/],
      [['--api-id', apiId, '--stage', 'prod', '--route', 'GET /new'], /--route adds routes to a new API/],
    ];
    for (const [args, re] of cases) {
      const r = await run(['init', '--yes', '--stack', 'legacy', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    expect(fake.calls.filter((c) => WRITES.test(c.command)).length).toBe(writesBefore);
  });

  it('resumes after a run that died right after an UpdateMethod landed: the prior stays NONE, destroy still restores exactly', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const apiBefore = apiSnapshot(fake, apiId);
    const poolBefore = structuredClone(fake.state.cognito.pools[poolId]);
    // The second method change reaches AWS, but its answer is lost (as when the process is killed mid-call).
    fake.inject({ command: 'UpdateMethod', nth: 2, error: 'BadRequestException', message: 'connection reset (aws fake)', afterCall: true });
    const args = ['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId, '--no-verify'];
    const first = await run(args);
    expect(first.code).toBe(1);
    const mid = readState(statePath())!;
    expect(Object.values(mid.nodes).filter((n) => n.kind === 'secured-method' && n.status === 'creating').every((n) => (n.prior as { authorizationType?: string }).authorizationType === 'NONE')).toBe(true);
    fake.clearInjections();
    const again = await run(args);
    expect(again.code, again.stderr).toBe(0);
    const done = readState(statePath())!;
    expect(done.complete).toBe(true);
    for (const n of Object.values(done.nodes).filter((x) => x.kind === 'secured-method')) expect(n.prior, n.label).toEqual({ authorizationType: 'NONE', authorizationScopes: [] });
    const v = await run(['verify', '--stack', 'legacy', '--json']);
    expect(v.code, v.stderr).toBe(0);
    expect((await run(['destroy', '--stack', 'legacy', '--yes'])).code).toBe(0);
    expect(apiSnapshot(fake, apiId)).toEqual(apiBefore);
    expect(fake.state.cognito.pools[poolId]).toEqual(poolBefore);
  });

  it('status flags a chosen method that lost its authorizer; every call made is in the policy', async () => {
    const { apiId, ordersId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const fixtureCalls = fake.calls.length;
    expect((await run(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId, '--no-verify'])).code).toBe(0);
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);
    const meddling = fake.calls.length;
    await new APIGatewayClient({ region: 'us-east-1' }).send(new UpdateMethodCommand({
      restApiId: apiId, resourceId: ordersId, httpMethod: 'GET', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }],
    }));
    const st = await run(['status', '--stack', 'legacy', '--json']);
    expect(st.code).toBe(3);
    const res = (JSON.parse(st.stdout) as { resources: Array<{ id: string; state: string; problems: string[]; impact: string | null }> }).resources;
    const get = res.find((x) => x.id === 'method:GET /orders')!;
    expect(get.state).toBe('drifted');
    expect(get.problems.join(' ')).toMatch(/authorizationType is NONE, expected COGNITO_USER_POOLS/);
    expect(get.impact).toMatch(/no longer asks for a token/);
    // The stage still serves it secured (not deployed since): the stage's policy holds; the method itself is drifted.
    expect(res.filter((x) => x.state !== 'present').map((x) => x.id).sort()).toEqual(['method:GET /orders']);
    expect((await run(['destroy', '--stack', 'legacy', '--yes'])).code).toBe(0);
    const allowed = callCatalogue();
    // Only the calls secure-api made: the hand-made API and pool came before.
    const ours = [...new Set([...fake.calls.slice(fixtureCalls, meddling), ...fake.calls.slice(meddling + 1)].filter((c) => c.service !== 'sts').map((c) => `${IAM_PREFIX[c.service as keyof typeof IAM_PREFIX]}:${c.command}`))];
    expect(ours).toContain('apigateway:UpdateMethod');
    expect(ours.filter((c) => !allowed.has(c))).toEqual([]);
  });

  it('leaves alone a method behind another authorizer, reuses an authorizer of the same pool by name and an app client of theirs', async () => {
    const { apiId, orderId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    await ag.send(new UpdateMethodCommand({ restApiId: apiId, resourceId: orderId, httpMethod: 'DELETE', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'AWS_IAM' }] }));
    const pool = fake.state.cognito.pools[poolId]!;
    await ag.send(new CreateAuthorizerCommand({ restApiId: apiId, name: 'Cognito-authorizer', type: 'COGNITO_USER_POOLS', providerARNs: [pool.Arn], identitySource: 'method.request.header.Authorization' }));
    const client = await new CognitoIdentityProviderClient({ region: 'us-east-1' }).send(new CreateUserPoolClientCommand({
      UserPoolId: poolId, ClientName: 'blog-web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    const clientId = client.UserPoolClient!.ClientId!;
    const apiBefore = apiSnapshot(fake, apiId);
    const poolBefore = structuredClone(fake.state.cognito.pools[poolId]);
    const r = await run(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId, '--app-client-id', clientId, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/DELETE \/orders\/\{id\}\s+left alone \(AWS_IAM\)/);
    expect(r.stderr).toMatch(/authorizer Cognito-authorizer \(theirs, reused\)/);
    const out = JSON.parse(r.stdout) as { ids: { userPoolClientId: string }; urls: { routes: Array<{ method: string; path: string }> }; verify: { ok: boolean } };
    expect(out.ids.userPoolClientId).toBe(clientId);
    expect(out.verify.ok).toBe(true);
    expect(out.urls.routes.map((x) => `${x.method} ${x.path}`)).not.toContain('DELETE /orders/{id}');
    expect(Object.keys(fake.state.apigateway.apis[apiId]!.authorizers)).toHaveLength(1);
    expect((await run(['destroy', '--stack', 'legacy', '--yes'])).code).toBe(0);
    expect(apiSnapshot(fake, apiId)).toEqual(apiBefore);
    expect(fake.state.cognito.pools[poolId]).toEqual(poolBefore);
  });
});

describe('the wizard on a stack that secures an existing API with an existing pool', () => {
  it('"Change this stack": the recorded API, methods and pool are the defaults; Enter everywhere is "No changes." and no write', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--secure', 'GET,POST /orders', '--user-pool-id', poolId])).code).toBe(0);
    const before = readState(statePath())!.config;
    const writes = () => fake.calls.filter((c) => WRITES.test(c.command) || c.command.startsWith('Untag')).length;
    const from = writes();
    const prompter = new ScriptedPrompter([['Stack name', 'legacy'], ['What should happen', { pick: 'Change this stack' }]]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, clock, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(prompter.asked.find((a) => a.message === 'Create a new API or secure an existing one?')?.default).toBe(apiId);
    expect(prompter.asked.find((a) => a.message.startsWith('Methods to secure'))?.default).toEqual(['GET /orders', 'POST /orders']);
    expect(prompter.asked.find((a) => a.message === 'Create a new user pool or use an existing one?')?.default).toBe(poolId);
    expect(r.stderr).toContain('It protects GET,POST /orders.');
    expect(r.stderr).toContain('No changes.');
    expect(writes()).toBe(from);
    expect(readState(statePath())!.config).toEqual(before);
  });
});

describe('the wizard on a stack that secures an existing API with an existing pool, its app client and custom URLs', () => {
  it('"Change this stack" keeps their app client and the hosted UI settings step 3 does not ask again: "No changes."', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const client = await new CognitoIdentityProviderClient({ region: 'us-east-1' }).send(new CreateUserPoolClientCommand({
      UserPoolId: poolId, ClientName: 'blog-web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    const clientId = client.UserPoolClient!.ClientId!;
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId, '--app-client-id', clientId])).code).toBe(0);
    const before = readState(statePath())!.config;
    const from = fake.calls.filter((c) => WRITES.test(c.command) || c.command.startsWith('Untag')).length;
    const prompter = new ScriptedPrompter([['Stack name', 'legacy'], ['What should happen', { pick: 'Change this stack' }]]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, clock, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No changes.');
    expect(fake.calls.filter((c) => WRITES.test(c.command) || c.command.startsWith('Untag')).length).toBe(from);
    expect(readState(statePath())!.config).toEqual(before);
  });

  it('"Change this stack" keeps the callback URLs of our client when step 3 skips the hosted UI (the pool has our domain now)', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    expect((await run(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId,
      '--callback-url', 'https://app.example.com/cb', '--logout-url', 'https://app.example.com/'])).code).toBe(0);
    const before = readState(statePath())!.config;
    const prompter = new ScriptedPrompter([['Stack name', 'legacy'], ['What should happen', { pick: 'Change this stack' }]]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, clock, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(prompter.messages().some((m) => m.startsWith('Callback URLs'))).toBe(false);
    expect(r.stderr).toContain('No changes.');
    expect(readState(statePath())!.config).toEqual(before);
  });
});

describe('the fake data plane serves the integrations a hand-made API has', () => {
  it('a MOCK integration answers the integration response its request template selects, and 500 "Internal server error" without one', async () => {
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    const api = await ag.send(new CreateRestApiCommand({ name: 'mocks' }));
    const at = { restApiId: api.id!, resourceId: api.rootResourceId! };
    await ag.send(new PutMethodCommand({ ...at, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(new PutIntegrationCommand({ ...at, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 202}' } }));
    await ag.send(new PutMethodResponseCommand({ ...at, httpMethod: 'GET', statusCode: '202' }));
    await ag.send(new PutIntegrationResponseCommand({ ...at, httpMethod: 'GET', statusCode: '202', responseTemplates: { 'application/json': '{"queued":true}' } }));
    await ag.send(new PutMethodCommand({ ...at, httpMethod: 'POST', authorizationType: 'NONE' }));
    await ag.send(new PutIntegrationCommand({ ...at, httpMethod: 'POST', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await ag.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'prod' }));
    const plane = await startFakeDataPlane(fake);
    try {
      const base = `${plane.url}/restapis/${api.id!}/prod/_user_request_/`;
      // A stage just deployed answers a bare 403 for a moment (the fake's freshStageForbiddenRequests).
      expect((await fetch(base)).status).toBe(403);
      const get = await fetch(base);
      expect([get.status, await get.text()]).toEqual([202, '{"queued":true}']);
      const post = await fetch(base, { method: 'POST' });
      expect([post.status, await post.json()]).toEqual([500, { message: 'Internal server error' }]);
    } finally {
      await plane.close();
    }
  });
});
