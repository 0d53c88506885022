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
      claims: { sub: 'u-1', email: 'a@example.com', 'cognito:username': 'alice' },
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
