import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, PutIntegrationCommand,
  PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { AdminCreateUserCommand, CognitoIdentityProviderClient, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { AwsFake } from '../fakes/aws-fake.js';
import type { ApiRecord } from '../fakes/state.js';

/**
 * What a team makes by hand in the console before they hear of secure-api: a REST API "legacy-orders" with two
 * resources and four open methods (MOCK and HTTP integrations) deployed to `prod`, and a user pool
 * "blog-userpool" (sign-in with email) with users in it. Made through the SDK, so against the fake it is "AWS".
 */
export async function makeLegacyApi(opts: { stages?: string[] } = {}): Promise<{ apiId: string; ordersId: string; orderId: string }> {
  const ag = new APIGatewayClient({ region: 'us-east-1' });
  const api = await ag.send(new CreateRestApiCommand({ name: 'legacy-orders', endpointConfiguration: { types: ['REGIONAL'] } }));
  const apiId = api.id!;
  const orders = await ag.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId!, pathPart: 'orders' }));
  const order = await ag.send(new CreateResourceCommand({ restApiId: apiId, parentId: orders.id!, pathPart: '{id}' }));
  const mock = async (resourceId: string, httpMethod: string, body: string) => {
    await ag.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod, authorizationType: 'NONE' }));
    await ag.send(new PutIntegrationCommand({ restApiId: apiId, resourceId, httpMethod, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await ag.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId, httpMethod, statusCode: '200' }));
    await ag.send(new PutIntegrationResponseCommand({ restApiId: apiId, resourceId, httpMethod, statusCode: '200', responseTemplates: { 'application/json': body } }));
  };
  const http = async (resourceId: string, httpMethod: string, uri: string, params: Record<string, string> = {}) => {
    await ag.send(new PutMethodCommand({
      restApiId: apiId, resourceId, httpMethod, authorizationType: 'NONE',
      ...(Object.keys(params).length ? { requestParameters: Object.fromEntries(Object.values(params).map((v) => [v, true])) } : {}),
    }));
    await ag.send(new PutIntegrationCommand({ restApiId: apiId, resourceId, httpMethod, type: 'HTTP_PROXY', integrationHttpMethod: httpMethod, uri, requestParameters: params }));
  };
  await mock(orders.id!, 'GET', '{"orders": []}');
  await http(orders.id!, 'POST', 'https://backend.example.com/orders');
  await http(order.id!, 'GET', 'https://backend.example.com/orders/{id}', { 'integration.request.path.id': 'method.request.path.id' });
  await mock(order.id!, 'DELETE', '{"deleted": true}');
  for (const stageName of opts.stages ?? ['prod']) await ag.send(new CreateDeploymentCommand({ restApiId: apiId, stageName, description: 'by hand' }));
  return { apiId, ordersId: orders.id!, orderId: order.id! };
}

export async function makeBlogPool(users = ['ana@example.com', 'ben@example.com', 'cai@example.com']): Promise<string> {
  const cg = new CognitoIdentityProviderClient({ region: 'us-east-1' });
  const pool = await cg.send(new CreateUserPoolCommand({
    PoolName: 'blog-userpool', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'],
    Policies: { PasswordPolicy: { MinimumLength: 10, RequireNumbers: true, RequireSymbols: false, RequireUppercase: true, RequireLowercase: true } },
  }));
  const id = pool.UserPool!.Id!;
  for (const u of users) await cg.send(new AdminCreateUserCommand({ UserPoolId: id, Username: u, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: u }] }));
  return id;
}

/**
 * The API as destroy must leave it, field by field: everything but each stage's lastUpdatedDate, which AWS moves
 * whenever the stage is touched (our deployment into it, then pointing it back at the deployment it served).
 */
export function apiSnapshot(fake: AwsFake, apiId: string): ApiRecord | undefined {
  const api = structuredClone(fake.state.apigateway.apis[apiId]);
  for (const st of Object.values(api?.stages ?? {})) delete (st as { lastUpdatedDate?: unknown }).lastUpdatedDate;
  return api;
}
