import { AwsFailure, type HintText } from '../errors.js';
import { readClientSecret, type CognitoSender, type PoolRef } from './test-user.js';

/**
 * The user pool domain's token endpoint: `https://{domain}.auth.{region}.amazoncognito.com/oauth2/token` (the
 * partition's form, see hostedUiOrigin), or `E/oauth2/token` under an emulator's endpoint URL E, as its JWKS is.
 */
export function tokenEndpointUrl(hostedUiBase: string | undefined, endpointUrl: string | undefined): string | undefined {
  if (endpointUrl) return `${endpointUrl.replace(/\/+$/, '')}/oauth2/token`;
  return hostedUiBase ? `${hostedUiBase.replace(/\/+$/, '')}/oauth2/token` : undefined;
}

/**
 * A client-credentials access token for the machine client: its secret is read from Cognito now (DescribeUserPoolClient),
 * sent once as HTTP Basic to the token endpoint, and never kept. `scopes` empty: every scope the client is allowed.
 */
export async function clientCredentialsToken(
  cognito: CognitoSender, client: PoolRef, tokenUrl: string, o: { scopes?: string[]; fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<string> {
  const secret = await readClientSecret(cognito, client);
  if (secret === undefined) throw new AwsFailure(`The machine client ${client.clientId} has no secret, so it cannot use the client-credentials grant`, { code: 'NO_CLIENT_SECRET' });
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (o.scopes?.length) form.set('scope', o.scopes.join(' '));
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  let res: Response;
  try {
    res = await (o.fetch ?? globalThis.fetch)(tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, body: form.toString(),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    throw new AwsFailure(`The token endpoint ${tokenUrl} did not answer: ${(err as Error).message}`, { code: 'TOKEN_ENDPOINT_UNREACHABLE', cause: err });
  }
  const body = await res.json().catch(() => ({})) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token) {
    const error = body.error ?? `HTTP ${res.status}`;
    const hint: HintText | undefined = error === 'invalid_scope' ? (cmd) => `The machine client is not allowed the scopes asked for: run \`${cmd('plan')}\` to see what differs.`
      : error === 'unauthorized_client' ? (cmd) => `The client does not allow the client_credentials grant (or its OAuth settings are off): \`${cmd('status')}\` shows the drift.`
        : error === 'invalid_client' ? 'The client id or secret was refused: check that the state file names the current machine client.'
          : undefined;
    throw new AwsFailure(`The token endpoint refused the client-credentials request: ${error}`, { code: 'TOKEN_ENDPOINT_REFUSED', ...(hint ? { hint } : {}) });
  }
  return body.access_token;
}
