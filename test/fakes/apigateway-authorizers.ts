import type {
  Authorizer, CreateAuthorizerCommandInput, CreateAuthorizerCommandOutput, DeleteAuthorizerCommandInput,
  DeleteGatewayResponseCommandInput, GatewayResponse, GatewayResponseType, GetAuthorizerCommandInput, GetAuthorizerCommandOutput,
  GetAuthorizersCommandInput, GetAuthorizersCommandOutput, GetGatewayResponseCommandInput, GetGatewayResponseCommandOutput,
  GetGatewayResponsesCommandInput, GetGatewayResponsesCommandOutput, PatchOperation, PutGatewayResponseCommandInput,
  PutGatewayResponseCommandOutput, UpdateAuthorizerCommandInput, UpdateAuthorizerCommandOutput,
} from '@aws-sdk/client-api-gateway';
import { fail, getApi, pageOf } from './apigateway-apis.js';
import { LOWER_ALNUM, compact, copy, randomString, uniqueId, type Ctx, type Handlers, type Out } from './core.js';
import type { ApiRecord } from './state.js';

const POOL_ARN = /^arn:aws[\w-]*:cognito-idp:[\w-]+:\d{12}:userpool\/[\w-]+_[0-9a-zA-Z]+$/;

/** Status codes of API Gateway's default gateway responses (DEFAULT_4XX / DEFAULT_5XX have none). */
const GATEWAY_RESPONSE_DEFAULTS: Record<GatewayResponseType, string | undefined> = {
  ACCESS_DENIED: '403', API_CONFIGURATION_ERROR: '500', AUTHORIZER_CONFIGURATION_ERROR: '500', AUTHORIZER_FAILURE: '500',
  BAD_REQUEST_BODY: '400', BAD_REQUEST_PARAMETERS: '400', DEFAULT_4XX: undefined, DEFAULT_5XX: undefined, EXPIRED_TOKEN: '403',
  INTEGRATION_FAILURE: '504', INTEGRATION_TIMEOUT: '504', INVALID_API_KEY: '403', INVALID_SIGNATURE: '403',
  MISSING_AUTHENTICATION_TOKEN: '403', QUOTA_EXCEEDED: '429', REQUEST_TOO_LARGE: '413', RESOURCE_NOT_FOUND: '404',
  THROTTLED: '429', UNAUTHORIZED: '401', UNSUPPORTED_MEDIA_TYPE: '415', WAF_FILTERED: '403',
};

function isGatewayResponseType(t: string | undefined): t is GatewayResponseType {
  return t !== undefined && Object.prototype.hasOwnProperty.call(GATEWAY_RESPONSE_DEFAULTS, t);
}

function defaultGatewayResponse(type: GatewayResponseType): GatewayResponse {
  return compact({
    responseType: type, statusCode: GATEWAY_RESPONSE_DEFAULTS[type], responseParameters: {},
    responseTemplates: { 'application/json': '{"message":$context.error.messageString}' }, defaultResponse: true,
  });
}

function getAuthorizer(ctx: Ctx, restApiId: string | undefined, id: string | undefined): { api: ApiRecord; authorizer: Authorizer } {
  const api = getApi(ctx, restApiId);
  const authorizer = api.authorizers[id ?? ''];
  if (!authorizer) fail('NotFoundException', 'Invalid Authorizer identifier specified');
  return { api, authorizer };
}

function checkAuthorizer(a: Authorizer): void {
  if (!a.name) fail('BadRequestException', 'Authorizer name must be non-empty');
  if (a.type !== 'TOKEN' && a.type !== 'REQUEST' && a.type !== 'COGNITO_USER_POOLS') fail('BadRequestException', 'Invalid authorizer type specified');
  if (a.type === 'COGNITO_USER_POOLS') {
    if (!a.providerARNs?.length) fail('BadRequestException', 'ProviderARNs need to be specified for authorizer type COGNITO_USER_POOLS');
    const bad = a.providerARNs.find((arn) => !POOL_ARN.test(arn));
    if (bad !== undefined) fail('BadRequestException', `Invalid Cognito User Pool ARN specified: ${bad}`);
  } else if (!a.authorizerUri) {
    fail('BadRequestException', `Authorizer URI must be specified for authorizer type ${a.type}`);
  }
  if (a.type !== 'REQUEST' && !a.identitySource) fail('BadRequestException', `Identity source must be specified for authorizer type ${a.type}`);
  const ttl = a.authorizerResultTtlInSeconds ?? 300;
  if (ttl < 0 || ttl > 3600) fail('BadRequestException', 'Authorizer result TTL must be between 0 and 3600 seconds');
}

function applyAuthorizerPatch(a: Authorizer, ops: PatchOperation[]): void {
  for (const op of ops) {
    const path = op.path ?? '';
    const value = op.value;
    if (path === '/providerARNs' && (op.op === 'add' || op.op === 'remove')) {
      const arns = new Set(a.providerARNs ?? []);
      if (op.op === 'add' && value !== undefined) arns.add(value);
      if (op.op === 'remove' && value !== undefined) arns.delete(value);
      a.providerARNs = [...arns];
    } else if (path.startsWith('/providerARNs/') && op.op === 'replace') {
      const index = Number(path.slice('/providerARNs/'.length));
      const arns = [...(a.providerARNs ?? [])];
      if (!Number.isInteger(index) || index < 0 || index >= arns.length || value === undefined) fail('BadRequestException', `Invalid patch path '${path}'`);
      arns[index] = value;
      a.providerARNs = arns;
    } else if (op.op === 'replace' && path === '/name') a.name = value;
    else if (op.op === 'replace' && path === '/type') a.type = value as Authorizer['type'];
    else if (op.op === 'replace' && path === '/identitySource') a.identitySource = value;
    else if (op.op === 'replace' && path === '/identityValidationExpression') a.identityValidationExpression = value;
    else if (op.op === 'replace' && path === '/authorizerUri') a.authorizerUri = value;
    else if (op.op === 'replace' && path === '/authorizerCredentials') a.authorizerCredentials = value;
    else if (op.op === 'replace' && path === '/authorizerResultTtlInSeconds') a.authorizerResultTtlInSeconds = Number(value);
    else fail('BadRequestException', `Invalid patch path '${path}' specified for op '${op.op ?? ''}'`);
  }
}

export const authorizerHandlers: Handlers = {
  CreateAuthorizer(ctx, input: CreateAuthorizerCommandInput): Out<CreateAuthorizerCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const s = ctx.state;
    const authorizer: Authorizer = compact({
      id: uniqueId(s, api.authorizers, () => randomString(s, 6, LOWER_ALNUM)), name: input.name, type: input.type,
      providerARNs: copy(input.providerARNs), authType: input.authType ?? (input.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom'),
      authorizerUri: input.authorizerUri, authorizerCredentials: input.authorizerCredentials, identitySource: input.identitySource,
      identityValidationExpression: input.identityValidationExpression, authorizerResultTtlInSeconds: input.authorizerResultTtlInSeconds ?? 300,
    });
    checkAuthorizer(authorizer);
    api.authorizers[authorizer.id ?? ''] = authorizer;
    return copy(authorizer);
  },

  GetAuthorizer(ctx, input: GetAuthorizerCommandInput): Out<GetAuthorizerCommandOutput> {
    return copy(getAuthorizer(ctx, input.restApiId, input.authorizerId).authorizer);
  },

  GetAuthorizers(ctx, input: GetAuthorizersCommandInput): Out<GetAuthorizersCommandOutput> {
    return pageOf(Object.values(getApi(ctx, input.restApiId).authorizers).map((a) => copy(a)), input.position, input.limit);
  },

  UpdateAuthorizer(ctx, input: UpdateAuthorizerCommandInput): Out<UpdateAuthorizerCommandOutput> {
    const { api, authorizer } = getAuthorizer(ctx, input.restApiId, input.authorizerId);
    const draft = copy(authorizer);
    applyAuthorizerPatch(draft, input.patchOperations ?? []);
    checkAuthorizer(draft);
    api.authorizers[draft.id ?? ''] = draft;
    return copy(draft);
  },

  DeleteAuthorizer(ctx, input: DeleteAuthorizerCommandInput): object {
    const { api, authorizer } = getAuthorizer(ctx, input.restApiId, input.authorizerId);
    for (const r of Object.values(api.resources)) {
      for (const [verb, m] of Object.entries(r.methods)) {
        if (m.authorizerId === authorizer.id) {
          fail('ConflictException', `Cannot delete authorizer '${authorizer.name ?? ''}', is referenced in method: ${verb}/${r.path}`);
        }
      }
    }
    delete api.authorizers[authorizer.id ?? ''];
    return {};
  },

  PutGatewayResponse(ctx, input: PutGatewayResponseCommandInput): Out<PutGatewayResponseCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    if (!isGatewayResponseType(input.responseType)) fail('BadRequestException', 'Invalid gateway response type specified');
    const response: GatewayResponse = compact({
      responseType: input.responseType, statusCode: input.statusCode, responseParameters: { ...input.responseParameters },
      responseTemplates: { ...input.responseTemplates }, defaultResponse: false,
    });
    api.gatewayResponses[input.responseType] = response;
    return copy(response);
  },

  GetGatewayResponse(ctx, input: GetGatewayResponseCommandInput): Out<GetGatewayResponseCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    if (!isGatewayResponseType(input.responseType)) fail('BadRequestException', 'Invalid gateway response type specified');
    return copy(api.gatewayResponses[input.responseType] ?? defaultGatewayResponse(input.responseType));
  },

  GetGatewayResponses(ctx, input: GetGatewayResponsesCommandInput): Out<GetGatewayResponsesCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const all = (Object.keys(GATEWAY_RESPONSE_DEFAULTS) as GatewayResponseType[])
      .map((t) => copy(api.gatewayResponses[t] ?? defaultGatewayResponse(t)));
    return pageOf(all, input.position, input.limit);
  },

  DeleteGatewayResponse(ctx, input: DeleteGatewayResponseCommandInput): object {
    const api = getApi(ctx, input.restApiId);
    if (!isGatewayResponseType(input.responseType)) fail('BadRequestException', 'Invalid gateway response type specified');
    if (!api.gatewayResponses[input.responseType]) fail('NotFoundException', 'Invalid Gateway Response type specified');
    delete api.gatewayResponses[input.responseType];
    return {};
  },
};
