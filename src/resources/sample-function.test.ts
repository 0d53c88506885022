import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { SAMPLE_FILE, SAMPLE_FUNCTION_SOURCE, buildSampleFunctionZip } from './sample-function.js';

interface ProxyResult { statusCode: number; headers: Record<string, string>; body: string }
type Handler = (event: unknown) => Promise<ProxyResult>;

async function loadHandler(): Promise<Handler> {
  const files = unzipSync(buildSampleFunctionZip());
  const source = strFromU8(files[SAMPLE_FILE] ?? new Uint8Array());
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`)) as { handler: Handler };
  return mod.handler;
}

describe('sample function', () => {
  it('zips exactly index.mjs, byte-identical between builds', () => {
    const files = unzipSync(buildSampleFunctionZip());
    expect(Object.keys(files)).toEqual(['index.mjs']);
    expect(strFromU8(files['index.mjs'] ?? new Uint8Array())).toBe(SAMPLE_FUNCTION_SOURCE);
    expect(buildSampleFunctionZip()).toEqual(buildSampleFunctionZip());
  });

  it('echoes the method, path and Cognito claims with CORS headers', async () => {
    const handler = await loadHandler();
    const res = await handler({
      httpMethod: 'GET', path: '/items',
      requestContext: { authorizer: { claims: { sub: 'u-1', email: 'a@example.com', 'cognito:username': 'alice', other: 'x' } } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual({ 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    expect(JSON.parse(res.body)).toEqual({
      message: 'Hello from secure-api', method: 'GET', path: '/items',
      claims: { sub: 'u-1', email: 'a@example.com', 'cognito:username': 'alice', 'cognito:groups': [] },
    });
  });

  it('answers nulls when there is no authorizer, and honours CORS_ORIGIN', async () => {
    const handler = await loadHandler();
    process.env.CORS_ORIGIN = 'https://app.example.com';
    try {
      const res = await handler({ httpMethod: 'POST', path: '/open', requestContext: {} });
      expect(res.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
      expect(JSON.parse(res.body)).toMatchObject({ claims: { sub: null, email: null, 'cognito:username': null } });
    } finally {
      delete process.env.CORS_ORIGIN;
    }
  });
});

describe('sample function: route groups (the enforcer the Cognito authorizer is not)', () => {
  const restricted = JSON.stringify({ 'GET /admin': ['admins', 'ops'], 'ANY /ops/{id}': ['ops'] });
  async function call(event: Record<string, unknown>, groups = restricted): Promise<ProxyResult> {
    const handler = await loadHandler();
    process.env.SECURE_API_ROUTE_GROUPS = groups;
    try {
      return await handler(event);
    } finally {
      delete process.env.SECURE_API_ROUTE_GROUPS;
    }
  }
  const at = (method: string, resource: string, groupsClaim?: unknown) => ({
    httpMethod: method, path: resource, resource,
    requestContext: { authorizer: { claims: { sub: 'u-1', ...(groupsClaim !== undefined ? { 'cognito:groups': groupsClaim } : {}) } } },
  });

  it('answers 403 {"message":"Forbidden"} to a caller in none of the route\'s groups, or in no group', async () => {
    for (const claim of [undefined, '', 'readers', 'readers,viewers', '[readers viewers]', 'admins-not', 'super-admins']) {
      const res = await call(at('GET', '/admin', claim));
      expect(res.statusCode, String(claim)).toBe(403);
      expect(JSON.parse(res.body)).toEqual({ message: 'Forbidden' });
      expect(res.headers['Access-Control-Allow-Origin']).toBe('*');
    }
  });

  it('lets a member in, whatever form the REST or HTTP API gives the claim ("a,b", "[a b]", "[a, b]", a list)', async () => {
    for (const claim of ['admins', 'readers,admins', 'ops', '[readers ops]', '[readers, admins]', ['readers', 'admins']]) {
      const res = await call(at('GET', '/admin', claim));
      expect(res.statusCode, JSON.stringify(claim)).toBe(200);
    }
    expect(JSON.parse((await call(at('GET', '/admin', 'readers,admins'))).body).claims['cognito:groups']).toEqual(['readers', 'admins']);
  });

  it('an ANY route is restricted for every method; a route not listed, and another method of a listed path, stay open', async () => {
    expect((await call(at('DELETE', '/ops/{id}', 'admins'))).statusCode).toBe(403);
    expect((await call(at('POST', '/ops/{id}', 'ops'))).statusCode).toBe(200);
    expect((await call(at('GET', '/items', undefined))).statusCode).toBe(200);
    expect((await call(at('POST', '/admin', undefined))).statusCode).toBe(200);
  });

  it('a list it cannot read refuses every call (500), never lets one through', async () => {
    const res = await call(at('GET', '/items', 'admins'), '{not json');
    expect(res.statusCode).toBe(500);
  });
});
