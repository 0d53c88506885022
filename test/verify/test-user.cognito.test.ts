import { AdminGetUserCommand, InitiateAuthCommand, ListUsersCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../src/verify/jwt.js';
import { secretHash } from '../../src/verify/secret-hash.js';
import { createUser, describePool, getTestTokens, signIn, withTestUser, type CognitoSender, type TestUserEvent } from '../../src/verify/test-user.js';
import { startCognitoLocal, type CognitoLocal } from '../support/cognito-local.js';

let cl: CognitoLocal;
beforeAll(async () => { cl = await startCognitoLocal(); });
afterAll(async () => { await cl?.stop(); });

const users = async (userPoolId: string): Promise<string[]> =>
  ((await cl.client.send(new ListUsersCommand({ UserPoolId: userPoolId }))).Users ?? []).map((u) => u.Username ?? '');

/** A sender that records every command's name and input, as the project's client factory would pass them on. */
function recording(client: CognitoIdentityProviderClient): { sender: CognitoSender; calls: Array<{ name: string; input: unknown }> } {
  const calls: Array<{ name: string; input: unknown }> = [];
  const sender = {
    send: ((cmd: { constructor: { name: string }; input: unknown }) => {
      calls.push({ name: cmd.constructor.name, input: cmd.input });
      return client.send(cmd as never);
    }) as CognitoSender['send'],
  };
  return { sender, calls };
}

describe('test user against cognito-local', () => {
  it('signs in a temporary email user on a public client, and removes it', async () => {
    const userPoolId = await cl.createPool();
    const { clientId } = await cl.createClient(userPoolId);
    const events: TestUserEvent[] = [];
    const { sender, calls } = recording(cl.client);
    const seenDuring = await withTestUser(sender, { userPoolId, clientId }, async (s) => {
      const id = decodeJwt(s.idToken)?.claims;
      expect(id).toMatchObject({ token_use: 'id', aud: clientId, iss: cl.issuer(userPoolId), email: s.signInName });
      expect(decodeJwt(s.accessToken)?.claims.token_use).toBe('access');
      expect(s.signInName).toMatch(/^secure-api-test-[0-9a-f]+@example\.com$/);
      return users(userPoolId);
    }, { onEvent: (e) => events.push(e) });
    expect(seenDuring).toHaveLength(1);
    expect(await users(userPoolId)).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['user-created', 'signed-in', 'user-deleted']);
    const create = calls.find((c) => c.name === 'AdminCreateUserCommand')?.input as { MessageAction: string; UserAttributes: Array<{ Name: string; Value: string }> };
    expect(create.MessageAction).toBe('SUPPRESS');
    expect(create.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });
    expect(calls.find((c) => c.name === 'AdminSetUserPasswordCommand')?.input).toMatchObject({ Permanent: true });
    // AdminInitiateAuth: the client needs no ALLOW_USER_PASSWORD_AUTH (issue 25).
    const auth = calls.find((c) => c.name === 'AdminInitiateAuthCommand')?.input as { AuthFlow: string; AuthParameters: Record<string, string> };
    expect(auth.AuthFlow).toBe('ADMIN_USER_PASSWORD_AUTH');
    expect(auth.AuthParameters.SECRET_HASH).toBeUndefined();
  });

  it('sends SECRET_HASH for a client with a secret (username pool), and never returns the secret', async () => {
    const userPoolId = await cl.createPool({ UsernameAttributes: [] });
    const { clientId, clientSecret } = await cl.createClient(userPoolId, { secret: true });
    expect(clientSecret).toBeTruthy();
    expect((await describePool(cl.client, userPoolId)).signInWith).toBe('username');
    const events: TestUserEvent[] = [];
    const { sender, calls } = recording(cl.client);
    const session = await getTestTokens(sender, { userPoolId, clientId }, { onEvent: (e) => events.push(e) });
    expect(session.username).toMatch(/^secure-api-test-[0-9a-f]{10}$/);
    expect(decodeJwt(session.idToken)?.claims['cognito:username']).toBe(session.username);
    const auth = calls.find((c) => c.name === 'AdminInitiateAuthCommand')?.input as { AuthParameters: Record<string, string> };
    // cognito-local does not check SECRET_HASH, so check the value we sent.
    expect(auth.AuthParameters.SECRET_HASH).toBe(secretHash(session.username, clientId, clientSecret ?? ''));
    expect(calls.map((c) => c.name)).toContain('DescribeUserPoolClientCommand');
    expect(JSON.stringify({ session, events })).not.toContain(clientSecret);
    expect(await users(userPoolId)).toEqual([]);
  });

  it('removes the user when a check fails', async () => {
    const userPoolId = await cl.createPool();
    const { clientId } = await cl.createClient(userPoolId);
    let name = '';
    await expect(withTestUser(cl.client, { userPoolId, clientId }, async (s) => {
      name = s.username;
      throw new Error('check failed');
    })).rejects.toThrow('check failed');
    expect(name).not.toBe('');
    expect(await users(userPoolId)).toEqual([]);
    await expect(cl.client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: name }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('removes the user when the sign-in fails', async () => {
    const userPoolId = await cl.createPool();
    const events: TestUserEvent[] = [];
    await expect(withTestUser(cl.client, { userPoolId, clientId: 'no-such-client' }, async () => 'unreached', { onEvent: (e) => events.push(e) }))
      .rejects.toThrow(/DescribeUserPoolClient/);
    expect(events.map((e) => e.type)).toEqual(['user-created', 'user-deleted']);
    expect(await users(userPoolId)).toEqual([]);
  });

  it('keeps the user with keepUser, handing its password over once', async () => {
    const userPoolId = await cl.createPool();
    const { clientId } = await cl.createClient(userPoolId);
    const events: TestUserEvent[] = [];
    await getTestTokens(cl.client, { userPoolId, clientId }, { keepUser: true, onEvent: (e) => events.push(e) });
    const kept = events.find((e) => e.type === 'user-kept');
    expect(kept?.type).toBe('user-kept');
    if (kept?.type !== 'user-kept') return;
    expect(await users(userPoolId)).toEqual([kept.username]);
    const again = await signIn(cl.client, { userPoolId, clientId }, kept.signInName, kept.password);
    expect(decodeJwt(again.idToken)?.claims.token_use).toBe('id');
  });

  it('creates a named user with a given password (users add)', async () => {
    const userPoolId = await cl.createPool();
    const { clientId } = await cl.createClient(userPoolId);
    const facts = await describePool(cl.client, userPoolId);
    const made = await createUser(cl.client, userPoolId, facts, { signInName: 'ada@example.com', password: 'Str0ng!Passw0rd' });
    expect(made.signInName).toBe('ada@example.com');
    const out = await cl.client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'ada@example.com', PASSWORD: 'Str0ng!Passw0rd' } }));
    expect(out.AuthenticationResult?.IdToken).toBeTruthy();
  });
});
