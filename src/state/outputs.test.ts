import { describe, expect, it } from 'vitest';
import { invokeBaseUrl, stackOutputs } from './outputs.js';
import { STATE_VERSION, type StateFile } from './schema.js';

const state = (extra: Partial<StateFile> = {}): StateFile => ({
  version: STATE_VERSION, stateId: 'test-state-id', stack: 'demo', region: 'eu-west-1', account: '111122223333', createdAt: 'x', updatedAt: 'x', complete: true,
  config: { routes: [{ path: '/items', methods: ['GET', 'POST'] }, { path: '/health', methods: ['GET'], public: true }], stage: { name: 'dev' }, hostedUi: { callbackUrls: ['http://localhost:8765/callback'], scopes: ['openid'] } },
  nodes: {
    api: { kind: 'rest-api', status: 'created', out: { apiId: 'abc123defg', rootResourceId: 'r' }, label: '', deps: [], updatedAt: 'x' },
    pool: { kind: 'user-pool', status: 'created', out: { userPoolId: 'eu-west-1_AbC', userPoolArn: 'arn' }, label: '', deps: [], updatedAt: 'x' },
    client: { kind: 'user-pool-client', status: 'created', out: { clientId: 'cid' }, label: '', deps: [], updatedAt: 'x' },
    domain: { kind: 'user-pool-domain', status: 'created', out: { domain: 'demo-login' }, label: '', deps: [], updatedAt: 'x' },
    deployment: { kind: 'deployment', status: 'created', out: { deploymentId: 'd', stageName: 'dev' }, label: '', deps: [], updatedAt: 'x' },
  },
  ...extra,
});

describe('stack outputs', () => {
  it('gives AWS invoke URLs per route, the hosted UI login URL and the JWKS URL', () => {
    const o = stackOutputs(state(), '/s.json');
    expect(o.invokeUrl).toBe('https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev');
    expect(o.routes).toEqual([
      { method: 'GET', path: '/items', url: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev/items', secured: true },
      { method: 'POST', path: '/items', url: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev/items', secured: true },
      { method: 'GET', path: '/health', url: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev/health', secured: false },
    ]);
    expect(o.hostedUiUrl).toBe('https://demo-login.auth.eu-west-1.amazoncognito.com/login?client_id=cid&response_type=code&scope=openid&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback');
    expect(o.jwksUrl).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json');
  });

  it("follows LocalStack's form with a custom endpoint", () => {
    expect(invokeBaseUrl({ region: 'us-east-1', endpointUrl: 'http://localhost:4566/' }, 'abc', 'dev')).toBe('http://localhost:4566/restapis/abc/dev/_user_request_');
    expect(stackOutputs(state({ endpointUrl: 'http://localhost:4566' }), '/s.json').routes[0]!.url).toBe('http://localhost:4566/restapis/abc123defg/dev/_user_request_/items');
  });

  it('builds the issuer, JWKS, hosted UI and invoke URLs per partition (China answers under .com.cn, GovCloud on auth-fips)', () => {
    const cn = stackOutputs(state({ region: 'cn-north-1' }), '/s.json');
    expect(cn.invokeUrl).toBe('https://abc123defg.execute-api.cn-north-1.amazonaws.com.cn/dev');
    expect(cn.issuer).toBe('https://cognito-idp.cn-north-1.amazonaws.com.cn/eu-west-1_AbC');
    expect(cn.jwksUrl).toBe('https://cognito-idp.cn-north-1.amazonaws.com.cn/eu-west-1_AbC/.well-known/jwks.json');
    expect(cn.hostedUiUrl).toMatch(/^https:\/\/demo-login\.auth\.cn-north-1\.amazoncognito\.com\.cn\/login\?/);
    const gov = stackOutputs(state({ region: 'us-gov-west-1' }), '/s.json');
    expect(gov.hostedUiUrl).toMatch(/^https:\/\/demo-login\.auth-fips\.us-gov-west-1\.amazoncognito\.com\/login\?/);
    expect(gov.issuer).toBe('https://cognito-idp.us-gov-west-1.amazonaws.com/eu-west-1_AbC');
  });
});
