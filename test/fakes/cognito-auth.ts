import type {
  AdminInitiateAuthCommandInput, AdminRespondToAuthChallengeCommandInput, AssociateSoftwareTokenCommandInput,
  AssociateSoftwareTokenCommandOutput, AuthenticationResultType, InitiateAuthCommandInput, InitiateAuthCommandOutput,
  RespondToAuthChallengeCommandInput, RespondToAuthChallengeCommandOutput, VerifySoftwareTokenCommandInput,
  VerifySoftwareTokenCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { createHmac } from 'node:crypto';
import { totpStep } from '../../src/verify/totp.js';
import { fail, getPool } from './cognito-pools.js';
import { findUser } from './cognito-users.js';
import { userGroups } from './cognito-groups.js';
import { randomString, LOWER_ALNUM, type Ctx, type Handlers, type Out } from './core.js';
import type { AuthSessionRecord, ClientRecord, PoolRecord, UserRecord } from './state.js';

/** A JWT-shaped token with the claims API Gateway's authorizer reads. Unsigned: real signatures are cognito-local's job. */
export function fakeToken(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ kid: 'fake', alg: 'RS256' })}.${part(claims)}.fake-signature`;
}

export function findClient(pools: Record<string, PoolRecord>, clientId: string | undefined): { pool: PoolRecord; client: ClientRecord } {
  for (const pool of Object.values(pools)) {
    const client = pool.clients[clientId ?? ''];
    if (client) return { pool, client };
  }
  fail('ResourceNotFoundException', `User pool client ${clientId ?? ''} does not exist.`);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function sub(u: UserRecord): string {
  return u.Attributes.find((a) => a.Name === 'sub')?.Value ?? u.Username;
}

export function issuerOf(ctx: Pick<Ctx, 'state'>, pool: PoolRecord): string {
  return `https://cognito-idp.${pool.Id.split('_')[0] ?? ctx.state.region}.amazonaws.com/${pool.Id}`;
}

function tokensFor(ctx: Ctx, pool: PoolRecord, client: ClientRecord, user: UserRecord): AuthenticationResultType {
  const iat = Math.floor(ctx.now() / 1000);
  const common = { sub: sub(user), iss: issuerOf(ctx, pool), iat, exp: iat + 3600, auth_time: iat };
  const email = user.Attributes.find((a) => a.Name === 'email')?.Value;
  // A member's id and access tokens carry cognito:groups, a JSON array (cognito-groups.ts); a non-member's carry none.
  const groups = userGroups(pool, user);
  const g = groups.length ? { 'cognito:groups': groups } : {};
  return {
    IdToken: fakeToken({ ...common, aud: client.ClientId, token_use: 'id', 'cognito:username': user.Username, ...g, ...(email ? { email } : {}) }),
    AccessToken: fakeToken({ ...common, client_id: client.ClientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin', username: user.Username, ...g }),
    RefreshToken: randomString(ctx.state, 64, LOWER_ALNUM),
    ExpiresIn: 3600,
    TokenType: 'Bearer',
  };
}

/** A client with a secret needs SECRET_HASH = base64(HMAC-SHA256(secret, USERNAME + clientId)) with every request. */
function checkSecretHash(client: ClientRecord, username: string, given: string | undefined): void {
  if (client.ClientSecret === undefined) return;
  if (given === undefined) fail('NotAuthorizedException', `Client ${client.ClientId} is configured with secret but SECRET_HASH was not received`);
  const expected = createHmac('sha256', client.ClientSecret).update(username + client.ClientId).digest('base64');
  if (given !== expected) fail('NotAuthorizedException', `Unable to verify secret hash for client ${client.ClientId}`);
}

function sessionsOf(pool: PoolRecord): Record<string, AuthSessionRecord> {
  pool.sessions ??= {};
  return pool.sessions;
}

/** A new session for the next step of a sign-in; it lasts the client's AuthSessionValidity (minutes, default 3). */
function openSession(ctx: Ctx, pool: PoolRecord, client: ClientRecord, rec: Omit<AuthSessionRecord, 'expiresAt' | 'clientId'>): string {
  const all = sessionsOf(pool);
  for (const [k, v] of Object.entries(all)) if (v.expiresAt <= ctx.now()) delete all[k];
  const session = randomString(ctx.state, 64, LOWER_ALNUM);
  all[session] = { ...rec, clientId: client.ClientId, expiresAt: ctx.now() + (client.AuthSessionValidity ?? 3) * 60_000 };
  return session;
}

function takeSession(ctx: Ctx, session: string | undefined): { pool: PoolRecord; rec: AuthSessionRecord } {
  for (const pool of Object.values(ctx.state.cognito.pools)) {
    const rec = pool.sessions?.[session ?? ''];
    if (!rec) continue;
    delete pool.sessions![session ?? ''];
    if (rec.expiresAt <= ctx.now()) break;
    return { pool, rec };
  }
  // "Invalid session for the user, session is expired." (amplify-js #5279 and others, after AuthSessionValidity).
  fail('NotAuthorizedException', 'Invalid session for the user, session is expired.');
}

/**
 * What follows a correct password: NEW_PASSWORD_REQUIRED for a user who must change it; SOFTWARE_TOKEN_MFA for a user
 * with a verified software token in a pool with MFA ON or OPTIONAL; MFA_SETUP for a user without one in a pool with MFA
 * ON ("If MFA is required and the user has no MFA factor, Cognito responds with MFA_SETUP", API_InitiateAuth,
 * ChallengeName); otherwise the tokens.
 */
function nextStep(ctx: Ctx, pool: PoolRecord, client: ClientRecord, user: UserRecord): Out<InitiateAuthCommandOutput> {
  const params = { USER_ID_FOR_SRP: user.Username };
  const challenge = (name: AuthSessionRecord['challenge'], extra: Record<string, string> = {}): Out<InitiateAuthCommandOutput> => ({
    ChallengeName: name, Session: openSession(ctx, pool, client, { username: user.Username, challenge: name }), ChallengeParameters: { ...params, ...extra },
  });
  if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') return challenge('NEW_PASSWORD_REQUIRED', { requiredAttributes: '[]', userAttributes: '{}' });
  const mode = pool.mfa.MfaConfiguration;
  if (user.softwareToken !== undefined && (mode === 'ON' || mode === 'OPTIONAL')) return challenge('SOFTWARE_TOKEN_MFA');
  if (mode === 'ON') {
    const can = pool.mfa.SoftwareTokenMfaConfiguration?.Enabled ? ['SOFTWARE_TOKEN_MFA'] : ['SMS_MFA'];
    return challenge('MFA_SETUP', { MFAS_CAN_SETUP: JSON.stringify(can) });
  }
  return { ChallengeParameters: {}, AuthenticationResult: tokensFor(ctx, pool, client, user) };
}

/** The password check both flows share: the flow allowed on the client, SECRET_HASH, the user and the password. */
function passwordSignIn(ctx: Ctx, pool: PoolRecord, client: ClientRecord, params: Record<string, string>, flow: 'USER_PASSWORD_AUTH' | 'ADMIN_USER_PASSWORD_AUTH'): Out<InitiateAuthCommandOutput> {
  const flows = client.ExplicitAuthFlows ?? [];
  if (!flows.includes(`ALLOW_${flow}`) && !flows.includes(flow === 'ADMIN_USER_PASSWORD_AUTH' ? 'ADMIN_NO_SRP_AUTH' : flow)) {
    // "USER_PASSWORD_AUTH flow not enabled for this client" / "Auth flow not enabled for this client" (amplify-js #3541, aws-cli #4917).
    fail('InvalidParameterException', flow === 'USER_PASSWORD_AUTH' ? 'USER_PASSWORD_AUTH flow not enabled for this client' : 'Auth flow not enabled for this client');
  }
  const username = params.USERNAME ?? '';
  checkSecretHash(client, username, params.SECRET_HASH);
  const user = findUser(pool, username);
  if (!user) {
    if (client.PreventUserExistenceErrors === 'LEGACY') fail('UserNotFoundException', 'User does not exist.');
    fail('NotAuthorizedException', 'Incorrect username or password.');
  }
  if (!user.Enabled) fail('NotAuthorizedException', 'User is disabled.');
  if (user.password === undefined || user.password !== params.PASSWORD) fail('NotAuthorizedException', 'Incorrect username or password.');
  return nextStep(ctx, pool, client, user);
}

/** RespondToAuthChallenge and its Admin twin: the session must be the one Cognito handed out, for this client and challenge. */
function respond(ctx: Ctx, input: RespondToAuthChallengeCommandInput, poolId?: string): Out<RespondToAuthChallengeCommandOutput> {
  const { pool, rec } = takeSession(ctx, input.Session);
  if (poolId !== undefined && pool.Id !== poolId) fail('NotAuthorizedException', 'Invalid session for the user.');
  const client = pool.clients[input.ClientId ?? ''];
  if (!client || client.ClientId !== rec.clientId) fail('NotAuthorizedException', 'Invalid session for the user.');
  if (input.ChallengeName !== rec.challenge) fail('InvalidParameterException', `Invalid challenge name: expected ${rec.challenge}`);
  const answers = input.ChallengeResponses ?? {};
  const user = pool.users[rec.username];
  if (!user) fail('UserNotFoundException', 'User does not exist.');
  checkSecretHash(client, answers.USERNAME ?? user.Username, answers.SECRET_HASH);
  switch (rec.challenge) {
    case 'NEW_PASSWORD_REQUIRED': {
      if (!answers.NEW_PASSWORD) fail('InvalidParameterException', 'Missing required parameter NEW_PASSWORD');
      user.password = answers.NEW_PASSWORD;
      user.UserStatus = 'CONFIRMED';
      return nextStep(ctx, pool, client, user);
    }
    case 'MFA_SETUP':
      // The tokens come only once VerifySoftwareToken accepted a code for this session's secret.
      if (!rec.verified) fail('InvalidParameterException', 'Software token MFA has not been set up: call AssociateSoftwareToken and VerifySoftwareToken with this session first.');
      return { ChallengeParameters: {}, AuthenticationResult: tokensFor(ctx, pool, client, user) };
    case 'SOFTWARE_TOKEN_MFA': {
      const code = answers.SOFTWARE_TOKEN_MFA_CODE ?? '';
      const step = user.softwareToken === undefined ? undefined : totpStep(user.softwareToken, code, ctx.now());
      // RFC 6238 §5.2: a code already accepted once is not accepted again. "Invalid code received for user" (amplify-js #3066).
      if (step === undefined || step <= (user.lastTotpStep ?? -1)) fail('CodeMismatchException', 'Invalid code received for user');
      user.lastTotpStep = step;
      return { ChallengeParameters: {}, AuthenticationResult: tokensFor(ctx, pool, client, user) };
    }
  }
}

export const authHandlers: Handlers = {
  /**
   * USER_PASSWORD_AUTH only, with Cognito's checks: the flow must be allowed on the client, a client with a secret
   * needs SECRET_HASH, the password must match; then the challenge the user and pool call for (nextStep).
   */
  InitiateAuth(ctx, input: InitiateAuthCommandInput): Out<InitiateAuthCommandOutput> {
    const { pool, client } = findClient(ctx.state.cognito.pools, input.ClientId);
    if (input.AuthFlow !== 'USER_PASSWORD_AUTH') fail('InvalidParameterException', `The fake supports USER_PASSWORD_AUTH only, not ${input.AuthFlow ?? 'none'}`);
    return passwordSignIn(ctx, pool, client, input.AuthParameters ?? {}, 'USER_PASSWORD_AUTH');
  },

  /** ADMIN_USER_PASSWORD_AUTH, which needs ALLOW_ADMIN_USER_PASSWORD_AUTH on the client (API_AdminInitiateAuth). */
  AdminInitiateAuth(ctx, input: AdminInitiateAuthCommandInput): Out<InitiateAuthCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const client = pool.clients[input.ClientId ?? ''];
    if (!client) fail('ResourceNotFoundException', `User pool client ${input.ClientId ?? ''} does not exist.`);
    if (input.AuthFlow !== 'ADMIN_USER_PASSWORD_AUTH') fail('InvalidParameterException', `The fake supports ADMIN_USER_PASSWORD_AUTH only, not ${input.AuthFlow ?? 'none'}`);
    return passwordSignIn(ctx, pool, client, input.AuthParameters ?? {}, 'ADMIN_USER_PASSWORD_AUTH');
  },

  RespondToAuthChallenge(ctx, input: RespondToAuthChallengeCommandInput): Out<RespondToAuthChallengeCommandOutput> {
    return respond(ctx, input);
  },

  AdminRespondToAuthChallenge(ctx, input: AdminRespondToAuthChallengeCommandInput): Out<RespondToAuthChallengeCommandOutput> {
    return respond(ctx, input, input.UserPoolId ?? '');
  },

  /**
   * With the MFA_SETUP session: a new base32 secret for the user's authenticator, and a new session
   * (API_AssociateSoftwareToken: "returns a unique generated shared secret key code for the user account").
   */
  AssociateSoftwareToken(ctx, input: AssociateSoftwareTokenCommandInput): Out<AssociateSoftwareTokenCommandOutput> {
    if (input.Session === undefined) fail('InvalidParameterException', 'The fake associates software tokens through the MFA_SETUP session only.');
    const { pool, rec } = takeSession(ctx, input.Session);
    if (rec.challenge !== 'MFA_SETUP') fail('NotAuthorizedException', 'Invalid session for the user.');
    // 32 base32 characters (160 bits), as Cognito's SecretCode; drawn from the fake's seeded generator.
    const secret = randomString(ctx.state, 32, BASE32_ALPHABET);
    const client = pool.clients[rec.clientId];
    if (!client) fail('NotAuthorizedException', 'Invalid session for the user.');
    return { SecretCode: secret, Session: openSession(ctx, pool, client, { username: rec.username, challenge: 'MFA_SETUP', secret }) };
  },

  /**
   * A wrong code: EnableSoftwareTokenMFAException "Code mismatch and fail enable Software Token MFA"
   * (aws-amplify-auth-starters #15; amplify-flutter #4532). A right one: the user's software token, and a session for
   * RespondToAuthChallenge MFA_SETUP.
   */
  VerifySoftwareToken(ctx, input: VerifySoftwareTokenCommandInput): Out<VerifySoftwareTokenCommandOutput> {
    if (input.Session === undefined) fail('InvalidParameterException', 'The fake verifies software tokens through the MFA_SETUP session only.');
    const { pool, rec } = takeSession(ctx, input.Session);
    const client = pool.clients[rec.clientId];
    const user = pool.users[rec.username];
    if (rec.challenge !== 'MFA_SETUP' || rec.secret === undefined || !client || !user) fail('NotAuthorizedException', 'Invalid session for the user.');
    const step = totpStep(rec.secret, input.UserCode ?? '', ctx.now());
    if (step === undefined) fail('EnableSoftwareTokenMFAException', 'Code mismatch and fail enable Software Token MFA');
    user.softwareToken = rec.secret;
    user.lastTotpStep = step;
    return { Status: 'SUCCESS', Session: openSession(ctx, pool, client, { username: rec.username, challenge: 'MFA_SETUP', secret: rec.secret, verified: true }) };
  },
};
