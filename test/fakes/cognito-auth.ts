import type { InitiateAuthCommandInput, InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { createHmac } from 'node:crypto';
import { fail } from './cognito-pools.js';
import { findUser } from './cognito-users.js';
import { randomString, LOWER_ALNUM, type Handlers, type Out } from './core.js';
import type { ClientRecord, PoolRecord, UserRecord } from './state.js';

/** A JWT-shaped token with the claims API Gateway's authorizer reads. Unsigned: real signatures are cognito-local's job. */
function token(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ kid: 'fake', alg: 'RS256' })}.${part(claims)}.fake-signature`;
}

function findClient(pools: Record<string, PoolRecord>, clientId: string | undefined): { pool: PoolRecord; client: ClientRecord } {
  for (const pool of Object.values(pools)) {
    const client = pool.clients[clientId ?? ''];
    if (client) return { pool, client };
  }
  fail('ResourceNotFoundException', `User pool client ${clientId ?? ''} does not exist.`);
}

function sub(u: UserRecord): string {
  return u.Attributes.find((a) => a.Name === 'sub')?.Value ?? u.Username;
}

export const authHandlers: Handlers = {
  /**
   * USER_PASSWORD_AUTH only, with Cognito's checks: the flow must be allowed on the client, a client with a secret
   * needs SECRET_HASH = base64(HMAC-SHA256(secret, USERNAME + clientId)), and the password must match. A user who must
   * change the password gets NEW_PASSWORD_REQUIRED; a pool with MFA ON asks for MFA_SETUP.
   */
  InitiateAuth(ctx, input: InitiateAuthCommandInput): Out<InitiateAuthCommandOutput> {
    const { pool, client } = findClient(ctx.state.cognito.pools, input.ClientId);
    if (input.AuthFlow !== 'USER_PASSWORD_AUTH') fail('InvalidParameterException', `The fake supports USER_PASSWORD_AUTH only, not ${input.AuthFlow ?? 'none'}`);
    const flows = client.ExplicitAuthFlows ?? [];
    if (!flows.includes('ALLOW_USER_PASSWORD_AUTH') && !flows.includes('USER_PASSWORD_AUTH')) {
      fail('InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client');
    }
    const params = input.AuthParameters ?? {};
    const username = params.USERNAME ?? '';
    if (client.ClientSecret !== undefined) {
      if (params.SECRET_HASH === undefined) fail('NotAuthorizedException', `Client ${client.ClientId} is configured with secret but SECRET_HASH was not received`);
      const expected = createHmac('sha256', client.ClientSecret).update(username + client.ClientId).digest('base64');
      if (params.SECRET_HASH !== expected) fail('NotAuthorizedException', `Unable to verify secret hash for client ${client.ClientId}`);
    }
    const user = findUser(pool, username);
    if (!user) {
      if (client.PreventUserExistenceErrors === 'LEGACY') fail('UserNotFoundException', 'User does not exist.');
      fail('NotAuthorizedException', 'Incorrect username or password.');
    }
    if (!user.Enabled) fail('NotAuthorizedException', 'User is disabled.');
    if (user.password === undefined || user.password !== params.PASSWORD) fail('NotAuthorizedException', 'Incorrect username or password.');
    const s = ctx.state;
    const session = randomString(s, 64, LOWER_ALNUM);
    const challengeParameters = { USER_ID_FOR_SRP: user.Username };
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') return { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeParameters: challengeParameters };
    if (pool.mfa.MfaConfiguration === 'ON') return { ChallengeName: 'MFA_SETUP', Session: session, ChallengeParameters: challengeParameters };
    const iat = Math.floor(ctx.now() / 1000);
    const common = { sub: sub(user), iss: `https://cognito-idp.${pool.Id.split('_')[0] ?? s.region}.amazonaws.com/${pool.Id}`, iat, exp: iat + 3600, auth_time: iat };
    const email = user.Attributes.find((a) => a.Name === 'email')?.Value;
    return {
      ChallengeParameters: {},
      AuthenticationResult: {
        IdToken: token({ ...common, aud: client.ClientId, token_use: 'id', 'cognito:username': user.Username, ...(email ? { email } : {}) }),
        AccessToken: token({ ...common, client_id: client.ClientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin', username: user.Username }),
        RefreshToken: randomString(s, 64, LOWER_ALNUM),
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      },
    };
  },
};
