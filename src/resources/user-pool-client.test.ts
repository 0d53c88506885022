import {
  CognitoIdentityProviderClient, CreateUserPoolClientCommand, DeleteUserPoolClientCommand, DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand, ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import { createUserPoolClientInput, userPoolClientHandler as h } from './user-pool-client.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const deps = { pool: { userPoolId: 'p1', userPoolArn: 'arn:p1' } };
const spec: SpecByKind['user-pool-client'] = {
  name: 'demo-client', generateSecret: true, authFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  supportedIdentityProviders: ['COGNITO', 'Google'],
  oauth: { callbackUrls: ['http://localhost:3000/callback'], logoutUrls: ['http://localhost:3000/'], scopes: ['openid', 'email'], flows: ['code'] },
};

beforeEach(() => cognito.reset());

describe('user-pool-client', () => {
  it('creates the client with OAuth settings and returns only its id, never the secret', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'c1', ClientSecret: 'TOP-SECRET' } });
    const out = await h.create(testCtx(), spec, deps);
    expect(out).toEqual({ clientId: 'c1' });
    expect(JSON.stringify(out)).not.toContain('TOP-SECRET');
    expect(cognito).toHaveReceivedCommandWith(CreateUserPoolClientCommand, {
      UserPoolId: 'p1', ClientName: 'demo-client', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO', 'Google'], PreventUserExistenceErrors: 'ENABLED', EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: ['http://localhost:3000/callback'], LogoutURLs: ['http://localhost:3000/'],
    });
  });

  it('leaves OAuth out when the hosted UI is off', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'c1' } });
    await h.create(testCtx(), { ...spec, oauth: undefined }, deps);
    const input = cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input;
    expect(input?.AllowedOAuthFlows).toBeUndefined();
    expect(input?.AllowedOAuthFlowsUserPoolClient).toBeUndefined();
  });

  it('find pages ListUserPoolClients by name', async () => {
    cognito.on(ListUserPoolClientsCommand)
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'x', ClientName: 'x' }], NextToken: 'n' })
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'demo-client' }] });
    expect(await h.find(testCtx(), spec, deps)).toEqual({ clientId: 'c1' });
  });

  it('read: present as created; names what went missing and what was added; never reads the secret', async () => {
    const { UserPoolId: _p, GenerateSecret: _g, ...created } = createUserPoolClientInput(spec, 'p1');
    const describe = (client: object) => cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'c1', ClientSecret: 'TOP-SECRET', ...created, ...client } });
    describe({});
    expect(await h.read(testCtx(), spec, { clientId: 'c1' }, deps)).toEqual({ state: 'present', out: { clientId: 'c1' } });
    describe({ ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] });
    const res = await h.read(testCtx(), spec, { clientId: 'c1' }, deps);
    expect(res).toEqual({ state: 'drifted', drift: [{ path: 'authFlows', before: [...spec.authFlows].sort(), after: ['ALLOW_REFRESH_TOKEN_AUTH'] }], out: { clientId: 'c1' } });
    expect(JSON.stringify(res)).not.toContain('TOP-SECRET');
    // issue 25.3: PreventUserExistenceErrors LEGACY, revocation off, 10-year refresh tokens, an added logout URL.
    describe({ PreventUserExistenceErrors: 'LEGACY', EnableTokenRevocation: false, RefreshTokenValidity: 3650, LogoutURLs: [...(created.LogoutURLs ?? []), 'https://evil.example/'] });
    const drifted = await h.read(testCtx(), spec, { clientId: 'c1' }, deps);
    expect(drifted.state === 'drifted' && drifted.drift.map((d) => d.path)).toEqual([
      'enableTokenRevocation', 'oauth.logoutUrls', 'preventUserExistenceErrors', 'tokenValidity.refreshTokenDays',
    ]);
  });

  it('delete treats ResourceNotFound as done', async () => {
    cognito.on(DeleteUserPoolClientCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(h.delete(testCtx(), spec, { clientId: 'c1' }, deps)).resolves.toBeUndefined();
  });
});
