import { join } from 'node:path';
import { APIGatewayClient, UpdateMethodCommand } from '@aws-sdk/client-api-gateway';
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
const deployments = (apiId: string) => fake.calls.filter((c) => c.command === 'CreateDeployment' && (c.input as { restApiId?: string }).restApiId === apiId).length;
/** The status a call gets once the stage answers (a stage just deployed answers a bare 403 at first: the fake's freshStageForbiddenRequests). */
async function statusOf(url: string, method = 'GET'): Promise<number> {
  for (let i = 0; ; i++) {
    const r = await fetch(url, { method });
    if (r.status !== 403 || i >= 3) return r.status;
  }
}
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
    const back = await run([...base, '--secure', 'GET /orders', '--json']);
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
    expect(deployments(apiId) - before).toBe(1);
    expect(await statusOf(`${url}/orders`, 'POST')).toBe(401);
    expect(await statusOf(`${url}/orders`)).toBe(401);
    // The prior is what the owner had before the first secure, not the NONE set by hand since.
    expect(readState(statePath())!.nodes['method:POST /orders']!.prior).toEqual({ authorizationType: 'NONE', authorizationScopes: [] });
  });
});
