import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { buildPlan } from '../plan/build.js';
import { checkGroupName, groupNamesOf, routeGroupsOf } from './groups.js';
import { resolveConfig } from './resolve.js';

const cfg = (input: Record<string, unknown>) => resolveConfig(input, { defaultRegion: 'us-east-1', suffix: () => 'abc123' });
function refusal(input: Record<string, unknown>): UsageError {
  try {
    cfg(input);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe('group names (API_CreateGroup: 1..128 of [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+)', () => {
  it('takes what Cognito takes, and refuses the rest before any call', () => {
    for (const ok of ['admins', 'ops-team', 'Équipe_1', 'a.b@c', 'x'.repeat(128)]) expect(checkGroupName(ok), ok).toBeUndefined();
    for (const bad of ['', 'two words', 'x'.repeat(129), 'tab\there']) expect(checkGroupName(bad), bad).toBeDefined();
  });
  it('refuses "," "[" "]": the REST API hands cognito:groups over as one comma-separated string', () => {
    for (const bad of ['a,b', '[a]', 'a]']) expect(checkGroupName(bad), bad).toMatch(/comma-separated/);
  });
});

describe('routes restricted to groups', () => {
  it('a sample-lambda route may name groups; the function gets them per method, the pool one group node each', () => {
    const c = cfg({ stack: 'demo', routes: [{ path: '/items', methods: ['GET'] }, { path: '/admin', methods: ['GET', 'DELETE'], groups: ['admins', 'ops'] }, { path: '/ops/{id}', methods: ['ANY'], groups: ['ops'] }] });
    expect(routeGroupsOf(c.routes)).toEqual({ 'GET /admin': ['admins', 'ops'], 'DELETE /admin': ['admins', 'ops'], 'ANY /ops/{id}': ['ops'] });
    expect(groupNamesOf(c.routes)).toEqual(['admins', 'ops']);
    const nodes = buildPlan(c).nodes;
    expect(nodes.filter((n) => n.kind === 'user-pool-group').map((n) => [n.id, n.deps, n.parent])).toEqual([['group:admins', ['pool'], 'pool'], ['group:ops', ['pool'], 'pool']]);
    const fn = nodes.find((n) => n.kind === 'lambda-function');
    expect(fn?.kind === 'lambda-function' && fn.spec.routeGroups).toEqual(routeGroupsOf(c.routes));
  });

  it('no groups: no group node and no routeGroups on the function (an existing stack\'s spec is unchanged)', () => {
    const nodes = buildPlan(cfg({ stack: 'demo' })).nodes;
    expect(nodes.some((n) => n.kind === 'user-pool-group')).toBe(false);
    const fn = nodes.find((n) => n.kind === 'lambda-function');
    expect(fn && 'routeGroups' in fn.spec).toBe(false);
  });

  it('on an existing pool the group nodes hang on it too', () => {
    const nodes = buildPlan(cfg({ stack: 'demo', existingPool: { id: 'us-east-1_AbC123' }, routes: [{ path: '/admin', methods: ['GET'], groups: ['admins'] }] })).nodes;
    expect(nodes.find((n) => n.kind === 'user-pool-group')).toMatchObject({ id: 'group:admins', deps: ['pool'] });
  });

  it('refused, with why and what to do, on a route whose integration cannot enforce them (lambda, http, mock) or a public one', () => {
    for (const integration of [{ type: 'lambda', arn: 'arn:aws:lambda:us-east-1:123456789012:function:mine' }, { type: 'http', url: 'https://example.com' }, { type: 'mock' }]) {
      const e = refusal({ routes: [{ path: '/admin', methods: ['GET'], integration, groups: ['admins'] }] });
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(new RegExp(`${integration.type} integration\\) cannot be restricted to groups`));
      expect(e.message).toMatch(/Cognito authorizer checks the token, not group membership/);
      expect(e.message).toMatch(/--authorizer-scopes|cognito:groups claim/);
    }
    expect(refusal({ routes: [{ path: '/admin', methods: ['GET'], public: true, groups: ['admins'] }] }).message).toMatch(/public and restricted to groups/);
    expect(refusal({ routes: [{ path: '/admin', methods: ['GET'], groups: [] }] }).message).toMatch(/at least one group/);
    expect(refusal({ routes: [{ path: '/admin', methods: ['GET'], groups: ['a,b'] }] }).message).toMatch(/comma-separated/);
  });
});

describe('routes restricted to groups on your own API', () => {
  it('refused (exit 2): your methods keep their integrations, and nothing there checks cognito:groups', () => {
    const e = refusal({ existingApi: { id: 'a1b2c3d4e5' }, routes: [{ path: '/orders', methods: ['GET'], groups: ['admins'] }] });
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/routes of your API \(--api-id\) cannot be restricted to groups \(GET \/orders\)/);
    expect(e.hint).toMatch(/cognito:groups claim/);
  });
});
