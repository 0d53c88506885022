import type { DriftChange } from '../plan/changes.js';
import { settingsDrift } from './settings-drift.js';
import {
  CreateIdentityProviderCommand, DeleteIdentityProviderCommand, DescribeIdentityProviderCommand, UpdateIdentityProviderCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName } from '../aws/errors.js';
import { AwsFailure } from '../errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { errorMessage, ignoreNotFound, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

type Spec = SpecByKind['identity-provider'];

/**
 * Cognito's ProviderDetails keys per provider type (see CreateIdentityProvider). Facebook takes its
 * scopes comma-separated, the others space-separated. For Apple the secret is the private key.
 */
export function providerDetails(spec: Spec, secret: string): Record<string, string> {
  const common = { client_id: spec.clientId };
  switch (spec.providerType) {
    case 'Google':
    case 'LoginWithAmazon':
      return { ...common, client_secret: secret, authorize_scopes: spec.scopes.join(' ') };
    case 'Facebook':
      return { ...common, client_secret: secret, authorize_scopes: spec.scopes.join(',') };
    case 'SignInWithApple':
      return {
        ...common, team_id: spec.teamId ?? '', key_id: spec.keyId ?? '', private_key: secret, authorize_scopes: spec.scopes.join(' '),
      };
    case 'OIDC':
      return {
        ...common, client_secret: secret, oidc_issuer: spec.issuer ?? '', authorize_scopes: spec.scopes.join(' '),
        attributes_request_method: 'GET',
      };
  }
}

/** Every supported provider hands over the user's email under the same name. */
const ATTRIBUTE_MAPPING = { email: 'email' };

/** The provider's user id claim, which Cognito maps to the pool's `username` when a request does not say (as the fake models). */
const COGNITO_USERNAME_SOURCE: Record<Spec['providerType'], string> = { Google: 'sub', OIDC: 'sub', SignInWithApple: 'sub', Facebook: 'id', LoginWithAmazon: 'user_id' };

/** The attribute mapping a provider holds once created: ours, and the `username` Cognito adds (an export without it would show a change). */
export function attributeMappingHeld(spec: Spec): Record<string, string> {
  return { ...ATTRIBUTE_MAPPING, username: COGNITO_USERNAME_SOURCE[spec.providerType] };
}

/** An AWS error with every occurrence of the secret blanked, so it can be shown and logged. */
/** ProviderDetails keys that hold the secret: write-only, never read back nor compared. */
const WRITE_ONLY = new Set(['client_secret', 'private_key']);

/**
 * The provider's type and each ProviderDetails key secure-api sets (client id, scopes, issuer, Apple's team and key),
 * compared with what Cognito holds; keys Cognito adds itself (authorize_url, jwks_uri…) are not ours to judge.
 */
export function idpDrift(spec: Spec, idp: { ProviderType?: string | undefined; ProviderDetails?: Record<string, string> | undefined }): DriftChange[] {
  const want = Object.fromEntries(Object.entries(providerDetails(spec, '')).filter(([k]) => !WRITE_ONLY.has(k)));
  const live = Object.fromEntries(Object.keys(want).map((k) => [k, idp.ProviderDetails?.[k]]));
  return settingsDrift({ providerType: spec.providerType as string | undefined, providerDetails: want }, { providerType: idp.ProviderType, providerDetails: live });
}

function redacted(err: unknown, secret: string): unknown {
  const message = errorMessage(err);
  if (!secret || !message.includes(secret)) return err;
  const name = awsErrorName(err) ?? 'Error';
  return new AwsFailure(`CreateIdentityProvider failed: ${name}: ${message.split(secret).join('[redacted]')}`, { awsName: name });
}

/** A federated sign-in (Google, Facebook, Amazon, Apple, OIDC) for the hosted UI. */
export const identityProviderHandler: ResourceHandler<Spec> = {
  kind: 'identity-provider',
  calls: {
    create: ['cognito-idp:CreateIdentityProvider'],
    find: ['cognito-idp:DescribeIdentityProvider'],
    read: ['cognito-idp:DescribeIdentityProvider'],
    update: ['cognito-idp:UpdateIdentityProvider'],
    delete: ['cognito-idp:DeleteIdentityProvider'],
  },
  service: 'cognito',
  // DeleteUserPool deletes the pool's identity providers with it.
  deletedWithParent: true,
  immutable: ['providerName', 'providerType'],
  update: (ctx, want, out, deps) => updateIdentityProvider(ctx, want, out, deps),
  secretNeeded: (spec) => ({ what: `identity provider ${spec.providerName}`, name: spec.providerName, env: spec.clientSecretEnv }),

  async create(ctx, spec, deps) {
    const secret = ctx.secrets.idpClientSecret(spec.providerName, spec.clientSecretEnv);
    if (secret === undefined || secret === '') {
      throw new AwsFailure(`No client secret for identity provider ${spec.providerName}: the environment variable ${spec.clientSecretEnv} is not set.`, {
        code: 'MISSING_SECRET',
        hint: (cmd) => `Set ${spec.clientSecretEnv} to the ${spec.providerType} app's ${spec.providerType === 'SignInWithApple' ? 'private key' : 'client secret'} and run \`${cmd('init')}\` again to resume (secrets are never written to the state file).`,
      });
    }
    try {
      await ctx.clients.cognito.send(new CreateIdentityProviderCommand({
        UserPoolId: userPoolIdOf(deps),
        ProviderName: spec.providerName,
        ProviderType: spec.providerType,
        ProviderDetails: providerDetails(spec, secret),
        AttributeMapping: ATTRIBUTE_MAPPING,
      }));
    } catch (err) {
      throw redacted(err, secret);
    }
    return { providerName: spec.providerName };
  },

  async find(ctx, spec, deps) {
    const res = await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeIdentityProviderCommand({
      UserPoolId: userPoolIdOf(deps), ProviderName: spec.providerName,
    })));
    return res?.IdentityProvider ? { providerName: spec.providerName } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const res = await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeIdentityProviderCommand({
      UserPoolId: userPoolIdOf(deps), ProviderName: out.providerName ?? spec.providerName,
    })));
    const idp = res?.IdentityProvider;
    if (!idp) return { state: 'missing' };
    const drift = idpDrift(spec, idp);
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, spec, out, deps) {
    await ignoreNotFound(ctx.clients.cognito.send(new DeleteIdentityProviderCommand({
      UserPoolId: userPoolIdOf(deps), ProviderName: out.providerName ?? spec.providerName,
    })));
  },
};

/** In place: UpdateIdentityProvider replaces ProviderDetails whole, so it is sent again with the secret. */
export async function updateIdentityProvider(ctx: Ctx, want: SpecByKind['identity-provider'], out: Out, deps: Outputs): Promise<Out> {
  // ProviderDetails is replaced whole, and it holds the secret: it must come from the environment again.
  const secret = ctx.secrets.idpClientSecret(want.providerName, want.clientSecretEnv);
  if (!secret) {
    throw new AwsFailure(`Changing identity provider ${want.providerName} needs its client secret: the environment variable ${want.clientSecretEnv} is not set.`, {
      code: 'MISSING_SECRET', hint: (cmd) => `Set ${want.clientSecretEnv} and run \`${cmd('init')}\` again (secrets are never written to the state file).`,
    });
  }
  await ctx.clients.cognito.send(new UpdateIdentityProviderCommand({
    UserPoolId: userPoolIdOf(deps), ProviderName: want.providerName, ProviderDetails: providerDetails(want, secret), AttributeMapping: { email: 'email' },
  }));
  return out;
}
