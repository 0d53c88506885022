import { cognitoIssuerUrl } from '../aws/region.js';
import type { AnswerKind } from './http-probe.js';
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
  return cognitoIssuerUrl(region, userPoolId);
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

/** What a failed check's answer means and what to do, shown once per distinct answer. */
export interface AnswerDiagnosis {
  /** As in the table's `got` column: `500 Internal server error`, `network error: ECONNREFUSED`. */
  answer: string;
  kind: AnswerKind;
  meaning: string;
  action: string;
  /** `GET /items id-token`, one per failed check that got this answer. */
  where: string[];
  /** Set when the wait stopped on this answer before its bound. */
  settled?: string;
}

export interface AnswerContext {
  /** ` --stack NAME` and the flags that reach it, for the commands an action names. */
  stackArgs?: string | undefined;
  /** The invoke URL the checks called. */
  baseUrl?: string | undefined;
  /** The route's integration type (config): 'sample-lambda', 'lambda', 'http', 'mock'. */
  integrationOf?: (route: string) => string | undefined;
  /** Whether some call proved the stage live (an answer only a serving stage gives). */
  live: boolean;
}

const hostOf = (url: string | undefined): string => {
  try {
    return url ? new URL(url).host : 'the invoke URL';
  } catch {
    return url ?? 'the invoke URL';
  }
};

/**
 * One answer explained. Sources: "Missing Authentication Token" is API Gateway's answer for a method or resource
 * that does not exist in the deployed stage (repost.aws knowledge-center/api-gateway-authentication-token-errors);
 * a Lambda proxy's 500 "Internal server error" is most often API Gateway lacking the function's invoke permission
 * (knowledge-center/api-gateway-internal-server-error); a new stage answers a bare 403 Forbidden for a while
 * (github.com/OWASP/Serverless-Goat/issues/14).
 */
export function explainAnswer(kind: AnswerKind, route: string, ctx: AnswerContext): { meaning: string; action: string } {
  const stack = ctx.stackArgs ?? '';
  const status = `\`secure-api status${stack}\``;
  const integration = ctx.integrationOf?.(route);
  const host = hostOf(ctx.baseUrl);
  switch (kind) {
    case 'integration-failed':
      if (integration === 'http') return { meaning: 'API Gateway took the call but the HTTP backend behind the proxy failed or could not be reached.', action: 'Check that the backend URL answers from the internet; API Gateway passes its 5xx on.' };
      if (integration === 'mock') return { meaning: 'API Gateway took the call but the mock integration failed (its integration response).', action: `${status} shows the method; re-run \`secure-api init\` to put it back.` };
      return {
        meaning: 'API Gateway took the call but could not run the Lambda function: it may not invoke it (the lambda:InvokeFunction permission for apigateway.amazonaws.com is missing, or its SourceArn does not cover this method), or the function failed (an error, a time-out, or a 502 for an answer that is not a proxy response).',
        // The stack's own function: `secure-api logs` reads its group; a function of yours logs to its own.
        action: integration === 'sample-lambda'
          ? `\`secure-api logs${stack} --since 15m\` shows whether the function ran and how it failed (no events: API Gateway never invoked it); ${status} checks the permission.`
          : `${status} checks the permission and the function; the function's CloudWatch log group (/aws/lambda/<function>) shows whether it ran.`,
      };
    case 'missing-auth-token':
      return ctx.live
        ? { meaning: 'The stage answers, but not for this method and path: they are not in the deployment the stage serves (API Gateway says "Missing Authentication Token" for any method it does not have, token or not).', action: `Compare the path with the routes in ${status}; after changing routes or methods, deploy again (re-run \`secure-api init\`).` }
        : { meaning: 'API Gateway has no such method on this stage: the stage is not deployed yet (a new deployment takes up to a minute to reach every edge), or the path or stage name in the URL is wrong.', action: `Check the invoke URL in ${status}; if the stack was just made, run \`secure-api verify${stack}\` again in a minute.` };
    case 'forbidden':
      return ctx.live
        ? { meaning: 'A bare 403 Forbidden while the stage answers other calls: a resource policy, a WAF rule or a private endpoint refused it.', action: `${status}; check the API's resource policy and endpoint type.` }
        : { meaning: 'A bare 403 Forbidden: a stage just created answers this until it has propagated; later it means the API id or stage in the URL is not a deployed API (or a resource policy refused the call).', action: `If the stack was just made, run \`secure-api verify${stack}\` again in a minute; otherwise check the invoke URL in ${status}.` };
    case 'not-found':
      return { meaning: 'The stage is not there: not yet (a new stage takes up to a minute), or the stage name in the URL is wrong, or the API was deleted.', action: `Check the invoke URL and the deployment in ${status}.` };
    case 'refused':
      return { meaning: `Nothing accepts connections at ${host}: the URL is wrong (a local endpoint that is not running, a wrong --endpoint-url). Waiting does not change that.`, action: `Check the invoke URL in ${status}; with an emulator, start it or fix --endpoint-url.` };
    case 'dns':
      return { meaning: `The host name ${host} does not resolve: a typo in the URL or the region, or this machine has no working DNS.`, action: `Check the invoke URL in ${status} and this machine's network.` };
    case 'timeout':
      return { meaning: 'No answer within the time-out: a network problem on the way, or a slow backend.', action: 'Try the curl lines (`secure-api export curl`) to see where it hangs.' };
    case 'network':
      return { meaning: `The call did not complete (a network or TLS error talking to ${host}).`, action: 'Check the network and any proxy between this machine and AWS.' };
    case 'throttled':
      return { meaning: 'API Gateway throttled the call (429): the stage\'s or the account\'s rate limits.', action: 'Run verify again in a moment; check the stage\'s throttling settings.' };
    case 'unavailable':
      return {
        meaning: 'The backend timed out (504, after API Gateway\'s 29 s) or was unavailable (503).',
        action: integration === 'sample-lambda' ? `\`secure-api logs${stack} --since 15m\` says why the function was slow; ${status} shows it.` : `${status} shows the function; its logs say why it was slow.`,
      };
    case 'unauthorized':
      return { meaning: 'The authorizer refused the token.', action: 'See the usual causes above.' };
    default:
      return { meaning: 'An answer the check did not expect.', action: `Look at the call with the curl lines (\`secure-api export curl${stack}\`).` };
  }
}
