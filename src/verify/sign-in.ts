import {
  AdminInitiateAuthCommand, AdminRespondToAuthChallengeCommand, AssociateSoftwareTokenCommand, InitiateAuthCommand,
  RespondToAuthChallengeCommand, VerifySoftwareTokenCommand, type AuthenticationResultType, type ChallengeNameType,
} from '@aws-sdk/client-cognito-identity-provider';
import { toAwsFailure } from '../aws/errors.js';
import { AwsFailure, type HintText } from '../errors.js';
import { secretHash } from './secret-hash.js';
import { msUntilNextStep, TOTP_STEP_SECONDS, totp } from './totp.js';
import type { CognitoSender, PoolRef, Tokens } from './test-user.js';

/** A software token (TOTP) secret secure-api holds in memory for a user it made; `lastStep` is the last code's step, never sent twice. */
export interface MfaDevice {
  secret: string;
  lastStep?: number;
}

/** How a sign-in answers MFA: a device secure-api holds (its test user), or a person typing codes (`token`). */
export interface MfaAnswers {
  /** Answer SOFTWARE_TOKEN_MFA with codes from this secret, and keep the secret MFA_SETUP associates here. */
  device?: MfaDevice;
  /** MFA_SETUP: the new secret is shown to the person, who answers with the first code. */
  setup?: (secret: string) => Promise<string>;
  /** SOFTWARE_TOKEN_MFA: the person's current code. */
  code?: () => Promise<string>;
}

export interface SignInOptions {
  mfa?: MfaAnswers;
  /** For TOTP codes and waiting for the next 30-second step. @default Date.now */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SignInResult extends Tokens {
  /** ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth, the default), or USER_PASSWORD_AUTH for a client that allows only that. */
  flow: 'ADMIN_USER_PASSWORD_AUTH' | 'USER_PASSWORD_AUTH';
  /** The challenges answered on the way, in order (MFA_SETUP, SOFTWARE_TOKEN_MFA). */
  challenges: ChallengeNameType[];
}

const challengeFailure = (name: string, hint?: HintText): AwsFailure =>
  new AwsFailure(`Cognito asked for the ${name} challenge instead of returning tokens`, { hint, code: 'AUTH_CHALLENGE' });

/**
 * Sign a user in with a password: AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH (so the app client needs no
 * ALLOW_USER_PASSWORD_AUTH), falling back to InitiateAuth USER_PASSWORD_AUTH for a client that allows only that; then
 * answer MFA: MFA_SETUP (AssociateSoftwareToken → VerifySoftwareToken with an RFC 6238 code → the tokens) and
 * SOFTWARE_TOKEN_MFA. `clientSecret` (when the client has one) is used for SECRET_HASH only.
 */
export async function passwordSignIn(
  cognito: CognitoSender, pool: PoolRef, signInName: string, password: string, clientSecret: string | undefined, o: SignInOptions = {},
): Promise<SignInResult> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const hash = (user: string): Record<string, string> => (clientSecret !== undefined ? { SECRET_HASH: secretHash(user, pool.clientId, clientSecret) } : {});
  const params = { USERNAME: signInName, PASSWORD: password, ...hash(signInName) };
  let flow: SignInResult['flow'] = 'ADMIN_USER_PASSWORD_AUTH';
  let out: { ChallengeName?: ChallengeNameType | undefined; Session?: string | undefined; ChallengeParameters?: Record<string, string> | undefined; AuthenticationResult?: AuthenticationResultType | undefined };
  try {
    out = await cognito.send(new AdminInitiateAuthCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: params }));
  } catch (err) {
    if (!/auth flow not enabled/i.test((err as Error | undefined)?.message ?? '')) throw signInFailure(err, 'AdminInitiateAuth');
    flow = 'USER_PASSWORD_AUTH';
    try {
      out = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: params }));
    } catch (err2) {
      throw signInFailure(err2, 'InitiateAuth');
    }
  }
  const respond = async (name: ChallengeNameType, session: string | undefined, user: string, answers: Record<string, string>) => {
    const ChallengeResponses = { USERNAME: user, ...answers, ...hash(user) };
    try {
      return flow === 'ADMIN_USER_PASSWORD_AUTH'
        ? await cognito.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId, ChallengeName: name, Session: session, ChallengeResponses }))
        : await cognito.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: name, Session: session, ChallengeResponses }));
    } catch (err) {
      throw signInFailure(err, flow === 'ADMIN_USER_PASSWORD_AUTH' ? 'AdminRespondToAuthChallenge' : 'RespondToAuthChallenge');
    }
  };
  /** A code for the device, waiting for the next 30-second step when its current one was used already. */
  const deviceCode = async (device: MfaDevice): Promise<string> => {
    const step = (): number => Math.floor(now() / 1000 / TOTP_STEP_SECONDS);
    if (device.lastStep !== undefined && step() <= device.lastStep) await sleep(msUntilNextStep(now()) + 50);
    device.lastStep = step();
    return totp(device.secret, now());
  };
  const challenges: ChallengeNameType[] = [];
  for (let round = 0; out.ChallengeName && round < 4; round++) {
    const name = out.ChallengeName;
    challenges.push(name);
    const user = out.ChallengeParameters?.USER_ID_FOR_SRP ?? signInName;
    if (name === 'MFA_SETUP') {
      const can = out.ChallengeParameters?.MFAS_CAN_SETUP ?? '["SOFTWARE_TOKEN_MFA"]';
      if (!can.includes('SOFTWARE_TOKEN_MFA') || (!o.mfa?.device && !o.mfa?.setup)) {
        throw challengeFailure(name, can.includes('SOFTWARE_TOKEN_MFA')
          ? (cmd) => `The user must set up an authenticator app first: \`${cmd('token --username NAME')}\` shows the QR code and asks for the first code.`
          : (cmd) => `The pool offers only SMS MFA, which cannot be answered unattended: sign in on the hosted UI (\`${cmd('token --login')}\`).`);
      }
      let secret: string;
      let session: string | undefined;
      try {
        const assoc = await cognito.send(new AssociateSoftwareTokenCommand({ Session: out.Session }));
        secret = assoc.SecretCode ?? '';
        session = assoc.Session;
      } catch (err) {
        throw toAwsFailure(err, 'AssociateSoftwareToken');
      }
      let code: string;
      if (o.mfa.device) {
        o.mfa.device.secret = secret;
        o.mfa.device.lastStep = undefined;
        code = await deviceCode(o.mfa.device);
      } else code = await o.mfa.setup!(secret);
      try {
        session = (await cognito.send(new VerifySoftwareTokenCommand({ Session: session, UserCode: code, FriendlyDeviceName: 'secure-api' }))).Session;
      } catch (err) {
        const f = toAwsFailure(err, 'VerifySoftwareToken');
        throw f.awsName === 'EnableSoftwareTokenMFAException'
          ? new AwsFailure(`The code ${code} did not match the new authenticator secret`, { hint: 'Check the device\'s clock, then sign in again and enter the code shown now.', awsName: f.awsName, code: 'MFA_CODE_MISMATCH', cause: err })
          : f;
      }
      out = await respond(name, session, user, {});
    } else if (name === 'SOFTWARE_TOKEN_MFA') {
      const code = o.mfa?.device ? await deviceCode(o.mfa.device) : o.mfa?.code ? await o.mfa.code() : undefined;
      if (code === undefined) throw challengeFailure(name, (cmd) => `Give the 6-digit code of the authenticator app with --mfa-code, or run \`${cmd('token')}\` in a terminal to be asked for it.`);
      out = await respond(name, out.Session, user, { SOFTWARE_TOKEN_MFA_CODE: code });
    } else {
      throw challengeFailure(name, name.includes('MFA')
        ? (cmd) => `This MFA challenge cannot be answered here: sign in on the hosted UI (\`${cmd('token --login')}\`).`
        : undefined);
    }
  }
  const idToken = out.AuthenticationResult?.IdToken;
  const accessToken = out.AuthenticationResult?.AccessToken;
  if (!idToken || !accessToken) throw new AwsFailure(`${flow === 'ADMIN_USER_PASSWORD_AUTH' ? 'AdminInitiateAuth' : 'InitiateAuth'} returned no tokens`);
  return { idToken, accessToken, flow, challenges };
}

function signInFailure(err: unknown, call: string): AwsFailure {
  const failure = toAwsFailure(err, call);
  const message = (err as { message?: string } | undefined)?.message ?? '';
  if (/USER_PASSWORD_AUTH|auth flow not enabled/i.test(message)) {
    return new AwsFailure(failure.message, { hint: (cmd) => `The app client allows neither ALLOW_ADMIN_USER_PASSWORD_AUTH nor ALLOW_USER_PASSWORD_AUTH; add ALLOW_ADMIN_USER_PASSWORD_AUTH to its auth flows, or use \`${cmd('token --login')}\` (hosted UI).`, awsName: failure.awsName, cause: err });
  }
  if (/SECRET_HASH/i.test(message)) {
    return new AwsFailure(failure.message, { hint: 'The client has a secret and the SECRET_HASH did not match; check that the client id in the state file is current.', awsName: failure.awsName, cause: err });
  }
  if (failure.awsName === 'CodeMismatchException') {
    return new AwsFailure(failure.message, { hint: 'The code was wrong or already used: wait for the next code of the authenticator app and try again.', awsName: failure.awsName, code: 'MFA_CODE_MISMATCH', cause: err });
  }
  return failure;
}
