/**
 * `secure-api forget`: each tagged kind takes secure-api's own tags (secure-api:stack, secure-api:state-id) off its
 * resource, so nothing later (`destroy --orphans`, `init --adopt`, adoption on resume) can ever take it as secure-api's.
 * The user's tags stay. Idempotent: a tag already gone, or a resource already gone, is done.
 */
import { UntagResourceCommand as UntagApiCommand } from '@aws-sdk/client-api-gateway';
import { UntagResourceCommand as UntagPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UntagRoleCommand } from '@aws-sdk/client-iam';
import { UntagResourceCommand as UntagFunctionCommand } from '@aws-sdk/client-lambda';
import { ignoreNotFound, restApiArn, STACK_TAG, STATE_ID_TAG } from './refs.js';
import type { Ctx, Out } from './types.js';

/** Both of secure-api's tag keys, whether the state predates the state-id tag or not. */
export const OWN_TAG_KEYS = [STACK_TAG, STATE_ID_TAG];

export const releaseRestApi = (ctx: Ctx, out: Out): Promise<void> =>
  ignoreNotFound(ctx.clients.apigateway.send(new UntagApiCommand({ resourceArn: restApiArn(ctx, out.apiId ?? ''), tagKeys: OWN_TAG_KEYS })));

/**
 * The pool's ARN is built from its id, the id whose tags the ownership check read (user-pool's tags()): a recorded
 * userPoolArn is never trusted, since an edited state could pair our pool's id with another stack's ARN.
 */
export const releaseUserPool = async (ctx: Ctx, out: Out): Promise<void> => {
  if (!out.userPoolId) return;
  await ignoreNotFound(ctx.clients.cognito.send(new UntagPoolCommand({
    ResourceArn: `arn:${ctx.partition}:cognito-idp:${ctx.region}:${ctx.account}:userpool/${out.userPoolId}`, TagKeys: OWN_TAG_KEYS,
  })));
};

export const releaseFunction = (ctx: Ctx, out: Out): Promise<void> =>
  ignoreNotFound(ctx.clients.lambda.send(new UntagFunctionCommand({ Resource: out.functionArn ?? '', TagKeys: OWN_TAG_KEYS })));

export const releaseRole = (ctx: Ctx, out: Out): Promise<void> =>
  ignoreNotFound(ctx.clients.iam.send(new UntagRoleCommand({ RoleName: out.roleName ?? '', TagKeys: OWN_TAG_KEYS })));
