import { sometimes } from './declared-calls.js';
import { GetAuthorizerCommand, GetAuthorizersCommand, GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import { apiTree, depOut, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx } from './types.js';
import { usedAsIsHandler } from './used-as-is.js';

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

export const existingRestApiHandler = usedAsIsHandler<SpecByKind['existing-rest-api']>({
  kind: 'existing-rest-api',
  calls: {
    create: ['apigateway:GetRestApi', sometimes('apigateway:GetResources', 'the answer lacks the root resource id')],
    find: ['apigateway:GetRestApi', sometimes('apigateway:GetResources', 'the answer lacks the root resource id')],
    read: ['apigateway:GetRestApi', sometimes('apigateway:GetResources', 'the answer lacks the root resource id')],
    delete: [],
  },
  policyNames: (spec, out) => ({ existingApiIds: out.apiId ?? spec?.apiId }),
  immutable: ['apiId'],
  service: 'apigateway',
  lookup: (ctx, spec, _deps, out) => restApiOut(ctx, out?.apiId ?? spec.apiId),
  gone: (ctx, spec) => `REST API ${spec.apiId} (${spec.name}) no longer exists in ${ctx.region}`,
});

async function resourceOut(ctx: Ctx, restApiId: string, path: string) {
  const id = (await apiTree(ctx, restApiId))?.find((r) => r.path === path)?.id;
  return id ? { resourceId: id } : undefined;
}

export const existingApiResourceHandler = usedAsIsHandler<SpecByKind['existing-api-resource']>({
  kind: 'existing-api-resource',
  calls: { create: ['apigateway:GetResources'], find: ['apigateway:GetResources'], read: ['apigateway:GetResources'], delete: [] },
  immutable: ['path'],
  service: 'apigateway',
  lookup: (ctx, spec, deps) => resourceOut(ctx, restApiIdOf(deps), spec.path),
  gone: (_ctx, spec) => `the API has no resource ${spec.path} any more`,
  async read(ctx, spec, out, deps) {
    const r = (await apiTree(ctx, restApiIdOf(deps)))?.find((x) => x.id === out.resourceId);
    if (!r) return { state: 'missing' };
    return r.path === spec.path ? { state: 'present', out } : { state: 'drifted', drift: [{ path: 'path', before: spec.path, after: r.path ?? null }], out };
  },
});

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

export const existingAuthorizerHandler = usedAsIsHandler<SpecByKind['existing-authorizer']>({
  kind: 'existing-authorizer',
  calls: { create: ['apigateway:GetAuthorizers'], find: ['apigateway:GetAuthorizers'], read: ['apigateway:GetAuthorizer'], delete: [] },
  immutable: ['name'],
  service: 'apigateway',
  lookup: (ctx, spec, deps) => authorizerOut(ctx, spec, restApiIdOf(deps), depOut(deps, spec.poolNode, 'userPoolArn')),
  gone: (_ctx, spec) => `the API has no Cognito authorizer "${spec.name}" for this user pool any more`,
  async read(ctx, _spec, out, deps) {
    const a = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetAuthorizerCommand({ restApiId: restApiIdOf(deps), authorizerId: out.authorizerId })));
    return a ? { state: 'present', out } : { state: 'missing' };
  },
});
