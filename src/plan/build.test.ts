import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { buildPlan, criticalPathDepth } from './build.js';

const config = (input: unknown) => resolveConfig(input, { defaultRegion: 'us-east-1', suffix: () => 'abc123' });

describe('buildPlan', () => {
  it('plans the default stack with the authorizer before every secured method and the deployment last', () => {
    const plan = buildPlan(config({}));
    const ids = plan.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['role', 'function', 'api', 'pool', 'client', 'domain', 'authorizer', 'resource:/items',
      'method:GET /items', 'method:POST /items', 'cors:/items', 'permission', 'gateway-response:DEFAULT_4XX', 'gateway-response:DEFAULT_5XX', 'deployment']));
    const get = plan.nodes.find((n) => n.id === 'method:GET /items')!;
    expect(get.deps).toEqual(expect.arrayContaining(['authorizer', 'resource:/items']));
    // The integration names the function by ARN: methods and the deployment do not wait out IAM propagation.
    expect(get.deps).not.toContain('function');
    expect(get.kind === 'api-method' && get.spec.integration).toEqual({ type: 'lambda', function: { node: 'function', name: 'secure-api-fn' } });
    const deployment = plan.nodes.find((n) => n.id === 'deployment')!;
    expect(deployment.deps).toEqual(expect.arrayContaining(['method:GET /items', 'method:POST /items', 'cors:/items']));
    expect(deployment.deps).not.toContain('permission');
    // api → /items → method → deployment (or pool → authorizer → method → deployment) is the longest chain.
    expect(criticalPathDepth(plan)).toBe(4);
  });

  it('nests resources and keeps public routes off the authorizer', () => {
    const plan = buildPlan(config({ routes: [{ path: '/a/{id}/b', methods: ['GET'], public: true }, { path: '/a', methods: ['POST'] }] }));
    const b = plan.nodes.find((n) => n.id === 'resource:/a/{id}/b')!;
    expect(b.deps).toContain('resource:/a/{id}');
    const pub = plan.nodes.find((n) => n.id === 'method:GET /a/{id}/b')!;
    expect(pub.kind === 'api-method' && pub.spec.authorizerNode).toBeUndefined();
    expect(pub.kind === 'api-method' && pub.spec.pathParams).toEqual(['id']);
  });

  it('plans no Lambda for mock and HTTP routes, and a permission per method calling an existing function, naming that method only', () => {
    const arn = 'arn:aws:lambda:us-east-1:111122223333:function:existing';
    const plan = buildPlan(config({ routes: [
      { path: '/m', methods: ['GET'], integration: { type: 'mock' } }, { path: '/e', methods: ['GET', 'PUT'], integration: { type: 'lambda', arn } },
      { path: '/e/{id}/{rest+}', methods: ['ANY'], integration: { type: 'lambda', arn } }, { path: '/', methods: ['GET'], integration: { type: 'lambda', arn } },
    ] }));
    expect(plan.nodes.some((n) => n.kind === 'lambda-function' || n.kind === 'iam-role')).toBe(false);
    const permissions = plan.nodes.filter((n) => n.kind === 'lambda-permission');
    expect(permissions.map((n) => [n.id, n.kind === 'lambda-permission' && n.spec.sourcePath])).toEqual([
      ['permission:existing GET /e', 'GET/e'], ['permission:existing PUT /e', 'PUT/e'], ['permission:existing ANY /e/{id}/{rest+}', '*/e/*/*'], ['permission:existing GET /', 'GET/'],
    ]);
    // One statement id per method and path, stable, within AddPermission's [a-zA-Z0-9-_]{1,100}.
    const ids = permissions.map((n) => (n.kind === 'lambda-permission' ? n.spec.statementId : ''));
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9_-]{1,100}$/);
    expect(buildPlan(config({ routes: [{ path: '/e', methods: ['GET'], integration: { type: 'lambda', arn } }] })).nodes.find((n) => n.kind === 'lambda-permission')?.spec).toEqual(permissions[0]!.spec);
  });

  it('has no pool when every route is public, and no domain without the hosted UI', () => {
    expect(buildPlan(config({ routes: [{ path: '/p', methods: ['GET'], public: true }] })).nodes.some((n) => n.kind === 'user-pool')).toBe(false);
    expect(buildPlan(config({ hostedUi: { enabled: false } })).nodes.some((n) => n.kind === 'user-pool-domain')).toBe(false);
  });

  it('gives an ANY route its own open OPTIONS preflight (an explicit OPTIONS takes precedence over ANY)', () => {
    const plan = buildPlan(config({ routes: [{ path: '/things', methods: ['ANY'] }] }));
    const cors = plan.nodes.find((n) => n.id === 'cors:/things')!;
    expect(cors.kind).toBe('cors-preflight');
    expect(cors.kind === 'cors-preflight' && cors.spec.allowMethods).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
    expect(plan.nodes.find((n) => n.id === 'deployment')!.deps).toContain('cors:/things');
  });
});

describe('buildPlan: custom scopes (issue 19)', () => {
  it('defines each custom scope with a resource server before any client names it, and adds a machine client and the domain', () => {
    const plan = buildPlan(config({ routes: [{ path: '/orders', methods: ['GET'] }], authorizer: { scopes: ['orders/read', 'orders/write', 'https://api.example.com/admin', 'openid'] }, hostedUi: { enabled: false } }));
    const rs = plan.nodes.filter((n) => n.kind === 'resource-server');
    expect(rs.map((n) => [n.id, n.spec])).toEqual([
      ['resource-server:orders', { identifier: 'orders', name: 'orders by secure-api secure-api', scopes: ['read', 'write'] }],
      ['resource-server:https://api.example.com', { identifier: 'https://api.example.com', name: 'https---api.example.com by secure-api secure-api', scopes: ['admin'] }],
    ]);
    expect(rs.every((n) => n.deps.includes('pool') && n.parent === 'pool')).toBe(true);
    const machine = plan.nodes.find((n) => n.id === 'machine-client')!;
    expect(machine.deps).toEqual(['pool', 'resource-server:orders', 'resource-server:https://api.example.com']);
    expect(machine.kind === 'user-pool-client' && machine.spec).toEqual({
      name: 'secure-api-client-machine', generateSecret: true, authFlows: ['ALLOW_REFRESH_TOKEN_AUTH'], supportedIdentityProviders: ['COGNITO'],
      oauth: { callbackUrls: [], logoutUrls: [], scopes: ['orders/read', 'orders/write', 'https://api.example.com/admin'], flows: ['client_credentials'] },
    });
    // The token endpoint lives on the domain, so it is made even with the hosted UI off.
    expect(plan.nodes.some((n) => n.kind === 'user-pool-domain')).toBe(true);
  });

  it('makes the hosted UI client, which names the custom scopes too, wait for their resource servers', () => {
    const plan = buildPlan(config({ authorizer: { scopes: ['orders/read'] } }));
    expect(plan.nodes.find((n) => n.id === 'client')!.deps).toContain('resource-server:orders');
  });

  it('no machine client with --no-machine-client, nor without custom scopes; no resource server for standard scopes', () => {
    const off = buildPlan(config({ authorizer: { scopes: ['orders/read'], machineClient: false }, hostedUi: { enabled: false } }));
    expect(off.nodes.map((n) => n.id)).toContain('resource-server:orders');
    expect(off.nodes.some((n) => n.id === 'machine-client' || n.kind === 'user-pool-domain')).toBe(false);
    const std = buildPlan(config({ authorizer: { scopes: ['aws.cognito.signin.user.admin'] } }));
    expect(std.nodes.some((n) => n.kind === 'resource-server' || n.id === 'machine-client')).toBe(false);
  });

  it('adds only its own resource server to an existing pool', () => {
    const plan = buildPlan(config({ existingPool: { id: 'us-east-1_AbC123', domain: false }, authorizer: { scopes: ['orders/read'] }, hostedUi: { enabled: false } }));
    expect(plan.nodes.filter((n) => n.parent === 'pool').map((n) => n.id)).toEqual(['resource-server:orders', 'machine-client', 'client']);
  });
});

describe('buildPlan: our client on an existing pool (issue 25.7)', () => {
  const client = (input: Record<string, unknown>) => {
    const n = buildPlan(config({ existingPool: { id: 'us-east-1_AbC123' }, ...input })).nodes.find((x) => x.id === 'client')!;
    return n.kind === 'user-pool-client' ? n.spec.oauth : 'not ours';
  };
  it('gets no loopback callback on their pool by default: no OAuth at all with only the default localhost callback', () => {
    expect(client({})).toBeUndefined();
  });
  it('keeps the callback URLs that are not loopback, and loopback ones only with existingPool.localCallback', () => {
    expect(client({ hostedUi: { callbackUrls: ['https://app.example.com/cb', 'http://localhost:3000/cb'], logoutUrls: ['http://localhost:8765/'] } }))
      .toMatchObject({ callbackUrls: ['https://app.example.com/cb'], logoutUrls: [] });
    expect(client({ existingPool: { id: 'us-east-1_AbC123', localCallback: true } })).toMatchObject({ callbackUrls: ['http://localhost:8765/callback'] });
  });
  it('adds a hosted UI domain to their pool only for a client with OAuth (or a machine client), never for one without', () => {
    // existingPool.domain: the pool has none (withExisting sets it from the pool).
    const domain = (input: Record<string, unknown>) => buildPlan(config({ existingPool: { id: 'us-east-1_AbC123', domain: true }, ...input })).nodes.some((n) => n.kind === 'user-pool-domain');
    expect(domain({})).toBe(false);
    expect(domain({ hostedUi: { callbackUrls: ['https://app.example.com/cb'] } })).toBe(true);
    expect(domain({ existingPool: { id: 'us-east-1_AbC123', domain: true, localCallback: true } })).toBe(true);
    expect(domain({ existingPool: { id: 'us-east-1_AbC123', domain: false }, hostedUi: { callbackUrls: ['https://app.example.com/cb'] } })).toBe(false);
    expect(domain({ authorizer: { scopes: ['orders/read'] } })).toBe(true);
  });
});
