import { sometimes } from './declared-calls.js';
import { GetAuthorizerCommand, GetMethodCommand, UpdateMethodCommand, type Method, type PatchOperation } from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import { apiTree, depOut, resourceIdFor, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx, Outputs, Prior, ResourceHandler } from './types.js';
import type { DriftChange } from '../plan/changes.js';

type Spec = SpecByKind['secured-method'];

/** A method's authorization: what we set, and what destroy puts back. */
export interface MethodAuth { authorizationType: string; authorizerId?: string | undefined; authorizationScopes: string[] }

function addressOf(spec: Spec, deps: Outputs) {
  return { restApiId: restApiIdOf(deps), resourceId: resourceIdFor(deps, spec.resourceNode), httpMethod: spec.httpMethod };
}

export function authOf(m: Method): MethodAuth {
  return { authorizationType: m.authorizationType ?? 'NONE', authorizerId: m.authorizerId, authorizationScopes: [...(m.authorizationScopes ?? [])] };
}

/** The prior as recorded in the state (plain JSON). */
export function priorAuth(prior: Prior | undefined): MethodAuth {
  const scopes = prior?.authorizationScopes;
  return {
    authorizationType: typeof prior?.authorizationType === 'string' ? prior.authorizationType : 'NONE',
    authorizerId: typeof prior?.authorizerId === 'string' ? prior.authorizerId : undefined,
    authorizationScopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [],
  };
}

/**
 * UpdateMethod operations from one authorization to another. The authorization type and authorizer are replaced;
 * scopes are added and removed one by one, as the UpdateMethod patch paths take them (AWS's own
 * aws-controllers-k8s/apigateway-controller builds its method patch the same way: ForSlice on /authorizationScopes,
 * Replace on /authorizationType and /authorizerId). The integration is never named: it stays as it is.
 */
export function authPatch(from: MethodAuth, to: MethodAuth): PatchOperation[] {
  const ops: PatchOperation[] = [{ op: 'replace', path: '/authorizationType', value: to.authorizationType }];
  if (to.authorizerId !== undefined) ops.push({ op: 'replace', path: '/authorizerId', value: to.authorizerId });
  for (const s of from.authorizationScopes) if (!to.authorizationScopes.includes(s)) ops.push({ op: 'remove', path: '/authorizationScopes', value: s });
  for (const s of to.authorizationScopes) if (!from.authorizationScopes.includes(s)) ops.push({ op: 'add', path: '/authorizationScopes', value: s });
  return ops;
}

const wanted = (spec: Spec, deps: Outputs): MethodAuth => ({
  authorizationType: 'COGNITO_USER_POOLS', authorizerId: depOut(deps, spec.authorizerNode, 'authorizerId'), authorizationScopes: spec.authorizationScopes,
});

async function getMethod(ctx: Ctx, spec: Spec, deps: Outputs): Promise<Method | undefined> {
  return undefinedIfNotFound(ctx.clients.apigateway.send(new GetMethodCommand(addressOf(spec, deps))));
}

/**
 * One of the user's methods put behind our authorizer. Its prior authorization is journaled before the change
 * (capturePrior), and destroy puts it back; everything else about the method is theirs and left alone.
 */
export const securedMethodHandler: ResourceHandler<Spec> = {
  kind: 'secured-method',
  calls: {
    capturePrior: ['apigateway:GetMethod'],
    // capturePrior read the method's authorization just before.
    create: ['apigateway:UpdateMethod'],
    find: ['apigateway:GetMethod'],
    read: ['apigateway:GetResources'],
    update: ['apigateway:GetMethod', sometimes('apigateway:UpdateMethod', 'the authorization differs')],
    // The plan of a create reads their method in the API's tree (its resource may be new to the stack); a delete's, none.
    preview: ['apigateway:GetResources', sometimes('apigateway:GetAuthorizer', 'the method has an authorizer of theirs: its name is shown')],
    delete: ['apigateway:GetMethod', sometimes('apigateway:UpdateMethod', 'the method is still as we left it')],
  },
  immutable: ['path', 'httpMethod'],
  service: 'apigateway',
  adopted: true,

  async capturePrior(ctx, spec, deps) {
    const m = await getMethod(ctx, spec, deps);
    if (!m) throw new Error(`the API has no method ${spec.httpMethod} ${spec.path} any more`);
    const a = authOf(m);
    return { authorizationType: a.authorizationType, ...(a.authorizerId ? { authorizerId: a.authorizerId } : {}), authorizationScopes: a.authorizationScopes };
  },

  async create(ctx, spec, deps, prior) {
    const at = addressOf(spec, deps);
    await ctx.clients.apigateway.send(new UpdateMethodCommand({ ...at, patchOperations: authPatch(priorAuth(prior), wanted(spec, deps)) }));
    return { resourceId: at.resourceId, httpMethod: at.httpMethod };
  },

  /**
   * Repair (and a change of scopes or authorizer): the method is put back behind the authorizer as wanted. Reads it
   * first and patches only when it differs, so sending it again after a crash changes nothing. The prior stays as
   * journaled at the first secure (the engine keeps it): destroy still restores what the owner had.
   */
  async update(ctx, want, out, deps) {
    const at = { restApiId: restApiIdOf(deps), resourceId: out.resourceId ?? resourceIdFor(deps, want.resourceNode), httpMethod: want.httpMethod };
    const m = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetMethodCommand(at)));
    if (!m) throw new Error(`the API has no method ${want.httpMethod} ${want.path} any more`);
    const now = authOf(m);
    const target = wanted(want, deps);
    const same = now.authorizationType === target.authorizationType && now.authorizerId === target.authorizerId
      && now.authorizationScopes.slice().sort().join(' ') === target.authorizationScopes.slice().sort().join(' ');
    if (!same) await ctx.clients.apigateway.send(new UpdateMethodCommand({ ...at, patchOperations: authPatch(now, target) }));
    return { resourceId: at.resourceId, httpMethod: at.httpMethod };
  },

  /**
   * The plan's before → after for their method: NONE (or their authorizer) → COGNITO_USER_POOLS with ours, named;
   * on delete, ours → what it had (the recorded prior).
   */
  async preview(ctx, spec, deps, o) {
    const ours = o.labelOf(spec.authorizerNode);
    if (o.action === 'delete') {
      const back = priorAuth(o.prior);
      return [
        { path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: back.authorizationType, forcesReplace: false },
        { path: 'authorizer', before: ours, after: back.authorizerId ?? null, forcesReplace: false },
      ];
    }
    // Its resource may be new to the stack (not in deps yet): found by path in the API's tree.
    const m = (await apiTree(ctx, restApiIdOf(deps)))?.find((r) => r.path === spec.path)?.resourceMethods?.[spec.httpMethod];
    const now = m ? authOf(m) : { authorizationType: 'NONE', authorizerId: undefined, authorizationScopes: [] };
    const theirs = now.authorizerId
      ? (await undefinedIfNotFound(ctx.clients.apigateway.send(new GetAuthorizerCommand({ restApiId: restApiIdOf(deps), authorizerId: now.authorizerId }))))?.name ?? now.authorizerId
      : null;
    return [
      { path: 'authorizationType', before: now.authorizationType, after: 'COGNITO_USER_POOLS', forcesReplace: false },
      { path: 'authorizer', before: theirs, after: ours, forcesReplace: false },
    ];
  },

  // Resume: the UpdateMethod of a killed run may have landed.
  async find(ctx, spec, deps) {
    const m = await getMethod(ctx, spec, deps);
    const want = wanted(spec, deps);
    if (!m || m.authorizationType !== want.authorizationType || m.authorizerId !== want.authorizerId) return undefined;
    return { resourceId: resourceIdFor(deps, spec.resourceNode), httpMethod: spec.httpMethod };
  },

  async read(ctx, spec, out, deps) {
    const resource = (await apiTree(ctx, restApiIdOf(deps)))?.find((r) => r.id === out.resourceId);
    const m = resource?.resourceMethods?.[spec.httpMethod];
    if (!m) return { state: 'missing' };
    const now = authOf(m);
    const want = wanted(spec, deps);
    const drift: DriftChange[] = [];
    if (now.authorizationType !== want.authorizationType || now.authorizerId !== want.authorizerId) {
      drift.push({ path: 'authorizationType', before: want.authorizationType, after: now.authorizationType ?? null,
        context: { ...(want.authorizerId ? { expectedAuthorizer: want.authorizerId } : {}), ...(now.authorizerId ? { actualAuthorizer: now.authorizerId } : {}) } });
    }
    if (now.authorizationScopes.slice().sort().join(' ') !== want.authorizationScopes.slice().sort().join(' ')) {
      drift.push({ path: 'authorizationScopes', before: want.authorizationScopes, after: now.authorizationScopes });
    }
    return drift.length ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  // Put back the authorization it had; a method the user has since deleted needs nothing.
  async delete(ctx, spec, out, deps, prior) {
    const at = { restApiId: restApiIdOf(deps), resourceId: out.resourceId ?? resourceIdFor(deps, spec.resourceNode), httpMethod: spec.httpMethod };
    const m = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetMethodCommand(at)));
    if (!m) return;
    await ctx.clients.apigateway.send(new UpdateMethodCommand({ ...at, patchOperations: authPatch(authOf(m), priorAuth(prior)) }));
  },
};
