import type { DriftChange } from './changes.js';

/**
 * The one place a drift change becomes the sentence users read (status, its fixes' rows, plan's "changed outside
 * secure-api"). The wording is for people; code decides on `path`, `before` and `after`.
 */
const str = (v: unknown, absent = 'unset'): string => (v === null || v === undefined ? absent : Array.isArray(v) ? v.join(', ') : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const lacking = (d: DriftChange): string[] => list(d.before).filter((w) => !list(d.after).includes(w));
const added = (d: DriftChange): string[] => list(d.after).filter((w) => !list(d.before).includes(w));
/** A set compared whole: what it lacks and what was added ("CallbackURLs have https://evil.example/cb added"). */
const setText = (name: string) => (d: DriftChange): string => [
  ...(lacking(d).length ? [`${name} lack ${lacking(d).join(', ')}`] : []),
  ...(added(d).length ? [`${name} have ${added(d).join(', ')} added`] : []),
].join('; ') || `${name} are [${list(d.after).join(', ')}], expected [${list(d.before).join(', ')}]`;
const served = (auth: string): string => (auth === 'NONE' ? 'NONE (no token needed)' : auth);
/** "stage prod", or "stage prod's canary (10% of requests)" when a canary release serves it. */
const onStage = (c: Record<string, string>): string => `stage ${c.stage ?? '?'}${c.canary ? `'s canary (${c.canary} of requests)` : ''}`;
const withAuthorizer = (type: unknown, id: string | undefined, absent: string): string => (id ? `${str(type)} with authorizer ${id}` : str(type, absent));

const SENTENCES: Record<string, (d: DriftChange, c: Record<string, string>) => string> = {
  'authorizationType': (d, c) => `authorizationType is ${withAuthorizer(d.after, c.actualAuthorizer, 'unset')}, expected ${withAuthorizer(d.before, c.expectedAuthorizer, 'unset')}`,
  'authorizationScopes': (d) => `authorizationScopes are [${list(d.after).join(' ')}], expected [${list(d.before).join(' ')}]`,
  'integration': () => 'the method has no integration',
  'integration.uri': (d) => `integration uri is ${str(d.after)}, expected ${str(d.before, '?')}`,
  'integration.type': (d) => `integration type is ${str(d.after)}, expected ${str(d.before)}`,
  'path': (d) => `path is ${str(d.after, '?')}, expected ${str(d.before)}`,
  'preflight.authorizationType': (d, c) => `OPTIONS has authorizationType ${str(d.after)}${c.authorizerId ? ` with authorizer ${c.authorizerId}` : ''}; CORS preflights must stay open (NONE)`,
  'preflight.integrationResponse': () => 'OPTIONS has no 200 integration response carrying the CORS headers',
  'stage.deploymentId': (d, c) => `stage ${c.stage ?? '?'} now points at deployment ${str(d.after, 'none')}, not ${str(d.before, '?')}${c.order ?? ''}`,
  'served.authorizationType': (d, c) => (c.stage !== undefined
    // The policy's judgement (resources/stage-policy.ts): which stage, since which deployment.
    ? (d.after === null
      ? `${c.method ?? '?'} is not served on ${onStage(c)} (deployment ${c.deployment ?? '?'}, made ${c.made ?? 'an unknown time'}); this stack secures it`
      : `${c.method ?? '?'} is served with ${served(str(d.after))} on ${onStage(c)} since deployment ${c.deployment ?? '?'} (made ${c.made ?? 'an unknown time'}); this stack secures it with ${str(d.before)}`)
    : d.after === null
    ? `${c.method ?? '?'} is not served any more`
    : d.before === null
      ? `${c.method ?? '?'} is served with ${served(str(d.after))}, but secure-api never deployed it`
      : `${c.method ?? '?'} is served with ${served(str(d.after))}; secure-api deployed it with ${str(d.before)}`),
  'configured.authorizationType': (d, c) => (d.after === null
    ? `${c.method ?? '?'} is still served by deployment ${c.deployment ?? '?'} but no longer exists in the API`
    : d.before === null
      ? `${c.method ?? '?'} (${str(d.after)}) was added after deployment ${c.deployment ?? '?'} and is not served`
      : `${c.method ?? '?'} is served with ${str(d.before)} but is now configured ${str(d.after)} (changed after deployment ${c.deployment ?? '?'})`),
  'served.openMethod': (_d, c) => `${c.method ?? '?'} is served open (no token needed) on ${onStage(c)} since deployment ${c.deployment ?? '?'} (made ${c.made ?? 'an unknown time'}); it is neither secured by this stack nor in the methods it leaves open`,
  'otherStage.authorizationType': (d, c) => `${onStage(c)} serves ${c.method ?? '?'} with ${served(str(d.after))} (deployment ${c.deployment ?? '?'}); this stack secures it on its own stage only`,
  'canary.authorizationType': (d, c) => `${c.method ?? '?'} is served with ${served(str(d.after))} by the canary release on stage ${c.stage ?? '?'} (${c.canary ?? '?'} of requests, deployment ${c.deployment ?? '?'} made ${c.made ?? 'an unknown time'}); ${d.before === null ? 'it is neither secured by this stack nor left open by choice' : `this stack secures it with ${str(d.before)}`}`,
  'served.unchecked': (d, c) => `could not check what ${onStage(c)} serves: deployment ${str(d.after, '?')} came without its apiSummary`,
  'newerDeployment': (d, c) => `the API has a newer deployment ${str(d.after, '?')} (made ${c.made ?? 'an unknown time'}) than the one stage ${c.stage ?? '?'} serves (made ${c.servingMade ?? 'an unknown time'})`,
  'responseParameters.allowOrigin': (d, c) => (d.after === null
    ? `${c.responseType ?? '?'} no longer carries the CORS headers`
    : `${c.responseType ?? '?'} Access-Control-Allow-Origin is ${str(d.after)}, expected ${str(d.before)}`),
  'managedPolicyArns': (d) => (d.after === null ? `policy no longer attached: ${str(d.before)}` : `unexpected policy attached: ${str(d.after)}`),
  'providerType': (d) => `provider type is ${str(d.after)}, expected ${str(d.before)}`,
  'providerDetails.client_id': (d) => `client_id is ${str(d.after)}, expected ${str(d.before)}`,
  'state': (d, c) => `state is ${str(d.after)}: ${c.reason ?? 'no reason given'}`,
  'role': (d) => `execution role is ${str(d.after, 'none')}, expected ${str(d.before)}`,
  'permission.sourceArn': (d) => `SourceArn is ${str(d.after)}, expected ${str(d.before)}`,
  'permission.principal': (d) => `Principal is ${str(d.after)}, expected the service ${str(d.before)}`,
  'permission.action': (d) => `Action is ${str(d.after)}, expected ${str(d.before)}`,
  'providerARNs': (d) => `providerARNs are [${list(d.after).join(', ')}], expected [${list(d.before).join(', ')}]`,
  'identityHeader': (d) => `the token is read from ${str(d.after)}, expected the header ${str(d.before)}`,
  'ttlSeconds': (d) => `result TTL is ${str(d.after)} s, expected ${str(d.before)} s`,
  'endpointType': (d) => `endpoint type is ${str(d.after) === '' ? 'unset' : str(d.after)}, expected ${str(d.before)}`,
  'authFlows': setText('ExplicitAuthFlows'),
  'supportedIdentityProviders': setText('SupportedIdentityProviders'),
  'oauth.enabled': (d) => (d.after ? 'OAuth sign-in is turned on for the client, expected off' : 'OAuth sign-in (the hosted UI) is turned off for the client'),
  'oauth.flows': setText('AllowedOAuthFlows'),
  'oauth.scopes': setText('AllowedOAuthScopes'),
  'oauth.callbackUrls': setText('CallbackURLs'),
  'oauth.logoutUrls': setText('LogoutURLs'),
  'preventUserExistenceErrors': (d) => `PreventUserExistenceErrors is ${str(d.after)}: sign-in errors ${d.after === 'ENABLED' ? 'hide' : 'reveal'} whether a user exists (expected ${str(d.before)})`,
  'enableTokenRevocation': (d) => `token revocation is ${d.after ? 'on' : 'off'}, expected ${d.before ? 'on' : 'off'}`,
  'permission.otherStatements': (d) => `the function's resource policy has other statements: ${list(d.after).join(', ')} (expected only secure-api's, for this API)`,
  'deletionProtection': (d) => `deletion protection is ${str(d.after)}, expected ${str(d.before)}`,
  'domain.userPoolId': (d, c) => `domain ${c.domain ?? '?'} now belongs to user pool ${str(d.after, '?')}, not ${str(d.before)}`,
  'domain.status': (d, c) => (d.after === 'DELETING' ? `domain ${c.domain ?? '?'} is being deleted` : `domain ${c.domain ?? '?'} is ${str(d.after)}`),
  'mfa.mode': (d) => `MFA is ${str(d.after)}, expected ${str(d.before)}`,
  'selfSignUp': (d) => `self sign-up is ${d.after ? 'on' : 'off'}, expected ${d.before ? 'on' : 'off'}`,
  'exists': () => 'not found in AWS',
  'read': (d) => `could not be read: ${str(d.after)}`,
};

/** The sentence for one drift change; a path without wording of its own reads "<path> is <after>, expected <before>". */
export function driftText(d: DriftChange): string {
  const say = SENTENCES[d.path];
  return say ? say(d, d.context ?? {}) : `${d.path} is ${str(d.after)}, expected ${str(d.before)}`;
}

/** The paths secure-api words itself (the status --json consumers' list). */
export const DRIFT_PATHS = Object.keys(SENTENCES);
