import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { addRoute, applyRouteGroups, keepRecordedIntegrations, parseIntegrationFlag, removeRoute, type RecordedRoute } from './routes-edit.js';
import type { HttpMethod } from './validators.js';

const HOME = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
const ROUTES: RecordedRoute[] = [
  { path: '/items', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' }, public: false },
  { path: '/health', methods: ['GET'], integration: { type: 'mock' }, public: true },
];

const usage = (f: () => unknown): string => {
  try { f(); } catch (err) { expect(err).toBeInstanceOf(UsageError); return (err as Error).message; }
  throw new Error('expected a UsageError');
};

describe('--integration', () => {
  it('takes each kind, in any case', () => {
    expect(parseIntegrationFlag('lambda', HOME)).toEqual({ type: 'sample-lambda' });
    expect(parseIntegrationFlag('LAMBDA', HOME)).toEqual({ type: 'sample-lambda' });
    expect(parseIntegrationFlag('Mock', HOME)).toEqual({ type: 'mock' });
    expect(parseIntegrationFlag('http:https://example.com/items', HOME)).toEqual({ type: 'http', url: 'https://example.com/items' });
    expect(parseIntegrationFlag('function:orders-fn', HOME)).toEqual({ type: 'lambda', arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-fn' });
    expect(parseIntegrationFlag('function:arn:aws:lambda:us-east-2:210987654321:function:other', HOME)).toEqual({ type: 'lambda', arn: 'arn:aws:lambda:us-east-2:210987654321:function:other' });
    expect(parseIntegrationFlag('function:x', { ...HOME, partition: 'aws-cn', region: 'cn-north-1' })).toEqual({ type: 'lambda', arn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:x' });
  });

  it('refuses what is none of them, saying how to write it', () => {
    expect(usage(() => parseIntegrationFlag('lamda', HOME))).toContain('not one of lambda, function:NAME_OR_ARN, http:URL, mock');
    expect(usage(() => parseIntegrationFlag('https://example.com', HOME))).toContain('http:https://example.com');
    expect(usage(() => parseIntegrationFlag('http:ftp://example.com', HOME))).toContain('must use http or https');
    expect(usage(() => parseIntegrationFlag('function:bad name', HOME))).toContain('not a Lambda function name');
    expect(usage(() => parseIntegrationFlag('function:arn:aws:s3:::bucket', HOME))).toContain('not a Lambda function ARN');
  });
});

describe('routes add', () => {
  it('adds a route and leaves every other one as recorded', () => {
    const out = addRoute(ROUTES, 'GET /items/{id}', { public: false, integration: { type: 'sample-lambda' } });
    expect(out.slice(0, 2)).toEqual(ROUTES);
    expect(out[2]).toEqual({ path: '/items/{id}', methods: ['GET'], integration: { type: 'sample-lambda' }, public: false });
    expect(ROUTES[0]!.methods).toEqual(['GET', 'POST']);
  });

  it('joins a method to the entry of the same path, protection and integration; else a new entry', () => {
    expect(addRoute(ROUTES, 'DELETE /items', { public: false, integration: { type: 'sample-lambda' } })).toEqual([
      { ...ROUTES[0], methods: ['GET', 'POST', 'DELETE'] }, ROUTES[1],
    ]);
    const pub = addRoute(ROUTES, 'DELETE /items', { public: true, integration: { type: 'sample-lambda' } });
    expect(pub).toHaveLength(3);
    expect(pub[2]).toMatchObject({ path: '/items', methods: ['DELETE'], public: true });
    const other = addRoute(ROUTES, 'HEAD /health', { public: true, integration: { type: 'http', url: 'https://example.com' } });
    expect(other[1]).toEqual(ROUTES[1]);
    expect(other[2]).toEqual({ path: '/health', methods: ['HEAD'], public: true, integration: { type: 'http', url: 'https://example.com' } });
  });

  it('refuses a method the path has already, and a malformed route', () => {
    expect(usage(() => addRoute(ROUTES, 'GET,PUT /items', { public: false, integration: { type: 'sample-lambda' } }))).toBe('route GET /items exists already');
    expect(usage(() => addRoute(ROUTES, 'FETCH /x', { public: false, integration: { type: 'mock' } }))).toContain('method "FETCH"');
    expect(usage(() => addRoute(ROUTES, '/x', { public: false, integration: { type: 'mock' } }))).toContain('must be METHODS PATH');
  });
});

describe('routes remove', () => {
  it('removes the methods named, and an entry left with none', () => {
    expect(removeRoute(ROUTES, 'POST /items')).toEqual([{ ...ROUTES[0], methods: ['GET'] }, ROUTES[1]]);
    expect(removeRoute(ROUTES, 'GET /health')).toEqual([ROUTES[0]]);
    expect(removeRoute(ROUTES, 'get,post /items')).toEqual([ROUTES[1]]);
  });

  it('refuses a route that is not recorded, naming those that are, and the last route', () => {
    expect(usage(() => removeRoute(ROUTES, 'DELETE /items'))).toBe('no route DELETE /items in this stack');
    expect(usage(() => removeRoute(ROUTES, 'GET /nope'))).toBe('no route GET /nope in this stack');
    expect(usage(() => removeRoute([ROUTES[1]!], 'GET /health'))).toContain('last route');
  });
});

describe('--route repeats keep the recorded integration', () => {
  it('a route without an integration takes the one recorded for its path and method; new ones take none', () => {
    expect(keepRecordedIntegrations([
      { path: '/health', methods: ['GET'], public: true },
      { path: '/items', methods: ['GET', 'POST', 'PUT'] },
      { path: '/new', methods: ['GET'] },
    ], ROUTES)).toEqual([
      { path: '/health', methods: ['GET'], public: true, integration: { type: 'mock' } },
      { path: '/items', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' } },
      { path: '/items', methods: ['PUT'] },
      { path: '/new', methods: ['GET'] },
    ]);
  });

  it('splits a route whose methods were answered by different integrations, and keeps one given explicitly', () => {
    const recorded: RecordedRoute[] = [
      { path: '/a', methods: ['GET'], integration: { type: 'mock' } },
      { path: '/a', methods: ['POST'], integration: { type: 'http', url: 'https://example.com' } },
    ];
    expect(keepRecordedIntegrations([{ path: '/a', methods: ['GET', 'POST'] }], recorded)).toEqual(recorded);
    expect(keepRecordedIntegrations([{ path: '/a', methods: ['GET'], integration: { type: 'sample-lambda' } }], recorded))
      .toEqual([{ path: '/a', methods: ['GET'], integration: { type: 'sample-lambda' } }]);
  });
});

describe('routes restricted to groups (--route-group, routes add --group)', () => {
  const items = { path: '/items', methods: ['GET', 'POST'] as HttpMethod[] };
  it('--route-group restricts the methods named, split off their route; a route not in the list is refused', () => {
    expect(applyRouteGroups([items], ['POST /items=admins,ops'])).toEqual([{ path: '/items', methods: ['GET'] }, { path: '/items', methods: ['POST'], groups: ['admins', 'ops'] }]);
    expect(applyRouteGroups([items], ['GET,POST /items=admins'])).toEqual([{ ...items, groups: ['admins'] }]);
    expect(() => applyRouteGroups([items], ['DELETE /items=admins'])).toThrow(/no route DELETE \/items to restrict/);
    expect(() => applyRouteGroups([items], ['GET /items'])).toThrow(/METHODS \/path=GROUP/);
    expect(() => applyRouteGroups([items], ['GET /items='])).toThrow(/names no group/);
  });
  it('a recorded restricted route repeated by --route without --route-group keeps its groups (never opened by leaving a flag out)', () => {
    const recorded = [{ path: '/admin', methods: ['GET', 'DELETE'] as HttpMethod[], groups: ['admins'] }];
    expect(keepRecordedIntegrations([{ path: '/admin', methods: ['GET', 'DELETE'] }], recorded)).toEqual([{ path: '/admin', methods: ['GET', 'DELETE'], groups: ['admins'] }]);
    // Named again with groups: those win. Made public: no groups.
    expect(keepRecordedIntegrations([{ path: '/admin', methods: ['GET'], groups: ['ops'] }], recorded)).toEqual([{ path: '/admin', methods: ['GET'], groups: ['ops'] }]);
    expect(keepRecordedIntegrations([{ path: '/admin', methods: ['GET'], public: true }], recorded)).toEqual([{ path: '/admin', methods: ['GET'], public: true }]);
  });
  it('routes add --group adds the route restricted; it joins an entry only with the same groups', () => {
    const sample = { type: 'sample-lambda' as const };
    const out = addRoute([{ ...items, integration: sample }], 'DELETE /items', { public: false, integration: sample, groups: ['admins'] });
    expect(out).toEqual([{ ...items, integration: sample }, { path: '/items', methods: ['DELETE'], integration: sample, public: false, groups: ['admins'] }]);
    expect(addRoute(out, 'PUT /items', { public: false, integration: sample, groups: ['admins'] })[1]?.methods).toEqual(['DELETE', 'PUT']);
  });
});
