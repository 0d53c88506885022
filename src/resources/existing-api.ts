import { GetAuthorizerCommand, GetAuthorizersCommand, GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import { apiTree, depOut, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx, ResourceHandler } from './types.js';

/*
 * The user's REST API, its resources and an authorizer it already has: adopted, read and never changed, so destroy
 * leaves them as they are (what we changed on them is undone by the nodes that changed it).
 */

async function restApiOut(ctx: Ctx, apiId: string) {
  const api = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetRestApiCommand({ restApiId: apiId })));
  if (!api?.id) return undefined;
  const root = api.rootResourceId ?? (await apiTree(ctx, apiId))?.find((r) => r.path === '/')?.id;
  if (!root) throw new Error(`REST API ${apiId} has no root resource`);
  return { apiId: api.id, rootResourceId: root, name: api.name ?? '' };
}

export const existingRestApiHandler: ResourceHandler<SpecByKind['existing-rest-api']> = {
  kind: 'existing-rest-api',
  // The user's own resource, chosen by id or name: another choice is another resource (no update in place).
  immutable: ['apiId'],
  service: 'apigateway',
  adopted: true,

  async create(ctx, spec) {
    const out = await restApiOut(ctx, spec.apiId);
    if (!out) throw new Error(`REST API ${spec.apiId} (${spec.name}) no longer exists in ${ctx.region}`);
    return out;
  },
  find: (ctx, spec) => restApiOut(ctx, spec.apiId),
  async read(ctx, spec, out) {
    const now = await restApiOut(ctx, out.apiId ?? spec.apiId);
    return now ? { state: 'present', out } : { state: 'missing' };
  },
  // Theirs: never deleted.
  async delete() {},
};

async function resourceOut(ctx: Ctx, restApiId: string, path: string) {
  const id = (await apiTree(ctx, restApiId))?.find((r) => r.path === path)?.id;
  return id ? { resourceId: id } : undefined;
}

export const existingApiResourceHandler: ResourceHandler<SpecByKind['existing-api-resource']> = {
  kind: 'existing-api-resource',
  // The user's own resource, chosen by id or name: another choice is another resource (no update in place).
  immutable: ['path'],
  service: 'apigateway',
  adopted: true,

  async create(ctx, spec, deps) {
    const out = await resourceOut(ctx, restApiIdOf(deps), spec.path);
    if (!out) throw new Error(`the API has no resource ${spec.path} any more`);
    return out;
  },
  find: (ctx, spec, deps) => resourceOut(ctx, restApiIdOf(deps), spec.path),
  async read(ctx, spec, out, deps) {
    const r = (await apiTree(ctx, restApiIdOf(deps)))?.find((x) => x.id === out.resourceId);
    if (!r) return { state: 'missing' };
    return r.path === spec.path ? { state: 'present', out } : { state: 'drifted', drift: [{ path: 'path', before: spec.path, after: r.path ?? null }], out };
  },
  async delete() {},
};

/** The API's authorizer of this name, when it checks tokens of the chosen pool. */
async function authorizerOut(ctx: Ctx, spec: SpecByKind['existing-authorizer'], restApiId: string, poolArn: string) {
  let position: string | undefined;
  do {
    const page = await ctx.clients.apigateway.send(new GetAuthorizersCommand({ restApiId, limit: 500, position }));
    const hit = page.items?.find((a) => a.name === spec.name && a.type === 'COGNITO_USER_POOLS' && (a.providerARNs ?? []).includes(poolArn));
    if (hit?.id) return { authorizerId: hit.id };
    position = page.position;
  } while (position);
  return undefined;
}

export const existingAuthorizerHandler: ResourceHandler<SpecByKind['existing-authorizer']> = {
  kind: 'existing-authorizer',
  // The user's own resource, chosen by id or name: another choice is another resource (no update in place).
  immutable: ['name'],
  service: 'apigateway',
  adopted: true,

  async create(ctx, spec, deps) {
    const out = await authorizerOut(ctx, spec, restApiIdOf(deps), depOut(deps, spec.poolNode, 'userPoolArn'));
    if (!out) throw new Error(`the API has no Cognito authorizer "${spec.name}" for this user pool any more`);
    return out;
  },
  find: (ctx, spec, deps) => authorizerOut(ctx, spec, restApiIdOf(deps), depOut(deps, spec.poolNode, 'userPoolArn')),
  async read(ctx, _spec, out, deps) {
    const a = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetAuthorizerCommand({ restApiId: restApiIdOf(deps), authorizerId: out.authorizerId })));
    return a ? { state: 'present', out } : { state: 'missing' };
  },
  async delete() {},
};
