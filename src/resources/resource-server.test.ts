import { CognitoIdentityProviderClient, CreateResourceServerCommand, CreateUserPoolCommand, DescribeResourceServerCommand, UpdateResourceServerCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../../test/fakes/aws-fake.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import type { SpecByKind } from '../plan/specs.js';
import { resourceServerHandler as h } from './resource-server.js';

let fake: AwsFake;
let deps: { pool: { userPoolId: string } };
const cognito = () => new CognitoIdentityProviderClient({ region: 'eu-west-1' });
const spec: SpecByKind['resource-server'] = { identifier: 'orders', name: 'orders by secure-api demo', scopes: ['read'] };

beforeEach(async () => {
  fake = installAwsFake();
  const id = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id ?? '';
  deps = { pool: { userPoolId: id } };
});
afterEach(() => fake.restore());

describe('resource-server', () => {
  it('creates it with every scope described, reads it present, updates the whole scope list in place, deletes it idempotently', async () => {
    const ctx = testCtx();
    expect(await h.create(ctx, spec, deps)).toEqual({ identifier: 'orders' });
    expect(await h.read(ctx, spec, { identifier: 'orders' }, deps)).toEqual({ state: 'present', out: { identifier: 'orders' } });
    const two = { ...spec, scopes: ['read', 'write'] };
    await h.update!(ctx, two, { identifier: 'orders' }, deps, []);
    const live = await cognito().send(new DescribeResourceServerCommand({ UserPoolId: deps.pool.userPoolId, Identifier: 'orders' }));
    expect(live.ResourceServer?.Scopes).toEqual([{ ScopeName: 'read', ScopeDescription: 'orders/read' }, { ScopeName: 'write', ScopeDescription: 'orders/write' }]);
    await h.delete(ctx, two, { identifier: 'orders' }, deps);
    await h.delete(ctx, two, { identifier: 'orders' }, deps);
    expect(await h.read(ctx, two, { identifier: 'orders' }, deps)).toEqual({ state: 'missing' });
  });

  it('reports a scope added outside as drift, as well as one removed, and a changed name', async () => {
    const ctx = testCtx();
    await h.create(ctx, spec, deps);
    await cognito().send(new UpdateResourceServerCommand({ UserPoolId: deps.pool.userPoolId, Identifier: 'orders', Name: 'other', Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }, { ScopeName: 'admin', ScopeDescription: 'a' }] }));
    expect(await h.read(ctx, spec, { identifier: 'orders' }, deps)).toEqual({
      state: 'drifted', out: { identifier: 'orders' },
      drift: [{ path: 'scopes', before: ['read'], after: ['admin', 'read'] }, { path: 'name', before: spec.name, after: 'other' }],
    });
  });

  it('adopts one with its own name after a lost answer, and refuses to take over another one with the same identifier', async () => {
    const ctx = testCtx();
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: deps.pool.userPoolId, Identifier: 'orders', Name: spec.name, Scopes: [] }));
    expect(await h.create(ctx, spec, deps)).toEqual({ identifier: 'orders' });
    // Brought to the spec, not taken as it was.
    const live = await cognito().send(new DescribeResourceServerCommand({ UserPoolId: deps.pool.userPoolId, Identifier: 'orders' }));
    expect(live.ResourceServer?.Scopes?.map((s) => s.ScopeName)).toEqual(['read']);
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: deps.pool.userPoolId, Identifier: 'theirs', Name: 'their api', Scopes: [] }));
    await expect(h.create(ctx, { ...spec, identifier: 'theirs' }, deps)).rejects.toMatchObject({ code: 'RESOURCE_SERVER_TAKEN' });
    expect(await h.find(ctx, { ...spec, identifier: 'theirs' }, deps)).toBeUndefined();
  });
});
