import {
  APIGatewayClient, CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, GetRestApisCommand, NotFoundException,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { restApiHandler as h } from './rest-api.js';
import { TEST_STATE_ID, testCtx } from '../../test/support/resource-ctx.js';

const api = mockClient(APIGatewayClient);
const spec: SpecByKind['rest-api'] = { name: 'demo-api', description: 'd', endpointType: 'REGIONAL' };

beforeEach(() => api.reset());

describe('rest-api', () => {
  it('creates a tagged REGIONAL API and takes the root id from the response', async () => {
    api.on(CreateRestApiCommand).resolves({ id: 'a1', rootResourceId: 'root1' });
    expect(await h.create(testCtx(), { ...spec, tags: { team: 'api' } }, {})).toEqual({ apiId: 'a1', rootResourceId: 'root1' });
    expect(api).toHaveReceivedCommandWith(CreateRestApiCommand, {
      name: 'demo-api', description: 'd', endpointConfiguration: { types: ['REGIONAL'] }, tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID, team: 'api' },
    });
    expect(api).not.toHaveReceivedCommand(GetResourcesCommand);
  });

  it('looks the root up once when the response lacks it', async () => {
    api.on(CreateRestApiCommand).resolves({ id: 'a1' });
    api.on(GetResourcesCommand).resolves({ items: [{ id: 'child', path: '/x' }, { id: 'root1', path: '/' }] });
    expect(await h.create(testCtx(), spec, {})).toEqual({ apiId: 'a1', rootResourceId: 'root1' });
    expect(api).toHaveReceivedCommandTimes(GetResourcesCommand, 1);
  });

  it('find pages through GetRestApis and adopts only the API with our name, stack tag and state id', async () => {
    api.on(GetRestApisCommand)
      .resolvesOnce({ items: [
        { id: 'x', name: 'demo-api', tags: { 'secure-api:stack': 'other' }, rootResourceId: 'rx' },
        { id: 'y', name: 'demo-api', tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': 'another-state' }, rootResourceId: 'ry' },
      ], position: 'p2' })
      .resolvesOnce({ items: [{ id: 'a1', name: 'demo-api', tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID }, rootResourceId: 'root1' }] });
    expect(await h.find(testCtx(), spec, {})).toEqual({ apiId: 'a1', rootResourceId: 'root1' });
    expect(api).toHaveReceivedNthCommandWith(GetRestApisCommand, 2, { position: 'p2' });
  });

  it('find answers undefined when nothing matches', async () => {
    api.on(GetRestApisCommand).resolves({ items: [{ id: 'x', name: 'other' }] });
    expect(await h.find(testCtx(), spec, {})).toBeUndefined();
  });

  it('delete treats NotFound as done', async () => {
    api.on(DeleteRestApiCommand).rejects(new NotFoundException({ message: 'Invalid API identifier specified', $metadata: {} }));
    await expect(h.delete(testCtx(), spec, { apiId: 'a1', rootResourceId: 'root1' }, {})).resolves.toBeUndefined();
  });
});
