import { sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import {
  CreateAuthorizerCommand, DeleteAuthorizerCommand, GetAuthorizerCommand, GetAuthorizersCommand, type Authorizer,
} from '@aws-sdk/client-api-gateway';
import { createOnceIn } from '../aws/create-once.js';
import type { SpecByKind } from '../plan/specs.js';
import { apiTree, depOut, ignoreNotFound, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Outputs, ResourceHandler } from './types.js';
import { updateAuthorizer } from './api-gateway-updates.js';
import { settingsDrift } from './settings-drift.js';

type Spec = SpecByKind['authorizer'];

function poolArnOf(spec: Spec, deps: Outputs): string {
  return depOut(deps, spec.poolNode, 'userPoolArn');
}

const IDENTITY_PREFIX = 'method.request.header.';

/** The settings a spec asks the authorizer to hold (the pool's ARN resolved), as observeAuthorizer reads them back. */
export function authorizerSettings(spec: Spec, poolArn: string | undefined) {
  return {
    name: spec.name, type: 'COGNITO_USER_POOLS' as string | undefined, identityHeader: spec.identityHeader,
    ttlSeconds: spec.ttlSeconds as number | undefined, providerARNs: poolArn === undefined ? undefined : [poolArn],
  };
}

/** GetAuthorizer read back as settings: the header named by its identity source, every provider ARN (an added pool is drift). */
export function observeAuthorizer(a: Authorizer, poolKnown: boolean): ReturnType<typeof authorizerSettings> {
  const source = a.identitySource ?? '';
  return {
    name: a.name ?? '', type: a.type, identityHeader: source.startsWith(IDENTITY_PREFIX) ? source.slice(IDENTITY_PREFIX.length) : source,
    // API Gateway answers without a TTL when it is the default, 300 s (Authorizer, API Gateway API reference).
    ttlSeconds: a.authorizerResultTtlInSeconds ?? 300, providerARNs: poolKnown ? a.providerARNs ?? [] : undefined,
  };
}

/** What GetAuthorizer shows that differs from the spec. */
export function authorizerDrift(spec: Spec, poolArn: string | undefined, a: Authorizer): DriftChange[] {
  return settingsDrift(authorizerSettings(spec, poolArn), observeAuthorizer(a, poolArn !== undefined));
}

/** Step 4: the Cognito user pool authorizer; it checks the token in the identity header against the pool. */
export const authorizerHandler: ResourceHandler<Spec> = {
  kind: 'authorizer',
  calls: {
    create: ['apigateway:CreateAuthorizer', sometimes('apigateway:GetAuthorizers', 'the answer was lost: find looks for it')],
    find: ['apigateway:GetAuthorizers'],
    read: ['apigateway:GetAuthorizer'],
    update: ['apigateway:GetAuthorizer', sometimes('apigateway:UpdateAuthorizer', 'a setting differs')],
    delete: [sometimes('apigateway:GetResources', 'the API is looked up'), 'apigateway:DeleteAuthorizer'],
  },
  service: 'apigateway',
  // DeleteRestApi deletes the API's authorizers with it.
  deletedWithParent: true,
  immutable: [],
  update: (ctx, want, out, deps) => updateAuthorizer(ctx, want, out, deps),

  async create(ctx, spec, deps) {
    // Not idempotent (names are not unique): after a lost answer, look for it by name on our API first.
    return createOnceIn(ctx, `authorizer ${spec.name}`, async () => {
      const res = await ctx.clients.apigateway.send(new CreateAuthorizerCommand({
        restApiId: restApiIdOf(deps),
        name: spec.name,
        type: 'COGNITO_USER_POOLS',
        providerARNs: [poolArnOf(spec, deps)],
        identitySource: `method.request.header.${spec.identityHeader}`,
        authorizerResultTtlInSeconds: spec.ttlSeconds,
      }));
      if (!res.id) throw new Error(`CreateAuthorizer returned no id for ${spec.name}`);
      return { authorizerId: res.id };
    }, () => authorizerHandler.find(ctx, spec, deps));
  },

  async find(ctx, spec, deps) {
    const restApiId = restApiIdOf(deps);
    let position: string | undefined;
    do {
      const page = await ctx.clients.apigateway.send(new GetAuthorizersCommand({ restApiId, limit: 500, position }));
      const hit = page.items?.find((a) => a.name === spec.name);
      if (hit?.id) return { authorizerId: hit.id };
      position = page.position;
    } while (position);
    return undefined;
  },

  async read(ctx, spec, out, deps) {
    const a = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetAuthorizerCommand({
      restApiId: restApiIdOf(deps), authorizerId: out.authorizerId,
    })));
    if (!a) return { state: 'missing' };
    const drift = authorizerDrift(spec, deps[spec.poolNode]?.userPoolArn, a);
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  /**
   * Normally skipped: deleting the API removes its authorizers. On someone's API it runs after our methods got
   * their authorization back; a method that still names it is another's (a second stack that reused it, or the
   * owners'): it is kept, and said, never deleted under them. AWS refuses that delete anyway ("Cannot delete
   * authorizer …, is referenced in method", hashicorp/terraform#6731, terraform-provider-aws#14812), which would
   * leave this destroy stuck.
   */
  async delete(ctx, _spec, out, deps) {
    const restApiId = restApiIdOf(deps);
    const tree = await apiTree({ ...ctx, reads: undefined }, restApiId);
    const users = (tree ?? []).flatMap((r) => Object.entries(r.resourceMethods ?? {}).filter(([, m]) => m.authorizerId === out.authorizerId).map(([verb]) => `${verb} ${r.path ?? '?'}`));
    if (users.length) {
      ctx.note(`authorizer ${out.authorizerId ?? '?'} kept: ${users.join(', ')} still use${users.length === 1 ? 's' : ''} it (another stack, or the API's owners)`);
      return;
    }
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteAuthorizerCommand({ restApiId, authorizerId: out.authorizerId })));
  },
};
