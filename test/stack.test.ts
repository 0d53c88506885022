import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIGatewayClient, GetMethodCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from './fakes/aws-fake.js';
import { startFakeDataPlane } from './fakes/data-plane.js';
import { runSecureApi, tempDir, VirtualClock } from './support/harness.js';
import { expectNoDuplicates, expectStateMatchesFake } from './support/stack-checks.js';
import { stackOutputsSchema } from '../src/state/outputs-schema.js';
import { readState } from '../src/state/store.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
const MUTATING = /^(Create|Put|Add|Attach|Set|Update|Tag|Delete|Remove|Detach|Admin)/;

beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 30_000 });
  cwd = tempDir();
});
afterEach(() => fake.restore());

const run = (argv: string[]) => runSecureApi(argv[0] === 'init' && !argv.includes('--dry-run') && !argv.includes('--verify') ? [...argv, '--no-verify'] : argv, { cwd, clock, dataPlane: false });
const statePath = () => join(cwd, '.secure-api', 'demo.json');
const ROUTES = ['--route', 'GET,POST /items', '--route', 'GET,DELETE /items/{id}'];

describe('init --yes against the fake', () => {
  it('creates exactly the planned resources, wired right', async () => {
    const r = await run(['init', '--yes', '--stack', 'demo', ...ROUTES, '--json']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const doc = stackOutputsSchema.parse(JSON.parse(r.stdout));
    const out = { ...doc.ids, stack: doc.stack, region: doc.region, stateFile: doc.stateFile, invokeUrl: doc.urls.invoke, hostedUiUrl: doc.urls.hostedUiLogin };
    for (const [key, v] of Object.entries(out)) expect(v, key).toBeTruthy();
    expect(out.invokeUrl).toBe(`https://${String(out.apiId)}.execute-api.us-east-1.amazonaws.com/dev`);
    // One output shape: status --json carries the same ids and URLs, under the same keys.
    const st = stackOutputsSchema.parse(JSON.parse((await run(['status', '--stack', 'demo', '--json'])).stdout));
    expect(st.ids).toEqual(doc.ids);
    expect({ ...st.urls, routes: st.urls.routes.map(({ method, path, url, secured }) => ({ method, path, url, secured })) }).toEqual(doc.urls);

    const state = readState(statePath())!;
    expect(state.complete).toBe(true);
    expect(Object.values(state.nodes).every((n) => n.status === 'created')).toBe(true);
    // The plan: dry-run (on the recorded stack, its change plan) lists the same nodes the state now holds, none to change.
    const dry = JSON.parse((await run(['init', '--dry-run', '--json', '--stack', 'demo', ...ROUTES])).stdout) as { changes: Array<{ id: string; action: string }> };
    expect(Object.keys(state.nodes).sort()).toEqual(dry.changes.map((n) => n.id).sort());
    expect(new Set(dry.changes.map((n) => n.action))).toEqual(new Set(['no-op']));

    const apiId = String(out.apiId);
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    const { items = [] } = await ag.send(new GetResourcesCommand({ restApiId: apiId }));
    const fnName = state.nodes.function!.out.functionName!;
    expect(fnName).toMatch(/^demo-fn-[a-z0-9]{6}$/);
    const fnArn = `arn:aws:lambda:us-east-1:123456789012:function:${fnName}`;
    for (const res of items.filter((i) => i.path !== '/')) {
      for (const verb of Object.keys(res.resourceMethods ?? {})) {
        const m = await ag.send(new GetMethodCommand({ restApiId: apiId, resourceId: res.id!, httpMethod: verb }));
        if (verb === 'OPTIONS') {
          expect(m.authorizationType, `OPTIONS ${res.path}`).toBe('NONE');
          expect(m.methodIntegration?.type).toBe('MOCK');
        } else {
          expect(m.authorizationType, `${verb} ${res.path}`).toBe('COGNITO_USER_POOLS');
          expect(m.authorizerId).toBe(out.authorizerId);
          expect(m.methodIntegration?.type).toBe('AWS_PROXY');
          expect(m.methodIntegration?.httpMethod).toBe('POST');
          expect(m.methodIntegration?.uri).toContain(fnArn);
        }
      }
    }
    const fn = fake.state.lambda.functions[fnName]!;
    expect(JSON.stringify(fn.statements)).toContain(`arn:aws:execute-api:us-east-1:123456789012:${apiId}/*/*/*`);
    expect(fn.statements).toHaveLength(1);

    const names = fake.calls.map((c) => c.command);
    const deployAt = names.indexOf('CreateDeployment');
    expect(names.lastIndexOf('PutMethod')).toBeLessThan(deployAt);
    expect(names.indexOf('CreateAuthorizer')).toBeLessThan(deployAt);
    // The deployment does not wait for the Lambda permission (no part of it); init ends only once both are done.
    expect(names.filter((n) => n === 'AddPermission')).toHaveLength(1);
    expect(names.filter((n) => n === 'CreateDeployment')).toHaveLength(1);
    expectStateMatchesFake(state, fake);
  });

  it('writes the state file with mode 0600 and no secret, even for a confidential client', async () => {
    const r = await run(['init', '--yes', '--stack', 'demo', '--app-client', 'confidential']);
    expect(r.code).toBe(0);
    const text = readFileSync(statePath(), 'utf8');
    const pool = Object.values(fake.state.cognito.pools)[0]!;
    const secret = Object.values(pool.clients)[0]!.ClientSecret!;
    expect(secret).toBeTruthy();
    expect(text).not.toContain(secret);
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('a second init with the same configuration changes nothing; a different one is planned and applied in place', async () => {
    expect((await run(['init', '--yes', '--stack', 'demo'])).code).toBe(0);
    const before = fake.calls.filter((c) => MUTATING.test(c.command)).length;
    const again = await run(['init', '--yes', '--stack', 'demo']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/No changes\./);
    expect(fake.calls.filter((c) => MUTATING.test(c.command)).length).toBe(before);
    const changed = await run(['init', '--yes', '--stack', 'demo', '--stage', 'prod']);
    expect(changed.code, changed.stderr).toBe(0);
    expect(readState(statePath())?.nodes.deployment?.out.stageName).toBe('prod');
    // A stage is not renamed: the old one is gone, the new one serves.
    expect(fake.calls.filter((c) => c.command === 'DeleteStage').map((c) => (c.input as { stageName: string }).stageName)).toEqual(['dev']);
  });
});

describe('init proves the stack (step 6) against the fake data plane', () => {
  it('401 without a token, 2xx with the id token, and the sample Lambda answers with the caller\'s claims', async () => {
    const plane = await startFakeDataPlane(fake);
    try {
      const r = await runSecureApi(['init', '--yes', '--stack', 'demo', ...ROUTES, '--endpoint-url', plane.url, '--json'], { cwd, clock });
      expect(r.stderr).toMatch(/Test user .* removed/);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { verify: { ok: boolean; rows: Array<{ check: string; ok: boolean }> } };
      const outputs = stackOutputsSchema.parse(doc);
      const out = { invokeUrl: outputs.urls.invoke!, verify: doc.verify };
      expect(out.invokeUrl).toBe(`${plane.url}/restapis/${String(outputs.ids.apiId)}/dev/_user_request_`);
      expect(out.verify.ok).toBe(true);
      expect(out.verify.rows.filter((x) => x.check === 'no-token').every((x) => x.ok)).toBe(true);
      expect(out.verify.rows.filter((x) => x.check === 'id-token')).toHaveLength(4);
      // No test user is left behind.
      expect(fake.resources().filter((x) => x.type === 'user')).toEqual([]);
      const noToken = await fetch(`${out.invokeUrl}/items`);
      expect(noToken.status).toBe(401);
      expect(await noToken.json()).toEqual({ message: 'Unauthorized' });
      // The stack records this data plane's endpoint (on this machine): token uses it without being told.
      const tok = await runSecureApi(['token', '--stack', 'demo'], { cwd, clock, dataPlane: false });
      expect(tok.code, tok.stderr).toBe(0);
      const withToken = await fetch(`${out.invokeUrl}/items/42`, { headers: { Authorization: tok.stdout.trim() } });
      expect(withToken.status).toBe(200);
      expect(withToken.headers.get('access-control-allow-origin')).toBe('*');
      const body = await withToken.json() as { method: string; path: string; claims: Record<string, unknown> };
      expect(body).toMatchObject({ method: 'GET', path: '/items/42', claims: { email: 'secure-api-token@example.com' } });
    } finally {
      await plane.close();
    }
  });

  it('with MFA required: the test user sets up its authenticator, signs in again with a fresh code, and the 2xx is proven', async () => {
    const plane = await startFakeDataPlane(fake);
    try {
      const r = await runSecureApi(['init', '--yes', '--stack', 'demo', '--mfa', 'required', '--endpoint-url', plane.url, '--json'], { cwd, clock });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/MFA_SETUP answered/);
      expect(r.stderr).toMatch(/SOFTWARE_TOKEN_MFA answered with a fresh code/);
      const out = JSON.parse(r.stdout) as { verify: { ok: boolean; skipped?: string; verdict: { unproven: unknown[] }; rows: Array<{ check: string; ok: boolean }> } };
      expect(out.verify.ok).toBe(true);
      expect(out.verify.skipped).toBeUndefined();
      expect(out.verify.verdict.unproven).toEqual([]);
      expect(out.verify.rows.filter((x) => x.check === 'id-token').every((x) => x.ok)).toBe(true);
      expect(out.verify.rows.some((x) => x.check === 'id-token')).toBe(true);
      expect(fake.resources().filter((x) => x.type === 'user')).toEqual([]);
      // The codes were checked by the fake: RespondToAuthChallenge answered SOFTWARE_TOKEN_MFA once.
      expect(fake.calls.filter((c) => c.command === 'AdminRespondToAuthChallenge').map((c) => (c.input as { ChallengeName: string }).ChallengeName)).toEqual(['MFA_SETUP', 'SOFTWARE_TOKEN_MFA']);
    } finally {
      await plane.close();
    }
  });

  it('with SMS-only MFA required, the 2xx cannot be proven unattended: each method is named with its command, exit 1', async () => {
    const plane = await startFakeDataPlane(fake);
    try {
      writeFileSync(join(cwd, 'sms.json'), JSON.stringify({ userPool: { mfa: { mode: 'ON', totp: false, sms: true, smsRoleArn: 'arn:aws:iam::123456789012:role/sms' } } }));
      const r = await runSecureApi(['init', '--yes', '--stack', 'demo', '--route', 'GET /items', '--config', join(cwd, 'sms.json'), '--endpoint-url', plane.url, '--json'], { cwd, clock });
      const out = JSON.parse(r.stdout) as { verify?: { ok: boolean; verdict: { unproven: Array<{ method: string; route: string; command: string }> } } };
      expect(out.verify?.ok).toBe(false);
      expect(out.verify?.verdict.unproven).toEqual([expect.objectContaining({ method: 'GET', route: '/items', command: 'secure-api token --login --stack demo' })]);
      expect(r.code).not.toBe(0);
    } finally {
      await plane.close();
    }
  });

  it('custom scopes: a resource server and a machine client; the scoped token gets 2xx, the id token and the user\'s access token 401', async () => {
    const plane = await startFakeDataPlane(fake);
    try {
      const r = await runSecureApi(['init', '--yes', '--stack', 'demo', '--route', 'GET /orders', '--authorizer-scopes', 'orders/read', '--endpoint-url', plane.url, '--json'], { cwd, clock });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { verify: { ok: boolean; rows: Array<{ route: string; check: string; expected: string; got: string; ok: boolean }> } };
      const row = (check: string) => out.verify.rows.find((x) => x.route === '/orders' && x.check === check);
      expect(row('machine-token')).toMatchObject({ expected: '2xx', ok: true });
      expect(row('id-token')).toMatchObject({ expected: '401', got: '401 Unauthorized', ok: true });
      expect(row('access-token')).toMatchObject({ expected: '401', got: '401 Unauthorized', ok: true });
      const pool = Object.values(fake.state.cognito.pools)[0]!;
      expect(Object.keys(pool.resourceServers ?? {})).toEqual(['orders']);
      expect(Object.values(pool.clients).map((c) => c.AllowedOAuthFlows)).toContainEqual(['client_credentials']);
      // No secret in the state file.
      const secrets = Object.values(pool.clients).map((c) => c.ClientSecret).filter(Boolean);
      expect(secrets.length).toBe(1);
      expect(readFileSync(statePath(), 'utf8')).not.toContain(secrets[0]);

      // A second scope is added in place; then nothing is left to change.
      const two = await runSecureApi(['init', '--yes', '--stack', 'demo', '--route', 'GET /orders', '--authorizer-scopes', 'orders/read,orders/write', '--endpoint-url', plane.url, '--json'], { cwd, clock });
      expect(two.code, two.stderr).toBe(0);
      expect(pool.resourceServers?.orders?.Scopes.map((s) => s.ScopeName)).toEqual(['read', 'write']);
      expect(fake.count('DeleteResourceServer')).toBe(0);
      // Without --endpoint-url: the recorded one (this data plane, on this machine) is the default.
      const plan = await runSecureApi(['plan', '--stack', 'demo', '--route', 'GET /orders', '--authorizer-scopes', 'orders/read,orders/write', '--json'], { cwd, clock, dataPlane: false });
      expect(plan.code, plan.stderr).toBe(0);
      const changes = (JSON.parse(plan.stdout) as { changes: Array<{ id: string; action: string; drift: unknown[] }> }).changes;
      expect(changes.filter((c) => c.action !== 'no-op' || c.drift.length > 0)).toEqual([]);
      expect(changes.map((c) => c.id)).toEqual(expect.arrayContaining(['resource-server:orders', 'machine-client']));
      // status says which token the methods take, and its Next names the command that gets one (not the id token).
      const st = await runSecureApi(['status', '--stack', 'demo'], { cwd, clock, dataPlane: false });
      expect(st.code, st.stderr).toBe(0);
      expect(st.stdout).toMatch(/Send an access token with scope orders\/read or orders\/write in the Authorization header \(`secure-api token --machine --stack demo`/);
      expect(st.stdout).not.toMatch(/Send the id token/);
      expect(st.stdout).toMatch(/secure-api token --machine --stack demo/);
      const stJson = JSON.parse((await runSecureApi(['status', '--stack', 'demo', '--json'], { cwd, clock, dataPlane: false })).stdout) as { token?: unknown };
      expect(stJson.token).toEqual({ use: 'access', scopes: ['orders/read', 'orders/write'], machine: true });

      const d = await runSecureApi(['destroy', '--yes', '--stack', 'demo'], { cwd, clock, dataPlane: false });
      expect(d.code, d.stderr).toBe(0);
      expect(fake.resources()).toEqual([]);
    } finally {
      await plane.close();
    }
  });

  it('fails with exit 1 when a method lets calls through without a token', async () => {
    const plane = await startFakeDataPlane(fake);
    try {
      expect((await runSecureApi(['init', '--yes', '--stack', 'demo', '--endpoint-url', plane.url, '--no-verify'], { cwd, clock })).code).toBe(0);
      // Out of band: someone turns the authorizer off on GET /items and redeploys.
      const api = Object.values(fake.state.apigateway.apis)[0]!;
      const items = Object.values(api.resources).find((x) => x.path === '/items')!;
      items.methods.GET!.authorizationType = 'NONE';
      const stage = api.stages.dev!;
      api.deployments[stage.deploymentId]!.snapshot['/items']!.GET!.authorizationType = 'NONE';
      const v = await runSecureApi(['verify', '--stack', 'demo'], { cwd, clock, dataPlane: false });
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(/GET.*no-token.*401.*200/);
    } finally {
      await plane.close();
    }
  });
});

describe('destroy', () => {
  it('leaves the fake empty, removes the state file, and is harmless twice', async () => {
    expect((await run(['init', '--yes', '--stack', 'demo', ...ROUTES])).code).toBe(0);
    const d = await run(['destroy', '--yes', '--stack', 'demo']);
    expect(d.stderr).not.toMatch(/Error/);
    expect(d.code).toBe(0);
    expect(fake.resources()).toEqual([]);
    expect(existsSync(statePath())).toBe(false);
    // Only the top-level deletes: the API takes its children, the pool its client.
    const deletes = fake.calls.filter((c) => /^(Delete|Remove|Detach)/.test(c.command)).map((c) => c.command).sort();
    expect(deletes).toEqual(['DeleteFunction', 'DeleteLogGroup', 'DeleteRestApi', 'DeleteRole', 'DeleteUserPool', 'DeleteUserPoolDomain', 'DetachRolePolicy']);
    const again = await run(['destroy', '--yes', '--stack', 'demo']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to destroy/);
  });

  it('refuses without --yes when there is no terminal', async () => {
    expect((await run(['init', '--yes', '--stack', 'demo'])).code).toBe(0);
    const calls = fake.calls.length;
    const d = await run(['destroy', '--stack', 'demo']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/no terminal.*\n.*--yes/);
    expect(fake.calls.length).toBe(calls);
  });

  it('deletes the domain before the pool (AWS refuses the other order)', async () => {
    expect((await run(['init', '--yes', '--stack', 'demo'])).code).toBe(0);
    await run(['destroy', '--yes', '--stack', 'demo']);
    const names = fake.calls.map((c) => c.command);
    expect(names.indexOf('DeleteUserPoolDomain')).toBeLessThan(names.indexOf('DeleteUserPool'));
  });
});

describe('a failure at each call in turn', () => {
  it('keeps the state exact; re-running init completes without duplicates; destroy leaves nothing', async () => {
    // Learn the mutating calls of a clean run, then fail each one (by command and occurrence) in a fresh fake.
    expect((await run(['init', '--yes', '--stack', 'demo', '--domain-prefix', 'demo-login', ...ROUTES])).code).toBe(0);
    const sequence = fake.calls.filter((c) => MUTATING.test(c.command)).map((c) => c.command);
    fake.restore();
    const counts = new Map<string, number>();
    const cases = sequence.map((command) => {
      const nth = (counts.get(command) ?? 0) + 1;
      counts.set(command, nth);
      return { command, nth };
    });
    expect(cases.length).toBeGreaterThan(20);
    for (const { command, nth } of cases) {
      clock = new VirtualClock();
      fake = installAwsFake({ clock, deleteRestApiWindowMs: 30_000 });
      cwd = tempDir();
      fake.inject({ command, nth, error: 'AccessDeniedException', message: `User is not authorized to perform: x:${command}` });
      const failed = await run(['init', '--yes', '--stack', 'demo', '--domain-prefix', 'demo-login', ...ROUTES]);
      expect(failed.code, `${command} #${nth}: ${failed.stderr}`).toBe(1);
      expect(failed.stderr).toMatch(/Re-run `secure-api init --stack \S+` \(with the flags or --config it had\) to resume/);
      expectStateMatchesFake(readState(statePath()), fake);
      const resumed = await run(['init', '--yes', '--stack', 'demo', '--domain-prefix', 'demo-login', ...ROUTES]);
      expect(resumed.code, `resume after ${command} #${nth}: ${resumed.stderr}`).toBe(0);
      expectNoDuplicates(fake);
      expectStateMatchesFake(readState(statePath()), fake);
      const d = await run(['destroy', '--yes', '--stack', 'demo']);
      expect(d.code, `destroy after ${command} #${nth}: ${d.stderr}`).toBe(0);
      expect(fake.resources(), `left after ${command} #${nth}`).toEqual([]);
      fake.restore();
    }
    fake = installAwsFake({ clock });
  });
});

describe('resuming', () => {
  it('a taken domain prefix stops the run; resuming with another prefix finishes the stack', async () => {
    fake.restore();
    fake = installAwsFake({ clock, takenDomainPrefixes: ['demo-taken'] });
    const first = await run(['init', '--yes', '--stack', 'demo', '--domain-prefix', 'demo-taken']);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/--domain-prefix/);
    const again = await run(['init', '--yes', '--stack', 'demo', '--domain-prefix', 'demo-free']);
    expect(again.code, again.stderr).toBe(0);
    expect(readState(statePath())?.nodes.domain?.out.domain).toBe('demo-free');
    expectNoDuplicates(fake);
    expect((await run(['destroy', '--yes', '--stack', 'demo'])).code).toBe(0);
    expect(fake.resources()).toEqual([]);
  });

  it('an identity provider without its secret in the environment is refused before any AWS call', async () => {
    writeFileSync(join(cwd, 'idp.json'), JSON.stringify({ stack: 'demo', userPool: { identityProviders: [{ type: 'Google', clientId: 'id.apps.example' }] } }));
    const r = await run(['init', '--yes', '--config', 'idp.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SECURE_API_IDP_GOOGLE_SECRET/);
    expect(fake.calls).toEqual([]);
  });
});

describe('bad input: exit 2, no AWS call', () => {
  it.each([
    [['init', '--yes', '--stack', 'Bad Name']],
    [['init', '--yes', '--stack', 'a']],
    [['init', '--yes', '--route', 'GET items']],
    [['init', '--yes', '--route', 'FETCH /items']],
    [['init', '--yes', '--route', 'GET /items/{id']],
    [['init', '--yes', '--region', 'moon-1']],
    [['init', '--yes', '--app-client', 'secretive']],
    [['init', '--yes', '--domain-prefix', 'my-cognito-login']],
    [['init', '--yes', '--stage', 'dev stage']],
    [['init', '--yes', '--endpoint-url', 'not a url']],
    [['init', '--yes', '--config', 'missing.json']],
    [['status', '--stack', 'nope']],
    [['destroy', '--stack', 'Bad_Name', '--yes']],
  ])('%j', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(10);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fake.calls).toEqual([]);
  });

  it('a config file with errors names each one', async () => {
    writeFileSync(join(cwd, 'stack.json'), JSON.stringify({ stack: 'demo', routes: [{ path: '/a', methods: [] }], userPool: { mfa: { mode: 'SOMETIMES' } }, extra: true }));
    const r = await run(['init', '--yes', '--config', 'stack.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/routes\[0\]\.methods: a route needs at least one method/);
    expect(r.stderr).toMatch(/userPool\.mfa\.mode: must be one of/);
    expect(r.stderr).toMatch(/unknown key "extra"/);
    expect(fake.calls).toEqual([]);
  });
});
