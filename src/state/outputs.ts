import { cognitoIssuerUrl, dnsSuffix, hostedUiOrigin } from '../aws/region.js';
import { checkDomainPrefix, checkRegion, checkStageName } from '../config/validators.js';
import { UsageError } from '../errors.js';
import type { StateFile } from './schema.js';

export interface RouteUrl { method: string; path: string; url: string; secured: boolean }

export interface StackOutputs {
  stack: string;
  region: string;
  account: string;
  apiId?: string | undefined;
  stage?: string | undefined;
  invokeUrl?: string | undefined;
  userPoolId?: string | undefined;
  userPoolClientId?: string | undefined;
  authorizerId?: string | undefined;
  functionName?: string | undefined;
  hostedUiUrl?: string | undefined;
  /** The token issuer and its keys, for checking tokens by hand. */
  issuer?: string | undefined;
  jwksUrl?: string | undefined;
  /** OAuth scopes the secured methods require (then an access token holding one, not the id token). */
  methodScopes?: string[] | undefined;
  /** The machine client (client credentials), when the stack has custom scopes and one. */
  machineClientId?: string | undefined;
  routes: RouteUrl[];
  stateFile: string;
}

/** The invoke URL of a stage: AWS's form, or LocalStack's when a custom endpoint is used. */
export function invokeBaseUrl(s: { region: string; endpointUrl?: string | undefined }, apiId: string, stage: string): string {
  if (s.endpointUrl) return `${s.endpointUrl.replace(/\/+$/, '')}/restapis/${apiId}/${stage}/_user_request_`;
  return `https://${apiId}.execute-api.${s.region}.${dnsSuffix(s.region)}/${stage}`;
}

/** API Gateway's REST API ids: 10 lowercase letters and digits. */
const API_ID = /^[a-z0-9]{10}$/;

/**
 * The state fields that name the hosts tokens, secrets and passwords are sent to (the region, the API id, the pool
 * domain's prefix, the stage): a state file is data, not authority, so an edited one (`evil.example#` as the API id)
 * must not move those requests off AWS. Exit 2 naming the field, before anything is sent.
 */
export function checkStateHosts(state: StateFile, path: string): void {
  const n = state.nodes;
  const bad: string[] = [];
  const region = checkRegion(state.region);
  if (region) bad.push(`region: ${region}`);
  const apiId = n.api?.out.apiId;
  if (apiId !== undefined && !API_ID.test(apiId)) bad.push(`nodes.api.out.apiId: "${apiId}" is not an API Gateway id (10 lowercase letters and digits)`);
  const domain = n.domain?.out.domain;
  const d = domain !== undefined ? checkDomainPrefix(domain) : undefined;
  if (d) bad.push(`nodes.domain.out.domain: ${d}`);
  const stage = n.deployment?.out.stageName;
  const st = stage !== undefined ? checkStageName(stage) : undefined;
  if (st) bad.push(`nodes.deployment.out.stageName: ${st}`);
  if (bad.length) {
    throw new UsageError(`the state file ${path} holds values no AWS resource has, so no URL is built from it: ${bad.join('; ')}`,
      'Put back the values init recorded (or restore the state file). Nothing was sent anywhere.', 'BAD_STATE_VALUE');
  }
}

interface ConfigView {
  routes?: Array<{ path: string; methods: string[]; public?: boolean }>;
  stage?: { name?: string };
  hostedUi?: { enabled?: boolean; callbackUrls?: string[]; scopes?: string[] };
  authorizer?: { scopes?: string[] };
}

export function hostedUiLoginUrl(domain: string, region: string, clientId: string, redirectUri: string, scopes: string[]): string {
  const q = new URLSearchParams({ client_id: clientId, response_type: 'code', scope: scopes.join(' '), redirect_uri: redirectUri });
  return `${hostedUiOrigin(domain, region)}/login?${q.toString()}`;
}

/**
 * What a user needs to call the stack, derived from the state file (never stored twice). Every URL printed or used is
 * built here, so the state's host fields are checked here, once, for every command (checkStateHosts).
 */
export function stackOutputs(state: StateFile, stateFile: string): StackOutputs {
  checkStateHosts(state, stateFile);
  const cfg = state.config as ConfigView;
  const n = state.nodes;
  const apiId = n.api?.out.apiId;
  const stage = n.deployment?.out.stageName ?? cfg.stage?.name;
  const base = apiId && stage ? invokeBaseUrl(state, apiId, stage) : undefined;
  const userPoolId = n.pool?.out.userPoolId;
  const clientId = n.client?.out.clientId;
  const domain = n.domain?.status === 'created' ? n.domain.out.domain : undefined;
  // The callback our client was made with (on your pool it may have none: issue 25.7); a client of yours: the config's.
  const clientOauth = n.client?.kind === 'user-pool-client' && n.client.spec !== undefined
    ? (n.client.spec as { oauth?: { callbackUrls?: string[] } }).oauth : undefined;
  const callback = n.client?.kind === 'user-pool-client' && n.client.spec !== undefined ? clientOauth?.callbackUrls?.[0] : cfg.hostedUi?.callbackUrls?.[0];
  const scopes = [...new Set([...(cfg.hostedUi?.scopes ?? ['openid', 'email', 'profile']), ...(cfg.authorizer?.scopes ?? [])])];
  const issuer = userPoolId
    ? state.endpointUrl ? `${state.endpointUrl.replace(/\/+$/, '')}/${userPoolId}` : cognitoIssuerUrl(state.region, userPoolId)
    : undefined;
  const routes: RouteUrl[] = base
    ? (cfg.routes ?? []).flatMap((r) => r.methods.map((m) => ({ method: m, path: r.path, url: base + (r.path === '/' ? '/' : r.path), secured: !r.public })))
    : [];
  return {
    stack: state.stack,
    region: state.region,
    account: state.account,
    apiId,
    stage,
    invokeUrl: base,
    userPoolId,
    userPoolClientId: clientId,
    authorizerId: n.authorizer?.out.authorizerId,
    functionName: n.function?.out.functionName,
    hostedUiUrl: domain && clientId && callback ? hostedUiLoginUrl(domain, state.region, clientId, callback, scopes) : undefined,
    issuer,
    jwksUrl: issuer ? `${issuer}/.well-known/jwks.json` : undefined,
    methodScopes: cfg.authorizer?.scopes ?? [],
    machineClientId: n['machine-client']?.status === 'created' ? n['machine-client'].out.clientId : undefined,
    routes,
    stateFile,
  };
}
