import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDeleteUserCommand, AdminRemoveUserFromGroupCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, DescribeUserPoolClientCommand,
  DescribeUserPoolCommand, ListUsersCommand, type AttributeType, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomInt } from 'node:crypto';
import { awsErrorName, toAwsFailure } from '../aws/errors.js';
import { AwsFailure, Interrupted } from '../errors.js';
import { COGNITO_DEFAULT_POLICY, KEPT_USER_PREFIX, TEST_USER_PREFIX, generatePassword, randomTestEmail, randomTestUsername, type PasswordPolicy } from './password.js';
import { triggersFired, type FiredTrigger } from '../aws/pool-triggers.js';
import { passwordSignIn, type MfaAnswers, type SignInResult } from './sign-in.js';

/** Only `send`: the project's client factory (`clients.cognito`) or a plain SDK client pointed at cognito-local. */
export type CognitoSender = Pick<CognitoIdentityProviderClient, 'send'>;

export interface PoolRef {
  userPoolId: string;
  clientId: string;
}

/** What a user signs in with: the pool's username attribute (email, phone) or a plain username. */
export type SignInWith = 'email' | 'phone_number' | 'username';

/** What we need to know about a pool to make a user it accepts. */
export interface PoolFacts {
  signInWith: SignInWith;
  /** Attributes to give a new user besides the sign-in one (required, or usable as an alias). */
  extraAttributes: Array<'email' | 'phone_number'>;
  passwordPolicy: PasswordPolicy;
  mfa: 'OFF' | 'ON' | 'OPTIONAL';
  /** Anyone may create an account (AllowAdminCreateUserOnly false, Cognito's default when unset). */
  selfSignUp?: boolean | undefined;
  /** The pool's Lambda triggers a test user sets off (LambdaConfig): said before one is made (issue 25.7). */
  triggers?: FiredTrigger[] | undefined;
}

export interface Tokens {
  idToken: string;
  accessToken: string;
}

/** A signed-in temporary user. `username` is Cognito's name for it (a UUID in an email pool); `signInName` what it signs in with. */
export interface TestUserSession extends Tokens {
  username: string;
  signInName: string;
  /** How it signed in. */
  flow?: SignInResult['flow'];
  /** It set up a software token (MFA_SETUP), then signed in again answering SOFTWARE_TOKEN_MFA: these are that sign-in's tokens. */
  mfaProven?: boolean;
  /**
   * Put the user in these groups (AdminAddUserToGroup) and sign it in again: tokens carry the cognito:groups of the
   * sign-in that issued them. It is taken out of them again before it is removed (or kept).
   */
  joinGroups?: (groups: string[]) => Promise<Tokens>;
}

export type TestUserEvent =
  | { type: 'user-created'; username: string; signInName: string }
  | { type: 'signed-in'; username: string; flow: SignInResult['flow']; challenges: string[] }
  | { type: 'user-deleted'; username: string }
  /** `--keep-user`: the password is handed over once so the host can show it; it is never written anywhere. */
  | { type: 'user-kept'; username: string; signInName: string; password: string }
  | { type: 'user-delete-failed'; username: string; message: string }
  /** A test user a killed run left (older than STALE_TEST_USER_MS), removed before this run makes its own. */
  | { type: 'stale-user-removed'; username: string; signInName: string }
  | { type: 'joined-groups'; username: string; groups: string[] }
  | { type: 'left-groups'; username: string; groups: string[] }
  | { type: 'leave-groups-failed'; username: string; groups: string[]; message: string };

export interface TestUserOptions {
  /** Leave the user in the pool afterwards (`verify --keep-user`). @default false */
  keepUser?: boolean;
  /** Known pool facts; read with DescribeUserPool when absent. */
  facts?: PoolFacts;
  onEvent?: (e: TestUserEvent) => void;
  /** Aborted (Ctrl-C): stop before the next step; the user is still removed. */
  signal?: AbortSignal;
  /** For TOTP codes and the wait for a fresh one. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Read the pool's sign-in attribute, password policy and MFA mode. */
export async function describePool(cognito: CognitoSender, userPoolId: string): Promise<PoolFacts> {
  let pool;
  try {
    pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool;
  } catch (err) {
    throw toAwsFailure(err, 'DescribeUserPool');
  }
  const usernameAttrs = pool?.UsernameAttributes ?? [];
  const signInWith: SignInWith = usernameAttrs.includes('email') ? 'email' : usernameAttrs.includes('phone_number') ? 'phone_number' : 'username';
  const wanted = new Set<string>([...(pool?.AliasAttributes ?? []), ...(pool?.SchemaAttributes ?? []).filter((a) => a.Required).map((a) => a.Name ?? '')]);
  const extraAttributes = (['email', 'phone_number'] as const).filter((a) => a !== signInWith && wanted.has(a));
  const p = pool?.Policies?.PasswordPolicy;
  const passwordPolicy: PasswordPolicy = p
    ? {
      minLength: p.MinimumLength ?? COGNITO_DEFAULT_POLICY.minLength,
      requireNumbers: p.RequireNumbers ?? false,
      requireSymbols: p.RequireSymbols ?? false,
      requireUppercase: p.RequireUppercase ?? false,
      requireLowercase: p.RequireLowercase ?? false,
    }
    : COGNITO_DEFAULT_POLICY;
  const mfa = pool?.MfaConfiguration === 'ON' || pool?.MfaConfiguration === 'OPTIONAL' ? pool.MfaConfiguration : 'OFF';
  return { signInWith, extraAttributes, passwordPolicy, mfa, selfSignUp: pool?.AdminCreateUserConfig?.AllowAdminCreateUserOnly !== true, triggers: triggersFired(pool?.LambdaConfig) };
}

/**
 * North American area codes in service (not the 555 ones). In each, 555-0100 to 555-0199 is reserved for fiction
 * (NANPA), so these 1,600 numbers reach nobody; SUPPRESS means no SMS is sent anyway.
 */
const AREA_CODES = [202, 212, 213, 305, 312, 415, 512, 617, 702, 718, 206, 303, 404, 503, 602, 713];
export const randomTestPhone = (): string => `+1${AREA_CODES[randomInt(AREA_CODES.length)]}555${String(100 + randomInt(100)).padStart(4, '0')}`;

const valueFor = (attr: 'email' | 'phone_number', prefix?: string): string => (attr === 'email' ? randomTestEmail(prefix) : randomTestPhone());

function attributesFor(facts: PoolFacts, signInName: string): AttributeType[] {
  const attrs: AttributeType[] = [];
  const add = (name: 'email' | 'phone_number', value: string): void => {
    attrs.push({ Name: name, Value: value }, { Name: `${name}_verified`, Value: 'true' });
  };
  if (facts.signInWith !== 'username') add(facts.signInWith, signInName);
  for (const a of facts.extraAttributes) add(a, valueFor(a));
  return attrs;
}

export interface NewUserInput {
  /** Email, phone or username, as the pool signs in; random when absent. */
  signInName?: string;
  password: string;
  /** Permanent password (no NEW_PASSWORD_REQUIRED on first sign-in). @default true */
  permanent?: boolean;
  /** Prefix of a drawn name. @default TEST_USER_PREFIX */
  prefix?: string;
}

/**
 * Create a user without sending any message (MessageAction SUPPRESS) and set its password.
 * Returns Cognito's username for it. When setting the password fails, the half-made user is removed.
 */
export async function createUser(cognito: CognitoSender, userPoolId: string, facts: PoolFacts, input: NewUserInput): Promise<{ username: string; signInName: string }> {
  let signInName = '';
  let username: string;
  // A name or phone drawn at random may be held already (the kept token user, users a kept or interrupted verify left
  // behind; the fictional numbers are only 1,600): drawn again, a few times. A name the caller gave is never replaced.
  for (let attempt = 1; ; attempt++) {
    signInName = input.signInName ?? (facts.signInWith === 'username' ? randomTestUsername(input.prefix) : valueFor(facts.signInWith, input.prefix));
    try {
      const out = await cognito.send(new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: signInName,
        MessageAction: 'SUPPRESS',
        UserAttributes: attributesFor(facts, signInName),
      }));
      username = out.User?.Username ?? signInName;
      break;
    } catch (err) {
      const taken = ['UsernameExistsException', 'AliasExistsException'].includes(awsErrorName(err) ?? '');
      const drawn = input.signInName === undefined || facts.extraAttributes.includes('phone_number');
      if (!taken || !drawn || attempt >= 5) throw toAwsFailure(err, 'AdminCreateUser');
    }
  }
  try {
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: input.password, Permanent: input.permanent ?? true }));
  } catch (err) {
    await deleteUser(cognito, userPoolId, username).catch(() => undefined);
    // The catalogue says what a refused password means (InvalidPasswordException: the pool's policy, with AWS's rule).
    throw toAwsFailure(err, 'AdminSetUserPassword');
  }
  return { username, signInName };
}

/** A test user this much older than now was left by a run that was killed (a run takes a few minutes at most). */
export const STALE_TEST_USER_MS = 30 * 60_000;

/**
 * Remove the test users that runs killed before their cleanup left (SIGKILL, a lost machine): named with
 * TEST_USER_PREFIX (username or email, as the pool signs in) and older than STALE_TEST_USER_MS, so a run going on
 * elsewhere keeps its own, and `--keep-user`'s (KEPT_USER_PREFIX) are never touched. A phone pool's test users carry no
 * name to know them by, so none are looked for. Best effort: a failure here never stops the proof.
 */
export async function removeStaleTestUsers(cognito: CognitoSender, userPoolId: string, facts: PoolFacts, nowMs: number): Promise<Array<{ username: string; signInName: string }>> {
  if (facts.signInWith === 'phone_number') return [];
  const attr = facts.signInWith === 'email' ? 'email' : 'username';
  const removed: Array<{ username: string; signInName: string }> = [];
  try {
    let token: string | undefined;
    do {
      const page = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `${attr} ^= "${TEST_USER_PREFIX}"`, PaginationToken: token }));
      for (const u of page.Users ?? []) {
        const created = u.UserCreateDate?.getTime() ?? nowMs;
        if (!u.Username || nowMs - created < STALE_TEST_USER_MS) continue;
        const signInName = attr === 'email' ? u.Attributes?.find((a) => a.Name === 'email')?.Value ?? u.Username : u.Username;
        if (await deleteUser(cognito, userPoolId, u.Username)) removed.push({ username: u.Username, signInName });
      }
      token = page.PaginationToken;
    } while (token);
  } catch {
    // Not allowed to list or delete, or throttled: the proof goes on; `users list` shows what is left.
  }
  return removed;
}

/** Remove a user. Returns false when it was already gone ("not found" means done). */
export async function deleteUser(cognito: CognitoSender, userPoolId: string, username: string): Promise<boolean> {
  try {
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    return true;
  } catch (err) {
    if (awsErrorName(err) === 'UserNotFoundException') return false;
    throw toAwsFailure(err, 'AdminDeleteUser');
  }
}

/** The client's secret, read now, for the SECRET_HASH only; never stored, logged or returned by callers. */
export async function readClientSecret(cognito: CognitoSender, pool: PoolRef): Promise<string | undefined> {
  try {
    const out = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId }));
    return out.UserPoolClient?.ClientSecret || undefined;
  } catch (err) {
    throw toAwsFailure(err, 'DescribeUserPoolClient');
  }
}

/**
 * Sign in with the password (AdminInitiateAuth, or InitiateAuth for a client that allows only USER_PASSWORD_AUTH), with
 * SECRET_HASH when the client has a secret, answering MFA as `mfa` says (sign-in.ts).
 */
export async function signIn(cognito: CognitoSender, pool: PoolRef, signInName: string, password: string, o: { mfa?: MfaAnswers; now?: () => number; sleep?: (ms: number) => Promise<void> } = {}): Promise<SignInResult> {
  const secret = await readClientSecret(cognito, pool);
  return passwordSignIn(cognito, pool, signInName, password, secret, o);
}

/**
 * Make a temporary user (random name, random password meeting the pool's policy), sign it in, hand the
 * tokens to `fn`, and remove the user afterwards — also when `fn` or the sign-in fails, or the run is aborted.
 */
export async function withTestUser<T>(cognito: CognitoSender, pool: PoolRef, fn: (session: TestUserSession) => Promise<T>, opts: TestUserOptions = {}): Promise<T> {
  const emit = opts.onEvent ?? (() => undefined);
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw new Interrupted();
  };
  checkAbort();
  const facts = opts.facts ?? await describePool(cognito, pool.userPoolId);
  const password = generatePassword(facts.passwordPolicy);
  checkAbort();
  for (const u of await removeStaleTestUsers(cognito, pool.userPoolId, facts, (opts.now ?? Date.now)())) emit({ type: 'stale-user-removed', ...u });
  checkAbort();
  const { username, signInName } = await createUser(cognito, pool.userPoolId, facts, { password, ...(opts.keepUser ? { prefix: KEPT_USER_PREFIX } : {}) });
  emit({ type: 'user-created', username, signInName });
  const joined: string[] = [];
  try {
    checkAbort();
    // The test user's authenticator lives in memory only: its secret is never shown, stored or logged.
    const device = { secret: '' };
    const so = { mfa: { device }, ...(opts.now ? { now: opts.now } : {}), ...(opts.sleep ? { sleep: opts.sleep } : {}) };
    let signed = await signIn(cognito, pool, signInName, password, so);
    emit({ type: 'signed-in', username, flow: signed.flow, challenges: signed.challenges });
    let mfaProven = false;
    if (signed.challenges.includes('MFA_SETUP')) {
      // MFA required: a later sign-in must ask for the code (SOFTWARE_TOKEN_MFA); its tokens are the ones the checks use.
      checkAbort();
      signed = await signIn(cognito, pool, signInName, password, so);
      if (!signed.challenges.includes('SOFTWARE_TOKEN_MFA')) {
        throw new AwsFailure('The test user set up its authenticator, but signing in again asked for no MFA code', { code: 'MFA_NOT_ENFORCED', hint: 'Check the pool\'s MFA setting: `secure-api status`.' });
      }
      emit({ type: 'signed-in', username, flow: signed.flow, challenges: signed.challenges });
      mfaProven = true;
    }
    checkAbort();
    const joinGroups = async (groups: string[]): Promise<Tokens> => {
      for (const g of groups) {
        checkAbort();
        joined.push(g);
        try {
          await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: username, GroupName: g }));
        } catch (err) {
          throw toAwsFailure(err, 'AdminAddUserToGroup');
        }
      }
      emit({ type: 'joined-groups', username, groups });
      checkAbort();
      const again = await signIn(cognito, pool, signInName, password, so);
      emit({ type: 'signed-in', username, flow: again.flow, challenges: again.challenges });
      return { idToken: again.idToken, accessToken: again.accessToken };
    };
    return await fn({ idToken: signed.idToken, accessToken: signed.accessToken, username, signInName, flow: signed.flow, mfaProven, joinGroups });
  } finally {
    // Out of the groups first: a kept user (or one whose removal fails) is left with no more access than it was given.
    if (joined.length) {
      try {
        for (const g of joined) await cognito.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool.userPoolId, Username: username, GroupName: g }));
        emit({ type: 'left-groups', username, groups: [...joined] });
      } catch (err) {
        emit({ type: 'leave-groups-failed', username, groups: [...joined], message: (err as Error).message });
      }
    }
    if (opts.keepUser) {
      emit({ type: 'user-kept', username, signInName, password });
    } else {
      try {
        await deleteUser(cognito, pool.userPoolId, username);
        emit({ type: 'user-deleted', username });
      } catch (err) {
        // Never mask the outcome of the checks; say the user was left so the host can tell how to remove it.
        emit({ type: 'user-delete-failed', username, message: (err as Error).message });
      }
    }
  }
}

/** Tokens of a temporary user that is removed before this returns (the tokens stay valid until they expire). */
export async function getTestTokens(cognito: CognitoSender, pool: PoolRef, opts: TestUserOptions = {}): Promise<TestUserSession> {
  return withTestUser(cognito, pool, async (s) => s, opts);
}

/** The one user `secure-api token` signs in when no --username is given: fixed name, fresh random password each run (never stored). */
export function tokenUserName(facts: PoolFacts): string {
  if (facts.signInWith === 'email') return 'secure-api-token@example.com';
  if (facts.signInWith === 'phone_number') return '+12025550199';
  return 'secure-api-token';
}

/**
 * Sign in the stack's token user, creating it on first use and giving it a new random password each time.
 * It is kept (not deleted) so the token keeps working for its lifetime; `users list` shows it, `destroy` removes it with the pool.
 */
export async function signInTokenUser(cognito: CognitoSender, pool: PoolRef, facts?: PoolFacts, o: { mfa?: MfaAnswers } = {}): Promise<TestUserSession & { created: boolean }> {
  const f = facts ?? await describePool(cognito, pool.userPoolId);
  const signInName = tokenUserName(f);
  const password = generatePassword(f.passwordPolicy);
  let username: string | undefined;
  try {
    username = (await cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: signInName }))).Username;
  } catch (err) {
    if (awsErrorName(err) !== 'UserNotFoundException') throw toAwsFailure(err, 'AdminGetUser');
  }
  let created = false;
  if (username === undefined) {
    username = (await createUser(cognito, pool.userPoolId, f, { signInName, password })).username;
    created = true;
  } else {
    try {
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: username, Password: password, Permanent: true }));
    } catch (err) {
      throw toAwsFailure(err, 'AdminSetUserPassword');
    }
  }
  const tokens = await signIn(cognito, pool, signInName, password, o);
  return { ...tokens, username, signInName, created };
}
