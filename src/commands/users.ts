import { AdminAddUserToGroupCommand, ListUsersCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { groupNamesOf } from '../config/groups.js';
import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { toAwsFailure } from '../aws/errors.js';
import { UsageError } from '../errors.js';
import { secretsShowable } from '../ui/output.js';
import { table } from '../ui/tables.js';
import { generatePassword, KEPT_USER_PREFIX, passwordProblems, TEST_USER_PREFIX } from '../verify/password.js';
import { createUser, deleteUser, describePool, type CognitoSender } from '../verify/test-user.js';
import { triggersText } from '../aws/pool-triggers.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { readSecretLine } from './read-secret.js';
import { requirePool, stackTarget } from './stack-target.js';
import { reachStack } from './stack-session.js';
import { loadStack } from './stack-state.js';

export const usersOptionsSchema = commonOptionsSchema.extend({
  passwordStdin: z.boolean().optional(),
  /** `users add --group G`: put the new user in these groups of the stack (the routes restricted to them). */
  group: z.array(z.string()).optional(),
});
export type UsersOptions = z.infer<typeof usersOptionsSchema>;

async function setup(o: UsersOptions, env: CommandEnv, check?: (config: Record<string, unknown>) => void) {
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const loaded = await loadStack(o, env);
  check?.(loaded.state.config);
  const t = stackTarget(o, env, loaded);
  const pool = requirePool(t);
  const { clients } = await reachStack(o, env, t.loaded.state, ui.reporter);
  return { ui, t, pool, cognito: clients.cognito };
}

/** `users add NAME`: an email (or username / phone, as the pool signs in), with a password from stdin or a generated one shown once. */
export async function runUsersAdd(name: string, o: UsersOptions, env: CommandEnv): Promise<number> {
  // A generated password is shown once, on a terminal only: never in --json, a pipe or a CI log (issue 25.7).
  if (!o.passwordStdin && !secretsShowable(o, env, env.env)) {
    throw new UsageError('users add would generate a password, and shows one only on a terminal (not with --json, a pipe or CI)',
      `Give the password on standard input instead: printf '%s\\n' "$PASSWORD" | secure-api users add ${name} --password-stdin`);
  }
  // Only the stack's own groups (the ones its routes name): checked before any AWS call.
  const { ui, t, pool, cognito } = await setup(o, env, (config) => {
    const groups = groupNamesOf((config as { routes?: Array<{ groups?: string[]; public?: boolean }> }).routes ?? []);
    for (const g of o.group ?? []) {
      if (!groups.includes(g)) {
        throw new UsageError(`"${g}" is not a group of this stack${groups.length ? ` (its routes name ${groups.join(', ')})` : ' (no route is restricted to a group)'}`,
          'Restrict a route to it first: `secure-api routes add "GET /admin" --group NAME`, or --route-group on init.', 'NO_SUCH_GROUP');
      }
    }
  });
  const facts = await describePool(cognito, pool.userPoolId);
  if (facts.signInWith === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(name)) {
    throw new UsageError(`the pool of stack "${t.loaded.stack}" signs in with an email address; "${name}" is not one`);
  }
  const given = o.passwordStdin ? await readSecretLine(env.stdin, 'password') : undefined;
  if (given !== undefined) {
    const problems = passwordProblems(given, facts.passwordPolicy);
    if (problems.length) throw new UsageError(`the password does not meet the pool's policy: it needs ${problems.join(', ')}`);
  }
  const password = given ?? generatePassword(facts.passwordPolicy);
  // Your pool's Lambda triggers run for the new user (pre sign-up) and its sign-ins (issue 25.7): said before it is made.
  const onCreate = (facts.triggers ?? []).filter((x) => x.trigger === 'PreSignUp');
  if (onCreate.length) ui.reporter.warn(`Creating ${name} sets off your pool's Lambda trigger ${triggersText(onCreate)}; its sign-ins will set off ${triggersText((facts.triggers ?? []).filter((x) => x.trigger !== 'PreSignUp')) || 'no other'}.`);
  const made = await createUser(cognito, pool.userPoolId, facts, { signInName: name, password });
  for (const g of o.group ?? []) {
    try {
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: made.username, GroupName: g }));
    } catch (err) {
      // The user is made and kept: say so, and how to finish.
      throw toAwsFailure(err, 'AdminAddUserToGroup', `${made.signInName} was created, but not put in group ${g}: run \`secure-api init --stack ${t.loaded.stack}\` (it puts a missing group back), then \`aws cognito-idp admin-add-user-to-group --user-pool-id ${pool.userPoolId} --username ${made.username} --group-name ${g}\`.`);
    }
  }
  if (ui.mode === 'json') {
    ui.json({ stack: t.loaded.stack, username: made.username, signInName: made.signInName, ...(o.group?.length ? { groups: o.group } : {}) });
  } else {
    ui.out(`Created ${ui.c.bold(made.signInName)}${made.username !== made.signInName ? ui.c.dim(` (username ${made.username})`) : ''} in ${pool.userPoolId}${o.group?.length ? `, member of ${o.group.join(', ')}` : ''}.`);
    if (given === undefined) ui.out(`Password: ${password}\n${ui.c.dim('Shown once and not stored anywhere; note it now.')}`);
    ui.out(`Token: printf '%s\\n' "$PASSWORD" | secure-api token --stack ${t.loaded.stack}${t.reach} --username ${made.signInName} --password-stdin`);
  }
  return 0;
}

async function listAll(cognito: CognitoSender, userPoolId: string): Promise<UserType[]> {
  const users: UserType[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken: token, Limit: 60 }));
      users.push(...(page.Users ?? []));
      token = page.PaginationToken;
    } catch (err) {
      throw toAwsFailure(err, 'ListUsers');
    }
  } while (token);
  return users;
}

export async function runUsersList(o: UsersOptions, env: CommandEnv): Promise<number> {
  const { ui, t, pool, cognito } = await setup(o, env);
  const users = (await listAll(cognito, pool.userPoolId)).map((u) => {
    const attr = (n: string): string | undefined => u.Attributes?.find((a) => a.Name === n)?.Value;
    const email = attr('email');
    const phone = attr('phone_number');
    const signIn = email ?? phone ?? u.Username ?? '';
    return {
      username: u.Username ?? '', email, phone, status: u.UserStatus ?? '', enabled: u.Enabled ?? true,
      created: u.UserCreateDate ? new Date(u.UserCreateDate).toISOString() : '',
      madeBy: signIn.startsWith(KEPT_USER_PREFIX) ? 'verify --keep-user' : signIn.startsWith(TEST_USER_PREFIX) ? 'verify (left by a run that was stopped; the next verify removes it)' : signIn.startsWith('secure-api-token') ? 'token' : undefined,
    };
  });
  if (ui.mode === 'json') {
    ui.json({ stack: t.loaded.stack, userPoolId: pool.userPoolId, users });
    return 0;
  }
  if (!users.length) {
    ui.out(`No users in ${pool.userPoolId}. Add one: secure-api users add EMAIL --stack ${t.loaded.stack}${t.reach}`);
    return 0;
  }
  ui.out(table(['user', 'email / phone', 'status', 'enabled', 'created', ''],
    users.map((u) => [u.username, u.email ?? u.phone ?? '', u.status, u.enabled ? 'yes' : 'no', u.created, u.madeBy ? ui.c.dim(`made by ${u.madeBy}`) : '']), ui.c, env.stdout.columns));
  return 0;
}

export async function runUsersRemove(name: string, o: UsersOptions, env: CommandEnv): Promise<number> {
  const { ui, t, pool, cognito } = await setup(o, env);
  const removed = await deleteUser(cognito, pool.userPoolId, name);
  if (ui.mode === 'json') ui.json({ stack: t.loaded.stack, user: name, removed });
  else ui.out(removed ? `Removed ${name} from ${pool.userPoolId}.` : `No user ${name} in ${pool.userPoolId}: nothing to remove.`);
  return 0;
}
