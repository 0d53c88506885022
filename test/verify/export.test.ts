import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCurlLines, buildPostmanCollection, buildPostmanEnvironment, clientSecretCommand, type ExportInput } from '../../src/verify/export.js';

const input: ExportInput = {
  stack: 'demo',
  baseUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev',
  routes: [{ path: '/items/{id}', methods: ['GET', 'POST'], public: false }, { path: '/health', methods: ['ANY'], public: true }],
  oauth: { hostedUiBaseUrl: 'https://demo-x1.auth.eu-west-1.amazoncognito.com', clientId: 'client123', scopes: ['openid', 'email'], callbackUrl: 'http://localhost:8765/callback' },
};

describe('Postman export', () => {
  const c = buildPostmanCollection(input);

  it('is a v2.1 collection with the folders the walkthrough uses', () => {
    expect(c.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(c.item.map((f) => f.name)).toEqual(['without token', 'with token', 'public', 'CORS preflight']);
    expect(c.item[0]?.item.map((i) => i.name)).toEqual(['GET /items/{id} without token', 'POST /items/{id} without token']);
  });

  it('sends the raw id token from the environment in "with token", and nothing in "without token"', () => {
    const withToken = c.item[1]?.item[0]?.request;
    expect(withToken?.header).toEqual([{ key: 'Authorization', value: '{{id_token}}' }]);
    expect(withToken?.auth).toEqual({ type: 'noauth' });
    expect(withToken?.url).toEqual({ raw: '{{base_url}}/items/:id', host: ['{{base_url}}'], path: ['items', ':id'], variable: [{ key: 'id', value: '1' }] });
    expect(c.item[0]?.item[0]?.request.header).toEqual([]);
    expect(c.item[0]?.item[0]?.event[0]?.script.exec.join('\n')).toContain('to.have.status(401)');
    expect(c.item[1]?.item[1]?.request.body).toEqual({ mode: 'raw', raw: '{}', options: { raw: { language: 'json' } } });
  });

  it('carries collection-level OAuth 2.0 (authorization code + PKCE on the hosted UI)', () => {
    const kv = Object.fromEntries((c.auth?.oauth2 ?? []).map((e) => [e.key, e.value]));
    expect(c.auth?.type).toBe('oauth2');
    expect(kv).toMatchObject({
      grant_type: 'authorization_code_with_pkce',
      authUrl: 'https://demo-x1.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
      accessTokenUrl: 'https://demo-x1.auth.eu-west-1.amazoncognito.com/oauth2/token',
      clientId: 'client123', scope: 'openid email', redirect_uri: 'http://localhost:8765/callback', challengeAlgorithm: 'S256',
    });
    expect(kv).not.toHaveProperty('clientSecret');
    expect(kv).not.toHaveProperty('accessToken');
  });

  it('has an environment with an empty id_token', () => {
    const env = buildPostmanEnvironment(input);
    expect(env.values).toEqual([
      { key: 'base_url', value: input.baseUrl, type: 'default', enabled: true },
      { key: 'id_token', value: '', type: 'secret', enabled: true },
    ]);
  });

  it('leaves preflights out on request, and OAuth out without a domain', () => {
    const bare = buildPostmanCollection({ ...input, oauth: undefined, preflight: false });
    expect(bare.item.map((f) => f.name)).toEqual(['without token', 'with token', 'public']);
    expect(bare.auth).toBeUndefined();
  });
});

describe('curl export', () => {
  it('has a line without and a line with the token per secured route and method', () => {
    expect(buildCurlLines(input)).toEqual([
      '#!/bin/sh',
      '# secure-api demo: curl calls for every route. Secured routes answer 401 without a token, 2xx with one.',
      '# ID_TOKEN="$(secure-api token --stack demo)"',
      ': "${ID_TOKEN:?set ID_TOKEN first: ID_TOKEN=\\"\\$(secure-api token --stack demo)\\" sh \\$0}"',
      "curl -sS -i -w '\\n' -X GET 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/items/1'   # expect 401",
      "curl -sS -i -w '\\n' -X GET -H \"Authorization: $ID_TOKEN\" 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/items/1'   # expect 2xx",
      "curl -sS -i -w '\\n' -X POST -H 'Content-Type: application/json' -d '{}' 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/items/1'   # expect 401",
      "curl -sS -i -w '\\n' -X POST -H 'Content-Type: application/json' -d '{}' -H \"Authorization: $ID_TOKEN\" 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/items/1'   # expect 2xx",
      "curl -sS -i -w '\\n' -X GET 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/health'   # public",
    ]);
  });
});

describe('the curl script run without ID_TOKEN', () => {
  /** Run the script with a curl that only records its arguments; returns the exit code, stderr and what curl got. */
  function runScript(lines: string[], env: Record<string, string>): { code: number; stderr: string; calls: string } {
    const dir = mkdtempSync(join(tmpdir(), 'curl-export-'));
    writeFileSync(join(dir, 'curl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${dir}/calls\n`, { mode: 0o755 });
    writeFileSync(join(dir, 'script.sh'), `${lines.join('\n')}\n`);
    const r = spawnSync('sh', [join(dir, 'script.sh')], { env: { PATH: `${dir}:${process.env.PATH ?? ''}`, ...env }, encoding: 'utf8' });
    return { code: r.status ?? -1, stderr: r.stderr, calls: existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : '' };
  }

  it('stops before its first call, saying how to set it (unset or empty), and runs every call once it is set', () => {
    for (const env of [{}, { ID_TOKEN: '' }] as Array<Record<string, string>>) {
      const r = runScript(buildCurlLines(input), env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('set ID_TOKEN first: ID_TOKEN="$(secure-api token --stack demo)"');
      expect(r.calls).toBe('');
    }
    const ok = runScript(buildCurlLines(input), { ID_TOKEN: 'eyJ.test.token' });
    expect(ok.code).toBe(0);
    expect(ok.calls.trim().split('\n')).toHaveLength(5);
    expect(ok.calls).toContain('Authorization: eyJ.test.token');
  });

  it('a stack of public routes only needs no token', () => {
    const pub = runScript(buildCurlLines({ ...input, routes: [{ path: '/health', methods: ['GET'], public: true }] }), {});
    expect(pub.code).toBe(0);
    expect(pub.calls.trim().split('\n')).toHaveLength(1);
  });
});

describe('Postman export for a confidential client', () => {
  const conf: ExportInput = { ...input, client: { clientId: 'client123', confidential: true, cognitoUrl: 'https://cognito-idp.eu-west-1.amazonaws.com' } };

  it('leaves the secret to a secret-typed environment variable, used by the OAuth 2.0 settings (HTTP Basic) and the sign-in', () => {
    const c = buildPostmanCollection(conf);
    const kv = Object.fromEntries((c.auth?.oauth2 ?? []).map((e) => [e.key, e.value]));
    expect(kv).toMatchObject({ clientSecret: '{{client_secret}}', client_authentication: 'header' });
    expect(c.item[0]?.name).toBe('sign in');
    const signIn = c.item[0]?.item[0];
    expect(signIn?.request.header).toContainEqual({ key: 'X-Amz-Target', value: 'AWSCognitoIdentityProviderService.InitiateAuth' });
    expect(signIn?.event.find((e) => e.listen === 'prerequest')?.script.exec.join('\n')).toContain("CryptoJS.HmacSHA256(username + pm.variables.get('client_id'), secret)");
    expect(c.variable).toContainEqual({ key: 'cognito_url', value: 'https://cognito-idp.eu-west-1.amazonaws.com' });
    const env = buildPostmanEnvironment(conf);
    expect(env.values.filter((v) => v.type === 'secret').map((v) => [v.key, v.value])).toEqual([['id_token', ''], ['password', ''], ['client_secret', '']]);
  });

  it('a public client gets the sign-in but no secret anywhere', () => {
    const pub: ExportInput = { ...conf, client: { ...conf.client!, confidential: false } };
    const kv = Object.fromEntries((buildPostmanCollection(pub).auth?.oauth2 ?? []).map((e) => [e.key, e.value]));
    expect(kv).not.toHaveProperty('clientSecret');
    expect(buildPostmanEnvironment(pub).values.map((v) => v.key)).toEqual(['base_url', 'id_token', 'username', 'password']);
  });

  it('names the command that reads the secret, never the secret', () => {
    expect(clientSecretCommand({ userPoolId: 'eu-west-1_abc', clientId: 'client123', region: 'eu-west-1', profile: 'dev' }))
      .toBe('aws cognito-idp describe-user-pool-client --user-pool-id eu-west-1_abc --client-id client123 --region eu-west-1 --profile dev --query UserPoolClient.ClientSecret --output text');
  });
});
