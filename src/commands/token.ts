import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { Interrupted, UsageError } from '../errors.js';
import { decodeJwt } from '../verify/jwt.js';
import { loginWithHostedUi, openBrowser } from '../verify/hosted-ui.js';
import { describePool, readClientSecret, signIn, signInTokenUser, type Tokens } from '../verify/test-user.js';
import { triggersText } from '../aws/pool-triggers.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { readSecretLine } from './read-secret.js';
import type { Ui } from './env.js';
import type { StackTarget } from './stack-target.js';
import { clientCredentialsToken } from '../verify/client-credentials.js';
import type { MfaAnswers } from '../verify/sign-in.js';
import { otpauthUri } from '../verify/totp.js';
import { renderQr } from '../ui/qr.js';
import { isUtf8Locale } from '../ui/charset.js';
import { requireLocalLogin, requirePool, stackTarget } from './stack-target.js';
import { reachStack } from './stack-session.js';
import type { AwsClients } from '../aws/clients.js';
import { loadStack } from './stack-state.js';

export const tokenOptionsSchema = commonOptionsSchema.extend({
  username: z.string().min(1).optional(),
  passwordStdin: z.boolean().optional(),
  access: z.boolean().optional(),
  login: z.boolean().optional(),
  /** The 6-digit code of the user's authenticator app, for a pool with MFA (asked for on a terminal otherwise). */
  mfaCode: z.string().optional(),
  /** A client-credentials access token of the stack's machine client (custom scopes). */
  machine: z.boolean().optional(),
});
export type TokenOptions = z.infer<typeof tokenOptionsSchema>;

/**
 * Step 5: a token for a user of the pool, and nothing else on stdout, so `curl -H "Authorization: $(secure-api token)"` works.
 * --login: the hosted UI (code + PKCE); --username: that user (password from stdin or a prompt); neither: the stack's token user.
 */
export async function runToken(o: TokenOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  if (o.login && (o.username || o.passwordStdin)) throw new UsageError('--login signs in on the hosted UI: it takes no --username or --password-stdin');
  if (o.passwordStdin && !o.username) throw new UsageError('--password-stdin needs --username');
  if (o.mfaCode !== undefined && !/^\d{6}$/.test(o.mfaCode)) throw new UsageError(`--mfa-code "${o.mfaCode}" is not a 6-digit code`, 'Give the code your authenticator app shows now, like --mfa-code 123456.');
  if (o.machine && (o.login || o.username || o.mfaCode || o.access)) throw new UsageError('--machine gets the machine client\'s own access token: it takes no --login, --username, --mfa-code or --access');
  const ui = await makeUi(env, o.json);
  const t = stackTarget(o, env, await loadStack(o, env));
  const pool = requirePool(t);
  const login = o.login ? requireLocalLogin(t) : undefined;
  const { clients } = await reachStack(o, env, t.loaded.state, ui.reporter);
  if (o.machine) return machineToken(t, clients, env, ui);
  const r = ui.reporter;

  let tokens: Tokens;
  let who: string | undefined;
  if (login) {
    tokens = await loginWithHostedUi({
      baseUrl: login.baseUrl, clientId: pool.clientId, redirectUri: login.redirectUri, scopes: login.scopes,
      getClientSecret: () => readClientSecret(clients.cognito, pool),
      open: (url) => openBrowser(url, process.platform, env.env),
      signal: env.signal,
      onEvent: (e) => {
        if (e.type !== 'open-url') return;
        r.info(e.opened
          ? `Opened the hosted UI in your browser; sign in there. If no browser opened, open:\n  ${e.url}`
          : `Open this URL in a browser and sign in:\n  ${e.url}`);
        r.info(`Waiting for the login to come back to ${login.redirectUri} …`);
      },
    });
  } else if (o.username) {
    let password: string;
    if (o.passwordStdin) password = await readSecretLine(env.stdin, 'password');
    else if (env.stdin.isTTY === true && env.stderr.isTTY === true) password = await (await env.prompter()).password({ message: `Password for ${o.username}` });
    else throw new UsageError(`no password for ${o.username}: there is no terminal to ask on`, 'Pass it on standard input with --password-stdin.');
    if (env.signal.aborted) throw new Interrupted();
    tokens = await signIn(clients.cognito, pool, o.username, password, { mfa: await mfaAnswers(o, env, t.loaded.stack, o.username, t.reach) });
    who = o.username;
  } else {
    const facts = await describePool(clients.cognito, pool.userPoolId);
    // Your pool's Lambda triggers run for the token user's creation and each of its sign-ins (issue 25.7): said first.
    if (facts.triggers?.length) r.warn(`The token user sets off your pool's Lambda triggers: ${triggersText(facts.triggers)}.`);
    const s = await signInTokenUser(clients.cognito, pool, facts, { mfa: await mfaAnswers(o, env, t.loaded.stack, 'the token user', t.reach) });
    tokens = s;
    who = s.signInName;
    if (s.created) r.info(`Created the stack's token user ${s.signInName} (its password is random, reset on every run, never stored).`);
  }

  const token = o.access ? tokens.accessToken : tokens.idToken;
  if (!who) {
    const id = decodeJwt(tokens.idToken)?.claims;
    who = typeof id?.email === 'string' ? id.email : id?.['cognito:username'];
  }
  const exp = decodeJwt(token)?.claims.exp;
  const expiresAt = typeof exp === 'number' ? new Date(exp * 1000).toISOString() : undefined;
  if (ui.mode === 'json') {
    ui.json({ stack: t.loaded.stack, tokenUse: o.access ? 'access' : 'id', token, expiresAt, user: who });
  } else {
    env.stdout.write(`${token}\n`);
    r.info(`${o.access ? 'Access' : 'Id'} token${who ? ` for ${who}` : ''}${expiresAt ? `, valid until ${expiresAt}` : ''}.${o.access && t.methodScopes.length === 0
      ? ' Note: without OAuth scopes on the methods the API accepts only the id token.'
      : ' Send it raw: curl -H "Authorization: $TOKEN" URL'}`);
  }
  return 0;
}

/**
 * How `token` answers MFA: --mfa-code, or a question on a terminal. MFA_SETUP (the user has no authenticator yet):
 * the otpauth:// URI and its QR code on stderr, then the first code is asked for. Without a terminal, setup is refused.
 */
async function mfaAnswers(o: TokenOptions, env: CommandEnv, stack: string, who: string, reach = ''): Promise<MfaAnswers> {
  const tty = env.stdin.isTTY === true && env.stderr.isTTY === true;
  const ask = async (message: string): Promise<string> => {
    if (!tty) throw new UsageError(`${message}: there is no terminal to ask on`, 'Pass the code your authenticator app shows with --mfa-code.', 'NO_TTY');
    return (await env.prompter()).input({ message, validate: (v) => (/^\d{6}$/.test(v.trim()) ? undefined : 'six digits, as the app shows them') }).then((v) => v.trim());
  };
  return {
    code: async () => o.mfaCode ?? ask(`MFA code for ${who} (6 digits, from your authenticator app)`),
    setup: async (secret) => {
      if (!tty) throw new UsageError(`${who} has no authenticator app set up yet, and there is no terminal to show its QR code on`, `Run \`secure-api token${o.username ? ` --username ${o.username}` : ''} --stack ${stack}${reach}\` in a terminal once to set it up.`, 'MFA_SETUP_NEEDS_TTY');
      const account = o.username ?? 'token user';
      const uri = otpauthUri(secret, account, `secure-api ${stack}`);
      env.stderr.write(`\n${who} must set up an authenticator app (MFA is required). Scan this QR code with it:\n\n${renderQr(uri, { utf8: isUtf8Locale(env.env) })}\n\n`);
      env.stderr.write(`or add it by hand: ${uri}\n(secret ${secret}: shown once, never stored)\n\n`);
      return ask('The first 6-digit code the app shows');
    },
  };
}

/** `token --machine`: the machine client's client-credentials access token (its secret read from Cognito, never kept). */
async function machineToken(t: StackTarget, clients: AwsClients, env: CommandEnv, ui: Ui): Promise<number> {
  if (!t.machine) throw new UsageError(`stack "${t.loaded.stack}" has no machine client`, 'A stack whose methods require custom scopes (IDENTIFIER/NAME) gets one, unless made with --no-machine-client.', 'NO_MACHINE_CLIENT');
  if (!t.machine.tokenUrl) throw new UsageError(`stack "${t.loaded.stack}" has no domain, so no token endpoint for its machine client`, undefined, 'NO_TOKEN_ENDPOINT');
  const token = await clientCredentialsToken(clients.cognito, { userPoolId: requirePool(t).userPoolId, clientId: t.machine.clientId }, t.machine.tokenUrl, { signal: env.signal });
  const claims = decodeJwt(token)?.claims;
  const expiresAt = typeof claims?.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined;
  if (ui.mode === 'json') ui.json({ stack: t.loaded.stack, tokenUse: 'access', token, expiresAt, scopes: String(claims?.scope ?? '').split(' ').filter(Boolean), user: null });
  else {
    env.stdout.write(`${token}\n`);
    ui.reporter.info(`Access token of the machine client (client credentials, scopes ${String(claims?.scope ?? '')})${expiresAt ? `, valid until ${expiresAt}` : ''}. Send it raw: curl -H "Authorization: $TOKEN" URL`);
  }
  return 0;
}
