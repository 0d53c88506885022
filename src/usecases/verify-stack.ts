/**
 * The verify use case (steps 5–6 on a recorded stack): a temporary user, its tokens, the HTTP checks, what each stage
 * serves; the outcome is data, rendered by commands/verify.ts (and by init after it creates a stack).
 */
import { AwsFailure, Interrupted } from '../errors.js';
import type { AwsClients } from '../aws/clients.js';
import type { DriftChange } from '../plan/changes.js';
import { stagePolicyRows } from '../verify/stage-rows.js';
import { runChecks, sortRows, verdictOf, type CheckEvent, type CheckReport, type CheckRow, type RouteTarget } from '../verify/checks.js';
import { apiKeyNeed, type ApiKeyNeed } from '../verify/api-key.js';
import { outputsOf } from '../engine/run-support.js';
import { restApiIdOf } from '../resources/refs.js';
import { clientCredentialsToken } from '../verify/client-credentials.js';
import { isCustomScope } from '../config/scopes.js';
import { whoGetsIn } from '../plan/who-gets-in.js';
import { triggersText, type FiredTrigger } from '../aws/pool-triggers.js';
import { describePool, withTestUser, type CognitoSender, type TestUserEvent } from '../verify/test-user.js';
import { abortableSleep, makeCtx, type CommandEnv, type Ui } from '../commands/env.js';
import { requirePool, routeTargets, type StackTarget } from '../commands/stack-target.js';

export interface VerifyOutcome {
  stack: string;
  /** What printed commands need beside --stack to reach this stack (StackTarget.reach). */
  reach?: string | undefined;
  baseUrl: string;
  report: CheckReport;
  testUser: { username: string; signInName: string; removed: boolean };
  /** Why the checks that need a token did not run (a pool that requires MFA), when they did not. */
  skipped?: string | undefined;
  /** Who can call the secured routes: the pool's self sign-up, as it is now, and that any client of it is accepted. */
  access?: { selfSignUp: boolean | undefined; existingPool: boolean; lines: string[]; restricted?: Array<{ path: string; methods: string[]; groups: string[] }> } | undefined;
  /** The pool's Lambda triggers a test user sets off (issue 25.7), and whether one was made (--allow-triggers). */
  triggers?: { fired: FiredTrigger[]; allowed: boolean } | undefined;
}

/** Steps 5–6 on a loaded stack: a temporary user, its tokens, the HTTP checks; the user is removed whatever happens. `init` calls this too. */
export async function verifyStack(t: StackTarget, cognito: CognitoSender, env: CommandEnv, ui: Ui, o: VerifyRun = {}): Promise<VerifyOutcome> {
  const outcome = await proveRoutes(t, cognito, env, ui, o);
  const policy = o.stagePolicy ? stagePolicyRows(await o.stagePolicy(), (t.loaded.state.config.stage as { name?: string } | undefined)?.name ?? '?', !t.loaded.state.config.existingApi) : [];
  if (!policy.length && !o.readOnly) return outcome;
  // What every stage serves, judged against the policy: rows of their own, in the same verdict.
  const rows = sortRows([...outcome.report.rows, ...policy]);
  return { ...outcome, report: { ...outcome.report, rows, verdict: o.readOnly ? readOnlyVerdict(rows) : verdictOf(rows, { unproven: outcome.report.verdict.unproven }) } };
}

/** --read-only made no call with a token on purpose: the 2xx is not asked for, and the verdict says it was not shown. */
function readOnlyVerdict(rows: CheckRow[]): CheckReport['verdict'] {
  const v = verdictOf(rows);
  return v.ok ? { ...v, summary: `read-only: ${v.summary}; no 2xx with a token was shown (no user was created)` } : v;
}

/** How verify runs: keep the test user, or create none (--read-only); the stage policy's drift, for a stack on someone's API. */
export interface VerifyRun {
  keepUser?: boolean | undefined;
  readOnly?: boolean | undefined;
  /** Make the test user on a pool with Lambda triggers it sets off (they run your code). @default false */
  allowTriggers?: boolean | undefined;
  stagePolicy?: (() => Promise<DriftChange[]>) | undefined;
  /** The methods the stage serves with apiKeyRequired and the key to send them (../verify/api-key.ts). */
  apiKeys?: (() => Promise<ApiKeyNeed>) | undefined;
}

/** Each route method the stage serves with apiKeyRequired gets the key, or why there is none. */
export function withApiKeys(routes: RouteTarget[], need: ApiKeyNeed | undefined): RouteTarget[] {
  if (!need?.required.size) return routes;
  return routes.map((r) => {
    if (!need.required.has(`${r.method} ${r.path}`)) return r;
    return { ...r, apiKey: need.key !== undefined ? { value: need.key } : { missing: need.missing?.why ?? 'no API key was found', how: need.missing?.how ?? 'a key of a usage plan bound to the stage' } };
  });
}

const READ_ONLY = 'read-only: no test user was created (--read-only), so no call with a token was made';

async function proveRoutes(t: StackTarget, cognito: CognitoSender, env: CommandEnv, ui: Ui, o: VerifyRun): Promise<VerifyOutcome> {
  const pool = o.readOnly ? t.pool : requirePool(t);
  const keys = o.apiKeys ? await o.apiKeys() : undefined;
  const routes = withApiKeys(routeTargets(t), keys);
  const r = ui.reporter;
  if (keys?.unread) r.warn(`Could not read which methods of stage ${(t.loaded.state.config.stage as { name?: string } | undefined)?.name ?? '?'} require an API key (${keys.unread}): none is sent, and a method that requires one answers 403.`);
  let user: VerifyOutcome['testUser'] | undefined;
  const onUser = (e: TestUserEvent): void => {
    switch (e.type) {
      case 'user-created':
        user = { username: e.username, signInName: e.signInName, removed: false };
        r.info(`Test user ${e.signInName} created`);
        break;
      case 'signed-in':
        if (e.challenges.includes('MFA_SETUP')) {
          r.info(`Signed in with ${e.flow}: MFA_SETUP answered (authenticator set up with an RFC 6238 code); signing in again, which must ask for a code`);
          break;
        }
        r.info(`Signed in with ${e.flow}${e.challenges.includes('SOFTWARE_TOKEN_MFA') ? ', SOFTWARE_TOKEN_MFA answered with a fresh code' : ''}; checking ${routes.length} method${routes.length === 1 ? '' : 's'} on ${t.routes.length} route${t.routes.length === 1 ? '' : 's'} at ${t.baseUrl}`);
        break;
      case 'user-deleted':
        if (user) user.removed = true;
        r.info(`Test user ${user?.signInName ?? e.username} removed`);
        break;
      case 'user-kept':
        r.info(`Test user kept (--keep-user): ${e.signInName}, password ${e.password} (shown once; remove it with \`secure-api users remove ${e.signInName} --stack ${t.loaded.stack}${t.reach}\`)`);
        break;
      case 'joined-groups':
        r.info(`Test user put in group${e.groups.length === 1 ? '' : 's'} ${e.groups.join(', ')} (AdminAddUserToGroup); signing in again for a token that carries cognito:groups`);
        break;
      case 'left-groups':
        r.info(`Test user taken out of ${e.groups.join(', ')} again`);
        break;
      case 'leave-groups-failed':
        r.warn(`The test user ${e.username} could not be taken out of ${e.groups.join(', ')} (${e.message}).`);
        break;
      case 'stale-user-removed':
        r.info(`Removed ${e.signInName}, a test user a stopped run had left`);
        break;
      case 'user-delete-failed':
        r.warn(`The test user ${e.username} could not be removed (${e.message}). Remove it with \`secure-api users remove ${e.username} --stack ${t.loaded.stack}${t.reach}\`.`);
        break;
    }
  };
  let lastWait = -Infinity;
  const deployedAt = Date.parse(t.loaded.state.nodes.deployment?.updatedAt ?? '');
  // The machine client's token is fetched once the pool's triggers are known (a pre token generation trigger runs for it).
  let machine: { machineToken?: string; machineTokenMissing?: string } = {};
  const checkOptions = (tokens?: { idToken: string; accessToken: string }, tokensSkipped?: string, tokensSkippedCommand?: string) => ({
    ...(tokens ? { tokens } : {}),
    ...(tokensSkipped ? { tokensSkipped } : {}),
    ...(tokensSkippedCommand ? { tokensSkippedCommand } : {}),
    ...machine,
    stackArgs: ` --stack ${t.loaded.stack}${t.reach}`,
    // Five minutes after the deployment, propagation is over: an answer that repeats is the answer.
    deploymentLive: Number.isFinite(deployedAt) && env.now() - deployedAt > DEPLOYMENT_SETTLED_MS,
    sleep: abortableSleep(env),
    now: env.now,
    signal: env.signal,
    expectedIssuer: t.outputs.issuer,
    clientId: pool?.clientId,
    onEvent: (e: CheckEvent) => {
      if (e.type === 'settled') {
        r.info(`  ${e.method} ${e.route}: ${e.reason}`);
        return;
      }
      if (e.type !== 'waiting' || env.now() - lastWait < 2_000) return;
      lastWait = env.now();
      r.info(`  waiting for the deployment to answer: ${e.reason} (${Math.round(e.elapsedMs / 1000)}s of up to ${Math.round(e.limitMs / 1000)}s)`);
    },
  });
  const noUser = { username: '', signInName: '', removed: false };
  if (o.readOnly || !pool) {
    r.info(`Read-only: checking ${routes.length} method${routes.length === 1 ? '' : 's'} at ${t.baseUrl} without a token and with a forged one; no user is created`);
    return { stack: t.loaded.stack, reach: t.reach, baseUrl: t.baseUrl ?? '', report: await runChecks(routes, checkOptions(undefined, READ_ONLY)), testUser: noUser, skipped: READ_ONLY };
  }
  const existingPool = t.loaded.state.nodes.pool?.kind === 'existing-user-pool';
  let access: VerifyOutcome['access'];
  try {
    // The pool as it is now: the test user's attributes and password, and who else can get in (issue 25.5).
    const facts = await describePool(cognito, pool.userPoolId);
    const restricted = t.routes.filter((x) => !x.public && x.groups?.length).map((x) => ({ path: x.path, methods: x.methods, groups: x.groups ?? [] }));
    access = { selfSignUp: facts.selfSignUp, existingPool, lines: whoGetsIn({ selfSignUp: facts.selfSignUp, existingPool, restricted }), ...(restricted.length ? { restricted } : {}) };
    // The pool's triggers run for a new user and each sign-in (issue 25.7): your code, so never set off unasked.
    const fired = facts.triggers ?? [];
    const triggers = fired.length ? { fired, allowed: o.allowTriggers === true } : undefined;
    if (fired.length && !o.allowTriggers) {
      const reason = `the pool's Lambda triggers would run for a test user (${triggersText(fired)})`;
      // Cognito runs a pre token generation trigger (event version 3) for client-credentials tokens too
      // (developer guide, "Pre token generation Lambda trigger": TokenGeneration_ClientCredentials): unasked, no token.
      const preToken = fired.filter((f) => f.trigger.startsWith('PreTokenGeneration'));
      machine = preToken.length
        ? (t.machine ? { machineTokenMissing: `a machine client token (your pool's ${triggersText(preToken)} trigger may run for it: --allow-triggers)` } : {})
        : await machineTokenFor(t, cognito, env, r);
      r.warn(`No test user: your pool runs ${triggersText(fired)} for a new user and its sign-in. Checking what needs no token only; --allow-triggers lets the test user set them off.`);
      const report = await runChecks(routes, checkOptions(undefined, reason, `secure-api verify --allow-triggers --stack ${t.loaded.stack}${t.reach}`));
      return {
        stack: t.loaded.stack, reach: t.reach, baseUrl: t.baseUrl ?? '', report, testUser: noUser, access, triggers,
        skipped: `The checks with a token were skipped: ${reason}. To prove them, let it run them: \`secure-api verify --allow-triggers --stack ${t.loaded.stack}${t.reach}\`.`,
      };
    }
    if (fired.length) r.info(`The test user sets off your pool's Lambda triggers (--allow-triggers): ${triggersText(fired)}`);
    machine = await machineTokenFor(t, cognito, env, r);
    const report = await withTestUser(cognito, pool, (s) => runChecks(routes, {
      ...checkOptions({ idToken: s.idToken, accessToken: s.accessToken }), ...(s.joinGroups ? { joinGroups: s.joinGroups } : {}),
    }), {
      keepUser: o.keepUser, onEvent: onUser, signal: env.signal, now: env.now, sleep: abortableSleep(env), facts,
    });
    return { stack: t.loaded.stack, reach: t.reach, baseUrl: t.baseUrl ?? '', report, testUser: user ?? noUser, access, triggers };
  } catch (err) {
    if (err instanceof AwsFailure && err.code === 'AUTH_CHALLENGE' && !env.signal.aborted) {
      // A pool that requires MFA (or another challenge) lets no user sign in unattended: prove what needs no token.
      if (env.reach?.command) err.nameCommands(env.reach.command);
      const skipped = `The checks with a token were skipped: ${err.message}. ${err.hint ?? ''}`.trim();
      r.warn(`${err.message}: checking what needs no token only.`);
      const report = await runChecks(routes, checkOptions(undefined, /MFA/i.test(err.message) ? 'the pool requires an MFA the test user cannot answer unattended' : 'the test user could not sign in'));
      return { stack: t.loaded.stack, reach: t.reach, baseUrl: t.baseUrl ?? '', report, testUser: user ?? noUser, skipped, access };
    }
    if (env.signal.aborted) {
      const left = user !== undefined && !user.removed && !o.keepUser;
      throw new Interrupted('Interrupted during verify.', left ? `The test user ${user?.signInName} may be left: \`secure-api users remove ${user?.signInName} --stack ${t.loaded.stack}${t.reach}\`.` : undefined);
    }
    throw err;
  }
}

/** The machine client's token for the scoped methods, or why there is none (the methods it alone could prove are then unproven). */
async function machineTokenFor(t: StackTarget, cognito: CognitoSender, env: CommandEnv, r: Ui['reporter']): Promise<{ machineToken?: string; machineTokenMissing?: string }> {
  if (!t.routes.some((x) => !x.public) || !t.methodScopes.some(isCustomScope)) return {};
  if (!t.machine) return { machineTokenMissing: 'a machine client (the stack has none: --machine-client adds one)' };
  if (!t.machine.tokenUrl) return { machineTokenMissing: 'a machine client token (the pool has no domain for the token endpoint)' };
  try {
    const machineToken = await clientCredentialsToken(cognito, { userPoolId: requirePool(t).userPoolId, clientId: t.machine.clientId }, t.machine.tokenUrl, { signal: env.signal });
    r.info(`Client-credentials token of the machine client from ${t.machine.tokenUrl}`);
    return { machineToken };
  } catch (err) {
    if (env.signal.aborted) throw err;
    r.warn(`No client-credentials token: ${(err as Error).message}`);
    return { machineTokenMissing: `a machine client token (${(err as Error).message})` };
  }
}

const DEPLOYMENT_SETTLED_MS = 5 * 60_000;

/**
 * The drift of the stack's publishers (what every stage serves, against the policy), read as status reads it: on
 * someone's API and on the stack's own API alike. A state whose deployment recorded no policy (made before it) has
 * none to judge, and gets no rows rather than a ✓ it did not check.
 */
export function stagePolicyOf(t: StackTarget, clients: AwsClients, env: CommandEnv, ui: Ui): (() => Promise<DriftChange[]>) | undefined {
  const { state } = t.loaded;
  const ownPolicy = (state.nodes.deployment?.spec as { policy?: unknown } | undefined)?.policy !== undefined;
  if (!state.config.existingApi && !ownPolicy) return undefined;
  return async () => {
    const { readAll } = await import('../engine/engine.js');
    const ctx = makeCtx(env, clients, { region: state.region, account: state.account, stack: state.stack, owner: state }, ui.reporter);
    const read = await readAll({ ctx, store: { state }, only: (h) => h.publishes === true });
    return read.flatMap((r) => (r.observed.state === 'drifted' ? r.observed.drift : r.observed.state === 'error' ? [{ path: 'served.unchecked', before: null, after: r.observed.message, context: { stage: r.out.stageName ?? '?' } }] : []));
  };
}

/**
 * The stage's methods that require an API key, and a key of a usage plan bound to the stage (../verify/api-key.ts),
 * read when the proof starts; the key is held in memory for the run only.
 */
export function apiKeysOf(t: StackTarget, clients: AwsClients): () => Promise<ApiKeyNeed> {
  const { state } = t.loaded;
  const stage = (state.config.stage as { name?: string } | undefined)?.name ?? '';
  return () => apiKeyNeed(clients.apigateway, { restApiId: restApiIdOf(outputsOf(state.nodes)), stage, region: state.region });
}
