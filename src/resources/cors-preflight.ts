import { sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import { DeleteMethodCommand, GetMethodCommand, PutMethodCommand, UpdateMethodCommand, type Method } from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import { patchReplace as replace, putMockParts, type MethodAddress } from './api-method.js';
import { apiTree, ignoreNotFound, resourceIdFor, restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

type Spec = SpecByKind['cors-preflight'];

function addressOf(spec: Spec, deps: Outputs): MethodAddress {
  return { restApiId: restApiIdOf(deps), resourceId: resourceIdFor(deps, spec.resourceNode), httpMethod: 'OPTIONS' };
}

/** The headers the preflight answers with (values unquoted; putMockParts quotes them). */
export function corsHeaders(spec: Spec): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': spec.allowOrigin,
    'Access-Control-Allow-Methods': spec.allowMethods.join(','),
    'Access-Control-Allow-Headers': spec.allowHeaders.join(','),
  };
}

async function putParts(ctx: Ctx, spec: Spec, at: MethodAddress, existing?: Method): Promise<void> {
  await putMockParts(ctx, at, existing, { headers: corsHeaders(spec), body: '' });
}

/**
 * OPTIONS answered by a MOCK integration with the CORS headers. Browsers send preflights without
 * the Authorization header, so this method must stay open (authorizationType NONE).
 */
export const corsPreflightHandler: ResourceHandler<Spec> = {
  kind: 'cors-preflight',
  calls: {
    create: ['apigateway:PutMethod', 'apigateway:PutMethodResponse', { call: 'apigateway:PutIntegration', alongside: true }, 'apigateway:PutIntegrationResponse'],
    find: ['apigateway:GetMethod', sometimes('apigateway:PutIntegration', 'a run stopped in between'), sometimes('apigateway:PutMethodResponse', 'a run stopped in between'), sometimes('apigateway:PutIntegrationResponse', 'a run stopped in between')],
    read: ['apigateway:GetResources'],
    update: [
      'apigateway:GetMethod', sometimes('apigateway:UpdateMethod', 'the method differs'), sometimes('apigateway:PutIntegration', 'the integration differs'),
      sometimes('apigateway:PutMethodResponse', 'a response differs'), sometimes('apigateway:PutIntegrationResponse', 'a response differs'),
    ],
    delete: [sometimes('apigateway:GetResources', 'the recorded method is looked up'), 'apigateway:DeleteMethod'],
  },
  service: 'apigateway',
  // DeleteRestApi deletes the API's methods (the OPTIONS preflights too) with it.
  deletedWithParent: true,
  immutable: ['path', 'resourceNode'],
  update: (ctx, want, out, deps) => updateCorsPreflight(ctx, want, out, deps),

  async create(ctx, spec, deps) {
    const at = addressOf(spec, deps);
    await ctx.clients.apigateway.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }));
    await putParts(ctx, spec, at);
    return { resourceId: at.resourceId };
  },

  async find(ctx, spec, deps) {
    const at = addressOf(spec, deps);
    const method = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetMethodCommand(at)));
    if (!method) return undefined;
    // Interrupted between the four Put calls: complete what is missing.
    await putParts(ctx, spec, at, method);
    return { resourceId: at.resourceId };
  },

  async read(ctx, _spec, out, deps) {
    const resource = (await apiTree(ctx, restApiIdOf(deps)))?.find((r) => r.id === out.resourceId);
    const method = resource?.resourceMethods?.OPTIONS;
    if (!method) return { state: 'missing' };
    const drift: DriftChange[] = [];
    if (method.authorizationType !== 'NONE' || method.authorizerId) {
      drift.push({ path: 'preflight.authorizationType', before: 'NONE', after: method.authorizationType ?? null, context: method.authorizerId ? { authorizerId: method.authorizerId } : {} });
    }
    if (!method.methodIntegration?.integrationResponses?.['200']) drift.push({ path: 'preflight.integrationResponse', before: '200', after: null });
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  /**
   * On someone's API this runs after the stack's own methods of the path got their authorization back (they are its
   * dependencies): a method still behind a Cognito authorizer there is another's (a second stack), and a browser
   * calling it needs this preflight: it is kept, and said.
   */
  async delete(ctx, _spec, out, deps) {
    const resource = (await apiTree({ ...ctx, reads: undefined }, restApiIdOf(deps)))?.find((r) => r.id === out.resourceId);
    const needing = Object.entries(resource?.resourceMethods ?? {}).filter(([verb, m]) => verb !== 'OPTIONS' && m.authorizationType === 'COGNITO_USER_POOLS').map(([verb]) => `${verb} ${resource?.path ?? '?'}`);
    if (needing.length) {
      ctx.note(`OPTIONS ${resource?.path ?? '?'} kept: ${needing.join(', ')} still ask${needing.length === 1 ? 's' : ''} for a token there (another stack)`);
      return;
    }
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteMethodCommand({
      restApiId: restApiIdOf(deps), resourceId: out.resourceId, httpMethod: 'OPTIONS',
    })));
  },
};

export async function updateCorsPreflight(ctx: Ctx, want: SpecByKind['cors-preflight'], out: Out, deps: Outputs): Promise<Out> {
  const api = ctx.clients.apigateway;
  const at: MethodAddress = { restApiId: restApiIdOf(deps), resourceId: out.resourceId ?? resourceIdFor(deps, want.resourceNode), httpMethod: 'OPTIONS' };
  const live = await api.send(new GetMethodCommand(at));
  // Browsers send the preflight without a token: it must stay open.
  if (live.authorizationType !== 'NONE') await api.send(new UpdateMethodCommand({ ...at, patchOperations: [replace('/authorizationType', 'NONE')] }));
  const integration = live.methodIntegration?.type === 'MOCK' ? { ...live.methodIntegration, integrationResponses: undefined } : undefined;
  await putMockParts(ctx, at, { ...live, methodIntegration: integration }, { headers: corsHeaders(want), body: '' });
  return { resourceId: at.resourceId };
}
