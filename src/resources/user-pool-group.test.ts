import { CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolCommand, GetGroupCommand, UpdateGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../../test/fakes/aws-fake.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import { groupDescription } from '../config/groups.js';
import type { SpecByKind } from '../plan/specs.js';
import { userPoolGroupHandler as h } from './user-pool-group.js';

let fake: AwsFake;
let deps: { pool: { userPoolId: string } };
const cognito = () => new CognitoIdentityProviderClient({ region: 'eu-west-1' });
const spec: SpecByKind['user-pool-group'] = { groupName: 'admins', description: groupDescription('demo') };
const live = async (name = 'admins') => (await cognito().send(new GetGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: name }))).Group;

beforeEach(async () => {
  fake = installAwsFake();
  const id = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool?.Id ?? '';
  deps = { pool: { userPoolId: id } };
});
afterEach(() => fake.restore());

describe('user-pool-group', () => {
  it('creates it with the stack\'s description, reads it present, deletes it idempotently', async () => {
    const ctx = testCtx();
    expect(await h.create(ctx, spec, deps)).toEqual({ groupName: 'admins' });
    expect((await live())?.Description).toBe(spec.description);
    expect(await h.read(ctx, spec, { groupName: 'admins' }, deps)).toEqual({ state: 'present', out: { groupName: 'admins' } });
    await h.delete(ctx, spec, { groupName: 'admins' }, deps);
    await h.delete(ctx, spec, { groupName: 'admins' }, deps);
    expect(await h.read(ctx, spec, { groupName: 'admins' }, deps)).toEqual({ state: 'missing' });
  });

  it('a description changed outside is drift, and the update puts it back', async () => {
    const ctx = testCtx();
    await h.create(ctx, spec, deps);
    await cognito().send(new UpdateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'admins', Description: 'changed' }));
    expect(await h.read(ctx, spec, { groupName: 'admins' }, deps)).toEqual({
      state: 'drifted', out: { groupName: 'admins' }, drift: [{ path: 'description', before: spec.description, after: 'changed' }],
    });
    await h.update!(ctx, spec, { groupName: 'admins' }, deps, []);
    expect((await live())?.Description).toBe(spec.description);
  });

  it('adopts its own group after a lost answer (GroupExistsException, our description)', async () => {
    const ctx = testCtx();
    await cognito().send(new CreateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'admins', Description: spec.description }));
    expect(await h.create(ctx, spec, deps)).toEqual({ groupName: 'admins' });
    expect(await h.find(ctx, spec, deps)).toEqual({ groupName: 'admins' });
  });

  it('uses a group of that name that is not ours as it is: never updated, never deleted, only its presence read', async () => {
    const ctx = testCtx();
    await cognito().send(new CreateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'admins', Description: 'the team\'s admins', Precedence: 1 }));
    expect(await h.find(ctx, spec, deps)).toBeUndefined();
    const out = await h.create(ctx, spec, deps);
    expect(out).toEqual({ groupName: 'admins', usedAsIs: 'true' });
    expect(ctx.notes.join('\n')).toMatch(/already in the pool: used as it is/);
    expect(await h.read(ctx, spec, out, deps)).toEqual({ state: 'present', out });
    await h.update!(ctx, spec, out, deps, []);
    await h.delete(ctx, spec, out, deps);
    expect(await live()).toMatchObject({ GroupName: 'admins', Description: 'the team\'s admins', Precedence: 1 });
  });
});
