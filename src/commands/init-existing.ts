import { partitionOf } from '../aws/region.js';
import { authText, completeExisting, openedBy, poolSettingsText, type ExistingFacts, type SecureEdits } from '../config/existing.js';
import { parseRouteFlag } from '../config/flags.js';
import type { Prompter } from '../ui/prompter.js';
import type { StackConfig, StackConfigInput } from '../config/schema.js';
import { Cancelled, UsageError } from '../errors.js';
import { buildPlan } from '../plan/build.js';
import { existingPoolNodes } from '../plan/build-existing.js';
import { triggersText } from '../aws/pool-triggers.js';
import type { Plan } from '../plan/specs.js';
import { listRestApis, listUserPools, lookupRestApi, lookupUserPool } from '../resources/existing-lookup.js';
import type { StateFile } from '../state/schema.js';
import { endpointOf, makeClients, type CommandEnv } from './env.js';
import type { InitOptions } from './init-options.js';
import { checkCaller, recordedTarget } from './stack-session.js';

/**
 * init --api-id / --user-pool-id (issue 12): read what exists (reads only), check the answers against it and
 * complete the configuration from it. A wrong id, path, method or stage is a usage error naming what exists.
 */
export async function withExisting(
  input: StackConfigInput, config: StackConfig, existing: StateFile | undefined, o: InitOptions, env: CommandEnv,
  resolve: (i: StackConfigInput) => StackConfig, prompter?: Prompter,
): Promise<{ config: StackConfig; plan: Plan; facts: ExistingFacts }> {
  const edits: SecureEdits = {
    add: (o.secureAdd ?? []).map((v) => parseRouteFlag(v, '--secure-add')),
    remove: (o.secureRemove ?? []).map((v) => parseRouteFlag(v, '--secure-remove')),
  };
  if (edits.add.length + edits.remove.length > 0) {
    if (!config.existingApi) throw new UsageError('--secure-add and --secure-remove change which methods of an existing API a stack secures: this stack has no --api-id (a new API takes --route)', undefined, 'NOT_EXISTING_API');
    if ((o.flagConfig?.existingApi as { secure?: unknown } | undefined)?.secure !== undefined) throw new UsageError('--secure is the whole list of secured methods; --secure-add and --secure-remove change the recorded list one method at a time: give one or the other');
  }
  if (config.existingApi && o.route?.length) {
    throw new UsageError('--route adds routes to a new API; an existing API keeps its own (choose which of its methods to secure with --secure)', undefined, 'ROUTE_ON_EXISTING_API');
  }
  // On a recorded stack these reads are its first calls: the state's target, checked first (exit 2 elsewhere).
  const clients = makeClients(env, { region: config.region, profile: o.profile, endpointUrl: existing ? recordedTarget(o, env, existing).endpointUrl : endpointOf(o, env.env) });
  if (existing) await checkCaller(clients, existing, o.profile);
  const [api, pool] = await Promise.all([
    config.existingApi ? lookupRestApi(clients, config.existingApi.id) : undefined,
    config.existingPool ? lookupUserPool(clients, config.existingPool.id) : undefined,
  ]);
  if (config.existingApi && !api) {
    const here = await listRestApis(clients);
    throw new UsageError(`there is no REST API ${config.existingApi.id} in ${config.region}; the REST APIs there: ${here.map((a) => `${a.name} (${a.id})`).join(', ') || 'none'}`,
      'Check the id (the console shows it beside the API\'s name); if the API is in another region, add --region.', 'NO_SUCH_API');
  }
  if (config.existingPool && !pool) {
    const here = await listUserPools(clients);
    throw new UsageError(`there is no user pool ${config.existingPool.id} in ${config.region}; the user pools there: ${here.map((p) => `${p.name} (${p.id})`).join(', ') || 'none'}`,
      'Check the id; a pool id starts with its region (us-east-1_…): if it is another region, add --region.', 'NO_SUCH_POOL');
  }
  const facts: ExistingFacts = { api, pool };
  const done = resolve(completeExisting(input, facts, existing?.config, edits));
  // A shorter --secure list opens what it leaves out: asked, never assumed (a teammate's list may simply be old).
  const named = new Set(edits.remove.flatMap((e) => e.methods.map((m) => `${m} ${e.path}`)));
  const opened = openedBy(existing?.config, done).filter((k) => !named.has(k));
  // `plan` passes no prompter: it only shows what the change opens.
  if (opened.length && prompter) {
    const list = opened.join(', ');
    const open = `${opened.length === 1 ? 'it' : 'them'} (no token needed)`;
    if (!prompter.interactive || o.yes) {
      throw new UsageError(`--secure leaves out ${list}, which stack ${done.stack} secures now: this change would open ${open}`,
        `To open ${opened.length === 1 ? 'it' : 'them'} on purpose, name each: ${opened.map((k) => `--secure-remove "${k}"`).join(' ')}; to keep ${opened.length === 1 ? 'it' : 'them'} secured, add ${opened.length === 1 ? 'it' : 'them'} to --secure (or use --secure-add for one more).`, 'WOULD_OPEN_METHODS');
    }
    const ok = await prompter.confirm({ message: `This opens ${list} (secured now): anyone can call ${opened.length === 1 ? 'it' : 'them'} without a token. Open ${opened.length === 1 ? 'it' : 'them'}?`, default: false });
    if (!ok) throw new Cancelled(`Cancelled: ${list} stay${opened.length === 1 ? 's' : ''} secured; nothing was changed.`);
  }
  return { config: done, plan: buildPlan(done, partitionOf(done.region)), facts };
}

/** What the plan says about the existing API and pool: what is secured, what is left alone, what was taken from the pool. */
export function existingSummary(facts: ExistingFacts, config: StackConfig, run: { allowTriggers?: boolean | undefined } = {}): string[] {
  const lines: string[] = [];
  const { api, pool } = facts;
  if (api && config.existingApi) {
    const chosen = new Set((config.existingApi.secure ?? []).flatMap((s) => s.methods.map((m) => `${m} ${s.path}`)));
    lines.push(`Securing the existing REST API ${api.name} (${api.id}, ${api.endpointTypes.join(',')}), deploying its stage ${config.stage.name}:`);
    for (const m of api.methods) {
      const key = `${m.method} ${m.path}`;
      const what = chosen.has(key) ? `${authText(m)} → COGNITO_USER_POOLS ${config.authorizer.name}` : m.method === 'OPTIONS' ? 'left open (preflight)' : `left alone (${authText(m)})`;
      lines.push(`  ${chosen.has(key) ? '~' : ' '} ${key.padEnd(28)} ${what}`);
      if (chosen.has(key) && m.authorizationType !== 'NONE') {
        lines.push(`    ! replaces its ${authText(m)} authorization: callers that send what it checked are refused from now on; they need a token of this pool`);
      }
    }
    const pf = config.existingApi.preflights ?? [];
    const gw = config.existingApi.gatewayResponses ?? [];
    lines.push(`  + ${pf.length ? `OPTIONS preflights on ${pf.join(', ')}` : 'no OPTIONS preflight'}; ${gw.length ? `CORS headers on ${gw.join(', ')}` : 'no CORS gateway response'}; authorizer ${config.authorizer.name} ${config.existingApi.reuseAuthorizer ? '(theirs, reused)' : '(new)'}`);
    lines.push(`  The integrations are not touched. destroy puts each method's authorization back and redeploys ${config.stage.name}.`);
  }
  if (pool) {
    lines.push(`Using the existing user pool ${pool.name} (${pool.id}, ${pool.users} user${pool.users === 1 ? '' : 's'}); taken from the pool, unchanged: ${poolSettingsText(pool)}.`);
    lines.push(...ourClientLines(config, pool));
    const newDomain = existingPoolNodes(config).some((n) => n.kind === 'user-pool-domain');
    lines.push(`  ${newDomain ? `+ a new hosted UI domain ${config.hostedUi.domainPrefix}` : pool.domain ? `its hosted UI domain ${pool.domain}` : 'no hosted UI domain'}. Its users are never deleted.`);
    if (pool.triggers.length) {
      lines.push(`  ! its Lambda triggers run for the proof's test user: ${triggersText(pool.triggers)}. ${run.allowTriggers
        ? 'With --allow-triggers the proof makes one and sets them off'
        : 'The proof makes one only with --allow-triggers (without it the checks with a token are skipped)'}; secure-api token and users add set them off too.`);
    }
  }
  return lines;
}

const FLOW_TEXT: Record<string, string> = {
  ALLOW_ADMIN_USER_PASSWORD_AUTH: 'admin password sign-in', ALLOW_USER_SRP_AUTH: 'SRP sign-in', ALLOW_REFRESH_TOKEN_AUTH: 'refresh tokens',
  ALLOW_USER_PASSWORD_AUTH: 'plain password sign-in', ALLOW_CUSTOM_AUTH: 'custom auth (your challenge triggers)',
};

/** Which app client the stack uses on your pool and, for the one it adds, what that client lets a caller do (issue 25.7). */
export function ourClientLines(config: StackConfig, pool: { id: string; name: string }): string[] {
  const ep = config.existingPool;
  if (ep?.appClientId) return [`  its app client ${ep.appClientId}, unchanged (secure-api adds none).`];
  const client = existingPoolNodes(config).find((n) => n.id === 'client');
  if (client?.kind !== 'user-pool-client') return [];
  const spec = client.spec as { name: string; generateSecret: boolean; authFlows: string[]; oauth?: { callbackUrls: string[]; scopes: string[] } | undefined };
  const allows = [`${spec.generateSecret ? 'confidential (with a secret)' : 'public (no secret)'}`, spec.authFlows.map((f) => FLOW_TEXT[f] ?? f).join(', ')];
  allows.push(spec.oauth
    ? `hosted-UI sign-in (authorization code) returning codes to ${spec.oauth.callbackUrls.join(', ')}, scopes ${spec.oauth.scopes.join(' ')}`
    : 'no hosted-UI sign-in (no OAuth flow, no callback URL)');
  const lines = [`  + adds app client ${spec.name} to your pool ${pool.name} (${pool.id}); destroy deletes it. It allows: ${allows.join('; ')}.`];
  const left = config.hostedUi.enabled ? config.hostedUi.callbackUrls.filter((u) => !spec.oauth?.callbackUrls.includes(u)) : [];
  if (left.length) {
    lines.push(`    left out: ${left.join(', ')}: a loopback callback on your pool only when asked (--callback-url naming it, or existingPool.localCallback: true), so no code goes to whatever listens on a developer's port.`);
  }
  return lines;
}
