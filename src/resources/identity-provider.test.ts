import {
  CognitoIdentityProviderClient, CreateIdentityProviderCommand, DescribeIdentityProviderCommand, InvalidParameterException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsFailure } from '../errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { identityProviderHandler as h, providerDetails } from './identity-provider.js';
import { testCtx } from '../../test/support/resource-ctx.js';

const cognito = mockClient(CognitoIdentityProviderClient);
type Spec = SpecByKind['identity-provider'];
const google: Spec = { providerName: 'Google', providerType: 'Google', clientId: 'gid', clientSecretEnv: 'SECURE_API_GOOGLE_SECRET', scopes: ['openid', 'email', 'profile'] };
const deps = { pool: { userPoolId: 'p1', userPoolArn: 'arn:p1' } };
const SECRET = 's3cr3t-value';

beforeEach(() => cognito.reset());

describe('providerDetails', () => {
  it('space-joins scopes for Google/Amazon/OIDC, comma-joins for Facebook', () => {
    expect(providerDetails(google, SECRET)).toEqual({ client_id: 'gid', client_secret: SECRET, authorize_scopes: 'openid email profile' });
    expect(providerDetails({ ...google, providerType: 'Facebook', scopes: ['public_profile', 'email'] }, SECRET).authorize_scopes).toBe('public_profile,email');
    expect(providerDetails({ ...google, providerType: 'OIDC', issuer: 'https://idp.example.com' }, SECRET)).toEqual({
      client_id: 'gid', client_secret: SECRET, oidc_issuer: 'https://idp.example.com', authorize_scopes: 'openid email profile', attributes_request_method: 'GET',
    });
  });

  it('sends Apple the private key, team and key ids', () => {
    expect(providerDetails({ ...google, providerType: 'SignInWithApple', scopes: ['email', 'name'], teamId: 'T', keyId: 'K' }, 'PEM')).toEqual({
      client_id: 'gid', team_id: 'T', key_id: 'K', private_key: 'PEM', authorize_scopes: 'email name',
    });
  });
});

describe('identity-provider handler', () => {
  it('creates the provider with the secret from the environment and maps email', async () => {
    cognito.on(CreateIdentityProviderCommand).resolves({});
    const out = await h.create(testCtx({ SECURE_API_GOOGLE_SECRET: SECRET }), google, deps);
    expect(out).toEqual({ providerName: 'Google' });
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(cognito).toHaveReceivedCommandWith(CreateIdentityProviderCommand, {
      UserPoolId: 'p1', ProviderName: 'Google', ProviderType: 'Google', AttributeMapping: { email: 'email' },
      ProviderDetails: { client_id: 'gid', client_secret: SECRET, authorize_scopes: 'openid email profile' },
    });
  });

  it('refuses without the secret, naming the variable to set and calling nothing', async () => {
    const err: unknown = await h.create(testCtx(), google, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsFailure);
    expect((err as AwsFailure).message).toContain('SECURE_API_GOOGLE_SECRET');
    expect((err as AwsFailure).code).toBe('MISSING_SECRET');
    expect(cognito).not.toHaveReceivedCommand(CreateIdentityProviderCommand);
  });

  it('never lets the secret through in an AWS error message', async () => {
    cognito.on(CreateIdentityProviderCommand).rejects(new InvalidParameterException({ message: `Invalid client_secret ${SECRET}`, $metadata: {} }));
    const err: unknown = await h.create(testCtx({ SECURE_API_GOOGLE_SECRET: SECRET }), google, deps).catch((e: unknown) => e);
    expect(String((err as Error).message)).not.toContain(SECRET);
    expect(String((err as Error).message)).toContain('[redacted]');
  });

  it('find uses DescribeIdentityProvider; not found → undefined', async () => {
    cognito.on(DescribeIdentityProviderCommand).resolves({ IdentityProvider: { ProviderName: 'Google', ProviderType: 'Google' } });
    expect(await h.find(testCtx(), google, deps)).toEqual({ providerName: 'Google' });
    cognito.on(DescribeIdentityProviderCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    expect(await h.find(testCtx(), google, deps)).toBeUndefined();
  });

  it('read reports a changed client id without echoing the stored secret', async () => {
    cognito.on(DescribeIdentityProviderCommand).resolves({
      IdentityProvider: { ProviderType: 'Google', ProviderDetails: { client_id: 'other', client_secret: SECRET, authorize_scopes: 'openid email profile' } },
    });
    const res = await h.read(testCtx(), google, { providerName: 'Google' }, deps);
    expect(res).toMatchObject({ state: 'drifted', drift: [{ path: 'providerDetails.client_id', before: 'gid', after: 'other' }] });
    expect(JSON.stringify(res)).not.toContain(SECRET);
  });

  it('read compares every detail secure-api sets (scopes too), not the keys Cognito adds nor the secret', async () => {
    const details = { ...providerDetails(google, 'changed-secret'), authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth' };
    cognito.on(DescribeIdentityProviderCommand).resolves({ IdentityProvider: { ProviderType: 'Google', ProviderDetails: details } });
    expect(await h.read(testCtx(), google, { providerName: 'Google' }, deps)).toEqual({ state: 'present', out: { providerName: 'Google' } });
    cognito.on(DescribeIdentityProviderCommand).resolves({ IdentityProvider: { ProviderType: 'Google', ProviderDetails: { ...details, authorize_scopes: 'openid email profile phone' } } });
    const res = await h.read(testCtx(), google, { providerName: 'Google' }, deps);
    expect(res.state === 'drifted' && res.drift.map((d) => d.path)).toEqual(['providerDetails.authorize_scopes']);
  });
});
