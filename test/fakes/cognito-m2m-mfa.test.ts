import {
  AdminCreateUserCommand, AdminInitiateAuthCommand, AdminSetUserPasswordCommand, AssociateSoftwareTokenCommand, CognitoIdentityProviderClient,
  CreateResourceServerCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, CreateUserPoolDomainCommand, DeleteResourceServerCommand,
  DescribeResourceServerCommand, InitiateAuthCommand, ListResourceServersCommand, RespondToAuthChallengeCommand, SetUserPoolMfaConfigCommand,
  UpdateResourceServerCommand, UpdateUserPoolClientCommand, VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import { totp } from '../../src/verify/totp.js';
import { installAwsFake, type AwsFake } from './aws-fake.js';
import { startFakeDataPlane, type FakeDataPlane } from './data-plane.js';

let fake: AwsFake | undefined;
let plane: FakeDataPlane | undefined;
let now = 1_800_000_000_000;
function install(): AwsFake {
  fake?.restore();
  now = 1_800_000_000_000;
  fake = installAwsFake({ clock: { now: () => now } });
  return fake;
}
afterEach(async () => {
  fake?.restore();
  fake = undefined;
  await plane?.close();
  plane = undefined;
});

const cognito = () => new CognitoIdentityProviderClient({ region: 'us-east-1' });
async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, it succeeded');
}
async function pool(mfa?: 'ON' | 'OPTIONAL'): Promise<string> {
  const id = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', MfaConfiguration: mfa ?? 'OFF' }))).UserPool?.Id ?? '';
  if (mfa) await cognito().send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, MfaConfiguration: mfa, SoftwareTokenMfaConfiguration: { Enabled: true } }));
  return id;
}
const ORDERS = { Identifier: 'orders', Name: 'orders', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read orders' }] };
const machine = (UserPoolId: string, scopes = ['orders/read']) => new CreateUserPoolClientCommand({
  UserPoolId, ClientName: 'm2m', GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: scopes,
});

describe('Cognito resource servers', () => {
  it('refuses a client naming a custom scope no resource server defines (ScopeDoesNotExistException), accepts it once defined', async () => {
    install();
    const id = await pool();
    expect((await caught(cognito().send(machine(id)))).name).toBe('ScopeDoesNotExistException');
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: id, ...ORDERS }));
    // The identifier is all before the last "/": a URL identifier works too.
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: id, Identifier: 'https://api.example.com', Name: 'api', Scopes: [{ ScopeName: 'write', ScopeDescription: 'w' }] }));
    const ok = await cognito().send(machine(id, ['orders/read', 'https://api.example.com/write']));
    expect(ok.UserPoolClient?.AllowedOAuthScopes).toEqual(['orders/read', 'https://api.example.com/write']);
    expect((await caught(cognito().send(machine(id, ['orders/write'])))).name).toBe('ScopeDoesNotExistException');
  });

  it('creates, describes, lists, updates with the whole scope list, and deletes resource servers', async () => {
    install();
    const id = await pool();
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: id, ...ORDERS }));
    expect((await caught(cognito().send(new CreateResourceServerCommand({ UserPoolId: id, ...ORDERS })))).name).toBe('InvalidParameterException');
    expect((await cognito().send(new DescribeResourceServerCommand({ UserPoolId: id, Identifier: 'orders' }))).ResourceServer).toEqual({ UserPoolId: id, ...ORDERS });
    await cognito().send(new UpdateResourceServerCommand({ UserPoolId: id, Identifier: 'orders', Name: 'orders', Scopes: [{ ScopeName: 'write', ScopeDescription: 'w' }] }));
    const listed = await cognito().send(new ListResourceServersCommand({ UserPoolId: id, MaxResults: 50 }));
    // UpdateResourceServer replaces the scope list: "read" is gone.
    expect(listed.ResourceServers?.map((r) => r.Scopes?.map((s) => s.ScopeName))).toEqual([['write']]);
    expect((await caught(cognito().send(new ListResourceServersCommand({ UserPoolId: id })))).name).toBe('InvalidParameterException');
    await cognito().send(new DeleteResourceServerCommand({ UserPoolId: id, Identifier: 'orders' }));
    expect((await caught(cognito().send(new DescribeResourceServerCommand({ UserPoolId: id, Identifier: 'orders' })))).name).toBe('ResourceNotFoundException');
    expect((await caught(cognito().send(new DeleteResourceServerCommand({ UserPoolId: id, Identifier: 'orders' })))).name).toBe('ResourceNotFoundException');
  });

  it('validates identifiers, names and scope names against the API reference patterns', async () => {
    install();
    const id = await pool();
    const bad = [
      { ...ORDERS, Identifier: 'has space' },
      { ...ORDERS, Name: 'bad/name' },
      { ...ORDERS, Scopes: [{ ScopeName: 'a/b', ScopeDescription: 'x' }] },
      { ...ORDERS, Scopes: [{ ScopeName: 'a', ScopeDescription: 'x' }, { ScopeName: 'a', ScopeDescription: 'y' }] },
    ];
    for (const b of bad) expect((await caught(cognito().send(new CreateResourceServerCommand({ UserPoolId: id, ...b })))).name).toBe('InvalidParameterException');
  });
});

describe('Cognito client credentials', () => {
  it('allows client_credentials only for a client with a secret (InvalidOAuthFlowException)', async () => {
    install();
    const id = await pool();
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: id, ...ORDERS }));
    const noSecret = new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'x', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['orders/read'] });
    expect((await caught(cognito().send(noSecret))).name).toBe('InvalidOAuthFlowException');
  });

  it('the token endpoint issues a scoped access token to the client with its secret, and refuses everything else', async () => {
    const f = install();
    plane = await startFakeDataPlane(f);
    const id = await pool();
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: id, ...ORDERS }));
    const c = (await cognito().send(machine(id))).UserPoolClient!;
    const post = async (form: string, auth?: string) => {
      const r = await fetch(`${plane!.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) }, body: form });
      return { status: r.status, body: await r.json() as Record<string, string> };
    };
    const basic = (secret: string) => `Basic ${Buffer.from(`${c.ClientId}:${secret}`).toString('base64')}`;
    // No domain on the pool yet: the endpoint does not exist for it.
    expect((await post('grant_type=client_credentials', basic(c.ClientSecret!))).body.error).toBe('invalid_request');
    await cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: id, Domain: 'orders-login' }));
    const ok = await post('grant_type=client_credentials&scope=orders%2Fread', basic(c.ClientSecret!));
    expect(ok.status).toBe(200);
    const claims = JSON.parse(Buffer.from(ok.body.access_token!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ token_use: 'access', scope: 'orders/read', client_id: c.ClientId, sub: c.ClientId });
    // The form may carry the credentials instead of the header; no scope asked means every allowed one.
    expect((await post(`grant_type=client_credentials&client_id=${c.ClientId}&client_secret=${c.ClientSecret}`)).status).toBe(200);
    expect(await post('grant_type=client_credentials', basic('wrong'))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect((await post('grant_type=client_credentials&scope=orders%2Fwrite', basic(c.ClientSecret!))).body.error).toBe('invalid_scope');
    expect((await post('grant_type=password', basic(c.ClientSecret!))).body.error).toBe('unsupported_grant_type');
    // OAuth switched off on the client: refused even with the right secret.
    await cognito().send(new UpdateUserPoolClientCommand({ UserPoolId: id, ClientId: c.ClientId, ClientName: 'm2m' }));
    expect((await post('grant_type=client_credentials', basic(c.ClientSecret!))).body.error).toBe('unauthorized_client');
  });
});

describe('Cognito software-token MFA', () => {
  async function user(poolId: string, flows: string[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']) {
    const clientId = (await cognito().send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', ExplicitAuthFlows: flows as never }))).UserPoolClient?.ClientId ?? '';
    await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'alice', MessageAction: 'SUPPRESS' }));
    await cognito().send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'alice', Password: 'Passw0rd!x', Permanent: true }));
    return clientId;
  }
  const params = { USERNAME: 'alice', PASSWORD: 'Passw0rd!x' };

  it('MFA required: first sign-in answers MFA_SETUP; associate, verify with a real TOTP code, then tokens; later sign-ins answer SOFTWARE_TOKEN_MFA', async () => {
    install();
    const id = await pool('ON');
    const clientId = await user(id);
    const first = await cognito().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }));
    expect(first.ChallengeName).toBe('MFA_SETUP');
    expect(first.AuthenticationResult).toBeUndefined();
    // Before the token is verified, the challenge cannot be answered.
    const assoc = await cognito().send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    expect(assoc.SecretCode).toMatch(/^[A-Z2-7]{32}$/);
    const wrong = await caught(cognito().send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: '000000' })));
    expect(wrong.name).toBe('EnableSoftwareTokenMFAException');
    // A failed verify used up that session, as the next step's session replaces the last one.
    const again = await cognito().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }));
    const assoc2 = await cognito().send(new AssociateSoftwareTokenCommand({ Session: again.Session }));
    const verified = await cognito().send(new VerifySoftwareTokenCommand({ Session: assoc2.Session, UserCode: totp(assoc2.SecretCode!, now) }));
    expect(verified.Status).toBe('SUCCESS');
    const done = await cognito().send(new RespondToAuthChallengeCommand({ ChallengeName: 'MFA_SETUP', ClientId: clientId, Session: verified.Session, ChallengeResponses: { USERNAME: 'alice' } }));
    expect(done.AuthenticationResult?.IdToken).toBeTruthy();

    now += 30_000;
    const later = await cognito().send(new AdminInitiateAuthCommand({ UserPoolId: id, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }));
    expect(later.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const mismatch = await caught(cognito().send(new RespondToAuthChallengeCommand({ ChallengeName: 'SOFTWARE_TOKEN_MFA', ClientId: clientId, Session: later.Session, ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: '000000' } })));
    expect(mismatch.name).toBe('CodeMismatchException');
    const retry = await cognito().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }));
    const tokens = await cognito().send(new RespondToAuthChallengeCommand({ ChallengeName: 'SOFTWARE_TOKEN_MFA', ClientId: clientId, Session: retry.Session, ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: totp(assoc2.SecretCode!, now) } }));
    expect(tokens.AuthenticationResult?.AccessToken).toBeTruthy();
    // RFC 6238 §5.2: the same code is not accepted twice.
    const third = await cognito().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }));
    const reused = await caught(cognito().send(new RespondToAuthChallengeCommand({ ChallengeName: 'SOFTWARE_TOKEN_MFA', ClientId: clientId, Session: third.Session, ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: totp(assoc2.SecretCode!, now) } })));
    expect(reused.name).toBe('CodeMismatchException');
  });

  it('a session expires after the client\'s AuthSessionValidity (3 minutes by default)', async () => {
    install();
    const id = await pool('ON');
    const clientId = await user(id);
    const first = await cognito().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }));
    now += 3 * 60_000 + 1;
    expect((await caught(cognito().send(new AssociateSoftwareTokenCommand({ Session: first.Session })))).name).toBe('NotAuthorizedException');
  });

  it('AdminInitiateAuth needs ALLOW_ADMIN_USER_PASSWORD_AUTH on the client; InitiateAuth needs ALLOW_USER_PASSWORD_AUTH', async () => {
    install();
    const id = await pool();
    const clientId = await user(id, ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    const ok = await cognito().send(new AdminInitiateAuthCommand({ UserPoolId: id, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }));
    expect(ok.AuthenticationResult?.IdToken).toBeTruthy();
    const refused = await caught(cognito().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params })));
    expect(refused.message).toMatch(/USER_PASSWORD_AUTH flow not enabled/);
    const id2 = await pool();
    const other = (await cognito().send(new CreateUserPoolClientCommand({ UserPoolId: id2, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient?.ClientId;
    const admin = await caught(cognito().send(new AdminInitiateAuthCommand({ UserPoolId: id2, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', ClientId: other, AuthParameters: params })));
    expect(admin.message).toMatch(/Auth flow not enabled/);
  });
});
