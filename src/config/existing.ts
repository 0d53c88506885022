import { UsageError } from '../errors.js';
import type { ApiFacts, MethodFacts, PoolFacts } from '../resources/existing-lookup.js';
import type { Integration, StackConfigInput } from './schema.js';
import { HTTP_METHODS, checkHttpUrl, checkLambdaArn, checkResourceName, type HttpMethod } from './validators.js';

/*
 * init --api-id / --user-pool-id: complete the input from what exists, pure (the look-ups are done before). The
 * defaults are decided once and recorded in the config, so a resumed run plans the same nodes even though the API
 * now carries some of our changes. Every mistake is a UsageError naming what does exist, before any write.
 */

type Input = Record<string, unknown>;
const obj = (v: unknown): Input => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Input : {});
const isHttp = (m: string): m is HttpMethod => (HTTP_METHODS as readonly string[]).includes(m);
const methodList = (ms: MethodFacts[]): string => ms.map((m) => `${m.method} ${m.path} (${authText(m)})`).join(', ');

/** "NONE", "AWS_IAM", "COGNITO_USER_POOLS orders-auth": how a method is protected today. */
export function authText(m: Pick<MethodFacts, 'authorizationType' | 'authorizerName' | 'authorizerId'>): string {
  return m.authorizerId ? `${m.authorizationType} ${m.authorizerName ?? m.authorizerId}` : m.authorizationType;
}

/** The methods secured when none are named: every open one but OPTIONS (a method behind another authorizer is left alone unless chosen). */
export function defaultSecured(api: ApiFacts): MethodFacts[] {
  return api.methods.filter((m) => m.method !== 'OPTIONS' && isHttp(m.method) && m.authorizationType === 'NONE');
}

/** The stage to deploy: the one named, or the only one; never one with a canary release (withoutCanary). */
export function chooseStage(api: ApiFacts, named: string | undefined): string {
  const names = api.stages.map((s) => s.name);
  if (named !== undefined) {
    if (!names.includes(named)) throw new UsageError(`the API ${api.name} (${api.id}) has no stage "${named}"; its stages: ${names.join(', ') || 'none'}`, 'Choose one of them with --stage.', 'NO_SUCH_STAGE');
    return withoutCanary(api, named);
  }
  if (names.length === 1) return withoutCanary(api, names[0]!);
  if (!names.length) throw new UsageError(`the API ${api.name} (${api.id}) has no stage yet, so nothing serves it`, 'Deploy it to a stage once (the console\'s "Deploy API"), then run init again.', 'NO_SUCH_STAGE');
  throw new UsageError(`the API ${api.name} (${api.id}) has ${names.length} stages (${names.join(', ')}): say which to deploy`, `Add --stage ${names[0]!} (or another).`, 'STAGE_AMBIGUOUS');
}

/**
 * A stage with a canary release is refused: API Gateway refuses a plain deployment into it ("Non canary deployment not
 * supported on stage … because Canary is enabled", serverless/serverless#11518), and a canary deployment would reach
 * only the canary's share of requests while the rest kept being served by a deployment secure-api did not secure
 * (canary-release.html). The owners settle their canary first.
 */
function withoutCanary(api: ApiFacts, name: string): string {
  const canary = api.stages.find((s) => s.name === name)?.canary;
  if (!canary) return name;
  throw canaryRefusal({ id: api.id, label: `the API ${api.name} (${api.id})` }, name, canary, 'or choose another stage with --stage.');
}

/** The refusal of a deployment into a stage with a canary (see withoutCanary), on someone's API or the stack's own. */
export function canaryRefusal(api: { id: string; label: string }, stage: string, canary: { percentTraffic?: number | undefined; deploymentId?: string | undefined }, other: string): UsageError {
  return new UsageError(
    `stage ${stage} of ${api.label} has a canary release (${canary.percentTraffic ?? 0}% of its requests go to deployment ${canary.deploymentId ?? '?'}): `
    + 'secure-api deploys the whole stage, and API Gateway takes no plain deployment into a stage while its canary is on',
    `Promote the canary or remove it first (aws apigateway update-stage --rest-api-id ${api.id} --stage-name ${stage} --patch-operations op=remove,path=/canarySettings), then run init again; ${other}`,
    'STAGE_HAS_CANARY',
  );
}

function integrationOf(m: MethodFacts): Integration {
  const uri = m.integrationUri ?? '';
  if ((m.integrationType === 'HTTP_PROXY' || m.integrationType === 'HTTP') && !checkHttpUrl(uri)) return { type: 'http', url: uri };
  const fn = /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1];
  if (m.integrationType === 'AWS_PROXY' && fn && !checkLambdaArn(fn)) return { type: 'lambda', arn: fn };
  return { type: 'mock' };
}

/** Check the chosen methods against the API, with the defaults when none were chosen. */
function securedOf(api: ApiFacts, chosen: unknown): Array<{ path: string; methods: HttpMethod[] }> {
  const list = Array.isArray(chosen) ? chosen.map(obj) : undefined;
  if (!list) {
    const picked = defaultSecured(api);
    if (!picked.length) throw new UsageError(`every method of the API ${api.name} (${api.id}) is already behind an authorizer or is OPTIONS: ${methodList(api.methods)}`, 'Name the ones to put behind the Cognito authorizer with --secure "METHODS /path".', 'NOTHING_TO_SECURE');
    const byPath = new Map<string, HttpMethod[]>();
    for (const m of picked) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m.method as HttpMethod]);
    return [...byPath].map(([path, methods]) => ({ path, methods }));
  }
  return list.map((s) => {
    const path = String(s.path);
    const flag = typeof s.flag === 'string' ? s.flag : '--secure';
    const methods = (Array.isArray(s.methods) ? s.methods : []).map(String);
    const here = api.methods.filter((m) => m.path === path);
    if (!here.length) {
      throw new UsageError(`${flag} "${methods.join(',')} ${path}": the API ${api.name} (${api.id}) has no resource ${path}; its methods: ${methodList(api.methods)}`, undefined, 'NO_SUCH_METHOD');
    }
    for (const verb of methods) {
      if (verb === 'OPTIONS') throw new UsageError(`${flag} ${path}: OPTIONS preflights stay open (browsers send them without a token)`);
      if (!here.some((m) => m.method === verb)) {
        throw new UsageError(`${flag} "${verb} ${path}": ${path} has no ${verb} method; it has ${here.map((m) => m.method).join(', ')}`, undefined, 'NO_SUCH_METHOD');
      }
    }
    return { path, methods: methods as HttpMethod[] };
  });
}

export interface ExistingFacts { api?: ApiFacts | undefined; pool?: PoolFacts | undefined }

/** --secure-add / --secure-remove: one method at a time, on the recorded list (like `routes add/remove`). */
export interface SecureEdits { add: Array<{ path: string; methods: string[] }>; remove: Array<{ path: string; methods: string[] }> }

type MethodList = Array<{ path: string; methods: HttpMethod[] }>;
const keysOf = (list: unknown): string[] => (Array.isArray(list) ? list.map(obj).flatMap((s) => (Array.isArray(s.methods) ? s.methods : []).map((m) => `${String(m)} ${String(s.path)}`)) : []);

/** "GET /orders" keys back to the config's list, grouped by path, in a stable order. */
export function asMethodList(keys: Iterable<string>): MethodList {
  const byPath = new Map<string, HttpMethod[]>();
  for (const k of [...new Set(keys)].sort()) {
    const at = k.indexOf(' ');
    const path = k.slice(at + 1);
    byPath.set(path, [...(byPath.get(path) ?? []), k.slice(0, at) as HttpMethod]);
  }
  return [...byPath].map(([path, methods]) => ({ path, methods }));
}

/** The methods a change opens: secured in the recorded configuration, not in the new one (same API). */
export function openedBy(recorded: Record<string, unknown> | undefined, config: { existingApi?: { id: string; secure?: unknown } | undefined }): string[] {
  const rec = obj(obj(recorded).existingApi);
  if (!config.existingApi || rec.id !== config.existingApi.id) return [];
  const now = new Set(keysOf(config.existingApi.secure));
  return keysOf(rec.secure).filter((k) => !now.has(k));
}

/**
 * The input with everything taken from the existing API and pool: the methods to secure (checked), the stage, the
 * preflights and gateway responses to add, whether to reuse an authorizer, `routes` as the API has them, and the
 * pool's own settings. `recorded` is the stack's recorded config: its decisions stand on a resumed run.
 */
export function completeExisting(input: StackConfigInput, facts: ExistingFacts, recorded?: Record<string, unknown>, edits?: SecureEdits): StackConfigInput {
  const out = structuredClone(input) as Input;
  const rec = obj(recorded);
  const ea = obj(out.existingApi);
  const ep = obj(out.existingPool);
  if (facts.api) {
    const api = facts.api;
    const recApi = obj(rec.existingApi);
    const same = recApi.id === api.id;
    for (const k of ['secure', 'preflights', 'gatewayResponses', 'reuseAuthorizer', 'leaveOpen'] as const) if (ea[k] === undefined && same && recApi[k] !== undefined) ea[k] = recApi[k];
    if (edits && (edits.add.length || edits.remove.length)) {
      // Checked like --secure (each method must exist; OPTIONS stays open), then applied to the list one by one.
      const base = new Set(keysOf(securedOf(api, ea.secure)));
      for (const k of keysOf(securedOf(api, edits.add.map((e) => ({ ...e, flag: '--secure-add' }))))) base.add(k);
      for (const k of keysOf(edits.remove)) {
        if (!base.has(k) && !api.methods.some((m) => `${m.method} ${m.path}` === k)) {
          throw new UsageError(`--secure-remove "${k}": the stack does not secure it and the API ${api.name} (${api.id}) has no such method; it secures ${[...base].join(', ') || 'nothing'}`, undefined, 'NO_SUCH_METHOD');
        }
        base.delete(k);
      }
      if (!base.size) throw new UsageError(`after --secure-remove nothing of the API ${api.name} (${api.id}) is left to secure`, `To stop securing it, run \`secure-api destroy --stack ${String(out.stack ?? rec.stack ?? 'NAME')}\`: it puts every method back as it was.`, 'NOTHING_TO_SECURE');
      ea.secure = asMethodList(base);
    }
    const secure = securedOf(api, ea.secure);
    ea.secure = secure;
    // The allow-list: what the user chose to leave open. First run: every open method not secured. Later: the
    // recorded list, less what is secured now, plus what this change opens (recorded secured, not any more) and
    // what --secure-remove names. A method that appears open later is in none of these: the watch reports it.
    const securedNow = new Set(keysOf(secure));
    const firstRun = !same || recApi.leaveOpen === undefined;
    const allowed = new Set(firstRun && ea.leaveOpen === undefined
      ? api.methods.filter((m) => isHttp(m.method) && m.authorizationType === 'NONE').map((m) => `${m.method} ${m.path}`)
      : keysOf(ea.leaveOpen));
    if (same) for (const k of keysOf(recApi.secure)) if (!securedNow.has(k)) allowed.add(k);
    for (const k of keysOf(edits?.remove)) allowed.add(k);
    ea.leaveOpen = asMethodList([...allowed].filter((k) => !securedNow.has(k)));
    const stage = obj(out.stage);
    stage.name = chooseStage(api, typeof stage.name === 'string' ? stage.name : same ? obj(rec.stage).name as string | undefined : undefined);
    out.stage = stage;
    const paths = [...new Set(secure.map((s) => s.path))];
    const hasOptions = (p: string) => api.methods.some((m) => m.path === p && (m.method === 'OPTIONS' || m.method === 'ANY'));
    ea.preflights ??= paths.filter((p) => !hasOptions(p));
    ea.gatewayResponses ??= ['DEFAULT_4XX', 'DEFAULT_5XX'].filter((t) => !api.customisedResponses.includes(t));
    const name = String(obj(out.authorizer).name ?? 'Cognito-authorizer');
    const clash = api.authorizers.find((a) => a.name === name);
    if (ea.reuseAuthorizer === undefined) {
      const samePool = clash && facts.pool && clash.type === 'COGNITO_USER_POOLS' && clash.providerARNs.includes(facts.pool.arn);
      if (clash && !samePool) throw new UsageError(`the API already has an authorizer named "${name}" that checks another user pool (or is not Cognito)`, 'Name ours with --authorizer-name.', 'AUTHORIZER_NAME_TAKEN');
      ea.reuseAuthorizer = Boolean(clash);
    }
    out.existingApi = ea;
    if (!checkResourceName(api.name, 'API name', 128)) out.api = { ...obj(out.api), name: api.name, endpointType: api.endpointTypes.includes('EDGE') ? 'EDGE' : 'REGIONAL' };
    // routes: the chosen methods (secured) and the ones left open (public, so verify says so); the rest are left out.
    const chosen = new Set(secure.flatMap((s) => s.methods.map((m) => `${m} ${s.path}`)));
    const groups = new Map<string, { path: string; methods: HttpMethod[]; public: boolean; integration: Integration }>();
    for (const m of api.methods) {
      if (!isHttp(m.method)) continue;
      const secured = chosen.has(`${m.method} ${m.path}`);
      if (!secured && m.authorizationType !== 'NONE') continue;
      const integration = integrationOf(m);
      const key = `${m.path} ${secured} ${JSON.stringify(integration)}`;
      const g = groups.get(key) ?? { path: m.path, methods: [], public: !secured, integration };
      g.methods.push(m.method);
      groups.set(key, g);
    }
    out.routes = [...groups.values()];
  }
  if (facts.pool) {
    const pool = facts.pool;
    // A recorded configuration (a resume, a change) carries the default empty list: only real providers are refused.
    const idps = obj(out.userPool).identityProviders;
    if (Array.isArray(idps) && idps.length) throw new UsageError('federated identity providers cannot be added to an existing user pool by secure-api; set them up on the pool itself');
    if (typeof ep.appClientId === 'string' && !pool.clients.some((c) => c.id === ep.appClientId)) {
      throw new UsageError(`user pool ${pool.name} (${pool.id}) has no app client ${ep.appClientId}; its clients: ${pool.clients.map((c) => `${c.name} (${c.id})`).join(', ') || 'none'}`, 'Leave out --app-client-id and secure-api creates its own.', 'NO_SUCH_CLIENT');
    }
    const recPool = obj(rec.existingPool);
    if (ep.domain === undefined) ep.domain = recPool.id === pool.id && recPool.domain !== undefined ? recPool.domain : !pool.domain;
    out.existingPool = ep;
    // Taken from the pool, never changed: what the plan shows and verify's test user must satisfy.
    const pp = { ...pool.passwordPolicy, minLength: Math.min(99, Math.max(6, pool.passwordPolicy.minLength)) };
    out.userPool = {
      ...(checkResourceName(pool.name, 'user pool name', 128) ? {} : { name: pool.name }),
      signInIdentifiers: pool.signIn, passwordPolicy: pp, mfa: { mode: pool.mfa, totp: true, sms: false },
    };
  }
  return out as StackConfigInput;
}

/** "sign-in email; passwords of 8+ characters with numbers, symbols…; MFA OFF", for the plan. */
export function poolSettingsText(p: PoolFacts): string {
  const pp = p.passwordPolicy;
  const needs = [pp.requireNumbers && 'numbers', pp.requireSymbols && 'symbols', pp.requireUppercase && 'upper case', pp.requireLowercase && 'lower case'].filter(Boolean);
  return `sign-in ${p.signIn.join(', ')}; passwords of ${pp.minLength}+ characters${needs.length ? ` with ${needs.join(', ')}` : ''}; MFA ${p.mfa}`;
}
