import { sometimes } from './declared-calls.js';
import { DeleteGatewayResponseCommand, PutGatewayResponseCommand } from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import { quoted } from './api-method.js';
import { apiTree, gatewayResponses, ignoreNotFound, restApiIdOf } from './refs.js';
import type { ResourceHandler } from './types.js';

type Spec = SpecByKind['gateway-response'];

const ORIGIN_PARAM = 'gatewayresponse.header.Access-Control-Allow-Origin';

/** Static header values for a gateway response, single-quoted as API Gateway requires. */
export function gatewayResponseParameters(spec: Spec): Record<string, string> {
  return {
    [ORIGIN_PARAM]: quoted(spec.allowOrigin),
    'gatewayresponse.header.Access-Control-Allow-Headers': quoted(spec.allowHeaders.join(',')),
  };
}

/**
 * CORS headers on API Gateway's own 4XX/5XX answers, so a browser sees the authorizer's 401
 * instead of an opaque CORS failure.
 */
export const gatewayResponseHandler: ResourceHandler<Spec> = {
  kind: 'gateway-response',
  calls: {
    create: ['apigateway:PutGatewayResponse'],
    find: [],
    read: ['apigateway:GetGatewayResponses'],
    update: ['apigateway:PutGatewayResponse'],
    delete: [sometimes('apigateway:GetResources', 'the API is looked up'), 'apigateway:DeleteGatewayResponse'],
  },
  service: 'apigateway',
  // DeleteRestApi deletes the API's gateway responses with it.
  deletedWithParent: true,
  // PutGatewayResponse overwrites: putting it again is the update.
  immutable: ['responseType'],
  update: (ctx, want, _out, deps) => gatewayResponseHandler.create(ctx, want, deps),

  async create(ctx, spec, deps) {
    await ctx.clients.apigateway.send(new PutGatewayResponseCommand({
      restApiId: restApiIdOf(deps), responseType: spec.responseType, responseParameters: gatewayResponseParameters(spec),
    }));
    return { responseType: spec.responseType };
  },

  // PutGatewayResponse overwrites, so creating again is the adoption.
  async find() {
    return undefined;
  },

  async read(ctx, spec, out, deps) {
    const all = await gatewayResponses(ctx, restApiIdOf(deps));
    if (!all) return { state: 'missing' };
    // AWS answers every DEFAULT_* type; a reset one (or none listed) lacks our headers.
    const res = all.get(spec.responseType) ?? {};
    const origin = res.responseParameters?.[ORIGIN_PARAM];
    if (origin === undefined) return { state: 'drifted', drift: [{ path: 'responseParameters.allowOrigin', before: quoted(spec.allowOrigin), after: null, context: { responseType: spec.responseType } }], out };
    return origin === quoted(spec.allowOrigin)
      ? { state: 'present', out }
      : { state: 'drifted', drift: [{ path: 'responseParameters.allowOrigin', before: quoted(spec.allowOrigin), after: origin, context: { responseType: spec.responseType } }], out };
  },

  /** Kept while a method of the API is still behind a Cognito authorizer (another stack's, ours are put back first): its 401s need the CORS headers. */
  async delete(ctx, spec, _out, deps) {
    const secured = (await apiTree({ ...ctx, reads: undefined }, restApiIdOf(deps)) ?? [])
      .flatMap((r) => Object.entries(r.resourceMethods ?? {}).filter(([, m]) => m.authorizationType === 'COGNITO_USER_POOLS').map(([verb]) => `${verb} ${r.path ?? '?'}`));
    if (secured.length) {
      ctx.note(`gateway response ${spec.responseType} kept: ${secured.join(', ')} still ask${secured.length === 1 ? 's' : ''} for a token (another stack)`);
      return;
    }
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteGatewayResponseCommand({
      restApiId: restApiIdOf(deps), responseType: spec.responseType,
    })));
  },
};
