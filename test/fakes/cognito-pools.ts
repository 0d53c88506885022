import type {
  CreateUserPoolCommandInput, CreateUserPoolCommandOutput, CreateUserPoolDomainCommandInput, CreateUserPoolDomainCommandOutput,
  DeleteUserPoolCommandInput, DeleteUserPoolDomainCommandInput, DescribeUserPoolCommandInput, DescribeUserPoolCommandOutput,
  DescribeUserPoolDomainCommandInput, DescribeUserPoolDomainCommandOutput, GetUserPoolMfaConfigCommandInput,
  GetUserPoolMfaConfigCommandOutput, ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput, ListUserPoolsCommandInput,
  ListUserPoolsCommandOutput, SchemaAttributeType, SetUserPoolMfaConfigCommandInput, SetUserPoolMfaConfigCommandOutput,
  TagResourceCommandInput, UntagResourceCommandInput, UpdateUserPoolCommandInput, UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { LOWER_ALNUM, MIXED_ALNUM, compact, copy, date, page, randomString, uniqueId, regionOf, type Ctx, type Handlers, type Out } from './core.js';
import { awsError } from './errors.js';
import type { PoolConfig, PoolRecord } from './state.js';

export function fail(name: string, message: string): never {
  throw awsError('cognito', name, message);
}

export function getPool(ctx: Ctx, id: string | undefined): PoolRecord {
  const pool = id === undefined ? undefined : ctx.state.cognito.pools[id];
  if (!pool) fail('ResourceNotFoundException', `User pool ${id ?? ''} does not exist.`);
  return pool;
}

/** Cognito's paging: MaxResults 1..60, opaque NextToken. */
export function cognitoPage<T>(items: readonly T[], token: string | undefined, max: number | undefined, defaultMax = 60): { items: T[]; next?: string } {
  return page(items, {
    token, limit: max, defaultLimit: defaultMax, maxLimit: 60,
    invalid: (what) => fail('InvalidParameterException', what === 'token' ? 'Invalid pagination token.' : '1 validation error detected: Value at \'maxResults\' failed to satisfy constraint: Member must have value between 1 and 60'),
  });
}

const STANDARD_ATTRIBUTES = [
  'sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address',
  'updated_at', 'identities',
];

function schemaAttributes(schema: SchemaAttributeType[] | undefined): SchemaAttributeType[] {
  const given = new Map((schema ?? []).map((a) => [a.Name ?? '', a]));
  const standard = STANDARD_ATTRIBUTES.map((name): SchemaAttributeType => ({
    Name: name,
    AttributeDataType: name.endsWith('_verified') ? 'Boolean' : name === 'updated_at' ? 'Number' : 'String',
    DeveloperOnlyAttribute: false,
    Mutable: name !== 'sub' && name !== 'identities' ? given.get(name)?.Mutable ?? true : false,
    Required: name === 'sub' || (given.get(name)?.Required ?? false),
  }));
  const custom = (schema ?? []).filter((a) => !STANDARD_ATTRIBUTES.includes(a.Name ?? ''))
    .map((a) => ({ ...copy(a), Name: `custom:${a.Name ?? ''}` }));
  return [...standard, ...custom];
}

/** Records the pool's MFA mode, and its history (PoolRecord.mfaTimeline). */
function setMfaMode(pool: PoolRecord, mode: PoolRecord['mfa']['MfaConfiguration']): void {
  pool.mfa.MfaConfiguration = mode;
  const timeline = (pool.mfaTimeline ??= []);
  if (timeline[timeline.length - 1] !== mode) timeline.push(mode);
}

/**
 * Threat protection is a Plus feature: "To activate this setting, your user pool must be on the Plus tier."
 * (UserPoolAddOnsType, Cognito API reference); Cognito answers FeatureUnavailableInTierException.
 */
function checkThreatProtectionTier(addOns: { AdvancedSecurityMode?: string | undefined } | undefined, tier: string | undefined): void {
  const mode = addOns?.AdvancedSecurityMode;
  if (mode !== undefined && mode !== 'OFF' && (tier ?? 'ESSENTIALS') !== 'PLUS') {
    fail('FeatureUnavailableInTierException', 'Threat protection (UserPoolAddOns) is available only in the Plus feature plan.');
  }
}

export function poolArn(ctx: Ctx, id: string): string {
  return `arn:aws:cognito-idp:${regionOf(ctx)}:${ctx.state.account}:userpool/${id}`;
}

/**
 * DescribeUserPool answers the settings as given, LambdaConfig (the pool's triggers) included: "This data type is a
 * request and response parameter of CreateUserPool and UpdateUserPool, and a response parameter of DescribeUserPool"
 * (LambdaConfigType, Cognito API reference). Test: test/existing/pool-triggers.test.ts.
 */
function poolOut(pool: PoolRecord): UserPoolType {
  const c = copy(pool.config);
  const { Schema, ...rest } = c;
  return compact({
    ...rest,
    Id: pool.Id, Name: pool.Name, Arn: pool.Arn, Status: 'Enabled' as const,
    CreationDate: date(pool.CreationDate), LastModifiedDate: date(pool.LastModifiedDate),
    SchemaAttributes: schemaAttributes(Schema), MfaConfiguration: pool.mfa.MfaConfiguration,
    UserPoolTags: { ...pool.tags }, EstimatedNumberOfUsers: Object.keys(pool.users).length,
    Domain: pool.domain !== undefined && !pool.domain.includes('.') ? pool.domain : undefined,
    CustomDomain: pool.domain?.includes('.') ? pool.domain : undefined,
    DeletionProtection: c.DeletionProtection ?? 'INACTIVE',
    // "The user pool feature plan, or tier. ... Defaults to ESSENTIALS." (UserPoolType, Cognito API reference)
    UserPoolTier: c.UserPoolTier ?? 'ESSENTIALS',
  });
}

/** Settings UpdateUserPool may change. Anything not given reverts to its default, as AWS documents. */
const UPDATABLE = [
  'Policies', 'DeletionProtection', 'LambdaConfig', 'AutoVerifiedAttributes', 'SmsVerificationMessage', 'EmailVerificationMessage',
  'EmailVerificationSubject', 'VerificationMessageTemplate', 'SmsAuthenticationMessage', 'UserAttributeUpdateSettings',
  'MfaConfiguration', 'DeviceConfiguration', 'EmailConfiguration', 'SmsConfiguration', 'AdminCreateUserConfig', 'UserPoolAddOns',
  'DcrConfiguration', 'AccountRecoverySetting', 'UserPoolTier', 'KeyConfiguration', 'IssuerConfiguration', 'AcrConfiguration',
] as const satisfies ReadonlyArray<keyof PoolConfig & keyof UpdateUserPoolCommandInput>;

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function poolFromArn(ctx: Ctx, arn: string | undefined): PoolRecord {
  const m = /^arn:aws[\w-]*:cognito-idp:[\w-]+:\d{12}:userpool\/(.+)$/.exec(arn ?? '');
  if (!m) fail('InvalidParameterException', `Invalid ARN: ${arn ?? ''}`);
  return getPool(ctx, m[1]);
}

/** A deleted domain is gone at last: its prefix is free and its pool may be deleted. */
function forgetDomain(ctx: Ctx, domain: string): void {
  const d = ctx.state.cognito.domains[domain];
  if (!d) return;
  delete ctx.state.cognito.domains[domain];
  const pool = ctx.state.cognito.pools[d.UserPoolId];
  if (pool?.domain === domain) delete pool.domain;
}

export const poolHandlers: Handlers = {
  CreateUserPool(ctx, input: CreateUserPoolCommandInput): Out<CreateUserPoolCommandOutput> {
    if (!input.PoolName) fail('InvalidParameterException', "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null");
    if (input.AliasAttributes?.length && input.UsernameAttributes?.length) {
      fail('InvalidParameterException', 'Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.');
    }
    // Cognito texts the code that verifies a phone number, so auto-verifying phone_number needs an SNS role
    // (SmsConfiguration): aws-cdk #9513 creates one whenever "phone verification is required", aws-cdk #12075.
    if (input.AutoVerifiedAttributes?.includes('phone_number') && !input.SmsConfiguration?.SnsCallerArn) {
      fail('InvalidParameterException', 'SMS configuration is required when phone_number is in AutoVerifiedAttributes.');
    }
    if (input.UserPoolTier !== undefined && !['LITE', 'ESSENTIALS', 'PLUS'].includes(input.UserPoolTier)) {
      fail('InvalidParameterException', `1 validation error detected: Value '${String(input.UserPoolTier)}' at 'userPoolTier' failed to satisfy constraint: Member must satisfy enum value set: [LITE, ESSENTIALS, PLUS]`);
    }
    checkThreatProtectionTier(input.UserPoolAddOns, input.UserPoolTier);
    const s = ctx.state;
    const id = uniqueId(s, s.cognito.pools, () => `${regionOf(ctx)}_${randomString(s, 9, MIXED_ALNUM)}`);
    const { PoolName: _name, UserPoolTags, ...config } = copy(input);
    const now = ctx.now();
    const pool: PoolRecord = {
      Id: id, Name: input.PoolName, Arn: poolArn(ctx, id), CreationDate: now, LastModifiedDate: now,
      config: compact(config), tags: { ...UserPoolTags }, mfa: { MfaConfiguration: input.MfaConfiguration ?? 'OFF' },
      mfaTimeline: [input.MfaConfiguration ?? 'OFF'], clients: {}, idps: {}, users: {},
    };
    s.cognito.pools[id] = pool;
    return { UserPool: poolOut(pool) };
  },

  DescribeUserPool(ctx, input: DescribeUserPoolCommandInput): Out<DescribeUserPoolCommandOutput> {
    return { UserPool: poolOut(getPool(ctx, input.UserPoolId)) };
  },

  ListUserPools(ctx, input: ListUserPoolsCommandInput): Out<ListUserPoolsCommandOutput> {
    if (input.MaxResults === undefined) fail('InvalidParameterException', "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null");
    const all = Object.values(ctx.state.cognito.pools).map((p) => compact({
      Id: p.Id, Name: p.Name, LambdaConfig: copy(p.config.LambdaConfig) ?? {}, Status: 'Enabled' as const,
      CreationDate: date(p.CreationDate), LastModifiedDate: date(p.LastModifiedDate),
    }));
    const p = cognitoPage(all, input.NextToken, input.MaxResults);
    return compact({ UserPools: p.items, NextToken: p.next });
  },

  UpdateUserPool(ctx, input: UpdateUserPoolCommandInput): object {
    const pool = getPool(ctx, input.UserPoolId);
    // UpdateUserPool cannot require MFA of a pool with no factor to require: "Cannot turn MFA functionality ON, once
    // the user pool has been created." (cloudformation-coverage-roadmap#1176, update-user-pool --mfa-configuration ON
    // with no SMS and no TOTP). With TOTP turned on by SetUserPoolMfaConfig it is accepted: terraform-provider-aws's
    // resourceUserPoolUpdate sends SetUserPoolMfaConfig first, then UpdateUserPool with the same mfa_configuration.
    const totp = pool.mfa.SoftwareTokenMfaConfiguration?.Enabled === true;
    if (input.MfaConfiguration === 'ON' && !totp && !input.SmsConfiguration?.SnsCallerArn) {
      fail('InvalidParameterException', 'Cannot turn MFA functionality ON, once the user pool has been created.');
    }
    checkThreatProtectionTier(input.UserPoolAddOns, input.UserPoolTier ?? pool.config.UserPoolTier);
    const config: PoolConfig = { ...pool.config };
    for (const key of UPDATABLE) delete config[key];
    for (const key of UPDATABLE) if (input[key] !== undefined) Object.assign(config, { [key]: copy(input[key]) });
    pool.config = config;
    if (input.PoolName) pool.Name = input.PoolName;
    // UserPoolTags overwrites the pool's tags, and an update without it removes them all, like every other setting it
    // is not given: aws-cli#3302 ("The entire pool is reset to default values … Tags are removed"),
    // terraform-provider-aws#11265 ("the API provides a tags overwriting field during update").
    pool.tags = { ...input.UserPoolTags };
    // MfaConfiguration is reset like every other setting it is not given; the factors (SetUserPoolMfaConfig's) stay.
    setMfaMode(pool, input.MfaConfiguration ?? 'OFF');
    pool.LastModifiedDate = ctx.now();
    return {};
  },

  DeleteUserPool(ctx, input: DeleteUserPoolCommandInput): object {
    const pool = getPool(ctx, input.UserPoolId);
    if (pool.domain !== undefined) fail('InvalidParameterException', 'User pool cannot be deleted. It has a domain configured that should be deleted first.');
    // "Before you can delete a user pool that you have protected against deletion, you must deactivate this feature."
    // (UpdateUserPool, DeletionProtection, Cognito API reference).
    if (pool.config.DeletionProtection === 'ACTIVE') {
      fail('InvalidParameterException', 'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.');
    }
    delete ctx.state.cognito.pools[pool.Id];
    return {};
  },

  SetUserPoolMfaConfig(ctx, input: SetUserPoolMfaConfigCommandInput): Out<SetUserPoolMfaConfigCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const mode = input.MfaConfiguration ?? pool.mfa.MfaConfiguration;
    const anyFactor = input.SoftwareTokenMfaConfiguration?.Enabled === true || input.SmsMfaConfiguration !== undefined
      || input.EmailMfaConfiguration !== undefined;
    if (mode !== 'OFF' && !anyFactor) fail('InvalidParameterException', 'At least one MFA method must be enabled when MFA is ON or OPTIONAL.');
    const timeline = pool.mfaTimeline ?? [pool.mfa.MfaConfiguration];
    pool.mfa = compact({
      MfaConfiguration: mode, SmsMfaConfiguration: copy(input.SmsMfaConfiguration),
      SoftwareTokenMfaConfiguration: copy(input.SoftwareTokenMfaConfiguration), EmailMfaConfiguration: copy(input.EmailMfaConfiguration),
      WebAuthnConfiguration: copy(input.WebAuthnConfiguration),
    });
    pool.mfaTimeline = timeline;
    setMfaMode(pool, mode);
    pool.LastModifiedDate = ctx.now();
    return copy(pool.mfa);
  },

  GetUserPoolMfaConfig(ctx, input: GetUserPoolMfaConfigCommandInput): Out<GetUserPoolMfaConfigCommandOutput> {
    return copy(getPool(ctx, input.UserPoolId).mfa);
  },

  CreateUserPoolDomain(ctx, input: CreateUserPoolDomainCommandInput): Out<CreateUserPoolDomainCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const domain = input.Domain ?? '';
    const custom = domain.includes('.');
    if (custom) {
      if (!input.CustomDomainConfig?.CertificateArn) fail('InvalidParameterException', 'CustomDomainConfig with a CertificateArn is required for a custom domain.');
    } else {
      if (!DOMAIN_PREFIX.test(domain)) {
        fail('InvalidParameterException', 'The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$');
      }
      const reserved = ['aws', 'amazon', 'cognito'].find((w) => domain.includes(w));
      if (reserved !== undefined) fail('InvalidParameterException', `Domain cannot contain reserved word: ${reserved}`);
    }
    if (ctx.state.cognito.domains[domain] || ctx.opts.takenDomainPrefixes.has(domain)) {
      fail('InvalidParameterException', 'Domain already associated with another user pool.');
    }
    if (pool.domain !== undefined) fail('InvalidParameterException', `User pool ${pool.Id} already has a domain configured.`);
    // "Managed login requires that your user pool be configured for any feature plan other than Lite."
    // (CreateUserPoolDomain, ManagedLoginVersion, Cognito API reference); a pool given no tier is ESSENTIALS.
    if (input.ManagedLoginVersion === 2 && pool.config.UserPoolTier === 'LITE') {
      fail('FeatureUnavailableInTierException', 'Managed login (ManagedLoginVersion 2) is not available in the Lite feature plan.');
    }
    const s = ctx.state;
    const cloudFront = `${randomString(s, 14, LOWER_ALNUM)}.cloudfront.net`;
    ctx.state.cognito.domains[domain] = compact({
      Domain: domain, UserPoolId: pool.Id, CloudFrontDistribution: cloudFront, Version: '20190101',
      ManagedLoginVersion: input.ManagedLoginVersion ?? 1, CustomDomainConfig: copy(input.CustomDomainConfig), describes: 0,
    });
    pool.domain = domain;
    return compact({ ManagedLoginVersion: input.ManagedLoginVersion ?? 1, CloudFrontDomain: custom ? cloudFront : undefined });
  },

  DescribeUserPoolDomain(ctx, input: DescribeUserPoolDomainCommandInput): Out<DescribeUserPoolDomainCommandOutput> {
    const d = ctx.state.cognito.domains[input.Domain ?? ''];
    // AWS answers an unknown domain with an empty description, not an error.
    if (!d) return { DomainDescription: {} };
    if (d.deletingLeft !== undefined && d.deletingLeft <= 0) {
      forgetDomain(ctx, d.Domain);
      return { DomainDescription: {} };
    }
    d.describes += 1;
    if (d.deletingLeft !== undefined) d.deletingLeft -= 1;
    const status = d.deletingLeft !== undefined ? 'DELETING' as const
      : d.describes <= ctx.opts.domainCreatingDescribes ? 'CREATING' as const : 'ACTIVE' as const;
    return {
      DomainDescription: compact({
        UserPoolId: d.UserPoolId, AWSAccountId: ctx.state.account, Domain: d.Domain, S3Bucket: 'aws-cognito-prod-fake-assets',
        CloudFrontDistribution: d.CloudFrontDistribution, Version: d.Version, Status: status, ManagedLoginVersion: d.ManagedLoginVersion,
        CustomDomainConfig: copy(d.CustomDomainConfig),
      }),
    };
  },

  DeleteUserPoolDomain(ctx, input: DeleteUserPoolDomainCommandInput): object {
    const d = ctx.state.cognito.domains[input.Domain ?? ''];
    if (!d || d.UserPoolId !== input.UserPoolId) fail('InvalidParameterException', 'No such domain or user pool exists.');
    // Deleting a domain is asynchronous: for a while it is DELETING, still attached, and DeleteUserPool still answers
    // "It has a domain configured that should be deleted first." (terraform-provider-aws #16479, #14102). It lingers
    // for `domainDeletingDescribes` DescribeUserPoolDomain calls.
    if (d.deletingLeft === undefined) d.deletingLeft = ctx.opts.domainDeletingDescribes;
    if (d.deletingLeft <= 0) forgetDomain(ctx, d.Domain);
    return {};
  },

  TagResource(ctx, input: TagResourceCommandInput): object {
    Object.assign(poolFromArn(ctx, input.ResourceArn).tags, input.Tags);
    return {};
  },

  UntagResource(ctx, input: UntagResourceCommandInput): object {
    const pool = poolFromArn(ctx, input.ResourceArn);
    for (const k of input.TagKeys ?? []) delete pool.tags[k];
    return {};
  },

  ListTagsForResource(ctx, input: ListTagsForResourceCommandInput): Out<ListTagsForResourceCommandOutput> {
    return { Tags: { ...poolFromArn(ctx, input.ResourceArn).tags } };
  },
};
