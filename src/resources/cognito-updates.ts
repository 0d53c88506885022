/**
 * In-place updates of the Cognito kinds. UpdateUserPool and UpdateUserPoolClient reset every setting they are not
 * given ("If you don't provide a value for an attribute, Amazon Cognito sets it to its default value",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-updating.html), so each request is
 * built from the whole spec, by the same function that builds the create request.
 */
import {
  SetUserPoolMfaConfigCommand, UpdateIdentityProviderCommand, UpdateUserPoolClientCommand, UpdateUserPoolCommand,
  type UpdateUserPoolClientCommandInput, type UpdateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { AwsFailure } from '../errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { providerDetails } from './identity-provider.js';
import { userPoolIdOf } from './refs.js';
import type { Ctx, Out, Outputs } from './types.js';
import { createUserPoolClientInput } from './user-pool-client.js';
import { createUserPoolInput, mfaConfigInput } from './user-pool.js';

/** The full UpdateUserPool request: everything CreateUserPool was given except what only a create may set. */
export function updateUserPoolInput(spec: SpecByKind['user-pool'], userPoolId: string, tags: Record<string, string>): UpdateUserPoolCommandInput {
  // Sign-in identifiers (AliasAttributes / UsernameAttributes) are fixed at creation: the planner replaces for those.
  const { AliasAttributes: _alias, UsernameAttributes: _username, ...rest } = createUserPoolInput(spec, tags);
  return { ...rest, UserPoolId: userPoolId };
}

export async function updateUserPool(ctx: Ctx, want: SpecByKind['user-pool'], out: Out): Promise<Out> {
  const id = out.userPoolId ?? '';
  await ctx.clients.cognito.send(new UpdateUserPoolCommand(updateUserPoolInput(want, id, ctx.tags)));
  // UpdateUserPool without SMS leaves MFA OFF; TOTP (and the mode) is set by SetUserPoolMfaConfig, as at create.
  if (want.mfa.mode !== 'OFF' && want.mfa.totp) await ctx.clients.cognito.send(new SetUserPoolMfaConfigCommand(mfaConfigInput(want, id)));
  return out;
}

/** The full UpdateUserPoolClient request (GenerateSecret is create-only: the planner replaces for it). */
export function updateUserPoolClientInput(spec: SpecByKind['user-pool-client'], userPoolId: string, clientId: string): UpdateUserPoolClientCommandInput {
  const { GenerateSecret: _secret, ...rest } = createUserPoolClientInput(spec, userPoolId);
  return { ...rest, ClientId: clientId };
}

export async function updateUserPoolClient(ctx: Ctx, want: SpecByKind['user-pool-client'], out: Out, deps: Outputs): Promise<Out> {
  await ctx.clients.cognito.send(new UpdateUserPoolClientCommand(updateUserPoolClientInput(want, userPoolIdOf(deps), out.clientId ?? '')));
  return out;
}

export async function updateIdentityProvider(ctx: Ctx, want: SpecByKind['identity-provider'], out: Out, deps: Outputs): Promise<Out> {
  // ProviderDetails is replaced whole, and it holds the secret: it must come from the environment again.
  const secret = ctx.secrets.idpClientSecret(want.providerName, want.clientSecretEnv);
  if (!secret) {
    throw new AwsFailure(`Changing identity provider ${want.providerName} needs its client secret: the environment variable ${want.clientSecretEnv} is not set.`, {
      code: 'MISSING_SECRET', hint: `Set ${want.clientSecretEnv} and run \`secure-api init\` again (secrets are never written to the state file).`,
    });
  }
  await ctx.clients.cognito.send(new UpdateIdentityProviderCommand({
    UserPoolId: userPoolIdOf(deps), ProviderName: want.providerName, ProviderDetails: providerDetails(want, secret), AttributeMapping: { email: 'email' },
  }));
  return out;
}
