import { CreateGroupCommand, DeleteGroupCommand, GetGroupCommand, UpdateGroupCommand, type GroupType } from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName } from '../aws/errors.js';
import { ExitCode, SecureApiError } from '../errors.js';
import { sometimes } from './declared-calls.js';
import type { DriftChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { ignoreNotFound, isOurs, STACK_TAG, STATE_ID_TAG, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

type Spec = SpecByKind['user-pool-group'];

/** Recorded on a group the stack found already there (the user's): used as it is, never changed or deleted. */
const USED_AS_IS = 'usedAsIs';

async function getGroup(ctx: Ctx, name: string, deps: Outputs): Promise<GroupType | undefined> {
  return (await undefinedIfNotFound(ctx.clients.cognito.send(new GetGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: name }))))?.Group;
}

const theirs = (out: Out): boolean => out[USED_AS_IS] === 'true';

/**
 * The description a group we make carries: the stack's words and, since a group has no tags, both our tags as text.
 * The state's id tells two states of the same stack name on one pool apart: each finds, updates and deletes only its own.
 */
export const ownedDescription = (ctx: Pick<Ctx, 'stack' | 'stateId'>, spec: Spec): string =>
  `${spec.description} (${STACK_TAG}=${ctx.stack}, ${STATE_ID_TAG}=${ctx.stateId})`;

/** The tags a group's description carries (none: not made by secure-api), read like any tagged resource's. */
export function descriptionTags(description: string | undefined): Record<string, string> {
  const m = new RegExp(`\\(${STACK_TAG}=([^,\\s]+), ${STATE_ID_TAG}=([^)\\s]+)\\)$`).exec(description ?? '');
  return m ? { [STACK_TAG]: m[1]!, [STATE_ID_TAG]: m[2]! } : {};
}

/**
 * A Cognito group a route is restricted to: its members' id and access tokens carry cognito:groups (AdminAddUserToGroup,
 * API reference), which the sample function checks. A group has no tags: one is ours when its description is the one
 * secure-api gives (naming the stack and the state's id: ownedDescription), read again before any update or delete, so
 * an edited state (or another state of the same stack name) changes nothing that is not its own. A group of that name already in the pool and not ours (the user's "admins" on
 * their pool) is used as it is: recorded as such, never updated, never deleted; its members are the user's business.
 */
export const userPoolGroupHandler: ResourceHandler<Spec> = {
  kind: 'user-pool-group',
  calls: {
    // GroupExistsException: ours after a lost answer (its description), or the user's, used as it is.
    create: ['cognito-idp:CreateGroup', sometimes('cognito-idp:GetGroup', 'a group of that name is there already')],
    find: ['cognito-idp:GetGroup'],
    read: ['cognito-idp:GetGroup'],
    update: [sometimes('cognito-idp:GetGroup', 'not the user\'s used as it is'), sometimes('cognito-idp:UpdateGroup', 'the group is ours')],
    delete: [sometimes('cognito-idp:GetGroup', 'not the user\'s used as it is'), sometimes('cognito-idp:DeleteGroup', 'the group is ours')],
  },
  service: 'cognito',
  // DeleteUserPool deletes the pool's groups with it (API_DeleteUserPool: the pool and all in it is no longer operational).
  deletedWithParent: true,
  immutable: ['groupName'],

  async create(ctx, spec, deps) {
    try {
      await ctx.clients.cognito.send(new CreateGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: spec.groupName, Description: ownedDescription(ctx, spec) }));
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
    return g && isOurs(ctx, descriptionTags(g.Description)) ? { groupName: spec.groupName } : undefined;
  },

  async read(ctx, spec, out, deps) {
    const g = await getGroup(ctx, out.groupName ?? spec.groupName, deps);
    if (!g) return { state: 'missing' };
    // The user's group: only whether it is there matters.
    if (theirs(out)) return { state: 'present', out };
    const drift: DriftChange[] = [];
    const want = ownedDescription(ctx, spec);
    if ((g.Description ?? '') !== want) drift.push({ path: 'description', before: want, after: g.Description ?? '' });
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async update(ctx, want, out, deps) {
    if (theirs(out)) return out;
    const name = out.groupName ?? want.groupName;
    const g = await getGroup(ctx, name, deps);
    // Gone: made again as ours (CreateGroup), which is what the update would have put right.
    if (!g) return userPoolGroupHandler.create(ctx, want, deps);
    if (!isOurs(ctx, descriptionTags(g.Description))) throw notOurGroup(ctx, name, g);
    // UpdateGroup resets what it is not given (API_UpdateGroup): the whole description, and no precedence (none is set).
    await ctx.clients.cognito.send(new UpdateGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: name, Description: ownedDescription(ctx, want) }));
    return out;
  },

  async delete(ctx, spec, out, deps) {
    if (theirs(out)) return;
    const name = out.groupName ?? spec.groupName;
    const g = await getGroup(ctx, name, deps);
    if (!g) return;
    // Not this state's (the user's, another state's of the same stack name): left where it is, members and all.
    if (!isOurs(ctx, descriptionTags(g.Description))) {
      ctx.note(`group ${name} left in the pool: ${ownerOf(g)}, not this stack's`);
      return;
    }
    await ignoreNotFound(ctx.clients.cognito.send(new DeleteGroupCommand({ UserPoolId: userPoolIdOf(deps), GroupName: name })));
  },
};

/** Whose a group is, in words, from its description. */
function ownerOf(g: GroupType): string {
  const t = descriptionTags(g.Description);
  return t[STACK_TAG] === undefined ? 'not made by secure-api' : `made by ${STACK_TAG}=${t[STACK_TAG]}, ${STATE_ID_TAG}=${t[STATE_ID_TAG]}`;
}

function notOurGroup(ctx: Ctx, name: string, g: GroupType): SecureApiError {
  return new SecureApiError('NOT_OURS', `stopped before changing group ${name}: ${ownerOf(g)}, not stack ${ctx.stack}'s (nothing of theirs was changed)`, {
    exitCode: ExitCode.aws,
    hint: `The state names a group that is not this stack's (an edited state, or another state of the stack name ${ctx.stack} on the same pool). Remove the route's group, or give this stack another name.`,
  });
}
