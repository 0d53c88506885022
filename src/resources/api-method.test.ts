import {
  APIGatewayClient, DeleteMethodCommand, GetMethodCommand, NotFoundException, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { apiMethodHandler as h } from './api-method.js';
import { testCtx } from '../../test/support/resource-ctx.js';

const api = mockClient(APIGatewayClient);
type Spec = SpecByKind['api-method'];
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:demo-fn';
const URI = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${FN}/invocations`;
const deps = {
  api: { apiId: 'a1', rootResourceId: 'root1' },
  'resource:/items': { resourceId: 'res1', path: '/items' },
  'resource:/items/{id}': { resourceId: 'res2', path: '/items/{id}' },
  authorizer: { authorizerId: 'auth1' },
  function: { functionName: 'demo-fn', functionArn: FN },
};
const secured: Spec = {
  path: '/items', resourceNode: 'resource:/items', httpMethod: 'GET', integration: { type: 'lambda', function: { node: 'function' } },
  authorizerNode: 'authorizer', authorizationScopes: [], pathParams: [], corsOrigin: '*',
};
const at = { restApiId: 'a1', resourceId: 'res1', httpMethod: 'GET' };

beforeEach(() => {
  api.reset();
  api.on(PutMethodCommand).resolves({});
  api.on(PutIntegrationCommand).resolves({});
  api.on(PutMethodResponseCommand).resolves({});
  api.on(PutIntegrationResponseCommand).resolves({});
});

describe('api-method create', () => {
  it('puts a secured method behind the Cognito authorizer with a Lambda proxy integration', async () => {
    expect(await h.create(testCtx(), secured, deps)).toEqual({ resourceId: 'res1', httpMethod: 'GET' });
    const put = api.commandCalls(PutMethodCommand)[0]?.args[0].input;
    expect(put).toEqual({ ...at, authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1' });
    expect(api).toHaveReceivedCommandWith(PutIntegrationCommand, { ...at, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: URI });
  });

  it('adds authorizationScopes only when there are some', async () => {
    await h.create(testCtx(), { ...secured, authorizationScopes: ['demo/read'] }, deps);
    expect(api).toHaveReceivedCommandWith(PutMethodCommand, { authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1', authorizationScopes: ['demo/read'] });
  });

  it('puts a public method on the root with NONE and an existing function ARN', async () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:theirs';
    await h.create(testCtx(), {
      ...secured, path: '/', resourceNode: 'api', authorizerNode: undefined, integration: { type: 'lambda', function: { arn } },
    }, deps);
    expect(api.commandCalls(PutMethodCommand)[0]?.args[0].input).toEqual({ restApiId: 'a1', resourceId: 'root1', httpMethod: 'GET', authorizationType: 'NONE' });
    expect(api).toHaveReceivedCommandWith(PutIntegrationCommand, { uri: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${arn}/invocations` });
  });

  it('maps path parameters through to an HTTP proxy, with the method as integration method', async () => {
    await h.create(testCtx(), {
      ...secured, path: '/items/{id}', resourceNode: 'resource:/items/{id}', httpMethod: 'ANY', pathParams: ['id'],
      integration: { type: 'http', url: 'https://backend.example.com/items/{id}' },
    }, deps);
    expect(api).toHaveReceivedCommandWith(PutMethodCommand, { requestParameters: { 'method.request.path.id': true } });
    expect(api).toHaveReceivedCommandWith(PutIntegrationCommand, {
      resourceId: 'res2', httpMethod: 'ANY', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', uri: 'https://backend.example.com/items/{id}',
      requestParameters: { 'integration.request.path.id': 'method.request.path.id' },
    });
  });

  it('makes a MOCK answer 200 with a JSON body and the CORS header', async () => {
    await h.create(testCtx(), { ...secured, integration: { type: 'mock' }, corsOrigin: 'https://app.example.com' }, deps);
    expect(api).toHaveReceivedCommandWith(PutIntegrationCommand, { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
    expect(api).toHaveReceivedCommandWith(PutMethodResponseCommand, {
      statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': false },
    });
    const ir = api.commandCalls(PutIntegrationResponseCommand)[0]?.args[0].input;
    expect(ir?.statusCode).toBe('200');
    expect(ir?.responseParameters).toEqual({ 'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'" });
    expect(JSON.parse(ir?.responseTemplates?.['application/json'] ?? '')).toHaveProperty('message');
  });
});

describe('api-method find / read / delete', () => {
  it('find adopts an existing method and finishes an integration a crash left out', async () => {
    api.on(GetMethodCommand).resolves({ httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1' });
    expect(await h.find(testCtx(), secured, deps)).toEqual({ resourceId: 'res1', httpMethod: 'GET' });
    expect(api).toHaveReceivedCommandTimes(PutIntegrationCommand, 1);
    expect(api).not.toHaveReceivedCommand(PutMethodCommand);
  });

  it('find answers undefined for a method that does not exist', async () => {
    api.on(GetMethodCommand).rejects(new NotFoundException({ message: 'Invalid Method identifier specified', $metadata: {} }));
    expect(await h.find(testCtx(), secured, deps)).toBeUndefined();
  });

  it('read reports an authorizer that was removed', async () => {
    api.on(GetResourcesCommand).resolves({ items: [{ id: 'res1', path: '/items', resourceMethods: { GET: { authorizationType: 'NONE', methodIntegration: { type: 'AWS_PROXY', uri: URI } } } }] });
    expect(await h.read(testCtx(), secured, { resourceId: 'res1', httpMethod: 'GET' }, deps)).toEqual({
      state: 'drifted', drift: [{ path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE', context: { expectedAuthorizer: 'auth1' } }], out: { resourceId: 'res1', httpMethod: 'GET' },
    });
  });

  it('read reports a changed integration uri, and is present when all matches', async () => {
    const out = { resourceId: 'res1', httpMethod: 'GET' };
    const tree = (method: object) => ({ items: [{ id: 'res1', path: '/items', resourceMethods: { GET: method } }] });
    api.on(GetResourcesCommand).resolves(tree({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1', methodIntegration: { type: 'AWS_PROXY', uri: 'arn:other' } }));
    expect(await h.read(testCtx(), secured, out, deps)).toEqual({ state: 'drifted', drift: [{ path: 'integration.uri', before: URI, after: 'arn:other' }], out });
    api.on(GetResourcesCommand).resolves(tree({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1', methodIntegration: { type: 'AWS_PROXY', uri: URI } }));
    expect(await h.read(testCtx(), secured, out, deps)).toEqual({ state: 'present', out });
    api.on(GetResourcesCommand).resolves({ items: [{ id: 'res1', path: '/items', resourceMethods: {} }] });
    expect(await h.read(testCtx(), secured, out, deps)).toEqual({ state: 'missing' });
  });

  it('delete treats NotFound as done', async () => {
    api.on(DeleteMethodCommand).rejects(new NotFoundException({ message: 'gone', $metadata: {} }));
    await expect(h.delete(testCtx(), secured, { resourceId: 'res1', httpMethod: 'GET' }, deps)).resolves.toBeUndefined();
  });
});
