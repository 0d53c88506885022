import { CreateGroupCommand, DeleteGroupCommand, GetGroupCommand, UpdateGroupCommand, type GroupType } from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName } from '../aws/errors.js';
import { sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { ignoreNotFound, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

type Spec = SpecByKind['user-pool-group'];

/** Recorded on a group the stack found already there (the user's): used as it is, never changed or deleted. */
const USED_AS_IS = 'usedAsIs';

async function getGroup(ctx: Ctx, name: string, deps: Outputs): Promise<GroupType | undefined> {
  return (await undefinedIfNotFound(ctx.clients.cognito.send(new GetGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: name }))))?.Group;
}

const theirs = (out: Out): boolean => out[USED_AS_IS] === 'true';

/**
 * A Cognito group a route is restricted to: its members' id and access tokens carry cognito:groups (AdminAddUserToGroup,
 * API reference), which the sample function checks. A group has no tags: one is ours when its description is the one
 * secure-api gives (naming the stack). A group of that name already in the pool and not ours (the user's "admins" on
 * their pool) is used as it is: recorded as such, never updated, never deleted; its members are the user's business.
 */
export const userPoolGroupHandler: ResourceHandler<Spec> = {
  kind: 'user-pool-group',
  calls: {
    // GroupExistsException: ours after a lost answer (its description), or the user's, used as it is.
    create: ['cognito-idp:CreateGroup', sometimes('cognito-idp:GetGroup', 'a group of that name is there already')],
    find: ['cognito-idp:GetGroup'],
    read: ['cognito-idp:GetGroup'],
    update: [sometimes('cognito-idp:UpdateGroup', 'the group is ours')],
    delete: [sometimes('cognito-idp:DeleteGroup', 'the group is ours, not the user\'s used as it is')],
  },
  service: 'cognito',
  immutable: ['groupName'],

  async create(ctx, spec, deps) {
    try {
      await ctx.clients.cognito.send(new CreateGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: spec.groupName, Description: spec.description }));
      return { groupName: spec.groupName };
    } catch (err) {
      // GroupExistsException (API_CreateGroup): ours from a run whose answer was lost, or the user's, used as it is.
      if (awsErrorName(err) !== 'GroupExistsException') throw err;
      const found = await userPoolGroupHandler.find(ctx, spec, deps);
      if (found) return found;
      ctx.note(`group ${spec.groupName} is already in the pool: used as it is (its members may call the routes restricted to it; destroy leaves it)`);
      return { groupName: spec.groupName, [USED_AS_IS]: 'true' };
    }
  },

  async find(ctx, spec, deps) {
    const g = await getGroup(ctx, spec.groupName, deps);
    return g && g.Description === spec.description ? { groupName: spec.groupName } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const g = await getGroup(ctx, out.groupName ?? spec.groupName, deps);
    if (!g) return { state: 'missing' };
    // The user's group: only whether it is there matters.
    if (theirs(out)) return { state: 'present', out };
    const drift: DriftChange[] = [];
    if ((g.Description ?? '') !== spec.description) drift.push({ path: 'description', before: spec.description, after: g.Description ?? '' });
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async update(ctx, want, out, deps) {
    if (theirs(out)) return out;
    // UpdateGroup resets what it is not given (API_UpdateGroup): the whole description, and no precedence (none is set).
    await ctx.clients.cognito.send(new UpdateGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: out.groupName ?? want.groupName, Description: want.description }));
    return out;
  },

  async delete(ctx, spec, out, deps) {
    if (theirs(out)) return;
    await ignoreNotFound(ctx.clients.cognito.send(new DeleteGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: out.groupName ?? spec.groupName })));
  },
};
