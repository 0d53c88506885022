import { GetGatewayResponsesCommand, GetResourcesCommand, type GatewayResponse, type Resource } from '@aws-sdk/client-api-gateway';
import { isNotFound } from '../aws/errors.js';
import type { Ctx, Outputs } from './types.js';

/** Every resource carries this tag; `find` adopts only what carries our stack's value. */
export const STACK_TAG = 'secure-api:stack';
/** And this one, with the state's own id: two stacks of one name (two people, one account) never take each other's. */
export const STATE_ID_TAG = 'secure-api:state-id';

/** Tags as AWS answers them: a map (API Gateway, Lambda, Cognito) or a Key/Value list (IAM, the tagging API). */
export type TagSet = Record<string, string> | ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }> | undefined;

export function tagMap(tags: TagSet): Record<string, string> {
  if (!tags) return {};
  if (!Array.isArray(tags)) return tags as Record<string, string>;
  const list = tags as ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }>;
  return Object.fromEntries(list.filter((t) => t.Key !== undefined).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** A tag map as IAM takes it: a Key/Value list. */
export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** A REST API's ARN, as TagResource / UntagResource name it (API Gateway's "resource ARN": no account, a path). */
export const restApiArn = (at: { partition: string; region: string }, apiId: string): string => `arn:${at.partition}:apigateway:${at.region}::/restapis/${apiId}`;

/** Who a state is, for the ownership check. */
export type Owner = Pick<Ctx, 'stack' | 'stateId' | 'legacyTags'>;

/**
 * The one ownership rule every `find`, resume and destroy --orphans goes through: ours carries our stack tag and our
 * state id. A state migrated from version 1 made its resources with the stack tag alone, so it accepts that, but
 * never something carrying another state's id (a newer stack of the same name).
 */
export function isOurs(owner: Owner, tags: TagSet): boolean {
  const t = tagMap(tags);
  if (t[STACK_TAG] !== owner.stack) return false;
  const id = t[STATE_ID_TAG];
  return id === owner.stateId || (owner.legacyTags === true && id === undefined);
}

/** Carries this stack's tag (of any state): for names AWS does not keep unique (API and pool names), only such a resource can clash. */
export const carriesStack = (owner: Pick<Owner, 'stack'>, tags: TagSet): boolean => tagMap(tags)[STACK_TAG] === owner.stack;

/** Whose a resource is, in words, for the message that refuses to touch it. */

export function ownerText(tags: TagSet): string {
  const t = tagMap(tags);
  if (t[STACK_TAG] === undefined) return 'not made by secure-api (no secure-api:stack tag)';
  return `${STACK_TAG}=${t[STACK_TAG]}${t[STATE_ID_TAG] ? `, ${STATE_ID_TAG}=${t[STATE_ID_TAG]}` : ' (no state id: made before state version 2)'}`;
}

/** The REST API and the user pool have fixed node ids (see src/plan/specs.ts). */
export const API_NODE = 'api';
export const POOL_NODE = 'pool';

/** One output of a dependency; a missing one is a planning bug, not a user error. */
export function depOut(deps: Outputs, node: string, key: string): string {
  const value = deps[node]?.[key];
  if (value === undefined || value === '') {
    throw new Error(`internal: dependency "${node}" has no output "${key}" (was it created first?)`);
  }
  return value;
}

export function restApiIdOf(deps: Outputs): string {
  return depOut(deps, API_NODE, 'apiId');
}

export function userPoolIdOf(deps: Outputs): string {
  return depOut(deps, POOL_NODE, 'userPoolId');
}

/** The API root when the node is the API itself, else the api-resource node's id. */
export function resourceIdFor(deps: Outputs, resourceNode: string): string {
  return resourceNode === API_NODE ? depOut(deps, API_NODE, 'rootResourceId') : depOut(deps, resourceNode, 'resourceId');
}

/**
 * Our function's ARN, or the ARN of an existing function the user named. Ours is built from its name when it does
 * not exist yet: an integration may name a function before it exists, so methods need not wait out IAM propagation.
 */
export function functionArnFor(ref: { node: string; name?: string | undefined } | { arn: string }, deps: Outputs, ctx?: Ctx): string {
  if ('arn' in ref) return ref.arn;
  const made = deps[ref.node]?.functionArn;
  if (made) return made;
  if (ref.name !== undefined && ctx) return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.account}:function:${ref.name}`;
  return depOut(deps, ref.node, 'functionArn');
}

/** The integration URI API Gateway invokes a Lambda function through (AWS_PROXY). */
export function lambdaInvokeUri(ctx: Ctx, functionArn: string): string {
  return `arn:${ctx.partition}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** Any stage, method and path of this API: what lambda:AddPermission's SourceArn is scoped to. */
export function executeApiSourceArn(ctx: Ctx, apiId: string): string {
  return `arn:${ctx.partition}:execute-api:${ctx.region}:${ctx.account}:${apiId}/*/*/*`;
}

/** Await an AWS call whose "not found" means there is nothing to do (idempotent delete). */
export async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Await an AWS lookup, mapping "not found" to undefined. */
export async function undefinedIfNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The message of an AWS error, for matching the few cases AWS only tells apart in prose. */
export function errorMessage(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string'
    ? (err as { message: string }).message
    : String(err);
}

/** A read shared within the run when the context has a cache (status), else made now. */
export function readOnce<T>(ctx: Ctx, key: string, load: () => Promise<T>): Promise<T> {
  return ctx.reads ? ctx.reads.once(key, load) : load();
}

/** The API's resources with their methods (GetResources embed=methods, every page); undefined when the API is gone. */
export function apiTree(ctx: Ctx, restApiId: string): Promise<Resource[] | undefined> {
  return readOnce(ctx, `apigateway:resources:${restApiId}`, async () => {
    const items: Resource[] = [];
    let position: string | undefined;
    do {
      const page = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetResourcesCommand({ restApiId, embed: ['methods'], limit: 500, position })));
      if (!page) return undefined;
      items.push(...(page.items ?? []));
      position = page.position;
    } while (position);
    return items;
  });
}

/** The API's gateway responses by type (GetGatewayResponses); undefined when the API is gone. */
export function gatewayResponses(ctx: Ctx, restApiId: string): Promise<Map<string, GatewayResponse> | undefined> {
  return readOnce(ctx, `apigateway:gateway-responses:${restApiId}`, async () => {
    const page = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetGatewayResponsesCommand({ restApiId, limit: 500 })));
    if (!page) return undefined;
    return new Map((page.items ?? []).map((g) => [g.responseType ?? '', g]));
  });
}
