/**
 * A user pool's settings, both ways: the requests built from a spec (create, MFA, update) and the live pool read back
 * as the same settings (observePool), so drift is settingsDrift(poolSettings(spec), observePool(live)).
 * Pure: no AWS call here.
 */
import type {
  CreateUserPoolCommandInput, GetUserPoolMfaConfigCommandOutput, SetUserPoolMfaConfigCommandInput, SmsConfigurationType,
  UpdateUserPoolCommandInput, UserPoolType, UsernameAttributeType, VerifiedAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DriftChange, FieldChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { asSet, keptLevel, settingsDrift, type Floors } from './settings-drift.js';

type Spec = SpecByKind['user-pool'];

export const MFA_LEVELS = ['OFF', 'OPTIONAL', 'ON'] as const;
export const DELETION_PROTECTION_LEVELS = ['INACTIVE', 'ACTIVE'] as const;
export const THREAT_PROTECTION_LEVELS = ['OFF', 'AUDIT', 'ENFORCED'] as const;

/** Raised by hand, they stay: live at or above the spec's level is not drift, and no update lowers it (issue 25.6). */
export const POOL_FLOORS: Floors = {
  'mfa.mode': MFA_LEVELS, 'deletionProtection': DELETION_PROTECTION_LEVELS, 'threatProtection': THREAT_PROTECTION_LEVELS,
};

/** States made before these were settings hold none: their pools were made INACTIVE and without threat protection. */
export const deletionProtectionOf = (spec: Spec): 'ACTIVE' | 'INACTIVE' => spec.deletionProtection ?? 'INACTIVE';
export const threatProtectionOf = (spec: Spec): 'OFF' | 'AUDIT' | 'ENFORCED' => spec.threatProtection ?? 'OFF';

/** The SNS role Cognito texts through (SMS MFA, phone verification and recovery), when one is given. */
function smsConfiguration(spec: Spec): SmsConfigurationType | undefined {
  const { smsRoleArn, smsExternalId } = spec.mfa;
  return smsRoleArn ? { SnsCallerArn: smsRoleArn, ...(smsExternalId ? { ExternalId: smsExternalId } : {}) } : undefined;
}

/** SMS as a second factor: chosen, and a role to send it with. */
function smsMfa(spec: Spec): boolean {
  return spec.mfa.sms && spec.mfa.smsRoleArn !== undefined;
}

/**
 * The factors are set by SetUserPoolMfaConfig once the pool exists (TOTP can only be turned on there; SMS too, so
 * GetUserPoolMfaConfig reports it), as terraform-provider-aws does for any MFA change.
 */
export function needsMfaConfig(spec: Spec): boolean {
  return spec.mfa.mode !== 'OFF' && (spec.mfa.totp || smsMfa(spec));
}

function autoVerified(spec: Spec): VerifiedAttributeType[] {
  const ids = spec.signInIdentifiers;
  const verified = new Set<VerifiedAttributeType>();
  if (ids.includes('email') || spec.accountRecovery === 'verified_email') verified.add('email');
  // Cognito refuses phone_number in AutoVerifiedAttributes without an SmsConfiguration (the config check asks for one).
  if (smsConfiguration(spec) && (ids.includes('phone') || spec.accountRecovery === 'verified_phone_number')) verified.add('phone_number');
  // Cognito requires a verified phone_number for SMS MFA.
  if (spec.mfa.mode !== 'OFF' && smsMfa(spec)) verified.add('phone_number');
  return [...verified];
}

/** The CreateUserPool request for a spec (pure, so the mapping is tested on its own). */
export function createUserPoolInput(spec: Spec, tags: Record<string, string>): CreateUserPoolCommandInput {
  const ids = spec.signInIdentifiers;
  const attrs: UsernameAttributeType[] = [
    ...(ids.includes('email') ? ['email' as const] : []),
    ...(ids.includes('phone') ? ['phone_number' as const] : []),
  ];
  const sms = smsConfiguration(spec);
  const verified = autoVerified(spec);
  const threat = threatProtectionOf(spec);
  return {
    PoolName: spec.name,
    // Without it Cognito makes an ESSENTIALS pool; the config defaults to LITE, the cheapest plan.
    UserPoolTier: spec.tier,
    // With a username, email/phone become aliases; without one, they are the username itself.
    ...(attrs.length > 0 ? (ids.includes('username') ? { AliasAttributes: attrs } : { UsernameAttributes: attrs }) : {}),
    ...(verified.length > 0 ? { AutoVerifiedAttributes: verified } : {}),
    Policies: {
      PasswordPolicy: {
        MinimumLength: spec.passwordPolicy.minLength,
        RequireNumbers: spec.passwordPolicy.requireNumbers,
        RequireSymbols: spec.passwordPolicy.requireSymbols,
        RequireUppercase: spec.passwordPolicy.requireUppercase,
        RequireLowercase: spec.passwordPolicy.requireLowercase,
        TemporaryPasswordValidityDays: spec.passwordPolicy.temporaryPasswordValidityDays,
      },
    },
    // CreateUserPool refuses OPTIONAL/ON without an SMS configuration; TOTP-only MFA is turned on afterwards.
    MfaConfiguration: smsMfa(spec) ? spec.mfa.mode : 'OFF',
    ...(sms ? { SmsConfiguration: sms } : {}),
    EmailConfiguration: spec.email.type === 'SES'
      ? {
        EmailSendingAccount: 'DEVELOPER',
        SourceArn: spec.email.sourceArn,
        From: spec.email.from,
        ...(spec.email.configurationSet ? { ConfigurationSet: spec.email.configurationSet } : {}),
        ...(spec.email.replyTo ? { ReplyToEmailAddress: spec.email.replyTo } : {}),
      }
      : { EmailSendingAccount: 'COGNITO_DEFAULT' },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: spec.accountRecovery, Priority: 1 }] },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: !spec.selfSignUp },
    // Threat protection is a PLUS feature (UserPoolAddOnsType: "your user pool must be on the Plus tier"): sent only when on.
    ...(threat !== 'OFF' ? { UserPoolAddOns: { AdvancedSecurityMode: threat } } : {}),
    UserPoolTags: tags,
    // ACTIVE by default: nobody deletes the pool (and its users) by mistake; destroy turns it off just before it deletes.
    DeletionProtection: deletionProtectionOf(spec),
  };
}

/** SetUserPoolMfaConfig turning on TOTP (and SMS when chosen) at the spec's MFA mode. */
export function mfaConfigInput(spec: Spec, userPoolId: string): SetUserPoolMfaConfigCommandInput {
  const sms = smsConfiguration(spec);
  return {
    UserPoolId: userPoolId,
    SoftwareTokenMfaConfiguration: { Enabled: spec.mfa.totp },
    ...(sms && smsMfa(spec) ? { SmsMfaConfiguration: { SmsConfiguration: sms } } : {}),
    MfaConfiguration: spec.mfa.mode,
  };
}

/**
 * The full UpdateUserPool request: everything CreateUserPool was given except what only a create may set, and MFA at
 * the spec's mode whenever a factor is on (SetUserPoolMfaConfig runs first for TOTP), never OFF for a pool that
 * requires it: UpdateUserPool resets what it is not given, MfaConfiguration included (terraform-provider-aws's
 * resourceUserPoolUpdate sends SetUserPoolMfaConfig first, then UpdateUserPool carrying the same mfa_configuration).
 */
export function updateUserPoolInput(spec: Spec, userPoolId: string, tags: Record<string, string>): UpdateUserPoolCommandInput {
  // Sign-in identifiers (AliasAttributes / UsernameAttributes) are fixed at creation: the planner replaces for those.
  const { AliasAttributes: _alias, UsernameAttributes: _username, ...rest } = createUserPoolInput(spec, tags);
  const factor = spec.mfa.totp || smsMfa(spec);
  return { ...rest, MfaConfiguration: spec.mfa.mode !== 'OFF' && factor ? spec.mfa.mode : 'OFF', UserPoolId: userPoolId };
}

/** The settings a spec asks the pool to hold, in the shape observePool reads them back (paths are the spec's). */
export function poolSettings(spec: Spec) {
  const on = spec.mfa.mode !== 'OFF';
  return {
    name: spec.name,
    passwordPolicy: { ...spec.passwordPolicy },
    mfa: { mode: spec.mfa.mode, totp: on && spec.mfa.totp, sms: on && smsMfa(spec), smsRoleArn: spec.mfa.smsRoleArn, smsExternalId: spec.mfa.smsExternalId },
    email: spec.email.type === 'SES' ? { ...spec.email } : { type: spec.email.type },
    accountRecovery: spec.accountRecovery as string | string[],
    selfSignUp: spec.selfSignUp,
    tier: spec.tier as string,
    autoVerifiedAttributes: asSet(autoVerified(spec)),
    deletionProtection: deletionProtectionOf(spec) as string,
    threatProtection: threatProtectionOf(spec) as string,
  };
}
export type PoolSettings = ReturnType<typeof poolSettings>;

type Loose<T> = { [K in keyof T]: T[K] extends Record<string, unknown> ? Loose<T[K]> : unknown };

/** The live pool read back as settings (DescribeUserPool, and GetUserPoolMfaConfig for the factors). */
export function observePool(pool: UserPoolType, mfa: GetUserPoolMfaConfigCommandOutput | undefined): Loose<PoolSettings> {
  const mode = mfa?.MfaConfiguration ?? pool.MfaConfiguration ?? 'OFF';
  const on = mode !== 'OFF';
  const pp = pool.Policies?.PasswordPolicy;
  const ec = pool.EmailConfiguration;
  const recovery = [...(pool.AccountRecoverySetting?.RecoveryMechanisms ?? [])].sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0)).map((m) => m.Name);
  return {
    name: pool.Name,
    passwordPolicy: {
      minLength: pp?.MinimumLength, requireNumbers: pp?.RequireNumbers, requireSymbols: pp?.RequireSymbols, requireUppercase: pp?.RequireUppercase,
      requireLowercase: pp?.RequireLowercase, temporaryPasswordValidityDays: pp?.TemporaryPasswordValidityDays,
    },
    mfa: {
      mode, totp: on && mfa?.SoftwareTokenMfaConfiguration?.Enabled === true, sms: on && mfa?.SmsMfaConfiguration?.SmsConfiguration !== undefined,
      smsRoleArn: pool.SmsConfiguration?.SnsCallerArn, smsExternalId: pool.SmsConfiguration?.ExternalId,
    },
    email: ec?.EmailSendingAccount === 'DEVELOPER'
      ? { type: 'SES', sourceArn: ec.SourceArn, from: ec.From, configurationSet: ec.ConfigurationSet, replyTo: ec.ReplyToEmailAddress }
      : { type: 'COGNITO_DEFAULT' },
    accountRecovery: recovery.length === 1 ? recovery[0] : recovery,
    selfSignUp: pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly === undefined ? undefined : !pool.AdminCreateUserConfig.AllowAdminCreateUserOnly,
    tier: pool.UserPoolTier,
    autoVerifiedAttributes: asSet(pool.AutoVerifiedAttributes),
    deletionProtection: pool.DeletionProtection ?? 'INACTIVE',
    threatProtection: pool.UserPoolAddOns?.AdvancedSecurityMode ?? 'OFF',
  };
}

/** The settings (not the tags) a live pool has other than the spec's: what status reports, and an update puts back. */
export function poolDrift(spec: Spec, observed: Loose<PoolSettings>): DriftChange[] {
  return settingsDrift<unknown>(poolSettings(spec), observed, POOL_FLOORS);
}

/**
 * The spec an update sends: the wanted one, with each floor setting kept at the live level when someone raised it
 * (MFA from OPTIONAL to ON, deletion or threat protection turned on by hand), unless this run's configuration changed it.
 */
export function keepRaised(want: Spec, observed: Loose<PoolSettings> | undefined, fields: readonly FieldChange[]): Spec {
  const mode = keptLevel(MFA_LEVELS, want.mfa.mode, observed?.mfa.mode, 'mfa.mode', fields);
  const raisedMfa = mode !== want.mfa.mode;
  // A mode kept above the spec's keeps the factors it stands on: TOTP, and SMS with the live SMS role when the spec
  // names none (without a factor UpdateUserPool would be sent OFF).
  const totp = want.mfa.totp || (raisedMfa && observed?.mfa.totp === true);
  const liveRole = typeof observed?.mfa.smsRoleArn === 'string' ? observed.mfa.smsRoleArn : undefined;
  const liveExternalId = typeof observed?.mfa.smsExternalId === 'string' ? observed.mfa.smsExternalId : undefined;
  const keepSms = raisedMfa && observed?.mfa.sms === true && liveRole !== undefined && !smsMfa(want);
  const mfa = keepSms
    ? { ...want.mfa, mode, totp, sms: true, smsRoleArn: liveRole, smsExternalId: liveExternalId }
    : { ...want.mfa, mode, totp };
  let threatProtection = keptLevel(THREAT_PROTECTION_LEVELS, threatProtectionOf(want), observed?.threatProtection, 'threatProtection', fields);
  let tier = want.tier;
  // Threat protection is a PLUS feature: kept above the spec's, it keeps the live PLUS plan it stands on, unless this
  // run's configuration changed the plan (then threat protection goes back to the spec's).
  if (threatProtection !== threatProtectionOf(want) && tier !== 'PLUS') {
    if (observed?.tier === 'PLUS' && !fields.some((f) => f.path === 'tier')) tier = 'PLUS';
    else threatProtection = threatProtectionOf(want);
  }
  return {
    ...want,
    tier,
    mfa,
    deletionProtection: keptLevel(DELETION_PROTECTION_LEVELS, deletionProtectionOf(want), observed?.deletionProtection, 'deletionProtection', fields),
    threatProtection,
  };
}

/** UpdateUserPool's settings that DescribeUserPool returns: given back whole, a call changes only what the caller overrides. */
const UPDATABLE = [
  'Policies', 'DeletionProtection', 'LambdaConfig', 'AutoVerifiedAttributes', 'SmsVerificationMessage', 'EmailVerificationMessage',
  'EmailVerificationSubject', 'VerificationMessageTemplate', 'SmsAuthenticationMessage', 'UserAttributeUpdateSettings', 'MfaConfiguration',
  'DeviceConfiguration', 'EmailConfiguration', 'SmsConfiguration', 'UserPoolTags', 'AdminCreateUserConfig', 'UserPoolAddOns',
  'AccountRecoverySetting', 'UserPoolTier',
] as const satisfies ReadonlyArray<keyof UserPoolType & keyof UpdateUserPoolCommandInput>;

/** An UpdateUserPool request that gives the live pool back as it is (UpdateUserPool resets what it is not given). */
export function liveUpdateInput(pool: UserPoolType): UpdateUserPoolCommandInput {
  const input: UpdateUserPoolCommandInput = { UserPoolId: pool.Id };
  for (const key of UPDATABLE) if (pool[key] !== undefined) Object.assign(input, { [key]: pool[key] });
  // DescribeUserPool still reports the retired UnusedAccountValidityDays, which UpdateUserPool refuses beside
  // PasswordPolicy.TemporaryPasswordValidityDays (terraform-provider-aws retries without it).
  if (input.AdminCreateUserConfig) {
    const { UnusedAccountValidityDays: _unused, ...admin } = input.AdminCreateUserConfig;
    input.AdminCreateUserConfig = admin;
  }
  return input;
}
