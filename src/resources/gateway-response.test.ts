import { APIGatewayClient, GetGatewayResponsesCommand, PutGatewayResponseCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { gatewayResponseHandler } from './gateway-response.js';
import { testCtx } from '../../test/support/resource-ctx.js';

const api = mockClient(APIGatewayClient);
const deps = { api: { apiId: 'a1', rootResourceId: 'root1' } };
const gspec: SpecByKind['gateway-response'] = { responseType: 'DEFAULT_4XX', allowOrigin: '*', allowHeaders: ['Content-Type', 'Authorization'] };

beforeEach(() => api.reset());

describe('gateway-response', () => {
  it('puts CORS headers as quoted literals on DEFAULT_4XX', async () => {
    api.on(PutGatewayResponseCommand).resolves({});
    expect(await gatewayResponseHandler.create(testCtx(), gspec, deps)).toEqual({ responseType: 'DEFAULT_4XX' });
    expect(api).toHaveReceivedCommandWith(PutGatewayResponseCommand, {
      restApiId: 'a1', responseType: 'DEFAULT_4XX',
      responseParameters: {
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.Access-Control-Allow-Headers': "'Content-Type,Authorization'",
      },
    });
  });

  it('read reports a gateway response reset to the default (no CORS headers)', async () => {
    api.on(GetGatewayResponsesCommand).resolves({ items: [{ responseType: 'DEFAULT_4XX', defaultResponse: true, responseParameters: {} }] });
    expect(await gatewayResponseHandler.read(testCtx(), gspec, { responseType: 'DEFAULT_4XX' }, deps))
      .toMatchObject({ state: 'drifted', drift: [{ path: 'responseParameters.allowOrigin', after: null, context: { responseType: 'DEFAULT_4XX' } }] });
  });
});
