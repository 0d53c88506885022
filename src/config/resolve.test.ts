import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { flagsToConfig, overlayFlags, parseRouteFlag } from './flags.js';
import { defaultDomainPrefix, derivedSuffix, randomSuffix, resolveConfig, stateNameSuffix } from './resolve.js';
import { checkDomainPrefix } from './validators.js';

const opts = { defaultRegion: 'eu-west-1', suffix: () => 'abc123' };

describe('resolveConfig', () => {
  it('ends the default role and function names with part of the state id (names IAM and Lambda keep unique), and keeps recorded or given names', () => {
    const suffix = stateNameSuffix('3F9A1C2B-0000-4000-8000-000000000000');
    expect(suffix).toBe('3f9a1c');
    const c = resolveConfig({ stack: 'shop' }, { ...opts, nameSuffix: suffix });
    expect(c.function).toMatchObject({ name: 'shop-fn-3f9a1c', roleName: 'shop-fn-role-3f9a1c' });
    // API and pool names are not unique in AWS: they stay readable.
    expect([c.api.name, c.userPool.name]).toEqual(['shop-api', 'shop-users']);
    expect(resolveConfig({ stack: 'shop', function: { roleName: 'mine' } }, { ...opts, nameSuffix: suffix }).function.roleName).toBe('mine');
    const recorded = resolveConfig({ stack: 'shop' }, { ...opts, nameSuffix: suffix, existingNames: { functionName: 'shop-fn', roleName: 'shop-fn-role' } });
    expect(recorded.function).toMatchObject({ name: 'shop-fn', roleName: 'shop-fn-role' });
  });

  it('fills every default, with names derived from the stack', () => {
    const c = resolveConfig({}, opts);
    expect(c.stack).toBe('secure-api');
    expect(c.region).toBe('eu-west-1');
    expect(c.api).toEqual({ name: 'secure-api-api', description: expect.any(String), endpointType: 'REGIONAL' });
    expect(c.function).toMatchObject({ name: 'secure-api-fn', roleName: 'secure-api-fn-role', runtime: 'nodejs22.x', memoryMb: 128, timeoutSeconds: 10 });
    expect(c.userPool.name).toBe('secure-api-users');
    expect(c.userPool.passwordPolicy).toMatchObject({ minLength: 8, requireNumbers: true, requireSymbols: true, requireUppercase: true, requireLowercase: true });
    expect(c.userPool.mfa.mode).toBe('OFF');
    expect(c.userPool.email).toEqual({ type: 'COGNITO_DEFAULT' });
    expect(c.hostedUi).toMatchObject({ enabled: true, domainPrefix: 'secure-api-abc123', callbackUrls: ['http://localhost:8765/callback'], scopes: ['openid', 'email', 'profile'] });
    expect(c.appClient).toMatchObject({ name: 'secure-api-client', type: 'public', authFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    expect(c.authorizer).toEqual({ name: 'Cognito-authorizer', identityHeader: 'Authorization', ttlSeconds: 300, scopes: [], machineClient: true });
    expect(c.stage.name).toBe('dev');
    expect(c.routes).toEqual([{ path: '/items', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' }, public: false }]);
  });

  it('derives a default domain prefix Cognito accepts whatever the salt: no suffix spells "aws", "amazon" or "cognito"', () => {
    // CreateUserPoolDomain refuses a prefix holding those words (checkDomainPrefix); with a and o among the suffix's
    // letters, about one salt in 8,700 gave a refused prefix (a CI run of 2026-12-02 met one in a temp directory).
    for (let i = 0; i < 20_000; i++) {
      const suffix = derivedSuffix('secure-api', `host\0/tmp/secure-api-test-${i}`);
      expect(suffix).toMatch(/^[b-df-hj-np-tv-z0-9]{6}$/);
      expect(checkDomainPrefix(defaultDomainPrefix('secure-api', suffix))).toBeUndefined();
    }
    for (let i = 0; i < 2_000; i++) expect(randomSuffix()).toMatch(/^[b-df-hj-np-tv-z0-9]{6}$/);
    expect(derivedSuffix('shop', 'same salt')).toBe(derivedSuffix('shop', 'same salt'));
  });

  it('starts the default prefix with "login-" when the stack name holds a word Cognito reserves, as the wizard suggests', () => {
    expect(resolveConfig({ stack: 'aws-demo' }, opts).hostedUi.domainPrefix).toBe('login-abc123');
    expect(resolveConfig({ stack: 'myamazon' }, opts).hostedUi.domainPrefix).toBe('login-abc123');
    // A prefix the user gives is theirs: refused, never rewritten.
    expect(() => resolveConfig({ stack: 'aws-demo', hostedUi: { domainPrefix: 'aws-demo-login' } }, opts)).toThrow(/may not contain "aws"/);
  });

  it('reuses the domain prefix recorded for the stack', () => {
    expect(resolveConfig({}, { ...opts, existingDomainPrefix: 'secure-api-zzz999' }).hostedUi.domainPrefix).toBe('secure-api-zzz999');
  });

  it.each([
    [{ stack: 'Bad_Name' }, /stack name "Bad_Name" must start with a lowercase letter/],
    [{ routes: [{ path: 'items', methods: ['GET'] }] }, /routes\[0\]\.path: path "items" must start with "\/"/],
    [{ routes: [{ path: '/items', methods: ['FETCH'] }] }, /routes\[0\]\.methods\[0\]/],
    [{ routes: [{ path: '/a/{id}/b/{id}', methods: ['GET'] }] }, /parameter \{id\} appears twice/],
    [{ routes: [{ path: '/a', methods: ['GET'] }, { path: '/a', methods: ['GET'] }] }, /route GET \/a is given twice/],
    [{ routes: [{ path: '/a/{x}', methods: ['GET'] }, { path: '/a/{y}', methods: ['PUT'] }] }, /different parameter names/],
    [{ userPool: { passwordPolicy: { minLength: 4 } } }, /password minimum length must be 6 to 99/],
    [{ hostedUi: { domainPrefix: 'my-aws-login' } }, /may not contain "aws"/],
    [{ region: 'mars-1' }, /region "mars-1" is not an AWS region/],
    [{ routes: [{ path: '/a', methods: ['GET'], integration: { type: 'lambda', arn: 'arn:aws:lambda:xx' } }] }, /not a Lambda function ARN/],
    [{ routes: [{ path: '/a', methods: ['GET'], integration: { type: 'http', url: 'ftp://x' } }] }, /must use http or https/],
    [{ userPool: { mfa: { mode: 'ON', totp: false, sms: false } } }, /needs totp or sms/],
    [{ nope: 1 }, /unknown key "nope"/],
    [{ hostedUi: { callbackUrls: ['http://example.com/cb'] } }, /must be https/],
    [{ function: { timeoutSeconds: 60 } }, /API Gateway waits at most 29 s/],
  ])('refuses %j', (input, message) => {
    expect(() => resolveConfig(input, opts)).toThrow(UsageError);
    expect(() => resolveConfig(input, opts)).toThrow(message);
  });
});

describe('route flags', () => {
  it('parses methods and a nested path with a parameter', () => {
    expect(parseRouteFlag('get,POST /items/{id}')).toEqual({ methods: ['GET', 'POST'], path: '/items/{id}' });
  });
  it.each(['GET', '/items', 'GET,GET /a', 'GET /a//b', 'TRACE /a'])('refuses %s', (v) => {
    expect(() => parseRouteFlag(v)).toThrow(UsageError);
  });
  it('overlays flags on the config file', () => {
    const input = overlayFlags({ stack: 'a', appClient: { name: 'x' } }, { stack: 'b', appClient: 'confidential', hostedUi: false, stage: 'prod', routes: ['GET /x'] });
    expect(input).toMatchObject({ stack: 'b', appClient: { name: 'x', type: 'confidential' }, hostedUi: { enabled: false }, stage: { name: 'prod' }, routes: [{ methods: ['GET'], path: '/x' }] });
  });
});

describe('unknown config keys', () => {
  it('suggests the key that was probably meant, at any depth', () => {
    expect(() => resolveConfig({ userPool: { selfSignup: true } }, opts)).toThrow(/userPool: unknown key "selfSignup" \(did you mean "selfSignUp"\?\)/);
    expect(() => resolveConfig({ hostedUi: { callbackUrl: ['http://localhost:1/cb'] } }, opts)).toThrow(/did you mean "callbackUrls"/);
    expect(() => resolveConfig({ routes: [{ path: '/a', methods: ['GET'], pubilc: true }] }, opts)).toThrow(/routes\[0\]: unknown key "pubilc" \(did you mean "public"\?\)/);
    expect(() => resolveConfig({ stak: 'x' }, opts)).toThrow(/\(top level\): unknown key "stak" \(did you mean "stack"\?\)/);
    // Nothing close: no guess.
    expect(() => resolveConfig({ zzzzzz: 1 }, opts)).toThrow(/unknown key "zzzzzz"$/m);
  });
});

describe('--route as people type it', () => {
  it('takes spaces after the commas', () => {
    expect(parseRouteFlag('GET, POST /items')).toEqual({ methods: ['GET', 'POST'], path: '/items' });
    expect(parseRouteFlag(' get ,post,  HEAD /items/{id} ')).toEqual({ methods: ['GET', 'POST', 'HEAD'], path: '/items/{id}' });
    expect(() => parseRouteFlag('GET POST /items')).toThrow(/method "GET POST" is not one of/);
  });
});

describe('flagsToConfig: a loopback --callback-url on your pool is asked for (issue 25.7)', () => {
  it('with --user-pool-id, a loopback callback sets existingPool.localCallback; an https one, or no pool, does not', () => {
    const lc = (opts: Record<string, unknown>) => (flagsToConfig(opts) as { existingPool?: { localCallback?: boolean } }).existingPool?.localCallback;
    expect(lc({ userPoolId: 'us-east-1_AbC123', callbackUrl: ['http://localhost:3000/cb'] })).toBe(true);
    expect(lc({ userPoolId: 'us-east-1_AbC123', callbackUrl: ['https://app.example.com/cb,https://127.0.0.1:9000/cb'] })).toBe(true);
    expect(lc({ userPoolId: 'us-east-1_AbC123', callbackUrl: ['https://app.example.com/cb'] })).toBeUndefined();
    expect(lc({ userPoolId: 'us-east-1_AbC123' })).toBeUndefined();
    expect(lc({ callbackUrl: ['http://localhost:3000/cb'] })).toBeUndefined();
  });
});
