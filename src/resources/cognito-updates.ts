/**
 * In-place updates of the Cognito kinds. UpdateUserPool and UpdateUserPoolClient reset every setting they are not
 * given ("If you don't provide a value for an attribute, Amazon Cognito sets it to its default value",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-updating.html), so each request is
 * built from the whole spec, by the same function that builds the create request.
 */
import {
  DescribeUserPoolCommand, GetUserPoolMfaConfigCommand, SetUserPoolMfaConfigCommand, TagResourceCommand, UntagResourceCommand,
  UpdateUserPoolClientCommand, UpdateUserPoolCommand, type UpdateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { FieldChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { userPoolIdOf } from './refs.js';
import { applyDelta, isTagField, tagChange } from './tags.js';
import type { Ctx, Out, Outputs } from './types.js';
import { createUserPoolClientInput } from './user-pool-client-settings.js';
import { keepRaised, mfaConfigInput, needsMfaConfig, observePool, poolDrift, updateUserPoolInput } from './user-pool-settings.js';

export { updateUserPoolInput };

/**
 * UpdateUserPool overwrites the pool's tags with its UserPoolTags, and drops them all when it has none (aws-cli#3302:
 * "Tags are removed"; terraform-provider-aws#11265: "the API provides a tags overwriting field during update"). So it
 * is given the live tags (someone else's too) with ours applied; a change of tags alone goes through TagResource and
 * UntagResource instead, and never resets a setting.
 * No call lowers MFA: SetUserPoolMfaConfig (TOTP at the wanted mode) goes first, then UpdateUserPool carrying that
 * same mode, the order terraform-provider-aws's resourceUserPoolUpdate uses; and what someone raised by hand (MFA,
 * deletion or threat protection) is kept unless the configuration itself changed it (keepRaised).
 */
export async function updateUserPool(ctx: Ctx, want: SpecByKind['user-pool'], out: Out, fields: FieldChange[] = []): Promise<Out> {
  const id = out.userPoolId ?? '';
  const [live, liveMfa] = await Promise.all([
    ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: id })).then((r) => r.UserPool),
    ctx.clients.cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: id })),
  ]);
  const observed = live ? observePool(live, liveMfa) : undefined;
  const spec = keepRaised(want, observed, fields);
  const tags = tagChange(ctx, want.tags, live?.UserPoolTags, fields);
  // Tags alone, or a repair of tags alone (no field changed, no setting drifted): no UpdateUserPool.
  if (fields.every(isTagField) && observed && poolDrift(spec, observed).length === 0) {
    const arn = out.userPoolArn ?? live?.Arn ?? '';
    if (Object.keys(tags.set).length) await ctx.clients.cognito.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags.set }));
    if (tags.remove.length) await ctx.clients.cognito.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: tags.remove }));
    return out;
  }
  if (needsMfaConfig(spec)) await ctx.clients.cognito.send(new SetUserPoolMfaConfigCommand(mfaConfigInput(spec, id)));
  await ctx.clients.cognito.send(new UpdateUserPoolCommand(updateUserPoolInput(spec, id, applyDelta(live?.UserPoolTags, tags))));
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
