import { only, sometimes } from './declared-calls.js';
import {
  CreateUserPoolCommand, DeleteUserPoolCommand, DescribeUserPoolCommand, GetUserPoolMfaConfigCommand, SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SpecByKind } from '../plan/specs.js';
import { awsErrorName } from '../aws/errors.js';
import { eachUserPool } from '../aws/pages.js';
import { carriesStack, errorMessage, ignoreNotFound, isOurs, ownerText, readOnce, undefinedIfNotFound } from './refs.js';
import { createOrFind } from './create-or-find.js';
import { describeDomain, waitForDomainGone } from './user-pool-domain.js';
import { tagDrift, wantedTags } from './tags.js';
import type { Ctx, Out, ResourceHandler } from './types.js';
import { updateUserPool } from './cognito-updates.js';
import { releaseUserPool } from './release.js';
import { createUserPoolInput, liveUpdateInput, mfaConfigInput, needsMfaConfig, observePool, poolDrift } from './user-pool-settings.js';

export { createUserPoolInput, mfaConfigInput };

type Spec = SpecByKind['user-pool'];

function toOut(ctx: Ctx, userPoolId: string, arn: string | undefined): Out {
  return { userPoolId, userPoolArn: arn ?? `arn:${ctx.partition}:cognito-idp:${ctx.region}:${ctx.account}:userpool/${userPoolId}` };
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

/**
 * Deletion protection (ACTIVE by default) is turned off just before our own pool is deleted, and only then. The live
 * settings are given back whole, so nothing else changes meanwhile (MFA included): UpdateUserPool resets what it is
 * not given. A pool not tagged as ours keeps its protection, and DeleteUserPool refuses it.
 */
async function allowDeletion(ctx: Ctx, userPoolId: string): Promise<void> {
  const pool = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))))?.UserPool;
  if (pool?.DeletionProtection !== 'ACTIVE' || !isOurs(ctx, pool.UserPoolTags)) return;
  await ctx.clients.cognito.send(new UpdateUserPoolCommand({ ...liveUpdateInput(pool), DeletionProtection: 'INACTIVE' }));
}

/** Step 3: the user pool whose tokens the authorizer accepts. */
/** The pool as DescribeUserPool answers it; one call per run when the run shares reads (status: its tags and its read). */
async function livePool(ctx: Ctx, userPoolId: string) {
  return (await readOnce(ctx, `cognito:user-pool:${userPoolId}`, () => undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })))))?.UserPool;
}

export const userPoolHandler: ResourceHandler<Spec> = {
  kind: 'user-pool',
  calls: {
    create: [
      'cognito-idp:CreateUserPool', only('cognito-idp:SetUserPoolMfaConfig', (s) => s.mfa.mode !== 'OFF'),
      sometimes('cognito-idp:ListUserPools', 'the answer was lost: find looks for it'), sometimes('cognito-idp:DescribeUserPool', 'the answer was lost: find reads its tags'),
    ],
    nameTaken: ['cognito-idp:ListUserPools', sometimes('cognito-idp:DescribeUserPool', 'a pool of that name exists: its tags')],
    find: ['cognito-idp:ListUserPools', 'cognito-idp:DescribeUserPool', sometimes('cognito-idp:SetUserPoolMfaConfig', 'a pool made by a stopped run gets its MFA')],
    // The MFA factors are only in GetUserPoolMfaConfig.
    read: ['cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig'],
    tags: ['cognito-idp:DescribeUserPool'],
    update: [
      'cognito-idp:DescribeUserPool', sometimes('cognito-idp:UpdateUserPool', 'a setting differs'), sometimes('cognito-idp:GetUserPoolMfaConfig', 'MFA is compared'),
      sometimes('cognito-idp:SetUserPoolMfaConfig', 'MFA differs'), sometimes('cognito-idp:TagResource', 'a tag is missing or differs'), sometimes('cognito-idp:UntagResource', 'a user tag was dropped'),
    ],
    // Deletion protection is turned off (UpdateUserPool) just before; a domain still being deleted is waited out.
    delete: ['cognito-idp:DescribeUserPool', 'cognito-idp:UpdateUserPool', 'cognito-idp:DeleteUserPool', sometimes('cognito-idp:DescribeUserPoolDomain', 'DeleteUserPool is refused while its domain is still being deleted')],
    release: ['cognito-idp:UntagResource'],
  },
  policyNames: (_spec, out) => ({ userPoolIds: out.userPoolId }),
  service: 'cognito',
  // AWS never changes a pool's sign-in options (AliasAttributes / UsernameAttributes): a new pool, and its users are lost.
  immutable: ['signInIdentifiers'],
  update: (ctx, want, out, _deps, fields) => updateUserPool(ctx, want, out, fields),
  release: (ctx, _spec, out) => releaseUserPool(ctx, out),

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

  // Pool names are not unique in AWS: only another state's pool of this stack and name would confuse the two.
  rename: { change: '--user-pool-name (userPool.name)', amongTaggedOnly: true },
  async nameTaken(ctx, spec) {
    for await (const p of eachUserPool(ctx.clients)) {
      if (p.Name !== spec.name || !p.Id) continue;
      const tags = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: p.Id }))))?.UserPool?.UserPoolTags;
      if (carriesStack(ctx, tags) && !isOurs(ctx, tags)) return { what: 'user pool name', name: `${spec.name} (${p.Id})`, owner: ownerText(tags) };
    }
    return undefined;
  },

  async find(ctx, spec) {
    const out = await findOurPool(ctx, spec.name);
    // Interrupted before SetUserPoolMfaConfig: it is idempotent, so just send it.
    if (out && needsMfaConfig(spec)) await ctx.clients.cognito.send(new SetUserPoolMfaConfigCommand(mfaConfigInput(spec, out.userPoolId ?? '')));
    return out;
  },

  async tags(ctx, out) {
    const pool = await livePool(ctx, out.userPoolId ?? '');
    return pool && (pool.UserPoolTags ?? {});
  },

  async read(ctx, spec, out) {
    const pool = await livePool(ctx, out.userPoolId ?? '');
    if (!pool) return { state: 'missing' };
    // The factors (TOTP, SMS) are not in DescribeUserPool: GetUserPoolMfaConfig says which are on.
    const mfa = await undefinedIfNotFound(ctx.clients.cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: out.userPoolId })));
    if (!mfa) return { state: 'missing' };
    const drift = [...poolDrift(spec, observePool(pool, mfa)), ...tagDrift(spec.tags, pool.UserPoolTags)];
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  // The engine deletes the hosted-UI domain first: Cognito refuses to delete a pool that has one.
  async delete(ctx, _spec, out) {
    const userPoolId = out.userPoolId ?? '';
    await allowDeletion(ctx, userPoolId);
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
  // destroy --orphans: a pool goes after its domains (each domain's fromFound names it).
  fromFound: (found) => ({ out: { userPoolId: found.id }, before: [] }),
};
