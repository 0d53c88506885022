import type {
  DeleteIntegrationCommandInput, DeleteMethodCommandInput, DeleteMethodResponseCommandInput, GetIntegrationCommandInput,
  GetIntegrationCommandOutput, GetIntegrationResponseCommandInput, GetIntegrationResponseCommandOutput, GetMethodCommandInput,
  GetMethodCommandOutput, GetMethodResponseCommandInput, GetMethodResponseCommandOutput, Integration, Method, PatchOperation,
  PutIntegrationCommandInput, PutIntegrationCommandOutput, PutIntegrationResponseCommandInput, PutIntegrationResponseCommandOutput,
  PutMethodCommandInput, PutMethodCommandOutput, PutMethodResponseCommandInput, PutMethodResponseCommandOutput,
  UpdateMethodCommandInput, UpdateMethodCommandOutput,
} from '@aws-sdk/client-api-gateway';
import { fail, getApi, getResource } from './apigateway-apis.js';
import { compact, copy, type Ctx, type Handlers, type Out } from './core.js';
import type { ApiRecord } from './state.js';

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const AUTH_TYPES = new Set(['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS']);
const INTEGRATION_TYPES = new Set(['HTTP', 'AWS', 'MOCK', 'HTTP_PROXY', 'AWS_PROXY']);

function getMethod(ctx: Ctx, restApiId: string | undefined, resourceId: string | undefined, httpMethod: string | undefined): { api: ApiRecord; method: Method } {
  const api = getApi(ctx, restApiId);
  const method = getResource(api, resourceId).methods[httpMethod ?? ''];
  if (!method) fail('NotFoundException', 'Invalid Method identifier specified');
  return { api, method };
}

/** A method's authorizer must exist on that API and fit its authorization type. */
function checkAuthorization(api: ApiRecord, method: Method): void {
  const type = method.authorizationType ?? '';
  if (!AUTH_TYPES.has(type)) fail('BadRequestException', 'Invalid authorization type specified');
  if (type !== 'CUSTOM' && type !== 'COGNITO_USER_POOLS') {
    delete method.authorizerId;
    return;
  }
  const authorizer = method.authorizerId === undefined ? undefined : api.authorizers[method.authorizerId];
  if (!authorizer) fail('BadRequestException', 'Invalid authorizer ID specified');
  const cognito = authorizer.type === 'COGNITO_USER_POOLS';
  if (cognito !== (type === 'COGNITO_USER_POOLS')) {
    fail('BadRequestException', `Authorizer type ${authorizer.type ?? ''} does not match authorization type ${type}`);
  }
  if (!cognito && method.authorizationScopes?.length) fail('BadRequestException', 'Authorization scopes are only valid for COGNITO_USER_POOLS authorization');
}

function applyMethodPatch(method: Method, ops: PatchOperation[]): void {
  for (const op of ops) {
    const path = op.path ?? '';
    const value = op.value;
    if (op.op === 'replace' && path === '/authorizationType') method.authorizationType = value;
    else if (op.op === 'replace' && path === '/authorizerId') method.authorizerId = value;
    else if (op.op === 'replace' && path === '/apiKeyRequired') method.apiKeyRequired = value === 'true';
    else if (op.op === 'replace' && path === '/operationName') method.operationName = value;
    else if (op.op === 'replace' && path === '/requestValidatorId') method.requestValidatorId = value;
    else if (path === '/authorizationScopes' && (op.op === 'add' || op.op === 'remove' || op.op === 'replace')) {
      const scopes = new Set(op.op === 'replace' ? [] : method.authorizationScopes ?? []);
      for (const s of (value ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
        if (op.op === 'remove') scopes.delete(s);
        else scopes.add(s);
      }
      method.authorizationScopes = scopes.size > 0 ? [...scopes] : undefined;
    } else if (path.startsWith('/requestParameters/') && (op.op === 'add' || op.op === 'remove' || op.op === 'replace')) {
      const key = path.slice('/requestParameters/'.length);
      method.requestParameters ??= {};
      if (op.op === 'remove') delete method.requestParameters[key];
      else method.requestParameters[key] = value === 'true';
    } else {
      fail('BadRequestException', `Invalid patch path '${path}' specified for op '${op.op ?? ''}'`);
    }
  }
}

function checkIntegration(input: PutIntegrationCommandInput): void {
  const type = input.type ?? '';
  if (!INTEGRATION_TYPES.has(type)) {
    fail('BadRequestException', `1 validation error detected: Value '${type}' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, AWS, MOCK, HTTP_PROXY, AWS_PROXY]`);
  }
  if (type === 'MOCK') return;
  if (!input.integrationHttpMethod) fail('BadRequestException', 'Enumeration value for HttpMethod must be non-empty');
  const uri = input.uri ?? '';
  if (type === 'HTTP' || type === 'HTTP_PROXY') {
    if (!/^https?:\/\/[^\s/]+/.test(uri)) fail('BadRequestException', 'Invalid HTTP endpoint specified for URI');
    return;
  }
  if (!uri.startsWith('arn:')) fail('BadRequestException', 'Invalid ARN specified in the request');
  const m = /^arn:aws[\w-]*:apigateway:[\w-]*:([\w-]+):(path|action)\//.exec(uri);
  if (!m) fail('BadRequestException', 'AWS ARN for integration must contain path or action');
  if (type === 'AWS_PROXY' && m[1] !== 'lambda' && m[1] !== 'firehose') {
    fail('BadRequestException', "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.");
  }
  // AWS stores any verb here, but Lambda is only ever invoked with POST: every request would then fail. Refuse it up front.
  if (m[1] === 'lambda' && input.integrationHttpMethod !== 'POST') {
    fail('BadRequestException', `Lambda integrations must use integrationHttpMethod POST, not ${input.integrationHttpMethod}`);
  }
  if (input.timeoutInMillis !== undefined && (input.timeoutInMillis < 50 || input.timeoutInMillis > 29000)) {
    fail('BadRequestException', 'Timeout should be between 50 ms and 29000 ms');
  }
}

export const methodHandlers: Handlers = {
  PutMethod(ctx, input: PutMethodCommandInput): Out<PutMethodCommandOutput> {
    const api = getApi(ctx, input.restApiId);
    const resource = getResource(api, input.resourceId);
    const verb = input.httpMethod ?? '';
    if (!HTTP_METHODS.has(verb)) fail('BadRequestException', 'Invalid HTTP method specified');
    if (resource.methods[verb]) fail('ConflictException', 'Method already exists for this resource');
    const method: Method = compact({
      httpMethod: verb, authorizationType: input.authorizationType, authorizerId: input.authorizerId,
      apiKeyRequired: input.apiKeyRequired ?? false, operationName: input.operationName, requestValidatorId: input.requestValidatorId,
      requestParameters: copy(input.requestParameters), requestModels: copy(input.requestModels),
      authorizationScopes: input.authorizationScopes?.length ? [...input.authorizationScopes] : undefined,
    });
    checkAuthorization(api, method);
    resource.methods[verb] = method;
    return copy(method);
  },

  GetMethod(ctx, input: GetMethodCommandInput): Out<GetMethodCommandOutput> {
    return copy(getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod).method);
  },

  DeleteMethod(ctx, input: DeleteMethodCommandInput): object {
    getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    delete getResource(getApi(ctx, input.restApiId), input.resourceId).methods[input.httpMethod ?? ''];
    return {};
  },

  UpdateMethod(ctx, input: UpdateMethodCommandInput): Out<UpdateMethodCommandOutput> {
    const { api, method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const draft = copy(method);
    applyMethodPatch(draft, input.patchOperations ?? []);
    checkAuthorization(api, draft);
    getResource(api, input.resourceId).methods[input.httpMethod ?? ''] = compact(draft);
    return copy(compact(draft));
  },

  PutIntegration(ctx, input: PutIntegrationCommandInput): Out<PutIntegrationCommandOutput> {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    checkIntegration(input);
    const integration: Integration = compact({
      type: input.type, httpMethod: input.integrationHttpMethod, uri: input.uri, connectionType: input.connectionType ?? 'INTERNET',
      connectionId: input.connectionId, credentials: input.credentials, requestParameters: copy(input.requestParameters),
      requestTemplates: copy(input.requestTemplates), passthroughBehavior: input.passthroughBehavior ?? 'WHEN_NO_MATCH',
      contentHandling: input.contentHandling, timeoutInMillis: input.timeoutInMillis ?? 29000,
      cacheNamespace: input.cacheNamespace ?? input.resourceId, cacheKeyParameters: [...(input.cacheKeyParameters ?? [])],
      tlsConfig: copy(input.tlsConfig),
    });
    method.methodIntegration = integration;
    return copy(integration);
  },

  GetIntegration(ctx, input: GetIntegrationCommandInput): Out<GetIntegrationCommandOutput> {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    if (!method.methodIntegration) fail('NotFoundException', 'No integration defined for method');
    return copy(method.methodIntegration);
  },

  DeleteIntegration(ctx, input: DeleteIntegrationCommandInput): object {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    if (!method.methodIntegration) fail('NotFoundException', 'No integration defined for method');
    delete method.methodIntegration;
    return {};
  },

  PutMethodResponse(ctx, input: PutMethodResponseCommandInput): Out<PutMethodResponseCommandOutput> {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    if (!/^[1-5]\d\d$/.test(input.statusCode ?? '')) fail('BadRequestException', 'Invalid status code specified');
    const response = compact({
      statusCode: input.statusCode, responseParameters: copy(input.responseParameters), responseModels: copy(input.responseModels),
    });
    method.methodResponses = { ...method.methodResponses, [input.statusCode ?? '']: response };
    return copy(response);
  },

  GetMethodResponse(ctx, input: GetMethodResponseCommandInput): Out<GetMethodResponseCommandOutput> {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const response = method.methodResponses?.[input.statusCode ?? ''];
    if (!response) fail('NotFoundException', 'Invalid Response status code specified');
    return copy(response);
  },

  DeleteMethodResponse(ctx, input: DeleteMethodResponseCommandInput): object {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    if (!method.methodResponses?.[input.statusCode ?? '']) fail('NotFoundException', 'Invalid Response status code specified');
    delete method.methodResponses[input.statusCode ?? ''];
    return {};
  },

  PutIntegrationResponse(ctx, input: PutIntegrationResponseCommandInput): Out<PutIntegrationResponseCommandOutput> {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const integration = method.methodIntegration;
    if (!integration) fail('NotFoundException', 'No integration defined for method');
    if (!method.methodResponses?.[input.statusCode ?? '']) fail('NotFoundException', 'Invalid Response status code specified');
    const response = compact({
      statusCode: input.statusCode, selectionPattern: input.selectionPattern, responseParameters: copy(input.responseParameters),
      responseTemplates: copy(input.responseTemplates), contentHandling: input.contentHandling,
    });
    integration.integrationResponses = { ...integration.integrationResponses, [input.statusCode ?? '']: response };
    return copy(response);
  },

  GetIntegrationResponse(ctx, input: GetIntegrationResponseCommandInput): Out<GetIntegrationResponseCommandOutput> {
    const { method } = getMethod(ctx, input.restApiId, input.resourceId, input.httpMethod);
    if (!method.methodIntegration) fail('NotFoundException', 'No integration defined for method');
    const response = method.methodIntegration.integrationResponses?.[input.statusCode ?? ''];
    if (!response) fail('NotFoundException', 'Invalid Response status code specified');
    return copy(response);
  },
};
