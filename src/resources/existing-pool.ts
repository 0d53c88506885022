import { sometimes } from './declared-calls.js';
import {
  AdminDeleteUserCommand, AdminGetUserCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName } from '../aws/errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { ignoreNotFound, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { Ctx } from './types.js';
import { usedAsIsHandler } from './used-as-is.js';

/** The names `secure-api token` gives its one user, by the pool's sign-in identifier (src/verify/test-user.ts). */
const TOKEN_USER_NAMES = ['secure-api-token@example.com', '+12025550199', 'secure-api-token'];

async function poolOut(ctx: Ctx, userPoolId: string) {
  const pool = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))))?.UserPool;
  if (!pool?.Id) return undefined;
  return { userPoolId: pool.Id, userPoolArn: pool.Arn ?? `arn:${ctx.partition}:cognito-idp:${ctx.region}:${ctx.account}:userpool/${pool.Id}`, userPoolName: pool.Name ?? '' };
}

/**
 * The user's pool: read, never changed, never deleted, nor any of its users — except the one `secure-api token`
 * made after we adopted the pool (created later than `adoptedAt`), which is ours.
 */
export const existingUserPoolHandler = usedAsIsHandler<SpecByKind['existing-user-pool']>({
  kind: 'existing-user-pool',
  calls: {
    create: ['cognito-idp:DescribeUserPool'],
    find: ['cognito-idp:DescribeUserPool'],
    read: ['cognito-idp:DescribeUserPool'],
    // The one user `secure-api token` made after the pool was adopted.
    delete: ['cognito-idp:AdminGetUser', sometimes('cognito-idp:AdminDeleteUser', 'secure-api token made its user after the adoption')],
  },
  policyNames: (spec, out) => ({ existingUserPoolIds: out.userPoolId ?? spec?.userPoolId }),
  immutable: ['userPoolId'],
  service: 'cognito',
  async lookup(ctx, spec, _deps, out) {
    const pool = await poolOut(ctx, out?.userPoolId ?? spec.userPoolId);
    return pool && { ...pool, adoptedAt: new Date(ctx.now()).toISOString() };
  },
  gone: (ctx, spec) => `user pool ${spec.userPoolId} (${spec.name}) no longer exists in ${ctx.region}`,
  async delete(ctx, spec, out) {
    const since = Date.parse(out.adoptedAt ?? '');
    if (Number.isNaN(since)) return;
    const UserPoolId = out.userPoolId ?? spec.userPoolId;
    for (const Username of TOKEN_USER_NAMES) {
      const u = await ctx.clients.cognito.send(new AdminGetUserCommand({ UserPoolId, Username })).catch((err: unknown) => {
        if (awsErrorName(err) === 'UserNotFoundException') return undefined;
        throw err;
      });
      if (u?.UserCreateDate && u.UserCreateDate.getTime() >= since) await ignoreNotFound(ctx.clients.cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username })));
    }
  },
});

/** An app client of theirs (--app-client-id): read, never changed or deleted. */
export const existingUserPoolClientHandler = usedAsIsHandler<SpecByKind['existing-user-pool-client']>({
  kind: 'existing-user-pool-client',
  calls: { create: ['cognito-idp:DescribeUserPoolClient'], find: ['cognito-idp:DescribeUserPoolClient'], read: ['cognito-idp:DescribeUserPoolClient'], delete: [] },
  immutable: ['clientId'],
  service: 'cognito',
  async lookup(ctx, spec, deps, out) {
    const ClientId = out?.clientId ?? spec.clientId;
    const c = await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolIdOf(deps), ClientId })));
    return c?.UserPoolClient ? { clientId: ClientId } : undefined;
  },
  gone: (_ctx, spec) => `app client ${spec.clientId} no longer exists in the user pool`,
});
