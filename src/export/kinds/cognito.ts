/**
 * Cognito kinds, built from the handlers' own requests (createUserPoolInput, createUserPoolClientInput,
 * providerDetails, resourceServerScopes) and renamed per target. Terraform import ids as the provider documents them:
 * POOL-ID, POOL-ID/CLIENT-ID, POOL-ID:PROVIDER-NAME, POOL-ID|IDENTIFIER (a resource server), DOMAIN.
 */
import { attributeMappingHeld, providerDetails } from '../../resources/identity-provider.js';
import { resourceServerScopes } from '../../resources/resource-server.js';
import { createUserPoolClientInput } from '../../resources/user-pool-client.js';
import { createUserPoolInput, mfaConfigInput } from '../../resources/user-pool.js';
import { Secret, TfBlock, type ExportCtx, type ExportNode, type KindExport, type TfBody, type Value } from '../model.js';
import { token, untoken } from '../tokens.js';

const POOL = 'pool';

/** What Cognito ends up with: the create request, then SetUserPoolMfaConfig (TOTP, and the final MFA mode). */
function poolSettings(spec: Parameters<typeof createUserPoolInput>[0]) {
  const input = createUserPoolInput(spec, spec.tags ?? {});
  const mfa = mfaConfigInput(spec, '');
  const totp = spec.mfa.mode !== 'OFF' && spec.mfa.totp;
  return { input, mode: spec.mfa.mode, totp, smsMfa: Boolean(mfa.SmsMfaConfiguration) || input.MfaConfiguration !== 'OFF' };
}

/**
 * The CreateUserPool fields the Terraform export writes. A field the handler starts sending that is not here stops
 * the export (a setting silently left out would be changed back by the first `terraform apply`).
 */
export const TF_POOL_FIELDS = new Set([
  'PoolName', 'UserPoolTier', 'AliasAttributes', 'UsernameAttributes', 'AutoVerifiedAttributes', 'DeletionProtection', 'MfaConfiguration',
  'Policies', 'SmsConfiguration', 'EmailConfiguration', 'AccountRecoverySetting', 'AdminCreateUserConfig', 'UserPoolAddOns', 'UserPoolTags',
]);
/** The same for CreateUserPoolClient. */
export const TF_CLIENT_FIELDS = new Set([
  'UserPoolId', 'ClientName', 'GenerateSecret', 'ExplicitAuthFlows', 'SupportedIdentityProviders', 'PreventUserExistenceErrors', 'EnableTokenRevocation',
  'AllowedOAuthFlowsUserPoolClient', 'AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs',
  'AccessTokenValidity', 'IdTokenValidity', 'RefreshTokenValidity', 'TokenValidityUnits',
]);
function allMapped(what: string, input: object, fields: Set<string>): void {
  const unknown = Object.keys(input).filter((k) => !fields.has(k));
  if (unknown.length) throw new Error(`export terraform does not yet write ${what}'s ${unknown.join(', ')}`);
}

export const userPoolExport: KindExport<'user-pool'> = {
  owner: 'ours',
  terraform: (n, x) => {
    const { input, mode, totp } = poolSettings(n.spec);
    allMapped('CreateUserPool', input, TF_POOL_FIELDS);
    const pw = input.Policies?.PasswordPolicy;
    const email = input.EmailConfiguration;
    const body: TfBody = {
      name: input.PoolName,
      user_pool_tier: input.UserPoolTier,
      alias_attributes: input.AliasAttributes,
      username_attributes: input.UsernameAttributes,
      auto_verified_attributes: input.AutoVerifiedAttributes,
      deletion_protection: input.DeletionProtection,
      mfa_configuration: mode,
      password_policy: new TfBlock({
        minimum_length: pw?.MinimumLength, require_numbers: pw?.RequireNumbers, require_symbols: pw?.RequireSymbols,
        require_uppercase: pw?.RequireUppercase, require_lowercase: pw?.RequireLowercase,
        temporary_password_validity_days: pw?.TemporaryPasswordValidityDays,
      }),
      software_token_mfa_configuration: totp ? new TfBlock({ enabled: true }) : undefined,
      sms_configuration: input.SmsConfiguration
        ? new TfBlock({ sns_caller_arn: input.SmsConfiguration.SnsCallerArn, external_id: input.SmsConfiguration.ExternalId ?? '' })
        : undefined,
      email_configuration: new TfBlock({
        email_sending_account: email?.EmailSendingAccount, source_arn: email?.SourceArn, from_email_address: email?.From,
        configuration_set: email?.ConfigurationSet, reply_to_email_address: email?.ReplyToEmailAddress,
      }),
      account_recovery_setting: new TfBlock({
        recovery_mechanism: (input.AccountRecoverySetting?.RecoveryMechanisms ?? []).map((r) => new TfBlock({ name: r.Name, priority: r.Priority })),
      }),
      admin_create_user_config: new TfBlock({ allow_admin_create_user_only: input.AdminCreateUserConfig?.AllowAdminCreateUserOnly }),
      user_pool_add_ons: input.UserPoolAddOns ? new TfBlock({ advanced_security_mode: input.UserPoolAddOns.AdvancedSecurityMode }) : undefined,
      tags: n.spec.tags,
    };
    return [{
      type: 'aws_cognito_user_pool', name: x.tfName(n.id), importId: n.out.userPoolId ?? '', body,
      refs: { userPoolId: 'id', userPoolArn: 'arn' },
      // Destroying a pool deletes its users: Terraform refuses a plan that would.
      lifecycle: { preventDestroy: true },
    }];
  },
  cloudformation: (n, x) => {
    const { input, mode, totp, smsMfa } = poolSettings(n.spec);
    const { PoolName, UserPoolTags, MfaConfiguration: _mode, ...rest } = input;
    const enabled = [...(totp ? ['SOFTWARE_TOKEN_MFA'] : []), ...(smsMfa && mode !== 'OFF' ? ['SMS_MFA'] : [])];
    return [{
      logicalId: x.logicalId(n.id), type: 'AWS::Cognito::UserPool', refs: { userPoolId: 'Ref', userPoolArn: 'Arn' },
      properties: {
        UserPoolName: PoolName, ...untokenRecord(x, rest), MfaConfiguration: mode,
        EnabledMfas: enabled.length ? enabled : undefined, UserPoolTags: Object.keys(UserPoolTags ?? {}).length ? UserPoolTags : undefined,
      },
      import: { identifier: { UserPoolId: n.out.userPoolId ?? '' } },
      retain: true,
    }];
  },
};

function untokenRecord(x: ExportCtx, r: object): Record<string, Value> {
  return untoken(x, r) as Record<string, Value>;
}

/** The client request with the pool and each federated provider named by reference. */
function clientInput(n: ExportNode<'user-pool-client'>, x: ExportCtx) {
  const idpNodes = new Map(x.nodesOf('identity-provider').map((i) => [i.spec.providerName, i.id]));
  const spec = { ...n.spec, supportedIdentityProviders: n.spec.supportedIdentityProviders.map((p) => (idpNodes.has(p) ? token(idpNodes.get(p)!, 'providerName') : p)) };
  return createUserPoolClientInput(spec, token(POOL, 'userPoolId'));
}

export const userPoolClientExport: KindExport<'user-pool-client'> = {
  owner: 'ours',
  terraform: (n, x) => {
    const c = clientInput(n, x);
    allMapped('CreateUserPoolClient', c, TF_CLIENT_FIELDS);
    return [{
      type: 'aws_cognito_user_pool_client', name: x.tfName(n.id), importId: `${x.ref(POOL, 'userPoolId').literal}/${n.out.clientId ?? ''}`, refs: { clientId: 'id' },
      // A custom scope is defined by its resource server before any client names it (ScopeDoesNotExistException).
      dependsOn: x.nodesOf('resource-server').map((r) => ({ node: r.id })),
      body: {
        name: c.ClientName, user_pool_id: untoken(x, c.UserPoolId), generate_secret: c.GenerateSecret,
        explicit_auth_flows: c.ExplicitAuthFlows, supported_identity_providers: untoken(x, c.SupportedIdentityProviders),
        prevent_user_existence_errors: c.PreventUserExistenceErrors, enable_token_revocation: c.EnableTokenRevocation,
        allowed_oauth_flows_user_pool_client: c.AllowedOAuthFlowsUserPoolClient, allowed_oauth_flows: c.AllowedOAuthFlows,
        allowed_oauth_scopes: c.AllowedOAuthScopes, callback_urls: c.CallbackURLs, logout_urls: c.LogoutURLs,
        access_token_validity: c.AccessTokenValidity, id_token_validity: c.IdTokenValidity, refresh_token_validity: c.RefreshTokenValidity,
        token_validity_units: c.TokenValidityUnits
          ? new TfBlock({ access_token: c.TokenValidityUnits.AccessToken, id_token: c.TokenValidityUnits.IdToken, refresh_token: c.TokenValidityUnits.RefreshToken })
          : undefined,
      },
    }];
  },
  cloudformation: (n, x) => {
    const { UserPoolId, ...rest } = clientInput(n, x);
    return [{
      logicalId: x.logicalId(n.id), type: 'AWS::Cognito::UserPoolClient', refs: { clientId: 'Ref' },
      dependsOn: x.nodesOf('resource-server').map((r) => r.id),
      properties: { UserPoolId: untoken(x, UserPoolId), ...untokenRecord(x, rest) },
      import: { identifier: { UserPoolId: x.ref(POOL, 'userPoolId').literal, ClientId: n.out.clientId ?? '' } },
    }];
  },
};

const SECRET = '\u00absecret\u00bb';
/** The provider's details with its secret (a client secret, Apple's private key) as a variable the export never fills. */
function idpDetails(n: ExportNode<'identity-provider'>): Record<string, Value> {
  const name = `${n.spec.providerName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${n.spec.providerType === 'SignInWithApple' ? 'private_key' : 'client_secret'}`;
  const secret = new Secret(name, `${n.spec.providerType} ${n.spec.providerType === 'SignInWithApple' ? 'private key' : 'client secret'} of identity provider ${n.spec.providerName} (secure-api read it from ${n.spec.clientSecretEnv})`);
  return Object.fromEntries(Object.entries(providerDetails(n.spec, SECRET)).map(([k, v]) => [k, v === SECRET ? secret : v]));
}

export const identityProviderExport: KindExport<'identity-provider'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_cognito_identity_provider', name: x.tfName(n.id), importId: `${x.ref(POOL, 'userPoolId').literal}:${n.spec.providerName}`,
    refs: { providerName: 'provider_name' },
    body: {
      user_pool_id: x.ref(POOL, 'userPoolId'), provider_name: n.spec.providerName, provider_type: n.spec.providerType,
      provider_details: idpDetails(n), attribute_mapping: attributeMappingHeld(n.spec),
    },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::Cognito::UserPoolIdentityProvider', refs: { providerName: 'Ref' },
    properties: {
      UserPoolId: x.ref(POOL, 'userPoolId'), ProviderName: n.spec.providerName, ProviderType: n.spec.providerType,
      ProviderDetails: idpDetails(n), AttributeMapping: attributeMappingHeld(n.spec),
    },
    import: { identifier: { UserPoolId: x.ref(POOL, 'userPoolId').literal, ProviderName: n.spec.providerName } },
  }],
};

export const userPoolDomainExport: KindExport<'user-pool-domain'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_cognito_user_pool_domain', name: x.tfName(n.id), importId: n.out.domain ?? n.spec.domainPrefix,
    body: { domain: n.spec.domainPrefix, user_pool_id: x.ref(POOL, 'userPoolId'), managed_login_version: n.spec.managedLoginVersion },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::Cognito::UserPoolDomain',
    properties: { Domain: n.spec.domainPrefix, UserPoolId: x.ref(POOL, 'userPoolId'), ManagedLoginVersion: n.spec.managedLoginVersion },
    import: { identifier: { UserPoolId: x.ref(POOL, 'userPoolId').literal, Domain: n.out.domain ?? n.spec.domainPrefix } },
  }],
};

export const resourceServerExport: KindExport<'resource-server'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_cognito_resource_server', name: x.tfName(n.id), importId: `${x.ref(POOL, 'userPoolId').literal}|${n.out.identifier ?? n.spec.identifier}`,
    body: {
      identifier: n.spec.identifier, name: n.spec.name, user_pool_id: x.ref(POOL, 'userPoolId'),
      scope: resourceServerScopes(n.spec).map((sc) => new TfBlock({ scope_name: sc.ScopeName, scope_description: sc.ScopeDescription })),
    },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::Cognito::UserPoolResourceServer',
    properties: { UserPoolId: x.ref(POOL, 'userPoolId'), Identifier: n.spec.identifier, Name: n.spec.name, Scopes: resourceServerScopes(n.spec) },
    import: { identifier: { UserPoolId: x.ref(POOL, 'userPoolId').literal, Identifier: n.out.identifier ?? n.spec.identifier } },
  }],
};

/** A group a route is restricted to. Terraform's import id is USER-POOL-ID/GROUP-NAME (aws_cognito_user_group). */
export const userPoolGroupExport: KindExport<'user-pool-group'> = {
  owner: 'ours',
  terraform: (n, x) => [{
    type: 'aws_cognito_user_group', name: x.tfName(n.id), importId: `${x.ref(POOL, 'userPoolId').literal}/${n.out.groupName ?? n.spec.groupName}`,
    body: { name: n.spec.groupName, user_pool_id: x.ref(POOL, 'userPoolId'), description: n.spec.description },
  }],
  cloudformation: (n, x) => [{
    logicalId: x.logicalId(n.id), type: 'AWS::Cognito::UserPoolGroup',
    properties: { UserPoolId: x.ref(POOL, 'userPoolId'), GroupName: n.spec.groupName, Description: n.spec.description },
    import: { identifier: { UserPoolId: x.ref(POOL, 'userPoolId').literal, GroupName: n.out.groupName ?? n.spec.groupName } },
  }],
};
