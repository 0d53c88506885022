import { UsageError } from '../errors.js';
import { stackOutputs, type StackOutputs } from '../state/outputs.js';
import type { RouteTarget } from '../verify/checks.js';
import { hostedUiBaseUrl, isLocalCallback } from '../verify/hosted-ui.js';
import type { PoolRef } from '../verify/test-user.js';
import { invokeUrl } from '../verify/urls.js';
import { tokenEndpointUrl } from '../verify/client-credentials.js';
import { MACHINE_CLIENT_NODE } from '../plan/build-scopes.js';
import type { CommandEnv, CommonOptions } from './env.js';
import { recordedTarget } from './stack-session.js';
import type { LoadedStack } from './stack-state.js';

/** Point verify/export at another base URL than the stage's invoke URL (tests: a local server playing the API). */
export const INVOKE_URL_OVERRIDE = 'SECURE_API_INVOKE_URL_OVERRIDE';
/** Point `token --login` at another hosted UI than the pool domain's (tests: cognito-local's /oauth2 endpoints). */
export const HOSTED_UI_URL_OVERRIDE = 'SECURE_API_HOSTED_UI_URL_OVERRIDE';

interface ConfigView {
  routes?: Array<{ path: string; methods: string[]; public?: boolean; integration?: { type?: string }; groups?: string[] }>;
  hostedUi?: { enabled?: boolean; callbackUrls?: string[]; scopes?: string[] };
  authorizer?: { scopes?: string[] };
  existingApi?: { secure?: Array<{ path: string }> };
}

/** What steps 5–6 need from a stack's state file: the pool, the client, the URLs. Never a secret. */
export interface StackTarget {
  loaded: LoadedStack;
  outputs: StackOutputs;
  /** The state's region and endpoint (recordedTarget: exit 2 when this run points elsewhere); this run's profile. */
  aws: { region: string; profile?: string | undefined; endpointUrl?: string | undefined };
  pool?: PoolRef | undefined;
  /** Flags a printed command needs to reach this stack as this run did (--state, --profile, --endpoint-url), '' when none. */
  reach: string;
  /** The stage's base URL (or the override). */
  baseUrl?: string | undefined;
  routes: Array<{ path: string; methods: string[]; public: boolean; integration?: string | undefined; groups?: string[] | undefined }>;
  /** On someone's API: the paths whose CORS the stack manages (those it secures). Absent: every path (the stack's own API). */
  corsPaths?: ReadonlySet<string> | undefined;
  /** OAuth scopes on every secured method (authorizer.scopes). */
  methodScopes: string[];
  hostedUi?: { baseUrl: string; callbackUrls: string[]; scopes: string[] } | undefined;
  /** The machine client (client credentials, the custom scopes) and its token endpoint, when the stack has them. */
  machine?: { clientId: string; tokenUrl?: string | undefined } | undefined;
}

export function stackTarget(o: CommonOptions, env: CommandEnv, loaded: LoadedStack): StackTarget {
  const { state, path } = loaded;
  // stackOutputs refuses a state whose ids would aim a URL off AWS (checkStateHosts), before anything is sent.
  const cfg = state.config as ConfigView;
  const outputs = stackOutputs(state, path);
  const created = (id: string): Record<string, string> | undefined => (state.nodes[id]?.status === 'created' ? state.nodes[id]?.out : undefined);
  const userPoolId = created('pool')?.userPoolId;
  const clientId = created('client')?.clientId;
  const domain = created('domain')?.domain;
  const hostedBase = env.env[HOSTED_UI_URL_OVERRIDE] ?? (domain ? hostedUiBaseUrl(domain, state.region) : undefined);
  // The state's region and endpoint, or exit 2 (recordedTarget); the profile is this run's.
  const aws = recordedTarget(o, env, state);
  const endpointUrl = aws.endpointUrl;
  const machineId = created(MACHINE_CLIENT_NODE)?.clientId;
  return {
    loaded,
    outputs,
    aws,
    reach: loaded.backend?.args ?? '',
    pool: userPoolId && clientId ? { userPoolId, clientId } : undefined,
    baseUrl: env.env[INVOKE_URL_OVERRIDE] || outputs.invokeUrl,
    routes: (cfg.routes ?? []).map((r) => ({ path: r.path, methods: r.methods, public: r.public ?? false, integration: r.integration?.type, ...(r.groups?.length ? { groups: r.groups } : {}) })),
    methodScopes: cfg.authorizer?.scopes ?? [],
    corsPaths: cfg.existingApi ? new Set((cfg.existingApi.secure ?? []).map((x) => x.path)) : undefined,
    hostedUi: hostedBase
      // Our client is allowed the methods' scopes too (build.ts oauthScopes), so `token --login --access` asks for them.
      ? { baseUrl: hostedBase, callbackUrls: cfg.hostedUi?.callbackUrls ?? [], scopes: [...new Set([...(cfg.hostedUi?.scopes ?? ['openid', 'email', 'profile']), ...(state.nodes.client?.kind === 'user-pool-client' ? cfg.authorizer?.scopes ?? [] : [])])] }
      : undefined,
    machine: machineId ? { clientId: machineId, tokenUrl: tokenEndpointUrl(domain ? hostedUiBaseUrl(domain, state.region) : undefined, endpointUrl) } : undefined,
  };
}

const unfinished = (t: StackTarget, what: string): UsageError =>
  new UsageError(`stack "${t.loaded.stack}" has no ${what} yet (init did not finish)`, `Run \`secure-api init --stack ${t.loaded.stack}${t.reach}\` again to resume it.`, 'STACK_UNFINISHED');

export function requirePool(t: StackTarget): PoolRef {
  if (!t.pool) throw unfinished(t, 'user pool and app client');
  return t.pool;
}

export function requireBaseUrl(t: StackTarget): string {
  if (!t.baseUrl) throw unfinished(t, 'deployed stage');
  return t.baseUrl;
}

/** Every route and method as the checks call it. */
export function routeTargets(t: StackTarget): RouteTarget[] {
  const base = requireBaseUrl(t);
  return t.routes.flatMap((r) => r.methods.map((method) => ({
    path: r.path, method, secured: !r.public, url: invokeUrl(base, r.path), ...(r.public ? {} : { scopes: t.methodScopes }),
    ...(r.integration ? { integration: r.integration } : {}),
    ...(r.groups?.length && !r.public ? { groups: r.groups } : {}),
    ...(t.corsPaths && !t.corsPaths.has(r.path) ? { preflight: false } : {}),
  })));
}

/** The hosted UI and a callback URL on this machine that the client allows, for `token --login`. */
export function requireLocalLogin(t: StackTarget): { baseUrl: string; redirectUri: string; scopes: string[] } {
  if (!t.hostedUi) {
    throw new UsageError(`stack "${t.loaded.stack}" has no hosted UI domain`, `Create the stack with the hosted UI (the default; not --no-hosted-ui), or sign in with \`secure-api token --username NAME --password-stdin --stack ${t.loaded.stack}${t.reach}\`.`, 'NO_HOSTED_UI');
  }
  const redirectUri = t.hostedUi.callbackUrls.find(isLocalCallback);
  if (!redirectUri) {
    throw new UsageError(`none of the app client's callback URLs (${t.hostedUi.callbackUrls.join(', ') || 'none'}) is a local http URL with a port, so the login cannot come back here`,
      'Add one such as http://localhost:8765/callback to hostedUi.callbackUrls and create the stack again.', 'NO_LOCAL_CALLBACK');
  }
  return { baseUrl: t.hostedUi.baseUrl, redirectUri, scopes: t.hostedUi.scopes };
}

