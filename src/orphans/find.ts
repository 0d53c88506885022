import type { RestApi } from '@aws-sdk/client-api-gateway';
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListRolesCommand, ListRoleTagsCommand, type Role } from '@aws-sdk/client-iam';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import type { AwsClients } from '../aws/clients.js';
import { eachRestApi } from '../aws/pages.js';
import { STACK_TAG, STATE_ID_TAG, tagMap, undefinedIfNotFound } from '../resources/refs.js';

/** The kinds a stack owns at the top level: everything else goes with one of them. */
export type OrphanKind = 'rest-api' | 'user-pool-domain' | 'user-pool' | 'lambda-function' | 'log-group' | 'iam-role';

/** A resource tagged for the stack, found without the state file. */
export interface Orphan {
  kind: OrphanKind;
  /** The id its delete call takes: API id, domain, user pool id, function name, role name. */
  id: string;
  /** What a person recognises it by. */
  name: string;
  arn?: string | undefined;
  /** A domain's user pool id (the domain goes before the pool). */
  userPoolId?: string | undefined;
  /** Its secure-api:state-id tag (a domain: its pool's); absent on what a state before version 2 made. */
  stateId?: string | undefined;
}

/** Where every secure-api role lives, so a look-up never has to list an account's other roles' tags. */
export const ROLE_PATH = '/secure-api/';

/** The tagging API's resource types for what secure-api tags (API Gateway, Lambda, Cognito, CloudWatch Logs). */
const TAGGED_TYPES = ['apigateway:restapis', 'lambda:function', 'cognito-idp:userpool', 'logs:log-group'];

/** Every ARN the Resource Groups Tagging API holds with `secure-api:stack=<stack>`, in the clients' region. */
async function taggedArns(clients: AwsClients, stack: string): Promise<Array<{ arn: string; stateId: string | undefined }>> {
  const arns: Array<{ arn: string; stateId: string | undefined }> = [];
  let token: string | undefined;
  do {
    const page = await clients.tagging.send(new GetResourcesCommand({
      TagFilters: [{ Key: STACK_TAG, Values: [stack] }],
      ResourceTypeFilters: TAGGED_TYPES,
      ResourcesPerPage: 100,
      ...(token ? { PaginationToken: token } : {}),
    }));
    for (const m of page.ResourceTagMappingList ?? []) if (m.ResourceARN) arns.push({ arn: m.ResourceARN, stateId: tagMap(m.Tags)[STATE_ID_TAG] });
    // The tagging API ends a listing with an empty token.
    token = page.PaginationToken || undefined;
  } while (token);
  return arns;
}

/** REST APIs tagged for the stack, straight from API Gateway (names included; no lag behind the tagging index). */
async function taggedApis(clients: AwsClients, stack: string): Promise<RestApi[]> {
  const out: RestApi[] = [];
  for await (const a of eachRestApi(clients)) if (a.tags?.[STACK_TAG] === stack) out.push(a);
  return out;
}

/** IAM roles under /secure-api/ tagged for the stack (IAM is global and not in the tagging API's regional index). */
async function taggedRoles(clients: AwsClients, stack: string): Promise<Array<Role & { stateId?: string | undefined }>> {
  const roles: Role[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(new ListRolesCommand({ PathPrefix: ROLE_PATH, Marker: marker }));
    roles.push(...(page.Roles ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const ours: Array<Role & { stateId?: string | undefined }> = [];
  for (const role of roles) {
    if (!role.RoleName) continue;
    // ListRoles does not return tags; a role deleted meanwhile is simply not ours any more.
    const tags = await undefinedIfNotFound(clients.iam.send(new ListRoleTagsCommand({ RoleName: role.RoleName, MaxItems: 100 })));
    const t = tagMap(tags?.Tags);
    if (t[STACK_TAG] === stack) ours.push({ ...role, stateId: t[STATE_ID_TAG] });
  }
  return ours;
}

/**
 * Everything tagged `secure-api:stack=<stack>`: REST APIs, Lambda functions and user pools through the Resource
 * Groups Tagging API (log groups too; REST APIs also through GetRestApis, which has their names), each pool's hosted UI domain from
 * DescribeUserPool, and IAM roles from ListRoles under /secure-api/ with ListRoleTags. Reads only.
 */
export async function findOrphans(clients: AwsClients, stack: string): Promise<Orphan[]> {
  const [arns, apis, roles] = await Promise.all([taggedArns(clients, stack), taggedApis(clients, stack), taggedRoles(clients, stack)]);
  const found = new Map<string, Orphan>();
  const add = (o: Orphan) => { if (!found.has(`${o.kind}:${o.id}`)) found.set(`${o.kind}:${o.id}`, o); };

  for (const api of apis) if (api.id) add({ kind: 'rest-api', id: api.id, name: api.name ?? api.id, stateId: api.tags?.[STATE_ID_TAG] });
  const poolIds: Array<{ id: string; arn: string }> = [];
  for (const { arn, stateId } of arns) {
    const api = /^arn:[^:]+:apigateway:[^:]*::\/restapis\/([^/]+)$/.exec(arn);
    if (api?.[1]) add({ kind: 'rest-api', id: api[1], name: api[1], arn, stateId });
    const fn = /^arn:[^:]+:lambda:[^:]*:\d*:function:([^:]+)$/.exec(arn);
    if (fn?.[1]) add({ kind: 'lambda-function', id: fn[1], name: fn[1], arn, stateId });
    // A log group's name may hold '/'; its ARN may end in ':*' (DescribeLogGroups' `arn`), the name does not.
    const group = /^arn:[^:]+:logs:[^:]*:\d*:log-group:(.+?)(?::\*)?$/.exec(arn);
    if (group?.[1]) add({ kind: 'log-group', id: group[1], name: group[1], arn, stateId });
    const pool = /^arn:[^:]+:cognito-idp:[^:]*:\d*:userpool\/(.+)$/.exec(arn);
    if (pool?.[1]) poolIds.push({ id: pool[1], arn });
  }
  for (const { id, arn } of poolIds) {
    const pool = (await undefinedIfNotFound(clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }))))?.UserPool;
    // Gone since the tagging index saw it: nothing to remove.
    if (!pool) continue;
    const stateId = pool.UserPoolTags?.[STATE_ID_TAG];
    for (const domain of [pool.Domain, pool.CustomDomain]) {
      if (domain) add({ kind: 'user-pool-domain', id: domain, name: domain, userPoolId: id, stateId });
    }
    add({ kind: 'user-pool', id, name: pool.Name ?? id, arn, stateId });
  }
  for (const role of roles) add({ kind: 'iam-role', id: role.RoleName ?? '', name: role.RoleName ?? '', arn: role.Arn, stateId: role.stateId });
  const order: OrphanKind[] = ['rest-api', 'user-pool-domain', 'user-pool', 'lambda-function', 'log-group', 'iam-role'];
  return [...found.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.name.localeCompare(b.name));
}

/** The state ids found, in first-seen order ('' for resources made before state version 2, which carry none). */
export function stateIdsOf(orphans: Orphan[]): string[] {
  return [...new Set(orphans.map((o) => o.stateId ?? ''))];
}
