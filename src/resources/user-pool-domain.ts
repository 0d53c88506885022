import {
  CreateUserPoolDomainCommand, DeleteUserPoolDomainCommand, DescribeUserPoolDomainCommand, type DomainDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName, isNotFound } from '../aws/errors.js';
import { AwsFailure } from '../errors.js';
import type { SpecByKind } from '../plan/specs.js';
import { errorMessage, userPoolIdOf } from './refs.js';
import type { Ctx, ResourceHandler } from './types.js';

type Spec = SpecByKind['user-pool-domain'];

const PICK_ANOTHER = 'Domain prefixes are global across all AWS accounts. Pick another with `--domain-prefix NAME` '
  + '(or hostedUi.domainPrefix in the config file): lowercase letters, digits and hyphens, without "aws", "amazon" or "cognito".';

/** The domain as Cognito describes it; undefined when no such domain exists (Cognito answers with an empty object). */
async function describe(ctx: Ctx, domain: string): Promise<DomainDescriptionType | undefined> {
  const res = await ctx.clients.cognito.send(new DescribeUserPoolDomainCommand({ Domain: domain }));
  const d = res.DomainDescription;
  return d?.UserPoolId || d?.Domain ? d : undefined;
}

/** The hosted UI's Cognito-owned domain, https://<prefix>.auth.<region>.amazoncognito.com. */
export const userPoolDomainHandler: ResourceHandler<Spec> = {
  kind: 'user-pool-domain',
  service: 'cognito',
  // A domain prefix cannot be renamed: a new domain (only the domain is replaced).
  immutable: ['domainPrefix'],

  async create(ctx, spec, deps) {
    const userPoolId = userPoolIdOf(deps);
    try {
      await ctx.clients.cognito.send(new CreateUserPoolDomainCommand({ Domain: spec.domainPrefix, UserPoolId: userPoolId }));
    } catch (err) {
      if (awsErrorName(err) !== 'InvalidParameterException') throw err;
      // Ours already (a retried call that landed): nothing to do.
      if ((await describe(ctx, spec.domainPrefix))?.UserPoolId === userPoolId) return { domain: spec.domainPrefix };
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

  async find(ctx, spec, deps) {
    const d = await describe(ctx, spec.domainPrefix);
    return d?.UserPoolId === userPoolIdOf(deps) ? { domain: spec.domainPrefix } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const domain = out.domain ?? spec.domainPrefix;
    const d = await describe(ctx, domain);
    if (!d) return { state: 'missing' };
    const userPoolId = deps.pool?.userPoolId;
    if (userPoolId !== undefined && d.UserPoolId !== userPoolId) {
      return { state: 'drifted', drift: [`domain ${domain} now belongs to user pool ${d.UserPoolId ?? '?'}, not ${userPoolId}`], out };
    }
    if (d.Status === 'FAILED') return { state: 'drifted', drift: [`domain ${domain} is FAILED`], out };
    if (d.Status === 'DELETING') return { state: 'drifted', drift: [`domain ${domain} is being deleted`], out };
    // CREATING/UPDATING are normal for a few minutes after creation; say so rather than call it drift.
    if (d.Status && d.Status !== 'ACTIVE') ctx.note(`hosted UI domain ${domain} is ${d.Status}`);
    return { state: 'present', out };
  },

  // Must run before the pool's deletion (the engine orders it): Cognito keeps a pool with a domain.
  async delete(ctx, spec, out, deps) {
    const domain = out.domain ?? spec.domainPrefix;
    const userPoolId = userPoolIdOf(deps);
    try {
      await ctx.clients.cognito.send(new DeleteUserPoolDomainCommand({ Domain: domain, UserPoolId: userPoolId }));
    } catch (err) {
      if (isNotFound(err)) return;
      // Cognito reports a domain that is already gone as InvalidParameterException: check before failing.
      if (awsErrorName(err) === 'InvalidParameterException' && (await describe(ctx, domain))?.UserPoolId !== userPoolId) return;
      throw err;
    }
  },
};
