import { describe, expect, it } from 'vitest';
import { checkDomainPrefix, checkSesIdentityArn } from '../config/validators.js';
import { ENTER } from '../../test/wizard/scripted-prompter.js';
import { SUFFIX, session, testDeps } from '../../test/wizard/deps.js';
import { FIFTY_A_DAY, stepUserPool } from './step-3-user-pool.js';
import type { WizardLookups } from './types.js';

const ACCOUNT = '123456789012';
const free: WizardLookups = { listFunctions: async () => [], domainTaken: async () => false };

describe('step 3 · Cognito user pool', () => {
  it('Enter gives the --yes user pool, with the 50-emails-a-day warning', async () => {
    const t = testDeps();
    const s = session(t, { stack: 'demo', region: 'us-east-1' });
    await stepUserPool(s, true);
    expect(s.draft.input()).toEqual({
      stack: 'demo', region: 'us-east-1',
      userPool: {
        name: 'demo-users', signInIdentifiers: ['email'], mfa: { mode: 'OFF' }, email: { type: 'COGNITO_DEFAULT' }, selfSignUp: false, accountRecovery: 'verified_email',
        deletionProtection: true,
      },
      hostedUi: { enabled: true, domainPrefix: `demo-${SUFFIX}`, callbackUrls: ['http://localhost:8765/callback'], logoutUrls: ['http://localhost:8765/'] },
      appClient: { type: 'public', name: 'demo-client', refreshTokenRotation: false },
    });
    expect(t.flat()).toContain('Step 3 of 6 · Cognito user pool');
    expect(t.flat()).toContain(`! ${FIFTY_A_DAY.slice(0, 40)}`);
    expect(t.prompter.messages()).toEqual([
      'User pool name', 'Sign-in options (fixed once created)', 'Password policy', 'Multi-factor authentication (MFA)', 'Message delivery',
      'Let anyone sign up on their own (self-registration)?', 'Account recovery (forgotten password)',
      'Protect the pool against deletion? (its users go with it; `secure-api destroy` turns this off first)',
      'Federated identity providers (none is fine)', 'Use the hosted UI (Cognito\'s sign-in pages)?', 'Hosted UI domain prefix',
      'Callback URLs after sign-in (comma-separated)', 'Sign-out URLs (comma-separated)', 'App client type', 'App client name', 'Token lifetimes',
      'Rotate refresh tokens? (each refresh returns a new one and retires the old; apps must refresh with GetTokensFromRefreshToken)',
    ]);
    // No provider chosen shows as a blank answer: the note says what it means.
    expect(t.flat()).toContain("None: users sign in with the pool's own accounts.");
  });

  it('phone sign-in asks for the SNS role Cognito texts through (CreateUserPool refuses phone verification without one)', async () => {
    const role = 'arn:aws:iam::123456789012:role/cognito-sms';
    const t = testDeps([['Sign-in options', ['phone']], ['IAM role Cognito assumes to send SMS', 'not-an-arn'], ['IAM role Cognito assumes to send SMS', role]]);
    const s = session(t, { stack: 'demo', region: 'us-east-1' });
    await stepUserPool(s, true);
    expect((s.draft.input() as { userPool: { signInIdentifiers: string[]; mfa: { smsRoleArn?: string } } }).userPool).toMatchObject({ signInIdentifiers: ['phone'], mfa: { smsRoleArn: role } });
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/smsRoleArn must be an IAM role ARN/)]);
  });

  it('says it checked the domain prefix\'s format only when it has no credentials', async () => {
    const t = testDeps([], { lookups: free });
    await stepUserPool(session(t, { stack: 'demo' }), true);
    expect(t.flat()).toContain('Format checked. Availability is not checked without AWS credentials');
  });

  it('checks availability with DescribeUserPoolDomain when it has credentials, and re-asks a taken prefix', async () => {
    const asked: string[] = [];
    const lookups: WizardLookups = { ...free, domainTaken: async (_r, p) => { asked.push(p); return p === 'taken-login'; } };
    const t = testDeps([['Hosted UI domain prefix', 'my-aws-login'], ['Hosted UI domain prefix', 'taken-login'], ['Hosted UI domain prefix', 'shop-login']], { lookups });
    const s = session(t, { stack: 'demo', region: 'eu-west-1' }, ACCOUNT);
    await stepUserPool(s, true);
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual([checkDomainPrefix('my-aws-login')]);
    expect(asked).toEqual(['taken-login', 'shop-login']);
    expect(t.flat()).toContain('! The domain prefix taken-login is taken');
    expect(t.flat()).toContain('https://shop-login.auth.eu-west-1.amazoncognito.com is free (format checked; availability checked with DescribeUserPoolDomain)');
    expect(s.draft.get('hostedUi.domainPrefix')).toBe('shop-login');
  });

  it('checks a --domain-prefix given on the command line too, and asks again only if it is taken', async () => {
    const lookups: WizardLookups = { ...free, domainTaken: async (_r, p) => p === 'mine' };
    const t = testDeps([['Hosted UI domain prefix', 'mine-2']], { lookups });
    const s = session(t, { stack: 'demo', hostedUi: { domainPrefix: 'mine' } }, ACCOUNT);
    await stepUserPool(s, true);
    expect(s.draft.get('hostedUi')).toEqual({ enabled: true, domainPrefix: 'mine-2', callbackUrls: ['http://localhost:8765/callback'], logoutUrls: ['http://localhost:8765/'] });
  });

  it('asks for SES details, re-asking a bad identity ARN, with the ARN defaulted from the account', async () => {
    const t = testDeps([
      ['Message delivery', true], ['SES region', ENTER], ['FROM email address', 'no-reply@example.com'], ['Sender name', 'Shop'],
      ['SES identity ARN', 'arn:nope'], ['SES identity ARN', ENTER], ['configuration set', 'shop-set'],
    ]);
    const s = session(t, { stack: 'demo', region: 'eu-west-1' }, ACCOUNT);
    await stepUserPool(s, true);
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual([checkSesIdentityArn('arn:nope')]);
    expect(s.draft.get('userPool.email')).toEqual({
      type: 'SES', sourceArn: `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/no-reply@example.com`, from: 'Shop <no-reply@example.com>', configurationSet: 'shop-set',
    });
    expect(t.text()).not.toContain('50 emails a day: fine');
    expect(t.prompter.unused).toEqual([]);
  });

  it('custom password policy and required MFA with SMS (its SNS role ARN checked)', async () => {
    const t = testDeps([
      ['Password policy', true], ['Minimum password length', 200], ['Minimum password length', 12], ['Passwords must contain', ['requireNumbers', 'requireLowercase']],
      ['Multi-factor', 'ON'], ['MFA methods', ['totp', 'sms']], ['IAM role', 'role'], ['IAM role', 'arn:aws:iam::123456789012:role/sns'],
    ]);
    const s = session(t, { stack: 'demo' });
    await stepUserPool(s, true);
    expect(s.draft.get('userPool.passwordPolicy')).toEqual({ minLength: 12, requireNumbers: true, requireSymbols: false, requireUppercase: false, requireLowercase: true });
    expect(s.draft.get('userPool.mfa')).toEqual({ mode: 'ON', totp: true, sms: true, smsRoleArn: 'arn:aws:iam::123456789012:role/sns' });
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual(['at most 99', 'smsRoleArn must be an IAM role ARN']);
  });

  it('federated IdPs: client id, a hidden secret kept in the environment variable (never in the config), hosted UI on', async () => {
    const env: NodeJS.ProcessEnv = {};
    const t = testDeps([['Federated identity providers', ['Google', 'OIDC']], ['Google: client id', 'g-id'], ['OIDC provider: client id', 'o-id'],
      ['OIDC issuer', 'http://idp.example.com'], ['OIDC issuer', 'https://idp.example.com'], ['Google client secret', ''], ['Google client secret', 'g-secret'],
      ['OIDC provider client secret', 'o-secret']], { env });
    const s = session(t, { stack: 'demo' });
    await stepUserPool(s, true);
    expect(s.draft.get('userPool.identityProviders')).toEqual([{ type: 'Google', clientId: 'g-id' }, { type: 'OIDC', clientId: 'o-id', issuer: 'https://idp.example.com' }]);
    expect(env).toEqual({ SECURE_API_IDP_GOOGLE_SECRET: 'g-secret', SECURE_API_IDP_OIDC_SECRET: 'o-secret' });
    expect(JSON.stringify(s.draft.input())).not.toMatch(/secret"/);
    expect(t.prompter.asked.filter((a) => a.kind === 'password').map((a) => a.message)).toEqual(['Google client secret (hidden, never saved)', 'Google client secret (hidden, never saved)', 'OIDC provider client secret (hidden, never saved)']);
    expect(t.flat()).toContain('To re-run with --yes, set SECURE_API_IDP_GOOGLE_SECRET in your shell first.');
    expect(t.flat()).toContain('Hosted UI: on (federated sign-in goes through it).');
    expect(t.prompter.messages()).not.toContain('Use the hosted UI (Cognito\'s sign-in pages)?');
    expect(t.prompter.unused).toEqual([]);
  });

  it('asks only for the secret of a provider the config gave, and offers the one already in the environment', async () => {
    const env: NodeJS.ProcessEnv = { SECURE_API_IDP_FACEBOOK_SECRET: 'from-shell' };
    const t = testDeps([], { env });
    const s = session(t, { stack: 'demo', userPool: { identityProviders: [{ type: 'Facebook', clientId: 'f' }] } });
    await stepUserPool(s, true);
    expect(t.prompter.messages()).toContain('Use the Facebook client secret already in $SECURE_API_IDP_FACEBOOK_SECRET?');
    expect(env.SECURE_API_IDP_FACEBOOK_SECRET).toBe('from-shell');
  });

  it('with --no-hosted-ui asks neither providers nor a domain', async () => {
    const t = testDeps();
    const s = session(t, { stack: 'demo', hostedUi: { enabled: false } });
    await stepUserPool(s, true);
    expect(t.prompter.messages()).not.toContain('Hosted UI domain prefix');
    expect(t.prompter.messages()).not.toContain('Federated identity providers (none is fine)');
    expect(s.draft.get('hostedUi')).toEqual({ enabled: false });
  });

  it('asks nothing that flags answered', async () => {
    const t = testDeps([], {}, 'fail');
    await stepUserPool(session(t, {
      stack: 'demo',
      userPool: {
        name: 'u', signInIdentifiers: ['username'], passwordPolicy: { minLength: 10 }, mfa: { mode: 'OFF' }, email: { type: 'COGNITO_DEFAULT' },
        selfSignUp: true, accountRecovery: 'admin_only', identityProviders: [], deletionProtection: false, tier: 'PLUS', threatProtection: 'AUDIT',
      },
      hostedUi: { enabled: true, domainPrefix: 'demo-x', callbackUrls: ['https://app.example.com/cb'], logoutUrls: [] },
      appClient: { type: 'confidential', name: 'c', tokenValidity: { accessTokenMinutes: 5, idTokenMinutes: 5, refreshTokenDays: 1 }, refreshTokenRotation: true },
    }), true);
    expect(t.prompter.asked).toEqual([]);
    expect(t.flat()).toContain('✔ App client type Confidential client (given)');
  });

  it('threat protection is asked on the Plus plan only, ENFORCED by default; token lifetimes may be shortened', async () => {
    const t = testDeps([['Token lifetimes', true], ['Access token lifetime', 15], ['Id token lifetime', 15], ['Refresh token lifetime', 1], ['Rotate refresh tokens', true]]);
    const s = session(t, { stack: 'demo', region: 'us-east-1', userPool: { tier: 'PLUS' } });
    await stepUserPool(s, true);
    const input = s.draft.input() as { userPool: object; appClient: object };
    expect(input.userPool).toMatchObject({ tier: 'PLUS', deletionProtection: true, threatProtection: 'ENFORCED' });
    expect(input.appClient).toMatchObject({ tokenValidity: { accessTokenMinutes: 15, idTokenMinutes: 15, refreshTokenDays: 1 }, refreshTokenRotation: true });
    expect(t.prompter.messages()).toContain('Threat protection (Plus plan)');
    const lite = testDeps();
    await stepUserPool(session(lite, { stack: 'demo', region: 'us-east-1' }), true);
    expect(lite.prompter.messages()).not.toContain('Threat protection (Plus plan)');
  });

  it('is skipped when every route is public', async () => {
    const t = testDeps([], {}, 'fail');
    await stepUserPool(session(t, { stack: 'demo' }), false);
    expect(t.flat()).toContain('Skipped: every route is public, so no user pool is needed.');
  });
});
