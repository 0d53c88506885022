import { sometimes } from './declared-calls.js';
import {
  CreateUserPoolDomainCommand, DeleteUserPoolDomainCommand, DescribeUserPoolCommand, DescribeUserPoolDomainCommand, type DomainDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName, isNotFound } from '../aws/errors.js';
import { AwsFailure } from '../errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { errorMessage, isOurs, ownerText, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { Ctx, ResourceHandler } from './types.js';

type Spec = SpecByKind['user-pool-domain'];

const PICK_ANOTHER = 'A domain prefix is unique in its region across all AWS accounts. Pick another with `--domain-prefix NAME` '
  + '(or hostedUi.domainPrefix in the config file): lowercase letters, digits and hyphens, without "aws", "amazon" or "cognito".';

/** The domain as Cognito describes it; undefined when no such domain exists (Cognito answers with an empty object). */
export async function describeDomain(ctx: Ctx, domain: string): Promise<DomainDescriptionType | undefined> {
  const res = await ctx.clients.cognito.send(new DescribeUserPoolDomainCommand({ Domain: domain }));
  const d = res.DomainDescription;
  return d?.UserPoolId || d?.Domain ? d : undefined;
}

/** The hosted UI's Cognito-owned domain, https://<prefix>.auth.<region>.amazoncognito.com. */
export const userPoolDomainHandler: ResourceHandler<Spec> = {
  kind: 'user-pool-domain',
  calls: {
    create: ['cognito-idp:CreateUserPoolDomain', sometimes('cognito-idp:DescribeUserPoolDomain', 'the domain is waited out until ACTIVE, or the answer was lost')],
    nameTaken: ['cognito-idp:DescribeUserPoolDomain', sometimes('cognito-idp:DescribeUserPool', 'the prefix is taken: its pool\'s tags')],
    find: ['cognito-idp:DescribeUserPoolDomain'],
    read: ['cognito-idp:DescribeUserPoolDomain'],
    delete: ['cognito-idp:DeleteUserPoolDomain', sometimes('cognito-idp:DescribeUserPoolDomain', 'the deletion is waited out')],
  },
  service: 'cognito',
  // A domain prefix cannot be renamed: a new domain (only the domain is replaced).
  immutable: ['domainPrefix'],

  async create(ctx, spec, deps) {
    const userPoolId = userPoolIdOf(deps);
    try {
      await ctx.clients.cognito.send(new CreateUserPoolDomainCommand({ Domain: spec.domainPrefix, UserPoolId: userPoolId, ManagedLoginVersion: spec.managedLoginVersion }));
    } catch (err) {
      if (awsErrorName(err) !== 'InvalidParameterException') throw err;
      // Ours already (a retried call that landed): nothing to do.
      if ((await describeDomain(ctx, spec.domainPrefix))?.UserPoolId === userPoolId) return { domain: spec.domainPrefix };
      const message = errorMessage(err);
      const taken = /already (associated|exists)|taken/i.test(message);
      throw new AwsFailure(
        taken
          ? `The hosted UI domain prefix "${spec.domainPrefix}" is already taken (by another user pool, possibly in another account).`
          : `Cognito rejected the hosted UI domain prefix "${spec.domainPrefix}": ${message}`,
        { code: taken ? 'DOMAIN_TAKEN' : 'DOMAIN_INVALID', awsName: 'InvalidParameterException', hint: PICK_ANOTHER, cause: err },
      );
    }
    return { domain: spec.domainPrefix };
  },

  rename: { change: '--domain-prefix (hostedUi.domainPrefix)' },
  async nameTaken(ctx, spec, recorded) {
    const d = (await ctx.clients.cognito.send(new DescribeUserPoolDomainCommand({ Domain: spec.domainPrefix }))).DomainDescription;
    const poolId = d?.UserPoolId;
    if (!poolId || poolId === recorded.pool?.out.userPoolId) return undefined;
    const tags = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))))?.UserPool?.UserPoolTags;
    // A domain on a pool of ours that the state has not recorded yet (a resume) is ours to adopt.
    return isOurs(ctx, tags) ? undefined : { what: 'hosted UI domain prefix', name: spec.domainPrefix, owner: `user pool ${poolId}: ${ownerText(tags)}` };
  },

  async find(ctx, spec, deps) {
    const d = await describeDomain(ctx, spec.domainPrefix);
    return d?.UserPoolId === userPoolIdOf(deps) ? { domain: spec.domainPrefix } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const domain = out.domain ?? spec.domainPrefix;
    const d = await describeDomain(ctx, domain);
    if (!d) return { state: 'missing' };
    const userPoolId = deps.pool?.userPoolId;
    if (userPoolId !== undefined && d.UserPoolId !== userPoolId) {
      return { state: 'drifted', drift: [{ path: 'domain.userPoolId', before: userPoolId, after: d.UserPoolId ?? null, context: { domain } }], out };
    }
    if (d.Status === 'FAILED') return { state: 'drifted', drift: [{ path: 'domain.status', before: 'ACTIVE', after: 'FAILED', context: { domain } }], out };
    if (d.Status === 'DELETING') return { state: 'drifted', drift: [{ path: 'domain.status', before: 'ACTIVE', after: 'DELETING', context: { domain } }], out };
    // CREATING/UPDATING are normal for a few minutes after creation; say so rather than call it drift.
    if (d.Status && d.Status !== 'ACTIVE') ctx.note(`hosted UI domain ${domain} is ${d.Status}`);
    return { state: 'present', out };
  },

  // Must run before the pool's deletion (the engine orders it): Cognito keeps a pool with a domain.
  async delete(ctx, spec, out, deps) {
    const domain = out.domain ?? spec.domainPrefix;
    // A domain found by its pool's tags (destroy --orphans) carries its pool's id; a recorded one reads its pool node.
    const userPoolId = out.userPoolId ?? userPoolIdOf(deps);
    try {
      await ctx.clients.cognito.send(new DeleteUserPoolDomainCommand({ Domain: domain, UserPoolId: userPoolId }));
    } catch (err) {
      if (isNotFound(err)) return;
      // Cognito reports a domain that is already gone as InvalidParameterException: check before failing.
      if (awsErrorName(err) === 'InvalidParameterException' && (await describeDomain(ctx, domain))?.UserPoolId !== userPoolId) return;
      throw err;
    }
    // Deleting a domain is asynchronous: until it is gone, DeleteUserPool still refuses the pool.
    await waitForDomainGone(ctx, domain, userPoolId);
  },
  // destroy --orphans: DeleteUserPoolDomain takes the pool's id too, and Cognito keeps a pool that has a domain.
  fromFound: (found, all) => ({
    out: { domain: found.id, ...(found.userPoolId ? { userPoolId: found.userPoolId } : {}) },
    before: all.filter((p) => p.kind === 'user-pool' && p.id === found.userPoolId),
  }),
};

/** How long a deleted domain may take to go before the pool delete is given up (terraform-provider-aws #16479). */
const DOMAIN_GONE_WAIT_MS = 120_000;

/** Poll DescribeUserPoolDomain (bounded, with one progress note) until the domain no longer belongs to the pool. */
export async function waitForDomainGone(ctx: Ctx, domain: string, userPoolId: string): Promise<void> {
  const start = ctx.now();
  let delay = 500;
  let noted = false;
  for (;;) {
    const d = await describeDomain(ctx, domain);
    if (d?.UserPoolId !== userPoolId) return;
    if (ctx.now() - start + delay > DOMAIN_GONE_WAIT_MS) {
      throw new AwsFailure(`The hosted UI domain ${domain} is still ${d.Status ?? 'present'} after ${DOMAIN_GONE_WAIT_MS / 1000} s, so its user pool cannot be deleted yet.`, {
        code: 'DOMAIN_STILL_DELETING', hint: (cmd) => `Run \`${cmd('destroy')}\` again in a minute: it carries on where it stopped.`,
      });
    }
    if (!noted) ctx.note(`waiting for the hosted UI domain ${domain} to finish deleting…`);
    noted = true;
    await ctx.sleep(delay);
    delay = Math.min(5_000, delay * 2);
  }
}
