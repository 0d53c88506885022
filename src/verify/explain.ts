import { decodeJwt } from './jwt.js';

export interface RejectionInput {
  /** The Authorization header value that was rejected (read here, never echoed back). */
  sent: string;
  /** OAuth scopes the method requires; none means the authorizer wants an id token. */
  methodScopes?: string[];
  /** The issuer the authorizer trusts: `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`. */
  expectedIssuer?: string;
  /** The app client the stack made. */
  clientId?: string;
  nowMs: number;
}

/** The issuer of a pool's tokens. */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** Why API Gateway's Cognito authorizer may have said 401 to a token, most likely first. Pure: reads only its inputs. */
export function explainRejection(input: RejectionInput): string[] {
  const causes: string[] = [];
  const scopes = input.methodScopes ?? [];
  const bearer = /^Bearer\s/i.test(input.sent);
  const decoded = decodeJwt(input.sent);
  if (!decoded) {
    return ['The Authorization header does not hold a JWT. Send the raw id token: `-H "Authorization: $(secure-api token)"`.'];
  }
  const c = decoded.claims;
  if (bearer) causes.push('The header starts with "Bearer ". The Cognito authorizer of a REST API expects the raw token; send it without the prefix.');
  if (scopes.length === 0 && c.token_use === 'access') {
    causes.push('This is an access token. Without OAuth scopes on the method the authorizer accepts only the id token: use `secure-api token` (not `--access`).');
  }
  if (scopes.length > 0 && c.token_use === 'id') {
    causes.push(`The method requires the scope(s) ${scopes.join(', ')}, so the authorizer wants an access token holding one of them, not an id token: use \`secure-api token --login --access\`.`);
  }
  if (scopes.length > 0 && c.token_use === 'access') {
    const held = (c.scope ?? '').split(/\s+/).filter(Boolean);
    if (!scopes.some((s) => held.includes(s))) {
      causes.push(`The access token holds ${held.length ? held.join(', ') : 'no scopes'}, but the method requires one of ${scopes.join(', ')}. Sign in through the hosted UI with those scopes (\`secure-api token --login --access\`).`);
    }
  }
  if (typeof c.exp === 'number' && c.exp * 1000 <= input.nowMs) {
    causes.push(`The token expired at ${new Date(c.exp * 1000).toISOString()}. Get a new one: \`secure-api token\`.`);
  }
  if (input.expectedIssuer && c.iss && c.iss !== input.expectedIssuer) {
    causes.push(`The token was issued by ${c.iss}, but the authorizer trusts ${input.expectedIssuer}: a token from another user pool or region.`);
  }
  if (input.clientId && c.token_use === 'id' && c.aud !== undefined && c.aud !== input.clientId) {
    causes.push(`The id token was issued to app client ${String(c.aud)}, not to this stack's client ${input.clientId}.`);
  }
  causes.push('If the authorizer or a method changed since the last deployment, the stage still serves the old one: deploy again (re-run `secure-api init` to resume; `secure-api status` shows the deployment).');
  return causes;
}
