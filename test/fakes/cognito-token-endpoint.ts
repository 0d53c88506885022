/**
 * The user pool domain's token endpoint, POST /oauth2/token, for the client-credentials grant
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html): the client authenticates with
 * `Authorization: Basic base64(client_id:client_secret)` (or client_id / client_secret in the form), asks for
 * grant_type=client_credentials and optionally a space-separated `scope`; the answer is an access token holding the
 * granted custom scopes. Errors are RFC 6749 §5.2 JSON: {"error": "..."} with 400 (401 for invalid_client).
 */
import { findClient, fakeToken, issuerOf } from './cognito-auth.js';
import { randomUuid, type Ctx } from './core.js';
import type { ClientRecord, PoolRecord } from './state.js';

export interface TokenEndpointAnswer { status: number; body: Record<string, unknown> }

const error = (e: string, status = 400): TokenEndpointAnswer => ({ status, body: { error: e } });

export function clientCredentialsToken(ctx: Pick<Ctx, 'state' | 'now'>, authorization: string | undefined, form: string): TokenEndpointAnswer {
  const params = new URLSearchParams(form);
  let id = params.get('client_id') ?? undefined;
  let secret = params.get('client_secret') ?? undefined;
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const cut = decoded.indexOf(':');
    if (cut < 0) return error('invalid_client', 401);
    id = decodeURIComponent(decoded.slice(0, cut));
    secret = decodeURIComponent(decoded.slice(cut + 1));
  }
  const grant = params.get('grant_type');
  if (!grant) return error('invalid_request');
  if (grant !== 'client_credentials') return error('unsupported_grant_type');
  let found: { pool: PoolRecord; client: ClientRecord };
  try {
    found = findClient(ctx.state.cognito.pools, id);
  } catch {
    return error('invalid_client', 401);
  }
  const { pool, client } = found;
  // "invalid_client: Client authentication failed… no such client with that client_id and client_secret" (token endpoint page).
  if (client.ClientSecret === undefined || secret !== client.ClientSecret) return error('invalid_client', 401);
  // A client without AllowedOAuthFlowsUserPoolClient, or without the client_credentials flow, is refused even with the
  // right secret: "invalid_grant" until the OAuth settings are switched on (re:Post / Stack Overflow "Cognito
  // client_credentials invalid_grant", fixed by AllowedOAuthFlowsUserPoolClient: true).
  if (!client.AllowedOAuthFlowsUserPoolClient || !(client.AllowedOAuthFlows ?? []).includes('client_credentials')) return error('unauthorized_client');
  // Only a pool with a domain has the endpoint at all.
  if (pool.domain === undefined) return error('invalid_request');
  const allowed = client.AllowedOAuthScopes ?? [];
  const asked = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  // "invalid_scope" for a scope the client is not allowed (re:Post "OAuth password grant type with Cognito").
  if (asked.some((s) => !allowed.includes(s))) return error('invalid_scope');
  const scopes = asked.length > 0 ? asked : allowed;
  const iat = Math.floor(ctx.now() / 1000);
  const token = fakeToken({
    sub: client.ClientId, token_use: 'access', scope: scopes.join(' '), auth_time: iat, iss: issuerOf(ctx, pool),
    exp: iat + 3600, iat, version: 2, jti: randomUuid(ctx.state), client_id: client.ClientId,
  });
  return { status: 200, body: { access_token: token, expires_in: 3600, token_type: 'Bearer' } };
}
