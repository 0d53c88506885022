import type {
  AdminAddUserToGroupCommandInput, AdminListGroupsForUserCommandInput, AdminListGroupsForUserCommandOutput,
  AdminRemoveUserFromGroupCommandInput, CreateGroupCommandInput, CreateGroupCommandOutput, DeleteGroupCommandInput,
  GetGroupCommandInput, GetGroupCommandOutput, GroupType, ListGroupsCommandInput, ListGroupsCommandOutput,
  UpdateGroupCommandInput, UpdateGroupCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoPage, fail, getPool } from './cognito-pools.js';
import { findUser } from './cognito-users.js';
import { date, type Ctx, type Handlers, type Out } from './core.js';
import type { GroupRecord, PoolRecord, UserRecord } from './state.js';

/**
 * User pool groups (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html,
 * API_GetGroup, API_DeleteGroup, API_AdminAddUserToGroup, API_AdminRemoveUserFromGroup). A member's id and access
 * tokens carry the `cognito:groups` claim (AdminAddUserToGroup: "populates a cognito:groups claim to their access and
 * identity tokens", aws cognito-idp admin-add-user-to-group reference); tokens issued before the change do not.
 */
// GroupName: 1..128 of [\p{L}\p{M}\p{S}\p{N}\p{P}]+; Description at most 2048; Precedence 0..2^31-1 (API_CreateGroup).
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** The pool's groups, read only: a pool nobody made a group in keeps no `groups` key (its record stays as it was). */
export function groupsOf(pool: PoolRecord): Readonly<Record<string, GroupRecord>> {
  return pool.groups ?? {};
}

/** The groups a user is in, by precedence (lowest first, as Cognito orders cognito:groups), then name. */
export function userGroups(pool: PoolRecord, user: UserRecord): string[] {
  return Object.values(groupsOf(pool)).filter((g) => g.members.includes(user.Username))
    .sort((a, b) => (a.Precedence ?? Number.MAX_SAFE_INTEGER) - (b.Precedence ?? Number.MAX_SAFE_INTEGER) || a.GroupName.localeCompare(b.GroupName))
    .map((g) => g.GroupName);
}

function checkName(name: string | undefined): string {
  if (name === undefined || !GROUP_NAME.test(name)) {
    fail('InvalidParameterException', `1 validation error detected: Value '${name ?? ''}' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+`);
  }
  return name;
}

function checkFields(input: { Description?: string | undefined; Precedence?: number | undefined }): void {
  if ((input.Description?.length ?? 0) > 2048) fail('InvalidParameterException', "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048");
  if (input.Precedence !== undefined && (input.Precedence < 0 || input.Precedence > 2 ** 31 - 1)) fail('InvalidParameterException', "1 validation error detected: Value at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0");
}

function getGroup(ctx: Ctx, poolId: string | undefined, name: string | undefined): { pool: PoolRecord; group: GroupRecord } {
  const pool = getPool(ctx, poolId);
  const group = groupsOf(pool)[name ?? ''];
  if (!group) fail('ResourceNotFoundException', 'Group not found.');
  return { pool, group };
}

function memberOf(pool: PoolRecord, username: string | undefined): UserRecord {
  const user = findUser(pool, username);
  if (!user) fail('UserNotFoundException', 'User does not exist.');
  return user;
}

const groupOut = (g: GroupRecord): GroupType => ({
  GroupName: g.GroupName, UserPoolId: g.UserPoolId, ...(g.Description !== undefined ? { Description: g.Description } : {}),
  ...(g.Precedence !== undefined ? { Precedence: g.Precedence } : {}), CreationDate: date(g.CreationDate), LastModifiedDate: date(g.LastModifiedDate),
});

export const groupHandlers: Handlers = {
  CreateGroup(ctx, input: CreateGroupCommandInput): Out<CreateGroupCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const name = checkName(input.GroupName);
    checkFields(input);
    const all = (pool.groups ??= {});
    // Names are unique in a pool: GroupExistsException (API_CreateGroup, Errors).
    if (all[name]) fail('GroupExistsException', 'A group with the name already exists.');
    const t = ctx.now();
    const g: GroupRecord = {
      GroupName: name, UserPoolId: pool.Id, members: [], CreationDate: t, LastModifiedDate: t,
      ...(input.Description !== undefined ? { Description: input.Description } : {}), ...(input.Precedence !== undefined ? { Precedence: input.Precedence } : {}),
    };
    all[name] = g;
    return { Group: groupOut(g) };
  },

  GetGroup(ctx, input: GetGroupCommandInput): Out<GetGroupCommandOutput> {
    return { Group: groupOut(getGroup(ctx, input.UserPoolId, input.GroupName).group) };
  },

  UpdateGroup(ctx, input: UpdateGroupCommandInput): Out<UpdateGroupCommandOutput> {
    const { group } = getGroup(ctx, input.UserPoolId, input.GroupName);
    checkFields(input);
    // What UpdateGroup is not given is reset ("if you don't provide a value for an attribute, it is set to its default", API_UpdateGroup).
    if (input.Description !== undefined) group.Description = input.Description;
    else delete group.Description;
    if (input.Precedence !== undefined) group.Precedence = input.Precedence;
    else delete group.Precedence;
    group.LastModifiedDate = ctx.now();
    return { Group: groupOut(group) };
  },

  DeleteGroup(ctx, input: DeleteGroupCommandInput): object {
    const { pool, group } = getGroup(ctx, input.UserPoolId, input.GroupName);
    delete pool.groups?.[group.GroupName];
    return {};
  },

  ListGroups(ctx, input: ListGroupsCommandInput): Out<ListGroupsCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const all = Object.values(groupsOf(pool)).sort((a, b) => a.GroupName.localeCompare(b.GroupName)).map(groupOut);
    const p = cognitoPage(all, input.NextToken, input.Limit);
    return { Groups: p.items, ...(p.next ? { NextToken: p.next } : {}) };
  },

  AdminAddUserToGroup(ctx, input: AdminAddUserToGroupCommandInput): object {
    const pool = getPool(ctx, input.UserPoolId);
    const user = memberOf(pool, input.Username);
    const { group } = getGroup(ctx, input.UserPoolId, input.GroupName);
    if (!group.members.includes(user.Username)) group.members.push(user.Username);
    return {};
  },

  AdminRemoveUserFromGroup(ctx, input: AdminRemoveUserFromGroupCommandInput): object {
    const pool = getPool(ctx, input.UserPoolId);
    const user = memberOf(pool, input.Username);
    const { group } = getGroup(ctx, input.UserPoolId, input.GroupName);
    group.members = group.members.filter((m) => m !== user.Username);
    return {};
  },

  AdminListGroupsForUser(ctx, input: AdminListGroupsForUserCommandInput): Out<AdminListGroupsForUserCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const user = memberOf(pool, input.Username);
    const groups = userGroups(pool, user).map((n) => groupOut(groupsOf(pool)[n]!));
    const p = cognitoPage(groups, input.NextToken, input.Limit);
    return { Groups: p.items, ...(p.next ? { NextToken: p.next } : {}) };
  },
};
