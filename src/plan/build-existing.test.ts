import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { authPatch } from '../resources/secured-method.js';
import { buildPlan } from './build.js';

const config = (extra: Record<string, unknown>) => resolveConfig({
  stack: 'legacy', stage: { name: 'prod' }, routes: [{ path: '/orders', methods: ['GET', 'POST'], integration: { type: 'mock' } }],
  existingApi: { id: 'a1b2c3d4e5', secure: [{ path: '/orders', methods: ['GET', 'POST'] }], preflights: ['/orders'], gatewayResponses: ['DEFAULT_4XX'], reuseAuthorizer: false },
  ...extra,
}, { defaultRegion: 'us-east-1', suffix: () => 'abc123' });

describe('plans for what already exists', () => {
  it('an existing API: theirs adopted, ours on it, every change before the stage node on destroy, no Lambda', () => {
    const plan = buildPlan(config({}));
    const kinds = Object.fromEntries(plan.nodes.map((n) => [n.id, n.kind]));
    expect(kinds).toMatchObject({
      'api': 'existing-rest-api', 'stage': 'existing-stage', 'resource:/orders': 'existing-api-resource', 'authorizer': 'authorizer',
      'method:GET /orders': 'secured-method', 'method:POST /orders': 'secured-method', 'cors:/orders': 'cors-preflight',
      'gateway-response:DEFAULT_4XX': 'gateway-response', 'deployment': 'stage-redeploy', 'pool': 'user-pool', 'client': 'user-pool-client',
    });
    expect(plan.nodes.some((n) => n.kind === 'lambda-function' || n.kind === 'iam-role' || n.kind === 'api-method')).toBe(false);
    expect(kinds['gateway-response:DEFAULT_5XX']).toBeUndefined();
    // Destroy walks the edges backwards: the stage is put back only after every change that depends on it.
    for (const id of ['method:GET /orders', 'cors:/orders', 'gateway-response:DEFAULT_4XX', 'deployment']) {
      expect(plan.nodes.find((n) => n.id === id)!.deps, id).toContain('stage');
    }
  });

  it('an existing pool: adopted, our client in it, a domain only when asked (the pool had none); their client when named', () => {
    const ours = buildPlan(config({ existingPool: { id: 'us-east-1_AbC123', domain: false } }));
    expect(ours.nodes.filter((n) => ['pool', 'client', 'domain'].includes(n.id)).map((n) => n.kind)).toEqual(['existing-user-pool', 'user-pool-client']);
    const theirs = buildPlan(config({ existingPool: { id: 'us-east-1_AbC123', appClientId: 'abc123def', domain: true } }));
    expect(theirs.nodes.filter((n) => ['pool', 'client', 'domain'].includes(n.id)).map((n) => n.kind)).toEqual(['existing-user-pool', 'existing-user-pool-client', 'user-pool-domain']);
    // A new API on an existing pool keeps its own plan, with the pool adopted and the authorizer on it.
    const newApi = buildPlan(resolveConfig({ stack: 'fresh', existingPool: { id: 'us-east-1_AbC123', domain: false } }, { defaultRegion: 'us-east-1', suffix: () => 'x' }));
    expect(newApi.nodes.find((n) => n.id === 'api')!.kind).toBe('rest-api');
    expect(newApi.nodes.find((n) => n.id === 'pool')!.kind).toBe('existing-user-pool');
    expect(newApi.nodes.find((n) => n.id === 'authorizer')!.deps).toEqual(['api', 'pool']);
  });

  it('UpdateMethod operations: type and authorizer replaced, scopes added and removed one by one, and back again', () => {
    const before = { authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'old', authorizationScopes: ['read'] };
    const after = { authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'new', authorizationScopes: ['orders/write'] };
    expect(authPatch(before, after)).toEqual([
      { op: 'replace', path: '/authorizationType', value: 'COGNITO_USER_POOLS' }, { op: 'replace', path: '/authorizerId', value: 'new' },
      { op: 'remove', path: '/authorizationScopes', value: 'read' }, { op: 'add', path: '/authorizationScopes', value: 'orders/write' },
    ]);
    expect(authPatch(after, { authorizationType: 'NONE', authorizationScopes: [] })).toEqual([
      { op: 'replace', path: '/authorizationType', value: 'NONE' }, { op: 'remove', path: '/authorizationScopes', value: 'orders/write' },
    ]);
  });
});
