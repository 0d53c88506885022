import { DescribeUserPoolCommand, DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { eachRestApi, eachUserPool } from '../aws/pages.js';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { UsageError } from '../errors.js';
import type { AnyPlanNode, Plan } from '../plan/specs.js';
import { roleTags } from '../resources/iam-role.js';
import { functionTags } from '../resources/lambda-function.js';
import { STACK_TAG, isOurs, ownerText, tagMap, undefinedIfNotFound, type TagSet } from '../resources/refs.js';
import type { Ctx } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';

/** A name this stack would use that something else holds. */
export interface NameClash {
  node: string;
  what: string;
  name: string;
  /** Whose it is, from its tags. */
  owner: string;
  /** The flag and config key that pick another name. */
  change: string;
}

type Check = (ctx: Ctx, n: AnyPlanNode, recorded: Record<string, NodeRecord>) => Promise<Omit<NameClash, 'node' | 'change'> | undefined>;

/** Only a resource carrying this stack's tag counts for names AWS does not keep unique (API and pool names). */
const carriesStack = (ctx: Ctx, tags: TagSet): boolean => tagMap(tags)[STACK_TAG] === ctx.stack;

/** Read calls only: what holds each name, and whether it is ours (both tags; see isOurs). */
const CHECKS: Partial<Record<AnyPlanNode['kind'], { change: string; check: Check }>> = {
  'iam-role': {
    change: '`function.roleName` in a --config file',
    async check(ctx, n) {
      if (n.kind !== 'iam-role') return undefined;
      const role = (await undefinedIfNotFound(ctx.clients.iam.send(new GetRoleCommand({ RoleName: n.spec.roleName }))))?.Role;
      if (!role) return undefined;
      // Role names are unique in an account whatever their path; one outside /secure-api/ is never ours.
      if (role.Path !== n.spec.path) return { what: 'IAM role', name: n.spec.roleName, owner: `a role under path ${role.Path ?? '/'}, not made by secure-api` };
      const tags = await roleTags(ctx, n.spec.roleName);
      return isOurs(ctx, tags) ? undefined : { what: 'IAM role', name: n.spec.roleName, owner: ownerText(tags) };
    },
  },
  'lambda-function': {
    change: '`function.name` in a --config file',
    async check(ctx, n) {
      if (n.kind !== 'lambda-function') return undefined;
      // The configuration only: GetFunction would also hand out the code's download URL, which a name check never needs
      // (and the operator policy grants GetFunction on secure-api's own functions only).
      const conf = await undefinedIfNotFound(ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: n.spec.functionName })));
      if (!conf?.FunctionArn) return undefined;
      const tags = await functionTags(ctx, conf.FunctionArn);
      return isOurs(ctx, tags) ? undefined : { what: 'Lambda function', name: n.spec.functionName, owner: ownerText(tags) };
    },
  },
  'rest-api': {
    change: '--api-name (api.name)',
    async check(ctx, n) {
      if (n.kind !== 'rest-api') return undefined;
      for await (const a of eachRestApi(ctx.clients)) {
        // API names are not unique in AWS: only another state's API of this stack and name would confuse the two.
        if (a.name === n.spec.name && carriesStack(ctx, a.tags) && !isOurs(ctx, a.tags)) return { what: 'REST API name', name: `${n.spec.name} (${a.id ?? '?'})`, owner: ownerText(a.tags) };
      }
      return undefined;
    },
  },
  'user-pool': {
    change: '--user-pool-name (userPool.name)',
    async check(ctx, n) {
      if (n.kind !== 'user-pool') return undefined;
      for await (const p of eachUserPool(ctx.clients)) {
        if (p.Name !== n.spec.name || !p.Id) continue;
        const tags = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: p.Id }))))?.UserPool?.UserPoolTags;
        if (carriesStack(ctx, tags) && !isOurs(ctx, tags)) return { what: 'user pool name', name: `${n.spec.name} (${p.Id})`, owner: ownerText(tags) };
      }
      return undefined;
    },
  },
  'user-pool-domain': {
    change: '--domain-prefix (hostedUi.domainPrefix)',
    async check(ctx, n, recorded) {
      if (n.kind !== 'user-pool-domain') return undefined;
      const d = (await ctx.clients.cognito.send(new DescribeUserPoolDomainCommand({ Domain: n.spec.domainPrefix }))).DomainDescription;
      const poolId = d?.UserPoolId;
      if (!poolId || poolId === recorded.pool?.out.userPoolId) return undefined;
      const tags = (await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))))?.UserPool?.UserPoolTags;
      // A domain on a pool of ours that the state has not recorded yet (a resume) is ours to adopt.
      return isOurs(ctx, tags) ? undefined : { what: 'hosted UI domain prefix', name: n.spec.domainPrefix, owner: `user pool ${poolId}: ${ownerText(tags)}` };
    },
  },
};

/** The names AWS does not keep unique: they can only clash with a resource carrying this stack's tag. */
const ONLY_AMONG_TAGGED = new Set<AnyPlanNode['kind']>(['rest-api', 'user-pool']);

/**
 * Every name the plan's not-yet-created nodes would take, checked with read calls only (before any create).
 * `noneTagged`: the search for this stack's tag found nothing (a new stack), so API and pool names cannot clash.
 */
export async function findNameClashes(ctx: Ctx, plan: Plan, recorded: Record<string, NodeRecord>, o: { noneTagged?: boolean } = {}): Promise<NameClash[]> {
  const todo = plan.nodes.filter((n) => recorded[n.id]?.status !== 'created' && CHECKS[n.kind] && !(o.noneTagged && ONLY_AMONG_TAGGED.has(n.kind)));
  const found = await Promise.all(todo.map(async (n) => {
    const c = CHECKS[n.kind]!;
    const clash = await c.check(ctx, n, recorded);
    return clash ? { ...clash, node: n.id, change: c.change } : undefined;
  }));
  return found.filter((c): c is NameClash => c !== undefined);
}

/** The exit-2 refusal for names held by someone else: what, whose, and how to pick another. */
export function nameClashError(stack: string, clashes: NameClash[]): UsageError {
  const lines = clashes.map((c) => `  ${c.what} ${c.name} is taken: ${c.owner}`);
  const changes = [...new Set(clashes.map((c) => c.change))].join(', ');
  return new UsageError(
    `stack "${stack}" would use ${clashes.length === 1 ? 'a name' : 'names'} that something this state did not make already holds; nothing was created:\n${lines.join('\n')}`,
    `secure-api never adopts, changes or deletes what is not its own. Choose another --stack, or another name with ${changes}.`,
    'NAME_TAKEN',
  );
}
