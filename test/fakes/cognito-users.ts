import type {
  AdminCreateUserCommandInput, AdminCreateUserCommandOutput, AdminDeleteUserCommandInput, AdminGetUserCommandInput,
  AdminGetUserCommandOutput, AdminSetUserPasswordCommandInput, AttributeType, ListUsersCommandInput, ListUsersCommandOutput,
  UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoPage, fail, getPool } from './cognito-pools.js';
import { compact, copy, date, randomUuid, type Ctx, type Handlers, type Out } from './core.js';
import type { PoolRecord, UserRecord } from './state.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+\d{6,15}$/;

function attr(u: UserRecord, name: string): string | undefined {
  return u.Attributes.find((a) => a.Name === name)?.Value;
}

/** By username, or by email / phone when the pool signs in (or aliases) with them, as Cognito resolves it. */
export function findUser(pool: PoolRecord, name: string | undefined): UserRecord | undefined {
  if (name === undefined) return undefined;
  const direct = pool.users[name];
  if (direct) return direct;
  const keys = [...(pool.config.UsernameAttributes ?? []), ...(pool.config.AliasAttributes ?? [])];
  const caseInsensitive = pool.config.UsernameConfiguration?.CaseSensitive === false;
  return Object.values(pool.users).find((u) => keys.some((k) => {
    const v = attr(u, k === 'preferred_username' ? 'preferred_username' : k);
    return v !== undefined && (caseInsensitive ? v.toLowerCase() === name.toLowerCase() : v === name);
  }));
}

function getUser(ctx: Ctx, poolId: string | undefined, name: string | undefined): { pool: PoolRecord; user: UserRecord } {
  const pool = getPool(ctx, poolId);
  const user = findUser(pool, name);
  if (!user) fail('UserNotFoundException', 'User does not exist.');
  return { pool, user };
}

/** Checks a password against the pool's policy (Cognito's defaults when it has none). */
function checkPassword(pool: PoolRecord, password: string): void {
  const p = pool.config.Policies?.PasswordPolicy;
  const problems: Array<[boolean, string]> = [
    [password.length < (p?.MinimumLength ?? 8), 'Password not long enough'],
    [(p?.RequireUppercase ?? true) && !/[A-Z]/.test(password), 'Password must have uppercase characters'],
    [(p?.RequireLowercase ?? true) && !/[a-z]/.test(password), 'Password must have lowercase characters'],
    [(p?.RequireNumbers ?? true) && !/\d/.test(password), 'Password must have numeric characters'],
    [(p?.RequireSymbols ?? true) && !/[^A-Za-z0-9]/.test(password), 'Password must have symbol characters'],
  ];
  const problem = problems.find(([bad]) => bad);
  if (problem) fail('InvalidPasswordException', `Password did not conform with policy: ${problem[1]}`);
}

function userOut(u: UserRecord, only?: string[]): UserType {
  const attributes = only ? u.Attributes.filter((a) => only.includes(a.Name ?? '')) : u.Attributes;
  return {
    Username: u.Username, Attributes: copy(attributes), UserCreateDate: date(u.UserCreateDate),
    UserLastModifiedDate: date(u.UserLastModifiedDate), Enabled: u.Enabled, UserStatus: u.UserStatus,
  };
}

/** `attr = "value"` and `attr ^= "value"`, the forms ListUsers accepts. */
function filterUsers(users: UserRecord[], filter: string | undefined): UserRecord[] {
  if (filter === undefined || filter === '') return users;
  const m = /^\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*$/.exec(filter);
  if (!m) fail('InvalidParameterException', 'Error while parsing filter.');
  const [, name = '', op, value = ''] = m;
  return users.filter((u) => {
    const v = name === 'username' ? u.Username : name === 'status' ? (u.Enabled ? 'Enabled' : 'Disabled')
      : name === 'cognito:user_status' ? u.UserStatus : attr(u, name);
    return v !== undefined && (op === '=' ? v === value : v.startsWith(value));
  });
}

export const userHandlers: Handlers = {
  AdminCreateUser(ctx, input: AdminCreateUserCommandInput): Out<AdminCreateUserCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const given = input.Username ?? '';
    if (input.MessageAction === 'RESEND') {
      const existing = findUser(pool, given);
      if (!existing) fail('UserNotFoundException', 'User does not exist.');
      return { User: userOut(existing) };
    }
    if (findUser(pool, given)) fail('UsernameExistsException', 'User account already exists');
    const attributes: AttributeType[] = copy(input.UserAttributes ?? []);
    const usernameAttrs = pool.config.UsernameAttributes ?? [];
    let username = given;
    if (usernameAttrs.length > 0) {
      // Email / phone sign-in: the given name must be one of them, and the real username becomes the sub.
      const kind = EMAIL.test(given) && usernameAttrs.includes('email') ? 'email'
        : PHONE.test(given) && usernameAttrs.includes('phone_number') ? 'phone_number' : undefined;
      if (kind === undefined) fail('InvalidParameterException', 'Username should be either an email or a phone number.');
      if (!attributes.some((a) => a.Name === kind)) attributes.push({ Name: kind, Value: given });
      username = '';
    }
    for (const a of attributes) {
      if (a.Name === 'email' && a.Value !== undefined && !EMAIL.test(a.Value)) fail('InvalidParameterException', 'Invalid email address format.');
      const clash = (a.Name === 'email' || a.Name === 'phone_number') && usernameAttrs.includes(a.Name)
        && Object.values(pool.users).some((u) => attr(u, a.Name ?? '') === a.Value);
      if (clash) fail('UsernameExistsException', `An account with the given ${a.Name === 'email' ? 'email' : 'phone_number'} already exists.`);
    }
    if (input.TemporaryPassword !== undefined) checkPassword(pool, input.TemporaryPassword);
    const sub = randomUuid(ctx.state);
    if (username === '') username = sub;
    const now = ctx.now();
    const user: UserRecord = compact({
      Username: username, Attributes: [{ Name: 'sub', Value: sub }, ...attributes.filter((a) => a.Name !== 'sub')],
      Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' as const, UserCreateDate: now, UserLastModifiedDate: now,
      password: input.TemporaryPassword,
    });
    pool.users[username] = user;
    return { User: userOut(user) };
  },

  AdminSetUserPassword(ctx, input: AdminSetUserPasswordCommandInput): object {
    const { pool, user } = getUser(ctx, input.UserPoolId, input.Username);
    checkPassword(pool, input.Password ?? '');
    user.password = input.Password;
    user.UserStatus = input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
    user.UserLastModifiedDate = ctx.now();
    return {};
  },

  AdminGetUser(ctx, input: AdminGetUserCommandInput): Out<AdminGetUserCommandOutput> {
    const { user } = getUser(ctx, input.UserPoolId, input.Username);
    return {
      Username: user.Username, UserAttributes: copy(user.Attributes), UserCreateDate: date(user.UserCreateDate),
      UserLastModifiedDate: date(user.UserLastModifiedDate), Enabled: user.Enabled, UserStatus: user.UserStatus,
    };
  },

  AdminDeleteUser(ctx, input: AdminDeleteUserCommandInput): object {
    const { pool, user } = getUser(ctx, input.UserPoolId, input.Username);
    delete pool.users[user.Username];
    // A deleted user is in no group any more (a new user of the same name starts in none).
    for (const g of Object.values(pool.groups ?? {})) g.members = g.members.filter((m) => m !== user.Username);
    return {};
  },

  ListUsers(ctx, input: ListUsersCommandInput): Out<ListUsersCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const users = filterUsers(Object.values(pool.users), input.Filter).map((u) => userOut(u, input.AttributesToGet));
    const p = cognitoPage(users, input.PaginationToken, input.Limit);
    return compact({ Users: p.items, PaginationToken: p.next });
  },
};
