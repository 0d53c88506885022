import { describe, expect, it } from 'vitest';
import type { DriftChange } from './changes.js';
import { DRIFT_PATHS, driftText } from './drift-text.js';

// The wording status and plan show; code never matches it (fixes and the planner decide on `path`).
const cases: Array<[DriftChange, string]> = [
  [{ path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE', context: { expectedAuthorizer: 'auth01' } },
    'authorizationType is NONE, expected COGNITO_USER_POOLS with authorizer auth01'],
  [{ path: 'authorizationScopes', before: ['a/read'], after: [] }, 'authorizationScopes are [], expected [a/read]'],
  [{ path: 'integration', before: 'arn:x', after: null }, 'the method has no integration'],
  [{ path: 'stage.deploymentId', before: 'dep1', after: 'dep2', context: { stage: 'prod', order: '' } }, 'stage prod now points at deployment dep2, not dep1'],
  [{ path: 'served.authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE', context: { method: 'GET /items' } },
    'GET /items is served with NONE (no token needed); secure-api deployed it with COGNITO_USER_POOLS'],
  [{ path: 'served.authorizationType', before: null, after: 'NONE', context: { method: 'GET /x' } }, 'GET /x is served with NONE (no token needed), but secure-api never deployed it'],
  [{ path: 'served.authorizationType', before: 'NONE', after: null, context: { method: 'GET /x' } }, 'GET /x is not served any more'],
  [{ path: 'configured.authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE', context: { method: 'GET /items', deployment: 'd1' } },
    'GET /items is served with COGNITO_USER_POOLS but is now configured NONE (changed after deployment d1)'],
  [{ path: 'configured.authorizationType', before: null, after: 'NONE', context: { method: 'GET /n', deployment: 'd1' } }, 'GET /n (NONE) was added after deployment d1 and is not served'],
  [{ path: 'permission.sourceArn', before: 'arn:aws:execute-api:eu-west-1:1:a/*/*/*', after: null }, 'SourceArn is unset, expected arn:aws:execute-api:eu-west-1:1:a/*/*/*'],
  [{ path: 'managedPolicyArns', before: 'arn:p', after: null }, 'policy no longer attached: arn:p'],
  [{ path: 'managedPolicyArns', before: null, after: 'arn:q' }, 'unexpected policy attached: arn:q'],
  [{ path: 'authFlows', before: ['A', 'B', 'C'], after: ['B'] }, 'ExplicitAuthFlows lack A, C'],
  [{ path: 'oauth.callbackUrls', before: ['https://app.example/cb'], after: ['https://app.example/cb', 'https://evil.example/cb'] }, 'CallbackURLs have https://evil.example/cb added'],
  [{ path: 'preventUserExistenceErrors', before: 'ENABLED', after: 'LEGACY' }, 'PreventUserExistenceErrors is LEGACY: sign-in errors reveal whether a user exists (expected ENABLED)'],
  [{ path: 'selfSignUp', before: true, after: false }, 'self sign-up is off, expected on'],
  [{ path: 'domain.status', before: 'ACTIVE', after: 'DELETING', context: { domain: 'd' } }, 'domain d is being deleted'],
  [{ path: 'responseParameters.allowOrigin', before: "'*'", after: null, context: { responseType: 'DEFAULT_4XX' } }, 'DEFAULT_4XX no longer carries the CORS headers'],
  [{ path: 'somethingNew', before: 1, after: 2 }, 'somethingNew is 2, expected 1'],
];

describe('drift wording (one renderer for status, its fixes and plan)', () => {
  it.each(cases)('%o reads as a sentence', (d, text) => expect(driftText(d)).toBe(text));
  it('words every path handlers emit', () => {
    for (const p of ['role', 'permission.principal', 'permission.action', 'newerDeployment', 'domain.userPoolId', 'oauth.enabled', 'exists']) expect(DRIFT_PATHS).toContain(p);
  });
});
