import { UsageError } from '../errors.js';
import { LOG_RETENTION_DAYS, ThrottleSchema, type StackConfigInput } from './schema.js';
import { checkScope } from './scopes.js';
import {
  checkCallbackUrl, isLoopbackUrl, checkEmail, checkHeaderName, checkMethod, checkResourceName, checkResourcePath, checkSesIdentityArn, checkUserTag,
  MAX_USER_TAGS, type HttpMethod,
} from './validators.js';

/*
 * init's flags as config keys: the one place a flag becomes a key of the --config file. Flags win over the
 * file; the result is validated and completed by resolveConfig like any other input.
 */

/** "GET,POST /items/{id}" → { methods, path }. */
export function parseRouteFlag(value: string, flag = '--route'): { methods: HttpMethod[]; path: string } {
  // "GET, POST /items" too: spaces after the commas are the way lists are usually written.
  const m = /^\s*([A-Za-z,\s]*?)\s+(\S+)\s*$/.exec(value);
  if (!m) throw new UsageError(`${flag} "${value}" must be METHODS PATH, like "GET,POST /items" or "GET /items/{id}"`);
  const methods = m[1]!.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean);
  const path = m[2]!;
  for (const meth of methods) {
    const err = checkMethod(meth);
    if (err) throw new UsageError(`${flag} "${value}": ${err}`);
  }
  if (new Set(methods).size !== methods.length) throw new UsageError(`${flag} "${value}": a method is listed twice`);
  const perr = checkResourcePath(path);
  if (perr) throw new UsageError(`${flag} "${value}": ${perr}`);
  return { methods: methods as HttpMethod[], path };
}

/** Flag values that overlay the config file (each is also a config key). */
export interface ConfigFlags {
  stack?: string | undefined;
  region?: string | undefined;
  routes?: string[] | undefined;
  /** --public-route: routes without the authorizer. */
  publicRoutes?: string[] | undefined;
  appClient?: 'public' | 'confidential' | string | undefined;
  hostedUi?: boolean | undefined;
  domainPrefix?: string | undefined;
  stage?: string | undefined;
}

/** Apply flags on top of the parsed config file (flags win): the per-question keys of flagsToConfig, then these. */
export function overlayFlags(file: Record<string, unknown>, flags: ConfigFlags, perQuestion: Record<string, unknown> = {}): StackConfigInput {
  const out: Record<string, unknown> = mergeConfig(structuredClone(file), perQuestion);
  const sub = (key: string): Record<string, unknown> => {
    const v = out[key];
    if (v === undefined) out[key] = {};
    else if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`config key "${key}" must be an object`);
    return out[key] as Record<string, unknown>;
  };
  if (flags.stack !== undefined) out.stack = flags.stack;
  if (flags.region !== undefined) out.region = flags.region;
  if (flags.routes?.length || flags.publicRoutes?.length) {
    out.routes = [...(flags.routes ?? []).map((r) => parseRouteFlag(r)), ...(flags.publicRoutes ?? []).map((r) => ({ ...parseRouteFlag(r, '--public-route'), public: true }))];
  }
  if (flags.appClient !== undefined) {
    if (flags.appClient !== 'public' && flags.appClient !== 'confidential') throw new UsageError(`--app-client must be "public" or "confidential", not "${flags.appClient}"`);
    sub('appClient').type = flags.appClient;
  }
  if (flags.hostedUi === false) sub('hostedUi').enabled = false;
  if (flags.domainPrefix !== undefined) sub('hostedUi').domainPrefix = flags.domainPrefix;
  if (flags.stage !== undefined) sub('stage').name = flags.stage;
  return out as StackConfigInput;
}

/** --throttle "RATE,BURST" (requests per second, burst), checked by the config's own rule. */
export function parseThrottle(value: string): { rateLimit: number; burstLimit: number } {
  const m = /^\s*([0-9.]+)\s*[,/]\s*([0-9]+)\s*$/.exec(value);
  if (!m) throw new UsageError(`--throttle "${value}" must be RATE,BURST: requests per second and the burst above it, like --throttle 100,200`);
  const parsed = ThrottleSchema.safeParse({ rateLimit: Number(m[1]), burstLimit: Number(m[2]) });
  if (!parsed.success) throw new UsageError(`--throttle "${value}": ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

type Tree = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function setKey(tree: Tree, key: string, value: unknown): void {
  const parts = key.split('.');
  const last = parts.pop()!;
  let node = tree;
  for (const p of parts) node = (node[p] ??= {}) as Tree;
  node[last] = value;
}

function must(flag: string, err: string | undefined): void {
  if (err) throw new UsageError(`${flag}: ${err}`);
}

/**
 * init's per-question flags (--api-name, --mfa…) as config keys, checked by the same validators as the
 * prompts and the --config file. They win over --config.
 */
export function flagsToConfig(opts: Record<string, unknown>): Tree {
  const out: Tree = {};
  const name = (flag: string, v: unknown, key: string, what: string) => {
    const s = str(v);
    if (s === undefined) return;
    must(flag, checkResourceName(s, what, 128));
    setKey(out, key, s);
  };
  name('--api-name', opts.apiName, 'api.name', 'API name');
  name('--user-pool-name', opts.userPoolName, 'userPool.name', 'user pool name');
  name('--app-client-name', opts.appClientName, 'appClient.name', 'app client name');
  name('--authorizer-name', opts.authorizerName, 'authorizer.name', 'authorizer name');
  const apiDescription = str(opts.apiDescription);
  if (apiDescription !== undefined) setKey(out, 'api.description', apiDescription);
  const endpointType = str(opts.endpointType);
  if (endpointType !== undefined) setKey(out, 'api.endpointType', endpointType.toUpperCase());
  const signIn = str(opts.signIn);
  if (signIn !== undefined) {
    const ids = signIn.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
    const bad = ids.find((x) => !['username', 'email', 'phone'].includes(x));
    if (bad !== undefined || ids.length === 0) throw new UsageError(`--sign-in: "${bad ?? signIn}" is not one of username, email, phone (give a comma-separated list)`);
    setKey(out, 'userPool.signInIdentifiers', [...new Set(ids)]);
  }
  const minLength = str(opts.passwordMinLength);
  if (minLength !== undefined) {
    const n = Number(minLength);
    if (!Number.isInteger(n) || n < 6 || n > 99) throw new UsageError(`--password-min-length: "${minLength}" must be a whole number from 6 to 99`);
    setKey(out, 'userPool.passwordPolicy.minLength', n);
  }
  const mfa = str(opts.mfa);
  if (mfa !== undefined) setKey(out, 'userPool.mfa.mode', ({ off: 'OFF', optional: 'OPTIONAL', required: 'ON' } as Record<string, string>)[mfa] ?? mfa);
  const smsRoleArn = str(opts.smsRoleArn);
  if (smsRoleArn !== undefined) {
    must('--sms-role-arn', /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(smsRoleArn) ? undefined : `"${smsRoleArn}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
    setKey(out, 'userPool.mfa.smsRoleArn', smsRoleArn);
  }
  const smsExternalId = str(opts.smsExternalId);
  if (smsExternalId !== undefined) setKey(out, 'userPool.mfa.smsExternalId', smsExternalId);
  const tier = str(opts.userPoolTier);
  if (tier !== undefined) setKey(out, 'userPool.tier', tier.toUpperCase());
  const email = str(opts.email);
  const from = str(opts.emailFrom);
  const sourceArn = str(opts.sesIdentityArn);
  if (email === 'cognito') {
    if (from || sourceArn) throw new UsageError('--email cognito sends from Cognito\'s own address: drop --email-from and --ses-identity-arn, or use --email ses');
    setKey(out, 'userPool.email', { type: 'COGNITO_DEFAULT' });
  } else if (email === 'ses' || from !== undefined || sourceArn !== undefined) {
    if (!from || !sourceArn) throw new UsageError('Amazon SES email needs both --email-from <address> and --ses-identity-arn <arn>');
    must('--email-from', checkEmail(from.replace(/^.*<([^>]+)>\s*$/, '$1')));
    must('--ses-identity-arn', checkSesIdentityArn(sourceArn));
    setKey(out, 'userPool.email', { type: 'SES', from, sourceArn });
  }
  if (opts.hostedUi === true) setKey(out, 'hostedUi.enabled', true);
  if (typeof opts.selfSignUp === 'boolean') setKey(out, 'userPool.selfSignUp', opts.selfSignUp);
  if (typeof opts.deletionProtection === 'boolean') setKey(out, 'userPool.deletionProtection', opts.deletionProtection);
  const threat = str(opts.threatProtection);
  if (threat !== undefined) setKey(out, 'userPool.threatProtection', threat.toUpperCase());
  for (const [flag, v, key, min, max] of [
    ['--access-token-minutes', opts.accessTokenMinutes, 'appClient.tokenValidity.accessTokenMinutes', 5, 1440],
    ['--id-token-minutes', opts.idTokenMinutes, 'appClient.tokenValidity.idTokenMinutes', 5, 1440],
    ['--refresh-token-days', opts.refreshTokenDays, 'appClient.tokenValidity.refreshTokenDays', 1, 3650],
  ] as const) {
    const raw = str(v);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: "${raw}" must be a whole number from ${min} to ${max}`);
    setKey(out, key, n);
  }
  if (typeof opts.refreshTokenRotation === 'boolean') setKey(out, 'appClient.refreshTokenRotation', opts.refreshTokenRotation);
  const recovery = str(opts.accountRecovery);
  if (recovery !== undefined) {
    setKey(out, 'userPool.accountRecovery', ({ email: 'verified_email', phone: 'verified_phone_number', admin: 'admin_only' } as Record<string, string>)[recovery] ?? recovery);
  }
  for (const [flag, v, key] of [['--callback-url', opts.callbackUrl, 'hostedUi.callbackUrls'], ['--logout-url', opts.logoutUrl, 'hostedUi.logoutUrls']] as const) {
    if (!Array.isArray(v) || !v.length) continue;
    const urls = v.flatMap((u) => String(u).split(/[\s,]+/)).filter(Boolean);
    for (const u of urls) must(flag, checkCallbackUrl(u));
    setKey(out, key, urls);
  }
  const header = str(opts.identityHeader);
  if (header !== undefined) {
    must('--identity-header', checkHeaderName(header));
    setKey(out, 'authorizer.identityHeader', header);
  }
  const scopes = str(opts.authorizerScopes);
  if (scopes !== undefined) {
    const list = scopes.split(/[\s,]+/).filter(Boolean);
    for (const s of list) must('--authorizer-scopes', checkScope(s));
    setKey(out, 'authorizer.scopes', list);
  }
  if (typeof opts.machineClient === 'boolean') setKey(out, 'authorizer.machineClient', opts.machineClient);
  // issue 12: what already exists.
  const apiId = str(opts.apiId);
  if (apiId !== undefined) setKey(out, 'existingApi.id', apiId);
  const secure = Array.isArray(opts.secure) ? opts.secure.map(String) : [];
  if (secure.length) {
    if (apiId === undefined) throw new UsageError('--secure names methods of an existing API: give its --api-id too (new APIs take --route)');
    setKey(out, 'existingApi.secure', secure.map((v) => parseRouteFlag(v, '--secure')));
  }
  if (opts.cors === false) {
    if (apiId === undefined) throw new UsageError('--no-cors applies to an existing API (--api-id); a new API always gets its preflights');
    setKey(out, 'existingApi.preflights', []);
    setKey(out, 'existingApi.gatewayResponses', []);
  }
  const userPoolId = str(opts.userPoolId);
  if (userPoolId !== undefined) setKey(out, 'existingPool.id', userPoolId);
  // A loopback callback named by --callback-url on your pool is asked for, not the default: keep it (issue 25.7).
  const callbacks = Array.isArray(opts.callbackUrl) ? opts.callbackUrl.flatMap((u) => String(u).split(/[\s,]+/)) : [];
  if (userPoolId !== undefined && callbacks.some(isLoopbackUrl)) setKey(out, 'existingPool.localCallback', true);
  const appClientId = str(opts.appClientId);
  if (appClientId !== undefined) {
    if (userPoolId === undefined) throw new UsageError('--app-client-id names a client of an existing user pool: give its --user-pool-id too');
    setKey(out, 'existingPool.appClientId', appClientId);
  }
  // --tag KEY=VALUE, repeatable: given at least once, it is the whole tag list (as --route is the whole route list).
  const tags = Array.isArray(opts.tag) ? opts.tag.map(String) : [];
  if (tags.length) {
    const tagList: Record<string, string> = {};
    for (const t of tags) {
      const eq = t.indexOf('=');
      if (eq <= 0) throw new UsageError(`--tag "${t}" must be KEY=VALUE, like --tag team=payments (the value may be empty: --tag archived=)`);
      const [k, v] = [t.slice(0, eq), t.slice(eq + 1)];
      must('--tag', checkUserTag(k, v));
      if (k in tagList) throw new UsageError(`--tag: the key "${k}" is given twice`);
      tagList[k] = v;
    }
    if (Object.keys(tagList).length > MAX_USER_TAGS) throw new UsageError(`--tag: at most ${MAX_USER_TAGS} tags (AWS allows 50 on a resource; secure-api's own take 2)`);
    setKey(out, 'tags', tagList);
  }
  const stageDescription = str(opts.stageDescription);
  if (stageDescription !== undefined) setKey(out, 'stage.description', stageDescription);
  if (typeof opts.tracing === 'boolean') setKey(out, 'stage.tracing', opts.tracing);
  // --no-throttle: null, so it goes over a recorded throttle (an absent key would keep it).
  if (opts.throttle === false) setKey(out, 'stage.throttle', null);
  const throttle = str(opts.throttle);
  if (throttle !== undefined) setKey(out, 'stage.throttle', parseThrottle(throttle));
  // --no-access-log: null, over a recorded one; --access-log-retention DAYS turns it on (a recorded format is kept).
  if (opts.accessLog === false) setKey(out, 'stage.accessLog', null);
  const retention = str(opts.accessLogRetention);
  if (retention !== undefined) {
    if (opts.accessLog === false) throw new UsageError('--access-log-retention turns access logging on: drop --no-access-log');
    const days = Number(retention);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) throw new UsageError(`--access-log-retention: "${retention}" must be one of ${LOG_RETENTION_DAYS.join(', ')} (the days CloudWatch Logs keeps events)`);
    setKey(out, 'stage.accessLog.retentionDays', days);
  }
  return out;
}

/**
 * Config keys whose value is one whole: given, it replaces; it is never merged key by key. `tags` is a map of the
 * user's own keys (a tag left out goes); `userPool.email` is a union ({type: COGNITO_DEFAULT} or {type: SES, …}).
 * Every other object merges key by key (`--app-client public` keeps the recorded flows), arrays replace.
 */
const WHOLE_VALUES = new Set(['tags', 'userPool.email']);

/** b's keys over a's, object by object (flags over the --config file, both over the recorded configuration). */
export function mergeConfig(a: Record<string, unknown>, b: Record<string, unknown>, at = ''): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const [k, v] of Object.entries(b)) {
    const path = at ? `${at}.${k}` : k;
    out[k] = isObj(v) && isObj(out[k]) && !WHOLE_VALUES.has(path) ? mergeConfig(out[k], v, path) : v;
  }
  return out;
}
