import type { DriftChange } from '../plan/changes.js';
import {
  CreateUserPoolCommand, DeleteUserPoolCommand, DescribeUserPoolCommand, SetUserPoolMfaConfigCommand,
  type CreateUserPoolCommandInput, type SetUserPoolMfaConfigCommandInput, type SmsConfigurationType, type UsernameAttributeType,
  type UserPoolType, type VerifiedAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SpecByKind } from '../plan/specs.js';
import { awsErrorName } from '../aws/errors.js';
import { eachUserPool } from '../aws/pages.js';
import { errorMessage, ignoreNotFound, isOurs, undefinedIfNotFound } from './refs.js';
import { createOrFind } from './create-or-find.js';
import { describeDomain, waitForDomainGone } from './user-pool-domain.js';
import { tagDrift, wantedTags } from './tags.js';
import type { Ctx, Out, ResourceHandler } from './types.js';
import { updateUserPool } from './cognito-updates.js';

type Spec = SpecByKind['user-pool'];

/** The SNS role Cognito texts through (SMS MFA, phone verification and recovery), when one is given. */
function smsConfiguration(spec: Spec): SmsConfigurationType | undefined {
  const { smsRoleArn, smsExternalId } = spec.mfa;
  return smsRoleArn ? { SnsCallerArn: smsRoleArn, ...(smsExternalId ? { ExternalId: smsExternalId } : {}) } : undefined;
}

/** SMS as a second factor: chosen, and a role to send it with. */
function smsMfa(spec: Spec): boolean {
  return spec.mfa.sms && spec.mfa.smsRoleArn !== undefined;
}

/** TOTP can only be switched on by SetUserPoolMfaConfig after the pool exists. */
function needsMfaConfig(spec: Spec): boolean {
  return spec.mfa.mode !== 'OFF' && spec.mfa.totp;
}

/** The CreateUserPool request for a spec (pure, so the mapping is tested on its own). */
export function createUserPoolInput(spec: Spec, tags: Record<string, string>): CreateUserPoolCommandInput {
  const ids = spec.signInIdentifiers;
  const attrs: UsernameAttributeType[] = [
    ...(ids.includes('email') ? ['email' as const] : []),
    ...(ids.includes('phone') ? ['phone_number' as const] : []),
  ];
  const sms = smsConfiguration(spec);
  const verified = new Set<VerifiedAttributeType>();
  if (ids.includes('email') || spec.accountRecovery === 'verified_email') verified.add('email');
  // Cognito refuses phone_number in AutoVerifiedAttributes without an SmsConfiguration (the config check asks for one).
  if (sms && (ids.includes('phone') || spec.accountRecovery === 'verified_phone_number')) verified.add('phone_number');
  // Cognito requires a verified phone_number for SMS MFA.
  if (spec.mfa.mode !== 'OFF' && smsMfa(spec)) verified.add('phone_number');
  return {
    PoolName: spec.name,
    // Without it Cognito makes an ESSENTIALS pool; the config defaults to LITE, the cheapest plan.
    UserPoolTier: spec.tier,
    // With a username, email/phone become aliases; without one, they are the username itself.
    ...(attrs.length > 0 ? (ids.includes('username') ? { AliasAttributes: attrs } : { UsernameAttributes: attrs }) : {}),
    ...(verified.size > 0 ? { AutoVerifiedAttributes: [...verified] } : {}),
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
    UserPoolTags: tags,
    // `secure-api destroy` must be able to remove the pool.
    DeletionProtection: 'INACTIVE',
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

function toOut(ctx: Ctx, userPoolId: string, arn: string | undefined): Out {
  return { userPoolId, userPoolArn: arn ?? `arn:${ctx.partition}:cognito-idp:${ctx.region}:${ctx.account}:userpool/${userPoolId}` };
}

/** The settings (not the tags) a live pool has other than the spec's: what status reports, and an update must put back. */
export function poolSettingsDrift(spec: Spec, pool: UserPoolType): DriftChange[] {
  const drift: DriftChange[] = [];
  if ((pool.MfaConfiguration ?? 'OFF') !== spec.mfa.mode) drift.push({ path: 'mfa.mode', before: spec.mfa.mode, after: pool.MfaConfiguration ?? 'OFF' });
  if (pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly === spec.selfSignUp) {
    drift.push({ path: 'selfSignUp', before: spec.selfSignUp, after: !spec.selfSignUp });
  }
  return drift;
}

/** The pool of this name tagged with our stack (pool names are not unique: only the tagged one is ours). */
async function findOurPool(ctx: Ctx, name: string): Promise<Out | undefined> {
  for await (const p of eachUserPool(ctx.clients)) {
    if (p.Name !== name || !p.Id) continue;
    const pool = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: p.Id }))))?.UserPool;
    // Pool names are not unique: only the one tagged with our stack and state id is ours.
    if (pool && isOurs(ctx, pool.UserPoolTags)) return toOut(ctx, p.Id, pool.Arn);
  }
  return undefined;
}

/** Step 3: the user pool whose tokens the authorizer accepts. */
export const userPoolHandler: ResourceHandler<Spec> = {
  kind: 'user-pool',
  service: 'cognito',
  // AWS never changes a pool's sign-in options (AliasAttributes / UsernameAttributes): a new pool, and its users are lost.
  immutable: ['signInIdentifiers'],
  update: (ctx, want, out, _deps, fields) => updateUserPool(ctx, want, out, fields),

  async create(ctx, spec) {
    // Not idempotent: after a lost answer, look for it (by name and tag, as find does) before making another.
    const out = await createOrFind(ctx, { what: `user pool ${spec.name}`, service: 'cognito', command: 'CreateUserPoolCommand' }, async () => {
      const res = await ctx.clients.cognito.send(new CreateUserPoolCommand(createUserPoolInput(spec, wantedTags(ctx, spec.tags))));
      const id = res.UserPool?.Id;
      if (!id) throw new Error(`CreateUserPool returned no id for ${spec.name}`);
      return toOut(ctx, id, res.UserPool?.Arn);
    }, () => findOurPool(ctx, spec.name));
    if (needsMfaConfig(spec)) await ctx.clients.cognito.send(new SetUserPoolMfaConfigCommand(mfaConfigInput(spec, out.userPoolId ?? '')));
    return out;
  },

  async find(ctx, spec) {
    const out = await findOurPool(ctx, spec.name);
    // Interrupted before SetUserPoolMfaConfig: it is idempotent, so just send it.
    if (out && needsMfaConfig(spec)) await ctx.clients.cognito.send(new SetUserPoolMfaConfigCommand(mfaConfigInput(spec, out.userPoolId ?? '')));
    return out;
  },

  async tags(ctx, out) {
    const pool = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: out.userPoolId }))))?.UserPool;
    return pool && (pool.UserPoolTags ?? {});
  },

  async read(ctx, spec, out) {
    const pool = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: out.userPoolId }))))?.UserPool;
    if (!pool) return { state: 'missing' };
    const drift = [...poolSettingsDrift(spec, pool), ...tagDrift(spec.tags, pool.UserPoolTags)];
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  // The engine deletes the hosted-UI domain first: Cognito refuses to delete a pool that has one.
  async delete(ctx, _spec, out) {
    const userPoolId = out.userPoolId ?? '';
    const remove = () => ignoreNotFound(ctx.clients.cognito.send(new DeleteUserPoolCommand({ UserPoolId: userPoolId })));
    try {
      await remove();
    } catch (err) {
      // A domain deleted by an earlier, interrupted run may still be going (deleting a domain is asynchronous).
      if (awsErrorName(err) !== 'InvalidParameterException' || !/domain configured/i.test(errorMessage(err))) throw err;
      const pool = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))))?.UserPool;
      const domain = pool?.Domain ?? pool?.CustomDomain;
      if (domain !== undefined && (await describeDomain(ctx, domain))?.Status !== 'DELETING') throw err;
      if (domain !== undefined) await waitForDomainGone(ctx, domain, userPoolId);
      await remove();
    }
  },
};
