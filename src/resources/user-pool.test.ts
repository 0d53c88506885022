import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, DeleteUserPoolCommand, DescribeUserPoolCommand, ListUserPoolsCommand,
  DescribeUserPoolDomainCommand, GetUserPoolMfaConfigCommand, InvalidParameterException, ResourceNotFoundException, SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { TEST_STATE_ID, testCtx } from '../../test/support/resource-ctx.js';
import { createUserPoolInput, mfaConfigInput, userPoolHandler as h } from './user-pool.js';

const cognito = mockClient(CognitoIdentityProviderClient);
type Spec = SpecByKind['user-pool'];
const base: Spec = {
  name: 'demo-users',
  signInIdentifiers: ['email'],
  passwordPolicy: { minLength: 12, requireNumbers: true, requireSymbols: false, requireUppercase: true, requireLowercase: true, temporaryPasswordValidityDays: 7 },
  mfa: { mode: 'OFF', totp: false, sms: false },
  email: { type: 'COGNITO_DEFAULT' },
  accountRecovery: 'verified_email',
  selfSignUp: false,
  tier: 'LITE',
};
const TAGS = { 'secure-api:stack': 'demo' };
const SNS_ROLE = 'arn:aws:iam::123456789012:role/cognito-sns';

beforeEach(() => cognito.reset());

describe('createUserPoolInput', () => {
  it('maps an email sign-in pool', () => {
    expect(createUserPoolInput(base, TAGS)).toEqual({
      PoolName: 'demo-users',
      UserPoolTier: 'LITE',
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireNumbers: true, RequireSymbols: false, RequireUppercase: true, RequireLowercase: true, TemporaryPasswordValidityDays: 7 } },
      MfaConfiguration: 'OFF',
      EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolTags: TAGS,
      DeletionProtection: 'INACTIVE',
    });
  });

  it('uses aliases when a username is chosen with email/phone, and nothing when only a username', () => {
    const both = createUserPoolInput({ ...base, signInIdentifiers: ['username', 'email', 'phone'], mfa: { ...base.mfa, smsRoleArn: SNS_ROLE } }, TAGS);
    expect(both.AliasAttributes).toEqual(['email', 'phone_number']);
    expect(both.UsernameAttributes).toBeUndefined();
    expect(both.AutoVerifiedAttributes).toEqual(['email', 'phone_number']);
    const only = createUserPoolInput({ ...base, signInIdentifiers: ['username'], accountRecovery: 'admin_only' }, TAGS);
    expect(only.AliasAttributes).toBeUndefined();
    expect(only.UsernameAttributes).toBeUndefined();
    expect(only.AutoVerifiedAttributes).toBeUndefined();
    expect(only.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] });
  });

  it('verifies email for email recovery even when email is not an identifier; opens sign-up', () => {
    const input = createUserPoolInput({ ...base, signInIdentifiers: ['phone'], selfSignUp: true, mfa: { ...base.mfa, smsRoleArn: SNS_ROLE } }, TAGS);
    expect(input.UsernameAttributes).toEqual(['phone_number']);
    expect(input.AutoVerifiedAttributes).toEqual(['email', 'phone_number']);
    // The phone is verified by SMS, through the role; SMS is not a second factor unless chosen.
    expect(input.SmsConfiguration).toEqual({ SnsCallerArn: SNS_ROLE });
    expect(input.MfaConfiguration).toBe('OFF');
    expect(input.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false });
  });

  it('never auto-verifies phone_number without an SMS role (CreateUserPool refuses it)', () => {
    const input = createUserPoolInput({ ...base, signInIdentifiers: ['phone'] }, TAGS);
    expect(input.AutoVerifiedAttributes).toEqual(['email']);
    expect(input.SmsConfiguration).toBeUndefined();
  });

  it('asks for the feature plan it was given (Cognito would make ESSENTIALS)', () => {
    expect(createUserPoolInput({ ...base, tier: 'ESSENTIALS' }, TAGS).UserPoolTier).toBe('ESSENTIALS');
  });

  it('sends SES as a DEVELOPER email configuration', () => {
    const input = createUserPoolInput({
      ...base, email: { type: 'SES', sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com', from: 'Demo <no-reply@example.com>', configurationSet: 'cs', replyTo: 'help@example.com' },
    }, TAGS);
    expect(input.EmailConfiguration).toEqual({
      EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com',
      From: 'Demo <no-reply@example.com>', ConfigurationSet: 'cs', ReplyToEmailAddress: 'help@example.com',
    });
  });

  it('creates TOTP-only MFA pools with MFA OFF (CreateUserPool refuses it without SMS) and SMS pools with it', () => {
    expect(createUserPoolInput({ ...base, mfa: { mode: 'ON', totp: true, sms: false } }, TAGS).MfaConfiguration).toBe('OFF');
    const sms = createUserPoolInput({ ...base, mfa: { mode: 'OPTIONAL', totp: false, sms: true, smsRoleArn: 'arn:aws:iam::123456789012:role/sns', smsExternalId: 'ext' } }, TAGS);
    expect(sms.MfaConfiguration).toBe('OPTIONAL');
    expect(sms.SmsConfiguration).toEqual({ SnsCallerArn: 'arn:aws:iam::123456789012:role/sns', ExternalId: 'ext' });
    expect(sms.AutoVerifiedAttributes).toContain('phone_number');
  });

  it('builds SetUserPoolMfaConfig with TOTP and, when chosen, SMS', () => {
    const spec: Spec = { ...base, mfa: { mode: 'ON', totp: true, sms: true, smsRoleArn: 'arn:r', smsExternalId: undefined } };
    expect(mfaConfigInput(spec, 'p1')).toEqual({
      UserPoolId: 'p1', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: { SmsConfiguration: { SnsCallerArn: 'arn:r' } }, MfaConfiguration: 'ON',
    });
  });
});

describe('user-pool handler', () => {
  it('delete waits out a domain an earlier run left DELETING, then deletes the pool; a live domain is not waited on', async () => {
    const hasDomain = new InvalidParameterException({ message: 'User pool cannot be deleted. It has a domain configured that should be deleted first.', $metadata: {} });
    cognito.on(DeleteUserPoolCommand).rejectsOnce(hasDomain).resolves({});
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'p1', Domain: 'demo-login' } });
    cognito.on(DescribeUserPoolDomainCommand)
      .resolvesOnce({ DomainDescription: { Domain: 'demo-login', UserPoolId: 'p1', Status: 'DELETING' } })
      .resolvesOnce({ DomainDescription: { Domain: 'demo-login', UserPoolId: 'p1', Status: 'DELETING' } })
      .resolves({ DomainDescription: {} });
    const ctx = testCtx();
    await h.delete(ctx, base, { userPoolId: 'p1' }, {});
    expect(cognito).toHaveReceivedCommandTimes(DeleteUserPoolCommand, 2);
    expect(ctx.notes).toEqual(['waiting for the hosted UI domain demo-login to finish deleting…']);
    cognito.reset();
    cognito.on(DeleteUserPoolCommand).rejects(hasDomain);
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'p1', Domain: 'someone-added-this' } });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'someone-added-this', UserPoolId: 'p1', Status: 'ACTIVE' } });
    await expect(h.delete(testCtx(), base, { userPoolId: 'p1' }, {})).rejects.toThrow(/domain configured/);
  });

  it('create turns TOTP on after creating, and builds the ARN when AWS leaves it out', async () => {
    cognito.on(CreateUserPoolCommand).resolves({ UserPool: { Id: 'eu-west-1_abc' } });
    cognito.on(SetUserPoolMfaConfigCommand).resolves({});
    const out = await h.create(testCtx(), { ...base, mfa: { mode: 'OPTIONAL', totp: true, sms: false } }, {});
    expect(out).toEqual({ userPoolId: 'eu-west-1_abc', userPoolArn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc' });
    expect(cognito).toHaveReceivedCommandWith(SetUserPoolMfaConfigCommand, {
      UserPoolId: 'eu-west-1_abc', SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL',
    });
  });

  it('create skips SetUserPoolMfaConfig when MFA is off', async () => {
    cognito.on(CreateUserPoolCommand).resolves({ UserPool: { Id: 'p1', Arn: 'arn:p1' } });
    expect(await h.create(testCtx(), base, {})).toEqual({ userPoolId: 'p1', userPoolArn: 'arn:p1' });
    expect(cognito).not.toHaveReceivedCommand(SetUserPoolMfaConfigCommand);
  });

  it('find pages by name and adopts only the pool tagged with our stack and state id', async () => {
    cognito.on(ListUserPoolsCommand)
      .resolvesOnce({ UserPools: [{ Id: 'p-other', Name: 'demo-users' }, { Id: 'p-twin', Name: 'demo-users' }], NextToken: 't2' })
      .resolvesOnce({ UserPools: [{ Id: 'p-x', Name: 'x' }, { Id: 'p-ours', Name: 'demo-users' }] });
    cognito.on(DescribeUserPoolCommand, { UserPoolId: 'p-other' }).resolves({ UserPool: { Id: 'p-other', UserPoolTags: { 'secure-api:stack': 'prod' } } });
    cognito.on(DescribeUserPoolCommand, { UserPoolId: 'p-twin' }).resolves({ UserPool: { Id: 'p-twin', UserPoolTags: { 'secure-api:stack': 'demo', 'secure-api:state-id': 'another-state' } } });
    cognito.on(DescribeUserPoolCommand, { UserPoolId: 'p-ours' }).resolves({ UserPool: { Id: 'p-ours', Arn: 'arn:ours', UserPoolTags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID } } });
    expect(await h.find(testCtx(), base, {})).toEqual({ userPoolId: 'p-ours', userPoolArn: 'arn:ours' });
    expect(cognito).toHaveReceivedNthCommandWith(ListUserPoolsCommand, 2, { NextToken: 't2', MaxResults: 60 });
    expect(cognito).toHaveReceivedCommandTimes(DescribeUserPoolCommand, 3);
  });

  /** The pool Cognito holds after creating `spec` (DescribeUserPool), and its MFA factors (GetUserPoolMfaConfig). */
  function livePool(spec: Spec) {
    const { PoolName, ...input } = createUserPoolInput(spec, TAGS);
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { ...input, Id: 'p1', Name: PoolName, MfaConfiguration: spec.mfa.mode } });
    cognito.on(GetUserPoolMfaConfigCommand).resolves({ MfaConfiguration: spec.mfa.mode, SoftwareTokenMfaConfiguration: { Enabled: spec.mfa.totp && spec.mfa.mode !== 'OFF' } });
    return input;
  }
  const out = { userPoolId: 'p1', userPoolArn: 'arn:p1' };
  const driftOf = async (spec: Spec) => {
    const r = await h.read(testCtx(), spec, out, {});
    return r.state === 'drifted' ? r.drift.map((d) => `${d.path}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`) : r.state;
  };

  it('read: present as created; missing when gone', async () => {
    const mfa: Spec = { ...base, mfa: { mode: 'ON', totp: true, sms: false }, deletionProtection: 'ACTIVE' };
    livePool(mfa);
    expect(await h.read(testCtx(), mfa, out, {})).toEqual({ state: 'present', out });
    cognito.on(DescribeUserPoolCommand).rejects(new ResourceNotFoundException({ message: 'User pool p1 does not exist.', $metadata: {} }));
    expect(await h.read(testCtx(), base, out, {})).toEqual({ state: 'missing' });
  });

  it('read compares every setting: the password policy weakened from 12 with complexity to 6 without (issue 18), MFA off', async () => {
    const input = livePool(base);
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: {
      ...input, Id: 'p1', Name: 'demo-users', MfaConfiguration: 'OFF',
      Policies: { PasswordPolicy: { MinimumLength: 6, RequireNumbers: false, RequireSymbols: false, RequireUppercase: false, RequireLowercase: false, TemporaryPasswordValidityDays: 7 } },
    } });
    expect(await driftOf(base)).toEqual([
      'passwordPolicy.minLength: 12 → 6', 'passwordPolicy.requireLowercase: true → false', 'passwordPolicy.requireNumbers: true → false',
      'passwordPolicy.requireUppercase: true → false',
    ]);
    expect(await driftOf({ ...base, mfa: { mode: 'ON', totp: true, sms: false } })).toEqual(expect.arrayContaining(['mfa.mode: "ON" → "OFF"', 'mfa.totp: true → false']));
  });

  it('read: each other setting changed outside is named by its spec path', async () => {
    const input = livePool(base);
    const changed = (pool: object) => cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { ...input, Id: 'p1', Name: 'demo-users', MfaConfiguration: 'OFF', ...pool } });
    changed({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } });
    expect(await driftOf(base)).toEqual(['selfSignUp: false → true']);
    changed({ EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/x.example', From: 'a@x.example' } });
    expect(await driftOf(base)).toEqual(['email.from: null → "a@x.example"', 'email.sourceArn: null → "arn:aws:ses:us-east-1:123456789012:identity/x.example"', 'email.type: "COGNITO_DEFAULT" → "SES"']);
    changed({ AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } });
    expect(await driftOf(base)).toEqual(['accountRecovery: "verified_email" → "admin_only"']);
    changed({ UserPoolTier: 'ESSENTIALS' });
    expect(await driftOf(base)).toEqual(['tier: "LITE" → "ESSENTIALS"']);
    changed({ AutoVerifiedAttributes: [] });
    expect(await driftOf(base)).toEqual(['autoVerifiedAttributes: ["email"] → []']);
  });

  it('read: protections raised by hand are not drift (an update keeps them); lowered, they are', async () => {
    const input = livePool(base);
    const changed = (pool: object) => cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { ...input, Id: 'p1', Name: 'demo-users', MfaConfiguration: 'OFF', ...pool } });
    changed({ DeletionProtection: 'ACTIVE' });
    expect(await driftOf(base)).toBe('present');
    changed({ DeletionProtection: 'INACTIVE' });
    expect(await driftOf({ ...base, deletionProtection: 'ACTIVE' })).toEqual(['deletionProtection: "ACTIVE" → "INACTIVE"']);
    changed({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
    expect(await driftOf({ ...base, tier: 'PLUS', threatProtection: 'ENFORCED' })).toEqual(['threatProtection: "ENFORCED" → "AUDIT"']);
    expect(await driftOf({ ...base, tier: 'PLUS', threatProtection: 'OFF' })).toBe('present');
  });

  it('delete treats ResourceNotFound as done', async () => {
    cognito.on(DeleteUserPoolCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(h.delete(testCtx(), base, { userPoolId: 'p1' }, {})).resolves.toBeUndefined();
  });
});
