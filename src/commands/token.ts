import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { Interrupted, UsageError } from '../errors.js';
import { decodeJwt } from '../verify/jwt.js';
import { loginWithHostedUi, openBrowser } from '../verify/hosted-ui.js';
import { readClientSecret, signIn, signInTokenUser, type Tokens } from '../verify/test-user.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { readSecretLine } from './read-secret.js';
import { requireLocalLogin, requirePool, stackTarget } from './stack-target.js';
import { reachStack } from './stack-session.js';
import { loadStack } from './stack-state.js';

export const tokenOptionsSchema = commonOptionsSchema.extend({
  username: z.string().min(1).optional(),
  passwordStdin: z.boolean().optional(),
  access: z.boolean().optional(),
  login: z.boolean().optional(),
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
  const ui = await makeUi(env, o.json);
  const t = stackTarget(o, env, await loadStack(o, env));
  const pool = requirePool(t);
  const login = o.login ? requireLocalLogin(t) : undefined;
  const { clients } = await reachStack(o, env, t.loaded.state, ui.reporter);
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
    tokens = await signIn(clients.cognito, pool, o.username, password);
    who = o.username;
  } else {
    const s = await signInTokenUser(clients.cognito, pool);
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
