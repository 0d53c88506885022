import {
  APIGatewayClient, CreateAuthorizerCommand, GetAuthorizerCommand, GetAuthorizersCommand, NotFoundException,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecByKind } from '../plan/specs.js';
import { authorizerHandler } from './authorizer.js';
import { testCtx } from '../../test/support/resource-ctx.js';

const api = mockClient(APIGatewayClient);
const POOL_ARN = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc';
const deps = { api: { apiId: 'a1', rootResourceId: 'root1' }, pool: { userPoolId: 'eu-west-1_abc', userPoolArn: POOL_ARN } };
const spec: SpecByKind['authorizer'] = { name: 'demo-auth', identityHeader: 'Authorization', ttlSeconds: 300, poolNode: 'pool' };

beforeEach(() => api.reset());

describe('authorizer', () => {
  it('creates a COGNITO_USER_POOLS authorizer on the pool, reading the identity header', async () => {
    api.on(CreateAuthorizerCommand).resolves({ id: 'auth1' });
    expect(await authorizerHandler.create(testCtx(), spec, deps)).toEqual({ authorizerId: 'auth1' });
    expect(api).toHaveReceivedCommandWith(CreateAuthorizerCommand, {
      restApiId: 'a1', name: 'demo-auth', type: 'COGNITO_USER_POOLS', providerARNs: [POOL_ARN],
      identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 300,
    });
  });

  it('find adopts by name', async () => {
    api.on(GetAuthorizersCommand).resolves({ items: [{ id: 'x', name: 'other' }, { id: 'auth1', name: 'demo-auth' }] });
    expect(await authorizerHandler.find(testCtx(), spec, deps)).toEqual({ authorizerId: 'auth1' });
  });

  it('read reports another pool, and missing when gone', async () => {
    const live = { name: spec.name, type: 'COGNITO_USER_POOLS' as const, providerARNs: [POOL_ARN], identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: spec.ttlSeconds };
    api.on(GetAuthorizerCommand).resolves(live);
    expect(await authorizerHandler.read(testCtx(), spec, { authorizerId: 'auth1' }, deps)).toEqual({ state: 'present', out: { authorizerId: 'auth1' } });
    api.on(GetAuthorizerCommand).resolves({ ...live, providerARNs: ['arn:other'] });
    expect(await authorizerHandler.read(testCtx(), spec, { authorizerId: 'auth1' }, deps))
      .toMatchObject({ state: 'drifted', drift: [{ path: 'providerARNs', before: [POOL_ARN], after: ['arn:other'] }] });
    // Every setting is compared: the name, the TTL (issue 18: 300 → 3600 s), the header, a second pool added.
    api.on(GetAuthorizerCommand).resolves({ ...live, name: 'renamed', authorizerResultTtlInSeconds: 3600, identitySource: 'method.request.header.X-Token', providerARNs: [POOL_ARN, 'arn:other'] });
    const drifted = await authorizerHandler.read(testCtx(), spec, { authorizerId: 'auth1' }, deps);
    expect(drifted.state === 'drifted' && drifted.drift.map((d) => `${d.path}: ${JSON.stringify(d.after)}`)).toEqual([
      'identityHeader: "X-Token"', 'name: "renamed"', `providerARNs: ${JSON.stringify([POOL_ARN, 'arn:other'])}`, 'ttlSeconds: 3600',
    ]);
    api.on(GetAuthorizerCommand).rejects(new NotFoundException({ message: 'gone', $metadata: {} }));
    expect(await authorizerHandler.read(testCtx(), spec, { authorizerId: 'auth1' }, deps)).toEqual({ state: 'missing' });
  });
});
