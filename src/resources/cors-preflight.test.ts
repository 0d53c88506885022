import {
  APIGatewayClient, GetMethodCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { corsPreflightHandler as h } from './cors-preflight.js';
import { testCtx } from '../../test/support/resource-ctx.js';

const api = mockClient(APIGatewayClient);
const spec: SpecByKind['cors-preflight'] = {
  path: '/items', resourceNode: 'resource:/items', allowMethods: ['GET', 'POST', 'OPTIONS'], allowOrigin: '*',
  allowHeaders: ['Content-Type', 'Authorization', 'X-Amz-Date', 'X-Api-Key', 'X-Amz-Security-Token'],
};
const deps = { api: { apiId: 'a1', rootResourceId: 'root1' }, 'resource:/items': { resourceId: 'res1', path: '/items' } };
const H = 'method.response.header.';

beforeEach(() => {
  api.reset();
  api.on(PutMethodCommand).resolves({});
  api.on(PutIntegrationCommand).resolves({});
  api.on(PutMethodResponseCommand).resolves({});
  api.on(PutIntegrationResponseCommand).resolves({});
});

describe('cors-preflight', () => {
  it('puts an open OPTIONS method whose MOCK integration answers the CORS headers', async () => {
    expect(await h.create(testCtx(), spec, deps)).toEqual({ resourceId: 'res1' });
    expect(api).toHaveReceivedCommandWith(PutMethodCommand, { restApiId: 'a1', resourceId: 'res1', httpMethod: 'OPTIONS', authorizationType: 'NONE' });
    expect(api.commandCalls(PutMethodCommand)[0]?.args[0].input.authorizerId).toBeUndefined();
    expect(api).toHaveReceivedCommandWith(PutIntegrationCommand, { httpMethod: 'OPTIONS', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
    expect(api).toHaveReceivedCommandWith(PutMethodResponseCommand, {
      statusCode: '200',
      responseParameters: { [`${H}Access-Control-Allow-Origin`]: false, [`${H}Access-Control-Allow-Methods`]: false, [`${H}Access-Control-Allow-Headers`]: false },
    });
    expect(api).toHaveReceivedCommandWith(PutIntegrationResponseCommand, {
      statusCode: '200',
      responseParameters: {
        [`${H}Access-Control-Allow-Origin`]: "'*'",
        [`${H}Access-Control-Allow-Methods`]: "'GET,POST,OPTIONS'",
        [`${H}Access-Control-Allow-Headers`]: "'Content-Type,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token'",
      },
    });
  });

  it('find completes only the parts a crash left out', async () => {
    api.on(GetMethodCommand).resolves({ authorizationType: 'NONE', methodIntegration: { type: 'MOCK' }, methodResponses: { 200: { statusCode: '200' } } });
    expect(await h.find(testCtx(), spec, deps)).toEqual({ resourceId: 'res1' });
    expect(api).not.toHaveReceivedCommand(PutIntegrationCommand);
    expect(api).not.toHaveReceivedCommand(PutMethodResponseCommand);
    expect(api).toHaveReceivedCommandTimes(PutIntegrationResponseCommand, 1);
  });

  it('read reports an OPTIONS method put behind an authorizer', async () => {
    api.on(GetResourcesCommand).resolves({ items: [{ id: 'res1', path: '/items', resourceMethods: { OPTIONS: {
      authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1', methodIntegration: { type: 'MOCK', integrationResponses: { 200: { statusCode: '200' } } },
    } } }] });
    const res = await h.read(testCtx(), spec, { resourceId: 'res1' }, deps);
    expect(res).toMatchObject({ state: 'drifted', drift: [{ path: 'preflight.authorizationType', before: 'NONE', after: 'COGNITO_USER_POOLS', context: { authorizerId: 'auth1' } }] });
  });
});
