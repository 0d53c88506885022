import { only, sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import {
  DeleteMethodCommand, GetMethodCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand,
  PutMethodResponseCommand, UpdateMethodCommand, type Method, type PatchOperation, type PutIntegrationCommandInput,
} from '@aws-sdk/client-api-gateway';
import type { SpecByKind } from '../plan/specs.js';
import {
  apiTree, depOut, functionArnFor, ignoreNotFound, lambdaInvokeUri, resourceIdFor, restApiIdOf, undefinedIfNotFound,
} from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

type Spec = SpecByKind['api-method'];

/** Where a method lives. */
export interface MethodAddress { restApiId: string; resourceId: string; httpMethod: string }

/** A MOCK integration answers from its integration response; this template selects status 200. */
export const MOCK_REQUEST_TEMPLATES = { 'application/json': '{"statusCode": 200}' };

/** Header parameters of a method response / integration response, as API Gateway names them. */
export function responseHeaderParams<V>(headers: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(headers).map(([name, v]) => [`method.response.header.${name}`, v]));
}

/** API Gateway takes static header values as single-quoted literals. */
export function quoted(value: string): string {
  return `'${value}'`;
}

/** Run independent calls together; when any fails, let the others finish, then throw the first failure. */
async function allSettledOrThrow(calls: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Finish a MOCK method: integration, method response 200 and integration response 200, skipping what
 * already exists (so a run resumed between these calls completes the method instead of failing).
 * The integration and the method response need only the method, so they go together; the integration
 * response needs both.
 */
export async function putMockParts(
  ctx: Ctx, at: MethodAddress, existing: Method | undefined,
  response: { headers: Record<string, string>; body: string },
): Promise<void> {
  const api = ctx.clients.apigateway;
  await allSettledOrThrow([
    ...(existing?.methodIntegration ? [] : [api.send(new PutIntegrationCommand({ ...at, type: 'MOCK', requestTemplates: MOCK_REQUEST_TEMPLATES }))]),
    ...(existing?.methodResponses?.['200'] ? [] : [api.send(new PutMethodResponseCommand({
      ...at, statusCode: '200',
      responseParameters: responseHeaderParams(Object.fromEntries(Object.keys(response.headers).map((h) => [h, false]))),
    }))]),
  ]);
  if (!existing?.methodIntegration?.integrationResponses?.['200']) {
    await api.send(new PutIntegrationResponseCommand({
      ...at, statusCode: '200',
      responseParameters: responseHeaderParams(Object.fromEntries(Object.entries(response.headers).map(([h, v]) => [h, quoted(v)]))),
      responseTemplates: { 'application/json': response.body },
    }));
  }
}

/** What a MOCK method answers: its headers (unquoted) and body. */
export function mockResponse(spec: Spec): { headers: Record<string, string>; body: string } {
  return { headers: { 'Access-Control-Allow-Origin': spec.corsOrigin }, body: JSON.stringify({ message: 'Hello from secure-api (mock integration)' }) };
}

function addressOf(spec: Spec, deps: Outputs): MethodAddress {
  return { restApiId: restApiIdOf(deps), resourceId: resourceIdFor(deps, spec.resourceNode), httpMethod: spec.httpMethod };
}

/** The integration request for a Lambda (AWS_PROXY) or HTTP (HTTP_PROXY) backend; undefined for MOCK. */
export function integrationInput(ctx: Ctx, spec: Spec, deps: Outputs, at: MethodAddress): PutIntegrationCommandInput | undefined {
  const i = spec.integration;
  if (i.type === 'lambda') {
    // Lambda is always invoked with POST, whatever the client's method.
    return { ...at, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaInvokeUri(ctx, functionArnFor(i.function, deps, ctx)) };
  }
  if (i.type === 'http') {
    const requestParameters = Object.fromEntries(spec.pathParams.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`]));
    return {
      ...at, type: 'HTTP_PROXY', integrationHttpMethod: spec.httpMethod, uri: i.url,
      ...(spec.pathParams.length > 0 ? { requestParameters } : {}),
    };
  }
  return undefined;
}

async function putIntegration(ctx: Ctx, spec: Spec, deps: Outputs, at: MethodAddress, existing?: Method): Promise<void> {
  const input = integrationInput(ctx, spec, deps, at);
  if (input) {
    if (!existing?.methodIntegration) await ctx.clients.apigateway.send(new PutIntegrationCommand(input));
    return;
  }
  await putMockParts(ctx, at, existing, mockResponse(spec));
}

/** What the spec says about authorization: COGNITO_USER_POOLS with our authorizer, or NONE. */
function expectedAuth(spec: Spec, deps: Outputs): { type: string; authorizerId?: string } {
  return spec.authorizerNode
    ? { type: 'COGNITO_USER_POOLS', authorizerId: depOut(deps, spec.authorizerNode, 'authorizerId') }
    : { type: 'NONE' };
}

/** What GetMethod shows that differs from the spec. */
export function methodDrift(ctx: Ctx, spec: Spec, deps: Outputs, method: Method): DriftChange[] {
  const drift: DriftChange[] = [];
  const want = expectedAuth(spec, deps);
  if (method.authorizationType !== want.type || (want.authorizerId !== undefined && method.authorizerId !== want.authorizerId)) {
    const context: Record<string, string> = {};
    if (want.authorizerId) context.expectedAuthorizer = want.authorizerId;
    if (method.authorizerId) context.actualAuthorizer = method.authorizerId;
    drift.push({ path: 'authorizationType', before: want.type, after: method.authorizationType ?? null, context });
  }
  const scopes = [...(method.authorizationScopes ?? [])].sort().join(' ');
  if (spec.authorizerNode && scopes !== [...spec.authorizationScopes].sort().join(' ')) {
    drift.push({ path: 'authorizationScopes', before: spec.authorizationScopes, after: [...(method.authorizationScopes ?? [])].sort() });
  }
  const integration = method.methodIntegration;
  const wanted = integrationInput(ctx, spec, deps, addressOf(spec, deps));
  if (!integration) drift.push({ path: 'integration', before: wanted?.uri ?? 'MOCK', after: null });
  else if (wanted && integration.uri !== wanted.uri) drift.push({ path: 'integration.uri', before: wanted.uri ?? null, after: integration.uri ?? null });
  else if (!wanted && integration.type !== 'MOCK') drift.push({ path: 'integration.type', before: 'MOCK', after: integration.type ?? null });
  return drift;
}

/** A method (step 2) put behind the Cognito authorizer (step 4) unless it is public, with its integration. */
export const apiMethodHandler: ResourceHandler<Spec> = {
  kind: 'api-method',
  calls: {
    create: [
      'apigateway:PutMethod', 'apigateway:PutIntegration',
      // A MOCK integration answers by itself: its method response goes with the integration, then its integration response.
      only('apigateway:PutMethodResponse', (s) => s.integration.type === 'mock', { alongside: true }),
      only('apigateway:PutIntegrationResponse', (s) => s.integration.type === 'mock'),
    ],
    find: ['apigateway:GetMethod', sometimes('apigateway:PutIntegration', 'the method is there without its integration (a run stopped in between)'), sometimes('apigateway:PutMethodResponse', 'a MOCK method stopped in between'), sometimes('apigateway:PutIntegrationResponse', 'a MOCK method stopped in between')],
    read: ['apigateway:GetResources'],
    update: [
      'apigateway:GetMethod', sometimes('apigateway:UpdateMethod', 'the authorization differs'), sometimes('apigateway:PutIntegration', 'the integration differs'),
      sometimes('apigateway:PutMethodResponse', 'a MOCK response differs'), sometimes('apigateway:PutIntegrationResponse', 'a MOCK response differs'),
    ],
    delete: ['apigateway:DeleteMethod'],
  },
  service: 'apigateway',
  // DeleteRestApi deletes the API's methods and integrations with it.
  deletedWithParent: true,
  immutable: ['path', 'httpMethod', 'resourceNode'],
  update: (ctx, want, out, deps) => updateApiMethod(ctx, want, out, deps),

  async create(ctx, spec, deps) {
    const at = addressOf(spec, deps);
    const auth = expectedAuth(spec, deps);
    await ctx.clients.apigateway.send(new PutMethodCommand({
      ...at,
      authorizationType: auth.type,
      ...(auth.authorizerId ? { authorizerId: auth.authorizerId } : {}),
      // Scopes make the authorizer accept access tokens (and only those carrying a scope).
      ...(auth.authorizerId && spec.authorizationScopes.length > 0 ? { authorizationScopes: spec.authorizationScopes } : {}),
      ...(spec.pathParams.length > 0
        ? { requestParameters: Object.fromEntries(spec.pathParams.map((p) => [`method.request.path.${p}`, true])) }
        : {}),
    }));
    await putIntegration(ctx, spec, deps, at);
    return { resourceId: at.resourceId, httpMethod: at.httpMethod };
  },

  async find(ctx, spec, deps) {
    const at = addressOf(spec, deps);
    const method = await undefinedIfNotFound(ctx.clients.apigateway.send(new GetMethodCommand(at)));
    if (!method) return undefined;
    // Interrupted after PutMethod: finish the integration rather than leave a method that answers 500.
    await putIntegration(ctx, spec, deps, at, method);
    return { resourceId: at.resourceId, httpMethod: at.httpMethod };
  },

  async read(ctx, spec, out, deps) {
    // From the API's tree (one GetResources for every method of the stack), not a GetMethod each.
    const resource = (await apiTree(ctx, restApiIdOf(deps)))?.find((r) => r.id === out.resourceId);
    const method = resource?.resourceMethods?.[out.httpMethod ?? spec.httpMethod];
    if (!method) return { state: 'missing' };
    const drift = methodDrift(ctx, spec, deps, method);
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, spec, out, deps) {
    await ignoreNotFound(ctx.clients.apigateway.send(new DeleteMethodCommand({
      restApiId: restApiIdOf(deps), resourceId: out.resourceId, httpMethod: out.httpMethod ?? spec.httpMethod,
    })));
  },
};

/** One JSON-patch replace (UpdateMethod, UpdateAuthorizer, UpdateRestApi take patch operations). */
export const patchReplace = (path: string, value: string): PatchOperation => ({ op: 'replace', path, value });
const replace = patchReplace;

/** The patch that turns a method's authorization into the spec's: public (NONE) or our authorizer with its scopes. */
export function methodAuthPatch(want: SpecByKind['api-method'], authorizerId: string | undefined, live: Method): PatchOperation[] {
  const have = new Set(live.authorizationScopes ?? []);
  const wantScopes = new Set(authorizerId ? want.authorizationScopes : []);
  const removeScopes = [...have].filter((s) => !wantScopes.has(s)).map((s): PatchOperation => ({ op: 'remove', path: '/authorizationScopes', value: s }));
  const addScopes = [...wantScopes].filter((s) => !have.has(s)).map((s): PatchOperation => ({ op: 'add', path: '/authorizationScopes', value: s }));
  if (!authorizerId) {
    // Scopes are only valid on COGNITO_USER_POOLS: drop them before opening the method.
    return live.authorizationType === 'NONE' ? removeScopes : [...removeScopes, replace('/authorizationType', 'NONE')];
  }
  const auth = live.authorizationType === 'COGNITO_USER_POOLS' && live.authorizerId === authorizerId
    ? [] : [replace('/authorizationType', 'COGNITO_USER_POOLS'), replace('/authorizerId', authorizerId)];
  return [...auth, ...removeScopes, ...addScopes];
}

function integrationDiffers(live: Method, wanted: ReturnType<typeof integrationInput>): boolean {
  const have = live.methodIntegration;
  if (!have) return true;
  if (!wanted) return have.type !== 'MOCK';
  return have.type !== wanted.type || have.uri !== wanted.uri || have.httpMethod !== wanted.integrationHttpMethod;
}

export async function updateApiMethod(ctx: Ctx, want: SpecByKind['api-method'], out: Out, deps: Outputs): Promise<Out> {
  const api = ctx.clients.apigateway;
  const at: MethodAddress = { restApiId: restApiIdOf(deps), resourceId: out.resourceId ?? resourceIdFor(deps, want.resourceNode), httpMethod: want.httpMethod };
  const live = await api.send(new GetMethodCommand(at));
  const authorizerId = want.authorizerNode ? depOut(deps, want.authorizerNode, 'authorizerId') : undefined;
  const ops = methodAuthPatch(want, authorizerId, live);
  if (ops.length) await api.send(new UpdateMethodCommand({ ...at, patchOperations: ops }));
  const wanted = integrationInput(ctx, want, deps, at);
  if (wanted) {
    if (integrationDiffers(live, wanted)) await api.send(new PutIntegrationCommand(wanted));
  } else {
    // MOCK: the integration and its response carry the CORS origin; put both again (they overwrite).
    const integration = integrationDiffers(live, undefined) ? undefined : { ...live.methodIntegration, integrationResponses: undefined };
    await putMockParts(ctx, at, { ...live, methodIntegration: integration }, {
      headers: { 'Access-Control-Allow-Origin': want.corsOrigin },
      body: JSON.stringify({ message: 'Hello from secure-api (mock integration)' }),
    });
  }
  return { resourceId: at.resourceId, httpMethod: at.httpMethod };
}
