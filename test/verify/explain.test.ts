import { describe, expect, it } from 'vitest';
import { cognitoIssuer, explainAnswer, explainRejection } from '../../src/verify/explain.js';
import { decodeJwt, forgeLike } from '../../src/verify/jwt.js';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string => `${b64({ alg: 'RS256', kid: 'k1' })}.${b64(claims)}.c2ln`;
const issuer = cognitoIssuer('eu-west-1', 'eu-west-1_abc');
const now = Date.parse('2025-01-01T00:00:00Z');
const fresh = { iss: issuer, exp: now / 1000 + 600, aud: 'client1' };

describe('explainRejection', () => {
  it('names an access token sent where the id token is wanted', () => {
    const causes = explainRejection({ sent: jwt({ ...fresh, token_use: 'access' }), expectedIssuer: issuer, clientId: 'client1', nowMs: now });
    expect(causes[0]).toMatch(/access token/);
    expect(causes.at(-1)).toMatch(/deploy again/);
  });

  it('names an expired token, a wrong pool and a Bearer prefix', () => {
    const sent = `Bearer ${jwt({ token_use: 'id', iss: cognitoIssuer('us-east-1', 'us-east-1_other'), exp: now / 1000 - 5, aud: 'client1' })}`;
    const text = explainRejection({ sent, expectedIssuer: issuer, clientId: 'client1', nowMs: now }).join('\n');
    expect(text).toMatch(/Bearer/);
    expect(text).toMatch(/expired at 2024-12-31T23:59:55/);
    expect(text).toMatch(/another user pool or region/);
  });

  it('wants an access token with the scope when the method has scopes', () => {
    expect(explainRejection({ sent: jwt({ ...fresh, token_use: 'id' }), methodScopes: ['api/read'], nowMs: now })[0]).toMatch(/access token holding one/);
    expect(explainRejection({ sent: jwt({ ...fresh, token_use: 'access', scope: 'aws.cognito.signin.user.admin' }), methodScopes: ['api/read'], nowMs: now })[0])
      .toMatch(/holds aws.cognito.signin.user.admin, but the method requires one of api\/read/);
  });

  it('says when the header is not a JWT, without echoing it', () => {
    const causes = explainRejection({ sent: 'garbage-value', nowMs: now });
    expect(causes).toHaveLength(1);
    expect(causes.join()).not.toContain('garbage-value');
  });
});

describe('forgeLike', () => {
  it('keeps header kid and claims, with a different signature', async () => {
    const real = jwt({ ...fresh, token_use: 'id', sub: 'u1' });
    const forged = await forgeLike(real, now);
    const d = decodeJwt(forged);
    expect(d?.header.kid).toBe('k1');
    expect(d?.claims.sub).toBe('u1');
    expect(d?.claims.exp).toBe(now / 1000 + 3600);
    expect(forged.split('.')[2]).not.toBe('c2ln');
  });
});

describe('explainAnswer: a 500/502 or a 504 from the stack\'s own function points at `secure-api logs`', () => {
  const ctx = (integration: string) => ({ stackArgs: ' --stack shop --state s3://b/p --profile ci', integrationOf: () => integration, live: true });
  it.each([['integration-failed'], ['unavailable']] as const)('%s: the logs command, with the flags that reach the stack', (kind) => {
    expect(explainAnswer(kind, '/items', ctx('sample-lambda')).action).toContain('`secure-api logs --stack shop --state s3://b/p --profile ci --since 15m`');
    // A function of yours logs to its own group: secure-api does not read it.
    expect(explainAnswer(kind, '/items', ctx('lambda')).action).not.toContain('secure-api logs');
    expect(explainAnswer(kind, '/items', ctx('http')).action).not.toContain('secure-api logs');
  });
});
