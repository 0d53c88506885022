import { CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolCommand, GetGroupCommand, UpdateGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../../test/fakes/aws-fake.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import { groupDescription } from '../config/groups.js';
import type { SpecByKind } from '../plan/specs.js';
import { ownedDescription, userPoolGroupHandler as h } from './user-pool-group.js';

let fake: AwsFake;
let deps: { pool: { userPoolId: string } };
const cognito = () => new CognitoIdentityProviderClient({ region: 'eu-west-1' });
const spec: SpecByKind['user-pool-group'] = { groupName: 'admins', description: groupDescription('demo') };
const mine = ownedDescription(testCtx(), spec);
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
    expect((await live())?.Description).toBe(mine);
    expect(mine).toBe(`${spec.description} (secure-api:stack=demo, secure-api:state-id=${ctx.stateId})`);
    expect(await h.read(ctx, spec, { groupName: 'admins' }, deps)).toEqual({ state: 'present', out: { groupName: 'admins' } });
    await h.delete(ctx, spec, { groupName: 'admins' }, deps);
    await h.delete(ctx, spec, { groupName: 'admins' }, deps);
    expect(await h.read(ctx, spec, { groupName: 'admins' }, deps)).toEqual({ state: 'missing' });
  });

  it('a description changed outside is drift; the update puts it back only while the description still carries our tags', async () => {
    const ctx = testCtx();
    await h.create(ctx, spec, deps);
    await cognito().send(new UpdateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'admins', Description: 'changed' }));
    expect(await h.read(ctx, spec, { groupName: 'admins' }, deps)).toEqual({
      state: 'drifted', out: { groupName: 'admins' }, drift: [{ path: 'description', before: mine, after: 'changed' }],
    });
    // Its description no longer says whose it is: not put back (it may be anyone's now), refused, and left as it is.
    await expect(h.update!(ctx, spec, { groupName: 'admins' }, deps, [])).rejects.toMatchObject({ code: 'NOT_OURS' });
    expect((await live())?.Description).toBe('changed');
    // Edited with our marker kept: ours, put back.
    await cognito().send(new UpdateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'admins', Description: `edited ${mine.slice(mine.indexOf('(secure-api:'))}` }));
    await h.update!(ctx, spec, { groupName: 'admins' }, deps, []);
    expect((await live())?.Description).toBe(mine);
  });

  it('adopts its own group after a lost answer (GroupExistsException, our description)', async () => {
    const ctx = testCtx();
    await cognito().send(new CreateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'admins', Description: mine }));
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

  it('two states of the same stack name on one pool: each has its own group; the second uses the first\'s as it is and deletes nothing of it', async () => {
    const a = testCtx();
    const b = { ...testCtx(), stateId: 'another-state-id', tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': 'another-state-id' } };
    expect(await h.create(a, spec, deps)).toEqual({ groupName: 'admins' });
    // Same stack name, same words: the state id tells them apart.
    expect(await h.find(b, spec, deps)).toBeUndefined();
    const outB = await h.create(b, spec, deps);
    expect(outB).toEqual({ groupName: 'admins', usedAsIs: 'true' });
    await h.delete(b, spec, outB, deps);
    expect((await live())?.Description).toBe(mine);
  });

  it('an edited state without usedAsIs: delete and update leave the user\'s group (and another state\'s) as they are', async () => {
    const ctx = testCtx();
    await cognito().send(new CreateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'admins', Description: 'the team\'s admins', Precedence: 1 }));
    const other = ownedDescription({ stack: 'demo', stateId: 'another-state-id' }, spec);
    await cognito().send(new CreateGroupCommand({ UserPoolId: deps.pool.userPoolId, GroupName: 'ops', Description: other }));
    const start = fake.calls.length;
    await h.delete(ctx, spec, { groupName: 'admins' }, deps);
    await h.delete(ctx, { ...spec, groupName: 'ops' }, { groupName: 'ops' }, deps);
    await expect(h.update!(ctx, spec, { groupName: 'admins' }, deps, [])).rejects.toThrow(/not made by secure-api, not stack demo's/);
    await expect(h.update!(ctx, { ...spec, groupName: 'ops' }, { groupName: 'ops' }, deps, [])).rejects.toThrow(/state-id=another-state-id, not stack demo's/);
    expect(fake.calls.slice(start).map((c) => c.command).filter((c) => c !== 'GetGroup')).toEqual([]);
    expect(ctx.notes.join('\n')).toMatch(/group admins left in the pool: not made by secure-api/);
    expect(await live()).toMatchObject({ Description: 'the team\'s admins', Precedence: 1 });
    expect((await live('ops'))?.Description).toBe(other);
  });
});
