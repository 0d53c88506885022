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
