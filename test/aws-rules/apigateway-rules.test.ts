/**
 * API Gateway's rules as real accounts enforce them (issue #10 rules 1, 7, 8, 13, 14): first the fake's model of each
 * (named after the AWS behaviour), then that secure-api honours it. Sources are cited where the fake enforces them
 * (test/fakes/apigateway-rules.ts, apigateway-apis.ts, data-plane.ts).
 */
import {
  APIGatewayClient, CreateResourceCommand, CreateRestApiCommand, GetRestApiCommand, PutIntegrationCommand, PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { isConcurrentModification } from '../../src/aws/errors.js';
import { propagationReason } from '../../src/verify/http-probe.js';
import { installAwsFake, type AwsFake, type AwsFakeOptions } from '../fakes/aws-fake.js';
import { CONCURRENT_MODIFICATION_MESSAGE } from '../fakes/apigateway-rules.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake | undefined;
let clock: VirtualClock;
function install(o: AwsFakeOptions = {}): AwsFake {
  fake?.restore();
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0, ...o });
  return fake;
}
afterEach(() => {
  fake?.restore();
  fake = undefined;
});

const sdk = () => new APIGatewayClient({ region: 'us-east-1' });

async function caught(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-Error: ${String(err)}`);
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** An API with `n` resources under the root, made one call at a time. */
async function apiWithResources(n: number): Promise<{ apiId: string; resourceIds: string[] }> {
  const ag = sdk();
  const api = await ag.send(new CreateRestApiCommand({ name: 'rules' }));
  const resourceIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await ag.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: `r${i}` }));
    resourceIds.push(r.id!);
  }
  return { apiId: api.id!, resourceIds };
}

describe('the fake: API Gateway serializes writes to one REST API', () => {
  it('refuses a write that overlaps another write to the same API with ConflictException "concurrent modification"', async () => {
    install();
    const { apiId, resourceIds } = await apiWithResources(2);
    const ag = sdk();
    const results = await Promise.allSettled(resourceIds.map((resourceId) =>
      ag.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }))));
    expect(results[0]!.status).toBe('fulfilled');
    const second = results[1]!;
    expect(second.status).toBe('rejected');
    const err = (second as PromiseRejectedResult).reason as Error & { $metadata: { httpStatusCode: number } };
    expect(err.name).toBe('ConflictException');
    expect(err.message).toBe(CONCURRENT_MODIFICATION_MESSAGE);
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(fake!.refused.conflicts).toBe(1);
  });

  it('answers the same refusal as BadRequestException on older accounts', async () => {
    install({ apigatewayConcurrentWrites: 'BadRequestException' });
    const { apiId, resourceIds } = await apiWithResources(2);
    const ag = sdk();
    const results = await Promise.allSettled(resourceIds.map((resourceId) =>
      ag.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }))));
    const err = (results[1] as PromiseRejectedResult).reason as Error;
    expect(err.name).toBe('BadRequestException');
    expect(isConcurrentModification(err)).toBe(true);
  });

  it('lets reads overlap writes, and writes to different APIs overlap each other', async () => {
    install();
    const a = await apiWithResources(1);
    const b = await apiWithResources(1);
    const ag = sdk();
    const results = await Promise.allSettled([
      ag.send(new PutMethodCommand({ restApiId: a.apiId, resourceId: a.resourceIds[0], httpMethod: 'GET', authorizationType: 'NONE' })),
      ag.send(new PutMethodCommand({ restApiId: b.apiId, resourceId: b.resourceIds[0], httpMethod: 'GET', authorizationType: 'NONE' })),
      ag.send(new GetRestApiCommand({ restApiId: a.apiId })),
      ag.send(new GetRestApiCommand({ restApiId: a.apiId })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(fake!.refused.conflicts).toBe(0);
  });

  it('holds the API for the whole call, latency included', async () => {
    install();
    const { apiId, resourceIds } = await apiWithResources(2);
    fake!.setLatency(20);
    const ag = sdk();
    const first = ag.send(new PutMethodCommand({ restApiId: apiId, resourceId: resourceIds[0], httpMethod: 'GET', authorizationType: 'NONE' }));
    await new Promise((r) => setTimeout(r, 5));
    const err = await caught(ag.send(new PutMethodCommand({ restApiId: apiId, resourceId: resourceIds[1], httpMethod: 'GET', authorizationType: 'NONE' })));
    expect(err.name).toBe('ConflictException');
    await first;
    // Once the first answered, the API is free again.
    await ag.send(new PutMethodCommand({ restApiId: apiId, resourceId: resourceIds[1], httpMethod: 'GET', authorizationType: 'NONE' }));
  });
});

describe('the fake: the account-wide control-plane quota, 10 requests a second with a burst of 40', () => {
  it('takes a burst of 40, refuses the 41st in the same instant with TooManyRequestsException, and refills at 10 a second', async () => {
    install();
    const { apiId } = await apiWithResources(0);
    clock.t += 60_000; // a full bucket
    const ag = sdk();
    for (let i = 0; i < 40; i++) await ag.send(new GetRestApiCommand({ restApiId: apiId }));
    const err = await caught(ag.send(new GetRestApiCommand({ restApiId: apiId })));
    expect(err.name).toBe('TooManyRequestsException');
    expect(err.$metadata?.httpStatusCode).toBe(429);
    clock.t += 100;
    await ag.send(new GetRestApiCommand({ restApiId: apiId }));
    expect((await caught(ag.send(new GetRestApiCommand({ restApiId: apiId })))).name).toBe('TooManyRequestsException');
    expect(fake!.refused.throttled).toBe(2);
  });
});

describe('the fake: CreateResource path parts', () => {
  it('refuses a path part outside a-zA-Z0-9._- and {param} / {proxy+} with BadRequestException', async () => {
    install();
    const ag = sdk();
    const api = await ag.send(new CreateRestApiCommand({ name: 'paths' }));
    for (const bad of ['~me', 'a b', 'x%20', '{a}b', 'a+']) {
      const err = await caught(ag.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: bad })));
      expect(err.name, bad).toBe('BadRequestException');
      expect(err.message, bad).toMatch(/only allow a-zA-Z0-9._-/);
    }
    for (const good of ['a.b_c-D9', '{id}']) {
      await ag.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: good }));
    }
    const greedy = await ag.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'files' }));
    await ag.send(new CreateResourceCommand({ restApiId: api.id, parentId: greedy.id, pathPart: '{proxy+}' }));
  });
});

describe('secure-api: one write in flight per REST API, paced under the quota, conflicts retried', () => {
  const clients = () => createAwsClients({ region: 'us-east-1' }, { sleep: clock.sleep, now: clock.now, random: () => 0.5 });

  it('sends concurrent writes to one API one at a time, so AWS never sees them overlap', async () => {
    install();
    const { apiId, resourceIds } = await apiWithResources(8);
    fake!.setLatency(2);
    const c = clients();
    await Promise.all(resourceIds.map((resourceId) =>
      c.apigateway.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }))));
    expect(fake!.refused.conflicts).toBe(0);
    expect(fake!.count('PutMethod')).toBe(8);
  });

  it('retries a conflict caused by someone else (ConflictException or the older BadRequestException form)', async () => {
    install();
    const { apiId, resourceIds } = await apiWithResources(1);
    const c = clients();
    fake!.inject({ command: 'PutMethod', error: 'ConflictException', message: CONCURRENT_MODIFICATION_MESSAGE });
    fake!.inject({ command: 'PutIntegration', error: 'BadRequestException', message: CONCURRENT_MODIFICATION_MESSAGE });
    const at = { restApiId: apiId, resourceId: resourceIds[0], httpMethod: 'GET' };
    await c.apigateway.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }));
    await c.apigateway.send(new PutIntegrationCommand({ ...at, type: 'MOCK' }));
    expect(fake!.count('PutMethod')).toBe(2);
    expect(fake!.count('PutIntegration')).toBe(2);
  });

  it('gives up on a conflict that never clears within the retry budget, saying another change kept the API busy', async () => {
    install();
    const { apiId, resourceIds } = await apiWithResources(1);
    const c = createAwsClients({ region: 'us-east-1' }, { sleep: clock.sleep, now: clock.now, random: () => 0.5, maxRetryMs: 10_000 });
    fake!.inject({ command: 'PutMethod', error: 'ConflictException', message: CONCURRENT_MODIFICATION_MESSAGE, times: 1_000 });
    const err = await caught(c.apigateway.send(new PutMethodCommand({ restApiId: apiId, resourceId: resourceIds[0], httpMethod: 'GET', authorizationType: 'NONE' })));
    expect(err.message).toMatch(/apigateway:PutMethod was refused on all \d+ attempts over \d+ s: another change to this REST API kept it busy/);
    expect((err as Error & { hint?: string }).hint).toMatch(/Let it finish, then run the same command again/);
  });

  it('paces itself under the quota: 120 calls at once are never throttled', async () => {
    install();
    const { apiId } = await apiWithResources(0);
    clock.t += 60_000; // the bucket full again after the set-up call
    const c = clients();
    const started = clock.now();
    await Promise.all(Array.from({ length: 120 }, () => c.apigateway.send(new GetRestApiCommand({ restApiId: apiId }))));
    expect(fake!.refused.throttled).toBe(0);
    // A burst of 40, then 10 a second: the last call goes about 8 s later.
    expect(clock.now() - started).toBeGreaterThanOrEqual(8_000);
    expect(clock.now() - started).toBeLessThan(8_200);
  });
});

describe('secure-api on the strict fake: init, verify, destroy', () => {
  const FIVE_BY_FOUR = ['/a', '/b', '/c', '/d', '/e'].flatMap((p) => ['--route', `GET,POST,PUT,DELETE ${p}`]);

  it('builds a 5 × 4 stack with no conflict and no throttle, and destroys it', async () => {
    install();
    fake!.setLatency(1);
    const cwd = tempDir();
    const r = await runSecureApi(['init', '--yes', '--stack', 'demo', ...FIVE_BY_FOUR], { cwd, clock });
    expect(r.stderr).not.toMatch(/Error|✗/);
    expect(r.code).toBe(0);
    expect(fake!.refused).toEqual({ conflicts: 0, throttled: 0 });
    expect(fake!.count('PutMethod')).toBe(25); // 20 methods + 5 preflights
    const d = await runSecureApi(['destroy', '--yes', '--stack', 'demo'], { cwd, clock });
    expect(d.code).toBe(0);
    expect(fake!.resources()).toEqual([]);
  });

  it('gives a secured ANY route its own open OPTIONS, so the browser preflight does not reach the authorizer', async () => {
    install();
    const cwd = tempDir();
    const r = await runSecureApi(['init', '--yes', '--stack', 'demo', '--route', 'ANY /things'], { cwd, clock });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/secured: \d+ checks passed/);
    const api = Object.values(fake!.state.apigateway.apis)[0]!;
    const things = Object.values(api.resources).find((x) => x.path === '/things')!;
    expect(things.methods.OPTIONS?.authorizationType).toBe('NONE');
    expect(things.methods.ANY?.authorizationType).toBe('COGNITO_USER_POOLS');
  });

  it('without its own OPTIONS, a secured ANY answers the preflight 401 (an explicit OPTIONS takes precedence over ANY)', async () => {
    install();
    const cwd = tempDir();
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'ANY /things'], { cwd, clock })).code).toBe(0);
    const api = Object.values(fake!.state.apigateway.apis)[0]!;
    const deployment = Object.values(api.deployments)[0]!;
    // What a stack without the preflight would serve: the deployment's snapshot minus OPTIONS.
    delete deployment.snapshot['/things']!.OPTIONS;
    fake!.dataPlaneRules.freshStageForbiddenRequests = 0;
    const { sharedDataPlane } = await import('../fakes/data-plane.js');
    const plane = await sharedDataPlane(fake!);
    const res = await fetch(`${plane.url}/restapis/${api.id}/dev/_user_request_/things`, {
      method: 'OPTIONS', headers: { Origin: 'https://example.com', 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.status).toBe(401);
  });

  it('verify waits while a fresh stage answers a bare 403 Forbidden, as it waits on 404', async () => {
    install({ freshStageForbiddenRequests: 3 });
    const r = await runSecureApi(['init', '--yes', '--stack', 'demo'], { cwd: tempDir(), clock });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/403 Forbidden/);
    expect(r.stdout + r.stderr).toMatch(/secured: \d+ checks passed/);
    expect(propagationReason({ kind: 'response', status: 403, headers: new Headers(), body: '{"message":"Forbidden"}' })).toMatch(/403 Forbidden/);
    // A 403 that says why is a real refusal, not propagation.
    expect(propagationReason({ kind: 'response', status: 403, headers: new Headers(), body: '{"message":"User: anonymous is not authorized"}' })).toBeUndefined();
  });
});

describe('secure-api: a create whose answer was lost is looked for before it is sent again', () => {
  for (const command of ['CreateRestApi', 'CreateResource', 'CreateAuthorizer', 'CreateDeployment'] as const) {
    it(`${command} that took effect but answered 503: adopted, not made twice`, async () => {
      install();
      fake!.inject({ command, error: 'ServiceUnavailableException', afterCall: true });
      const cwd = tempDir();
      const r = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo'], { cwd, clock });
      expect(r.code).toBe(0);
      expect(fake!.count(command)).toBe(1);
      const api = Object.values(fake!.state.apigateway.apis);
      expect(api).toHaveLength(1);
      expect(Object.keys(api[0]!.authorizers)).toHaveLength(1);
      expect(Object.keys(api[0]!.deployments)).toHaveLength(1);
      expect(Object.values(api[0]!.resources).map((x) => x.path).sort()).toEqual(['/', '/items']);
      expect(r.stderr).toMatch(/failed on AWS's side; checking whether it was made/);
    });

    it(`${command} that answered 503 before it took effect: sent again once nothing was found`, async () => {
      install();
      fake!.inject({ command, error: 'ServiceUnavailableException' });
      const r = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo'], { cwd: tempDir(), clock });
      expect(r.code).toBe(0);
      expect(fake!.count(command)).toBe(2);
      expect(Object.values(fake!.state.apigateway.apis)).toHaveLength(1);
    });
  }

  it('a CreateResource refused for concurrent modification is not read as "already exists"', async () => {
    install();
    fake!.inject({ command: 'CreateResource', error: 'ConflictException', message: CONCURRENT_MODIFICATION_MESSAGE });
    const r = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo'], { cwd: tempDir(), clock });
    expect(r.code).toBe(0);
    // Retried as a refusal (nothing was made), never looked up as an existing segment.
    expect(fake!.count('CreateResource')).toBe(2);
    expect(fake!.count('GetResources', 'apigateway')).toBe(0);
  });
});
