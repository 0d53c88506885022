import { join } from 'node:path';
import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, PutIntegrationCommand, PutMethodCommand, UpdateMethodCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { runAwsCli } from '../status/aws-cli.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { readState } from '../../src/state/store.js';
import { makeBlogPool, makeLegacyApi } from './legacy-api.js';

/*
 * Issue 23: every change to a stack that secures someone's API ends in exactly one deployment of its stage (the
 * stage-redeploy node publishes the API, as a trait the planner and the work graph query), and a resumed change does
 * not deploy twice. What is served is checked over the fake's data plane, as a user would with curl.
 */

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
/** Deployments the API holds (made and kept: a throttled CreateDeployment that was retried counts once). */
const deployments = (apiId: string) => Object.keys(fake.state.apigateway.apis[apiId]?.deployments ?? {}).length;
/** The status a call gets once the stage answers (a stage just deployed answers a bare 403 at first: the fake's freshStageForbiddenRequests). */
async function statusOf(url: string, method = 'GET'): Promise<number> {
  for (let i = 0; ; i++) {
    const r = await fetch(url, { method });
    if (r.status !== 403 || i >= 3) return r.status;
  }
}
type MethodList = Array<{ path: string; methods: string[] }>;
const recordedApi = () => readState(statePath())!.config.existingApi as { secure?: MethodList; leaveOpen?: MethodList };
const invokeUrl = (stdout: string) => (JSON.parse(stdout) as { urls: { invoke: string } }).urls.invoke;

async function firstRun(secure: string[]) {
  const { apiId, ordersId, orderId } = await makeLegacyApi();
  const poolId = await makeBlogPool();
  const base = ['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId];
  const r = await run([...base, ...secure.flatMap((s) => ['--secure', s]), '--json']);
  expect(r.code, r.stdout).toBe(0);
  return { apiId, ordersId, orderId, poolId, base, url: invokeUrl(r.stdout) };
}

describe('a change to a stack on an existing API is deployed', () => {
  it('securing one more method ends in exactly one CreateDeployment, and the method answers 401 without a token', async () => {
    const { apiId, base, url } = await firstRun(['GET /orders']);
    expect(await statusOf(`${url}/orders`, 'POST')).toBe(200);
    const before = deployments(apiId);

    const plan = await run(['plan', '--stack', 'legacy', '--api-id', apiId, '--secure', 'GET,POST /orders']);
    expect(plan.stdout + plan.stderr).not.toMatch(/No changes/);
    expect(plan.stdout + plan.stderr).toMatch(/stage prod/);

    const r = await run([...base, '--secure', 'GET,POST /orders', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(deployments(apiId) - before).toBe(1);
    expect(await statusOf(`${url}/orders`, 'POST')).toBe(401);
    expect(await statusOf(`${url}/orders`)).toBe(401);
    const st = await run(['status', '--stack', 'legacy']);
    expect(st.code, st.stdout).toBe(0);

    // Dropping it again also publishes: POST /orders is open again, GET stays secured.
    const back = await run([...base, '--secure-remove', 'POST /orders', '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(deployments(apiId) - before).toBe(2);
    expect(await statusOf(`${url}/orders`, 'POST')).toBe(200);
    expect(await statusOf(`${url}/orders`)).toBe(401);
  });

  it('a method moved from a Lambda authorizer to Cognito is deployed', async () => {
    const { apiId, ordersId, orderId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    const lambdaAuth = await ag.send(new (await import('@aws-sdk/client-api-gateway')).CreateAuthorizerCommand({
      restApiId: apiId, name: 'legacy-lambda-auth', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
      authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations',
    }));
    await ag.send(new UpdateMethodCommand({ restApiId: apiId, resourceId: orderId, httpMethod: 'GET', patchOperations: [
      { op: 'replace', path: '/authorizationType', value: 'CUSTOM' }, { op: 'replace', path: '/authorizerId', value: lambdaAuth.id! },
    ] }));
    void ordersId;
    const base = ['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId, '--no-verify'];
    expect((await run([...base, '--secure', 'GET /orders'])).code).toBe(0);
    const before = deployments(apiId);
    const r = await run([...base, '--secure', 'GET /orders', '--secure', 'GET /orders/{id}']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/! replaces its CUSTOM authorization \(authorizer legacy-lambda-auth\)/);
    expect(deployments(apiId) - before).toBe(1);
    const api = fake.state.apigateway.apis[apiId]!;
    const served = api.deployments[api.stages.prod!.deploymentId]!.snapshot['/orders/{id}']!.GET!;
    expect(served.authorizationType).toBe('COGNITO_USER_POOLS');
  });

  it('a change whose deployment landed before the run was killed does not deploy twice when resumed', async () => {
    const { apiId, base } = await firstRun(['GET /orders']);
    // The CreateDeployment reaches AWS, but its answer is lost (as when the process is killed mid-call).
    fake.inject({ command: 'CreateDeployment', error: 'BadRequestException', message: 'connection reset (aws fake)', afterCall: true });
    const before = deployments(apiId);
    const first = await run([...base, '--secure', 'GET,POST /orders', '--no-verify']);
    expect(first.code).toBe(1);
    expect(readState(statePath())!.nodes.deployment!.status).toBe('updating');
    fake.clearInjections();
    const again = await run([...base, '--secure', 'GET,POST /orders', '--no-verify']);
    expect(again.code, again.stderr).toBe(0);
    expect(deployments(apiId) - before).toBe(1);
    const api = fake.state.apigateway.apis[apiId]!;
    expect(readState(statePath())!.nodes.deployment!.out.deploymentId).toBe(api.stages.prod!.deploymentId);
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);
  });
});

describe('repair on an adopted method', () => {
  it('a secured method opened by hand and deployed: status exits 3 with init as the fix, plan shows it, init puts it back and deploys it', async () => {
    const { apiId, ordersId, base, url } = await firstRun(['GET,POST /orders']);
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    await ag.send(new UpdateMethodCommand({ restApiId: apiId, resourceId: ordersId, httpMethod: 'POST', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }] }));
    await ag.send(new (await import('@aws-sdk/client-api-gateway')).CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod', description: 'hotfix by hand' }));
    expect(await statusOf(`${url}/orders`, 'POST')).toBe(200);

    const st = await run(['status', '--stack', 'legacy', '--json']);
    expect(st.code).toBe(3);
    const res = (JSON.parse(st.stdout) as { resources: Array<{ id: string; state: string; fix: { summary: string; rebuild: boolean } | null }> }).resources;
    const post = res.find((x) => x.id === 'method:POST /orders')!;
    expect(post.state).toBe('drifted');
    expect(post.fix?.rebuild).toBe(false);
    expect(post.fix?.summary).toMatch(/secure-api init/);

    const plan = await run(['plan', '--stack', 'legacy']);
    expect(plan.stdout + plan.stderr).not.toMatch(/No changes secure-api can make/);
    expect(plan.stdout + plan.stderr).toMatch(/POST \/orders/);

    const before = deployments(apiId);
    const r = await run([...base, '--secure', 'GET,POST /orders', '--no-verify']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/No changes/);
    expect(deployments(apiId) - before, r.stderr).toBe(1);
    expect(await statusOf(`${url}/orders`, 'POST')).toBe(401);
    expect(await statusOf(`${url}/orders`)).toBe(401);
    // The prior is what the owner had before the first secure, not the NONE set by hand since.
    expect(readState(statePath())!.nodes['method:POST /orders']!.prior).toEqual({ authorizationType: 'NONE', authorizationScopes: [] });
  });
});

type StatusJson = { resources: Array<{ id: string; state: string; problems: string[]; drift: Array<{ path: string; context?: Record<string, string> }>; fix: { summary: string; commands: string[]; rebuild: boolean } | null }>; notes: string[] };

describe('the watch over their API is a policy judged on what the stage serves', () => {
  it('an owner\'s redeploy serving the same security is not drift; a new open method is named, exit 3, with the command that secures it', async () => {
    const { apiId, orderId, base, url } = await firstRun(['GET,POST /orders']);
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    // The owners deploy as they always did: the same security is served, by a deployment not ours.
    await ag.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod', description: 'release 42' }));
    const same = await run(['status', '--stack', 'legacy', '--json']);
    expect(same.code, same.stdout).toBe(0);
    // The allow-list is shown: the methods left open at the first run.
    expect((JSON.parse(same.stdout) as StatusJson).notes.join(' ')).toMatch(/Left open by choice.*DELETE \/orders\/\{id\}, GET \/orders\/\{id\}/);

    // They add an open POST /orders/{id}/refund. Not deployed yet: nothing is served open, still 0.
    const refund = await ag.send(new CreateResourceCommand({ restApiId: apiId, parentId: orderId, pathPart: 'refund' }));
    await ag.send(new PutMethodCommand({ restApiId: apiId, resourceId: refund.id!, httpMethod: 'POST', authorizationType: 'NONE' }));
    await ag.send(new PutIntegrationCommand({ restApiId: apiId, resourceId: refund.id!, httpMethod: 'POST', type: 'HTTP_PROXY', integrationHttpMethod: 'POST', uri: 'https://backend.example.com/refund' }));
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);

    // Deployed: status names the method, the stage and the deployment, and the command that secures it.
    const deployed = await ag.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod', description: 'release 43' }));
    const st = await run(['status', '--stack', 'legacy', '--json']);
    expect(st.code).toBe(3);
    const stage = (JSON.parse(st.stdout) as StatusJson).resources.find((r) => r.id === 'deployment')!;
    expect(stage.state).toBe('drifted');
    expect(stage.drift.map((d) => d.path)).toEqual(['served.openMethod']);
    expect(stage.problems.join(' ')).toContain(`POST /orders/{id}/refund is served open (no token needed) on stage prod since deployment ${deployed.id!}`);
    expect(stage.fix?.commands).toEqual([`secure-api init --stack legacy --secure-add 'POST /orders/{id}/refund'`]);
    expect(stage.fix?.summary).not.toMatch(/secure-api init --stack legacy`? to repair/);
    const text = await run(['status', '--stack', 'legacy']);
    expect(text.stdout + text.stderr).toContain('POST /orders/{id}/refund');

    // init with the recorded list cannot clear it and does not pretend to: nothing is deployed.
    const before = deployments(apiId);
    const again = await run([...base, '--no-verify']);
    expect(again.code, again.stderr).toBe(0);
    expect(deployments(apiId)).toBe(before);

    // The command status gave secures it: one deployment, 401 without a token, status 0.
    const add = await run([...base, '--secure-add', 'POST /orders/{id}/refund', '--no-verify']);
    expect(add.code, add.stderr).toBe(0);
    expect(deployments(apiId) - before).toBe(1);
    expect(await statusOf(`${url}/orders/7/refund`, 'POST')).toBe(401);
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);
    expect(recordedApi().secure).toEqual([
      { path: '/orders', methods: ['GET', 'POST'] }, { path: '/orders/{id}/refund', methods: ['POST'] },
    ]);
  });

  it('--secure-remove on a method left open by the owners accepts it into the allow-list: status 0, no deployment needed to judge it', async () => {
    const { apiId, orderId, base } = await firstRun(['GET /orders']);
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    const ping = await ag.send(new CreateResourceCommand({ restApiId: apiId, parentId: orderId, pathPart: 'ping' }));
    await ag.send(new PutMethodCommand({ restApiId: apiId, resourceId: ping.id!, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(new PutIntegrationCommand({ restApiId: apiId, resourceId: ping.id!, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await ag.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(3);
    const r = await run([...base, '--secure-remove', 'GET /orders/{id}/ping', '--no-verify']);
    expect(r.code, r.stderr).toBe(0);
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);
    expect(recordedApi().leaveOpen).toContainEqual({ path: '/orders/{id}/ping', methods: ['GET'] });
  });

  it('another stage of the API serving a secured method open: status exits 3 naming the stage, with the fix; deployed again, 0', async () => {
    const { apiId } = await makeLegacyApi({ stages: ['prod', 'staging'] });
    const poolId = await makeBlogPool();
    const r = await run(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--stage', 'prod', '--user-pool-id', poolId, '--secure', 'GET /orders', '--no-verify']);
    expect(r.code, r.stderr).toBe(0);
    const st = await run(['status', '--stack', 'legacy', '--json']);
    expect(st.code).toBe(3);
    const stage = (JSON.parse(st.stdout) as StatusJson).resources.find((x) => x.id === 'deployment')!;
    expect(stage.drift.map((d) => [d.path, d.context?.stage, d.context?.method])).toEqual([['otherStage.authorizationType', 'staging', 'GET /orders']]);
    expect(stage.problems.join(' ')).toMatch(/stage staging serves GET \/orders with NONE \(no token needed\)/);
    const cmd = stage.fix!.commands.find((c) => c.includes('--stage-name staging'))!;
    expect(cmd).toMatch(new RegExp(`^aws apigateway create-deployment --rest-api-id ${apiId} --stage-name staging`));
    // What the fix says, done: staging serves the secured method behind the authorizer too.
    await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'staging' }));
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);
    expect((await run(['destroy', '--stack', 'legacy', '--yes'])).code).toBe(0);
  });
});

describe('their stage\'s variables and description', () => {
  it('survive every redeploy: the first run, a change, a repair and destroy (CreateDeployment into an existing stage keeps them)', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    await ag.send(new UpdateStageCommand({ restApiId: apiId, stageName: 'prod', patchOperations: [
      { op: 'replace', path: '/variables/backend', value: 'orders-v2' }, { op: 'replace', path: '/description', value: 'production, by the orders team' }] }));
    const theirs = () => { const st = fake.state.apigateway.apis[apiId]!.stages.prod!; return { variables: st.variables, description: st.description }; };
    const want = { variables: { backend: 'orders-v2' }, description: 'production, by the orders team' };
    const base = ['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId];
    expect((await run([...base, '--secure', 'GET /orders'])).code).toBe(0);
    expect(theirs()).toEqual(want);
    expect((await run([...base, '--secure-add', 'POST /orders'])).code).toBe(0);
    expect(theirs()).toEqual(want);
    expect((await run(['destroy', '--stack', 'legacy', '--yes'])).code).toBe(0);
    expect(theirs()).toEqual(want);
  });
});

describe('a canary release on their stage (canary-release.html)', () => {
  it('an owners\' canary serving an older open deployment: status exits 3 naming it, init cannot deploy (exit 2 with the fix), the canary removed: 0', async () => {
    const { apiId, base } = await firstRun(['GET,POST /orders']);
    const st0 = readState(statePath())!;
    const before = st0.nodes['method:GET /orders']!.prior as { authorizationType: string };
    expect(before.authorizationType).toBe('NONE');
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    // The deployment the stage served before secure-api (every method open) goes to 10% of the requests.
    const old = Object.values(fake.state.apigateway.apis[apiId]!.deployments).sort((a, b) => a.createdDate - b.createdDate)[0]!.id;
    await ag.send(new UpdateStageCommand({ restApiId: apiId, stageName: 'prod', patchOperations: [
      { op: 'replace', path: '/canarySettings/deploymentId', value: old }, { op: 'replace', path: '/canarySettings/percentTraffic', value: '10' }] }));
    const st = await run(['status', '--stack', 'legacy', '--json']);
    expect(st.code).toBe(3);
    const stage = (JSON.parse(st.stdout) as StatusJson).resources.find((r) => r.id === 'deployment')!;
    expect(stage.drift.map((d) => [d.path, d.context?.method, d.context?.canary, d.context?.deployment])).toEqual([
      ['canary.authorizationType', 'GET /orders', '10%', old], ['canary.authorizationType', 'POST /orders', '10%', old],
    ]);
    expect(stage.problems[0]).toMatch(new RegExp(`^GET /orders is served with NONE \\(no token needed\\) by the canary release on stage prod \\(10% of requests, deployment ${old} made `));
    // init has nothing it may deploy: refused before any write, with the reason and the fix.
    const writes = fake.calls.length;
    const again = await run([...base, '--no-verify']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/stage prod of the API .* has a canary release \(10% of its requests go to deployment \w+\)/);
    expect(again.stderr).toContain(`op=remove,path=/canarySettings`);
    expect(fake.calls.slice(writes).filter((c) => /^(Create|Put|Update|Delete)/.test(c.command))).toEqual([]);
    // The fix status gives, done: the canary goes, the stage serves the secured deployment to every request.
    expect(stage.fix?.commands).toEqual([`aws apigateway update-stage --rest-api-id ${apiId} --stage-name prod --patch-operations op=remove,path=/canarySettings --region us-east-1`]);
    await runAwsCli(stage.fix!.commands[0]!);
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);
    expect((await run([...base, '--no-verify'])).code).toBe(0);
  });

  it('a canary serving the same security is no drift (it is judged like the stage)', async () => {
    const { apiId } = await firstRun(['GET /orders']);
    await new APIGatewayClient({ region: 'us-east-1' }).send(new UpdateStageCommand({ restApiId: apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/canarySettings/percentTraffic', value: '50' }] }));
    expect((await run(['status', '--stack', 'legacy'])).code).toBe(0);
  });
});

describe('--secure-add / --secure-remove, and a shorter --secure list', () => {
  it('a shorter --secure list under --yes is refused, naming what it would open and the flag that opens it; nothing is written', async () => {
    const { apiId, base } = await firstRun(['GET,POST /orders']);
    const writes = fake.calls.length;
    const r = await run([...base, '--secure', 'GET /orders', '--no-verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--secure leaves out POST \/orders, which stack legacy secures now: this change would open it/);
    expect(r.stderr).toContain('--secure-remove "POST /orders"');
    expect(fake.calls.slice(writes).filter((c) => /^(Create|Update|Put|Delete)/.test(c.command))).toEqual([]);
    void apiId;
  });

  it('bad edits exit 2 before any write: an unknown method, OPTIONS, --secure with --secure-add, removing the last one', async () => {
    const { base } = await firstRun(['GET /orders']);
    const writes = fake.calls.filter((c) => /^(Create|Update|Put|Delete)/.test(c.command)).length;
    const cases: Array<[string[], RegExp]> = [
      [['--secure-add', 'PUT /orders'], /--secure-add "PUT \/orders": \/orders has no PUT method/],
      [['--secure-add', 'OPTIONS /orders'], /--secure-add "OPTIONS \/orders": method "OPTIONS" is not one of/],
      [['--secure-add', 'GET /nope'], /--secure-add "GET \/nope": the API legacy-orders .* has no resource \/nope/],
      [['--secure', 'GET /orders', '--secure-add', 'POST /orders'], /give one or the other/],
      [['--secure-remove', 'GET /orders'], /nothing of the API legacy-orders .* is left to secure/],
      [['--secure-remove', 'PATCH /orders'], /--secure-remove "PATCH \/orders": the stack does not secure it/],
    ];
    for (const [args, re] of cases) {
      const r = await run([...base, ...args, '--no-verify']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    expect(fake.calls.filter((c) => /^(Create|Update|Put|Delete)/.test(c.command)).length).toBe(writes);
  });
});

type VerifyJson = { ok: boolean; verdict: { summary: string }; rows: Array<{ route: string; method: string; check: string; ok: boolean; severity: string; got: string }>; testUser: { username: string } };

describe('verify on a stack that secures part of their API', () => {
  it('passes: proves the secured methods, the left-alone paths\' CORS is information, the stage policy holds', async () => {
    const { poolId } = await firstRun(['GET /orders']);
    const v = await run(['verify', '--stack', 'legacy', '--json']);
    expect(v.code, v.stdout).toBe(0);
    const out = JSON.parse(v.stdout) as VerifyJson;
    expect(out.rows.filter((r) => r.check === 'preflight' && r.route === '/orders/{id}').every((r) => r.severity === 'info')).toBe(true);
    expect(out.rows.find((r) => r.check === 'stage-policy')).toMatchObject({ ok: true });
    expect(out.rows.find((r) => r.check === 'id-token' && r.route === '/orders')?.ok).toBe(true);
    void poolId;
  });

  it('--read-only creates no user in their pool: the refusals, CORS and the stage policy only; exit 0, saying no 2xx was proven', async () => {
    const { poolId } = await firstRun(['GET /orders']);
    const creates = () => fake.calls.filter((c) => c.command === 'AdminCreateUser' || c.command === 'SignUp').length;
    const before = creates();
    const from = fake.calls.length;
    const v = await run(['verify', '--stack', 'legacy', '--read-only', '--json']);
    expect(v.code, v.stdout).toBe(0);
    expect(creates()).toBe(before);
    expect(fake.calls.slice(from).filter((c) => (c.input as { UserPoolId?: string }).UserPoolId === poolId).map((c) => c.command)).toEqual([]);
    const out = JSON.parse(v.stdout) as VerifyJson;
    expect(new Set(out.rows.map((r) => r.check))).toEqual(new Set(['no-token', 'malformed-token', 'forged-token', 'cors-on-401', 'preflight', 'public-no-token', 'stage-policy']));
    expect(out.verdict.summary).toMatch(/^read-only: secured: .*no 2xx with a token was shown/);
    expect((await run(['verify', '--stack', 'legacy', '--read-only', '--keep-user'])).code).toBe(2);
  });

  it('fails when another stage serves a secured method open, naming the stage; read-only too', async () => {
    const { apiId } = await makeLegacyApi({ stages: ['prod', 'staging'] });
    const poolId = await makeBlogPool();
    expect((await run(['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--stage', 'prod', '--user-pool-id', poolId, '--secure', 'GET /orders', '--no-verify'])).code).toBe(0);
    for (const extra of [[], ['--read-only']]) {
      const v = await run(['verify', '--stack', 'legacy', ...extra, '--json']);
      expect(v.code, extra.join(' ')).toBe(1);
      const row = (JSON.parse(v.stdout) as { rows?: VerifyJson['rows'] }).rows;
      if (row) expect(row.find((r) => r.check === 'stage-policy')).toMatchObject({ route: '/orders', method: 'GET', ok: false, severity: 'critical', got: expect.stringContaining('NONE on stage staging') });
      else expect(v.stderr).toMatch(/NOT SECURED/);
    }
    const text = await run(['verify', '--stack', 'legacy', '--read-only']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/stage-policy/);
    expect(text.stdout).toMatch(/stage staging serves GET \/orders with NONE/);
  });
});

describe('two stacks on one API', () => {
  it('B reuses A\'s authorizer (same pool, same name): each survives the other\'s destroy, and the API ends as it began', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const auth = () => JSON.stringify(Object.values(fake.state.apigateway.apis[apiId]!.resources).map((r) => [r.path, Object.fromEntries(Object.entries(r.methods).map(([v, m]) => [v, m.authorizationType]))]));
    const before = auth();
    const stack = (name: string, secure: string) => ['init', '--yes', '--stack', name, '--api-id', apiId, '--user-pool-id', poolId, '--secure', secure, '--no-verify'];
    expect((await run(stack('team-a', 'GET /orders'))).code).toBe(0);
    const b = await run(stack('team-b', 'POST /orders'));
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/\(theirs, reused\)/);

    // A goes first: its authorizer is still named by B's method, so it is kept (and said); B's route still checks tokens.
    const da = await run(['destroy', '--stack', 'team-a', '--yes']);
    expect(da.code, da.stderr).toBe(0);
    expect(da.stderr).toMatch(/authorizer \w+ kept: POST \/orders still uses it/);
    const orders = Object.values(fake.state.apigateway.apis[apiId]!.resources).find((r) => r.path === '/orders')!;
    expect(orders.methods.POST!.authorizationType).toBe('COGNITO_USER_POOLS');
    expect(fake.state.apigateway.apis[apiId]!.authorizers[orders.methods.POST!.authorizerId!]).toBeDefined();
    expect(orders.methods.GET!.authorizationType).toBe('NONE');
    // B's policy was made while A secured GET /orders: open again now, it is reported to B, which may accept it.
    const st = await run(['status', '--stack', 'team-b', '--json']);
    expect(st.code, st.stdout).toBe(3);
    expect((JSON.parse(st.stdout) as StatusJson).resources.find((r) => r.id === 'deployment')!.drift.map((d) => d.context?.method)).toEqual(['GET /orders']);
    const accept = await run(['init', '--yes', '--stack', 'team-b', '--secure-remove', 'GET /orders', '--no-verify']);
    expect(accept.code, accept.stderr).toBe(0);
    expect((await run(['status', '--stack', 'team-b'])).code).toBe(0);
    const v = await run(['verify', '--stack', 'team-b', '--json']);
    expect(v.code, v.stdout).toBe(0);

    expect((await run(['destroy', '--stack', 'team-b', '--yes'])).code).toBe(0);
    // Every method as the owners had it. What A kept for B (its authorizer, the /orders preflight) is what is left of
    // the two stacks, and A's destroy said so; no method names the authorizer any more.
    expect(auth()).toBe(before.replace('"POST":"NONE"}', '"POST":"NONE","OPTIONS":"NONE"}'));
    expect(da.stderr).toMatch(/OPTIONS \/orders kept: POST \/orders still asks for a token there/);
    const left = Object.values(fake.state.apigateway.apis[apiId]!.authorizers);
    expect(left.map((a) => a.name)).toEqual(['Cognito-authorizer']);
  });

  it('B first: A\'s stack is untouched by B\'s destroy', async () => {
    const { apiId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const stack = (name: string, secure: string) => ['init', '--yes', '--stack', name, '--api-id', apiId, '--user-pool-id', poolId, '--secure', secure, '--no-verify'];
    expect((await run(stack('team-a', 'GET /orders'))).code).toBe(0);
    expect((await run(stack('team-b', 'POST /orders'))).code).toBe(0);
    expect((await run(['destroy', '--stack', 'team-b', '--yes'])).code).toBe(0);
    expect((await run(['status', '--stack', 'team-a'])).code).toBe(0);
    expect((await run(['verify', '--stack', 'team-a'])).code).toBe(0);
    expect((await run(['destroy', '--stack', 'team-a', '--yes'])).code).toBe(0);
    expect(Object.keys(fake.state.apigateway.apis[apiId]!.authorizers)).toEqual([]);
  });
});

describe('the plan says what happens to their methods', () => {
  it('securing one more: ~ with authorizationType before → after and the authorizer named; a Lambda authorizer replaced is warned; dropping one: ~ put back', async () => {
    const { apiId, orderId } = await makeLegacyApi();
    const poolId = await makeBlogPool();
    const ag = new APIGatewayClient({ region: 'us-east-1' });
    const { CreateAuthorizerCommand } = await import('@aws-sdk/client-api-gateway');
    const lambdaAuth = await ag.send(new CreateAuthorizerCommand({
      restApiId: apiId, name: 'legacy-lambda-auth', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
      authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations',
    }));
    await ag.send(new UpdateMethodCommand({ restApiId: apiId, resourceId: orderId, httpMethod: 'GET', patchOperations: [
      { op: 'replace', path: '/authorizationType', value: 'CUSTOM' }, { op: 'replace', path: '/authorizerId', value: lambdaAuth.id! },
    ] }));
    const base = ['--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId];
    expect((await run(['init', '--yes', ...base, '--secure', 'GET,POST /orders', '--no-verify'])).code).toBe(0);

    const add = await run(['plan', ...base, '--secure-add', 'GET /orders/{id}']);
    const text = add.stdout + add.stderr;
    expect(text).toMatch(/~ {3}secure {2}method \(theirs, secured\) GET \/orders\/\{id\}/);
    expect(text).toContain('authorizationType: "CUSTOM" → "COGNITO_USER_POOLS"');
    expect(text).toContain('authorizer: "legacy-lambda-auth" → "Cognito-authorizer"');
    expect(text).toMatch(/! replaces its CUSTOM authorization \(authorizer legacy-lambda-auth\): callers that send what it checked are refused/);
    expect(text).not.toMatch(/\+ +create +method \(theirs/);

    const drop = await run(['plan', ...base, '--secure-remove', 'POST /orders']);
    const t2 = drop.stdout + drop.stderr;
    expect(t2).toMatch(/~ {3}put back as it was {2}method \(theirs, secured\) POST \/orders/);
    expect(t2).toContain('authorizationType: "COGNITO_USER_POOLS" → "NONE"');
    expect(t2).not.toMatch(/- +delete +method \(theirs/);
  });
});
