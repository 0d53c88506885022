import { GetMethodCommand, PutMethodCommand } from '@aws-sdk/client-api-gateway';
import { DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { driftText } from '../../src/plan/drift-text.js';
import { servedDiff, stageDiff, type ApiSummary } from '../../src/resources/deployment.js';
import { grantDrift } from '../../src/resources/lambda-permission.js';
import { clientDrift } from '../../src/resources/user-pool-client-settings.js';
import { userPoolDomainHandler } from '../../src/resources/user-pool-domain.js';
import { isReadCall, readOnlyClients } from '../../src/status/read-only-clients.js';
import { installAwsFake } from '../fakes/aws-fake.js';

const secured: ApiSummary = {
  '/items': { GET: { authorizationType: 'COGNITO_USER_POOLS' }, POST: { authorizationType: 'COGNITO_USER_POOLS' }, OPTIONS: { authorizationType: 'NONE' } },
};

describe('stale stage: what the stage serves against the methods as configured now', () => {
  it('names a method changed, removed or added after the deployment; nothing when they match', () => {
    const live = new Map(Object.entries({
      'GET /items': { authorizationType: 'NONE' }, 'OPTIONS /items': { authorizationType: 'NONE' }, 'DELETE /items': { authorizationType: 'NONE' },
    }));
    expect(stageDiff(secured, live, 'd1').map(driftText)).toEqual([
      'GET /items is served with COGNITO_USER_POOLS but is now configured NONE (changed after deployment d1)',
      'POST /items is still served by deployment d1 but no longer exists in the API',
      'DELETE /items (NONE) was added after deployment d1 and is not served',
    ]);
    const same = new Map(Object.entries(secured['/items']!).map(([m, s]) => [`${m} /items`, s]));
    expect(stageDiff(secured, same, 'd1')).toEqual([]);
  });

  it('compares the deployment a stage serves with the one secure-api made', () => {
    const served: ApiSummary = { '/items': { GET: { authorizationType: 'NONE' }, OPTIONS: { authorizationType: 'NONE' } }, '/admin': { ANY: {} } };
    expect(servedDiff(secured, served).map(driftText)).toEqual([
      'GET /items is served with NONE (no token needed); secure-api deployed it with COGNITO_USER_POOLS',
      'POST /items is not served any more',
      'ANY /admin is served with NONE (no token needed), but secure-api never deployed it',
    ]);
  });
});

describe('read improvements', () => {
  const spec = {
    name: 'c', generateSecret: false, authFlows: [], supportedIdentityProviders: ['COGNITO'],
    oauth: { callbackUrls: ['http://localhost/cb'], logoutUrls: [], scopes: ['openid', 'email'], flows: ['code' as const] },
  };

  // What a client made from `spec` reports, with the OAuth settings replaced.
  const live = (oauth: object) => ({
    ClientName: 'c', ExplicitAuthFlows: [], SupportedIdentityProviders: ['COGNITO'], PreventUserExistenceErrors: 'ENABLED' as const,
    EnableTokenRevocation: true, AccessTokenValidity: 60, IdTokenValidity: 60, RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes' as const, IdToken: 'minutes' as const, RefreshToken: 'days' as const }, LogoutURLs: [], ...oauth,
  });

  it('the app client keeps the OAuth flow, scopes and callback the hosted UI needs, and nothing more (sets compared whole)', () => {
    expect(clientDrift(spec, live({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['email', 'openid'], CallbackURLs: ['http://localhost/cb'] }))).toEqual([]);
    const lacking = live({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['implicit'], AllowedOAuthScopes: ['openid'], CallbackURLs: [] });
    expect(clientDrift(spec, lacking).map((d) => d.path)).toEqual(['oauth.callbackUrls', 'oauth.flows', 'oauth.scopes']);
    expect(clientDrift(spec, lacking).map(driftText)).toEqual([
      'CallbackURLs lack http://localhost/cb', 'AllowedOAuthFlows lack code; AllowedOAuthFlows have implicit added', 'AllowedOAuthScopes lack email',
    ]);
    // issue 25.3: what was added is drift too (a callback to another host, the implicit flow, the admin scope).
    const added = live({
      AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code', 'implicit'], AllowedOAuthScopes: ['email', 'openid', 'aws.cognito.signin.user.admin'],
      CallbackURLs: ['http://localhost/cb', 'https://evil.example/cb'],
    });
    expect(clientDrift(spec, added).map(driftText)).toEqual([
      'CallbackURLs have https://evil.example/cb added', 'AllowedOAuthFlows have implicit added', 'AllowedOAuthScopes have aws.cognito.signin.user.admin added',
    ]);
    expect(clientDrift({ ...spec, oauth: undefined }, live({ AllowedOAuthFlowsUserPoolClient: false }))).toEqual([]);
  });

  it('the Lambda permission lets API Gateway invoke the function, and only it', () => {
    const ours = { Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction' };
    expect(grantDrift(ours)).toEqual([]);
    expect(grantDrift({ Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:GetFunction' }).map((d) => d.path)).toEqual(['permission.action', 'permission.principal']);
    expect(grantDrift({ Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:GetFunction' }).map(driftText)).toEqual([
      'Action is lambda:GetFunction, expected lambda:InvokeFunction',
      'Principal is events.amazonaws.com, expected the service apigateway.amazonaws.com',
    ]);
    // A statement that names no principal or action grants nothing to API Gateway.
    expect(grantDrift({}).map((d) => d.path)).toEqual(['permission.action', 'permission.principal']);
    // On our own function, any statement beside ours is drift (issue 25.3); on a user's function they are theirs.
    expect(grantDrift(ours, undefined, ['public-invoke']).map(driftText)).toEqual([
      "the function's resource policy has other statements: public-invoke (expected only secure-api's, for this API)",
    ]);
    expect(grantDrift(ours, undefined, [])).toEqual([]);
  });

  it('a hosted UI domain being deleted is drift; CREATING is a note', async () => {
    const fake = installAwsFake();
    try {
      const clients = createAwsClients({ region: 'us-east-1' }, { sleep: async () => {}, now: () => 0 });
      const notes: string[] = [];
      const ctx = {
        clients, region: 'us-east-1', account: '123456789012', partition: 'aws', stack: 's', tags: {}, stateId: 'test-state-id', sleep: async () => {}, now: () => 0,
        note: (m: string) => notes.push(m), secrets: { idpClientSecret: () => undefined },
      };
      fake.mocks.cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'd', UserPoolId: 'p1', Status: 'DELETING' } });
      expect(await userPoolDomainHandler.read(ctx, { domainPrefix: 'd', managedLoginVersion: 1 }, { domain: 'd' }, { pool: { userPoolId: 'p1' } }))
        .toEqual({ state: 'drifted', drift: [{ path: 'domain.status', before: 'ACTIVE', after: 'DELETING', context: { domain: 'd' } }], out: { domain: 'd' } });
    } finally {
      fake.restore();
    }
  });
});

describe('status only reads', () => {
  it('knows a read from a write', () => {
    expect(['GetMethod', 'DescribeUserPool', 'ListUserPoolClients', 'GetCallerIdentityCommand'].every(isReadCall)).toBe(true);
    expect(['PutMethod', 'UpdateStage', 'CreateDeployment', 'DeleteFunction', 'AddPermission', 'RemovePermission', 'Getaway', 'TagResource'].some(isReadCall)).toBe(false);
  });

  it('the guarded clients refuse a write before it leaves the process, and let reads through', async () => {
    const fake = installAwsFake();
    try {
      const clients = readOnlyClients(createAwsClients({ region: 'us-east-1' }, { sleep: async () => {}, now: () => 0 }));
      await expect(clients.apigateway.send(new PutMethodCommand({ restApiId: 'a', resourceId: 'r', httpMethod: 'GET', authorizationType: 'NONE' })))
        .rejects.toThrow('internal: status only reads, but apigateway:PutMethod was about to be called');
      await expect(clients.apigateway.send(new GetMethodCommand({ restApiId: 'a', resourceId: 'r', httpMethod: 'GET' }))).rejects.toThrow(/Invalid API identifier|NotFound/);
      expect(fake.calls.map((c) => c.command)).toEqual(['GetMethod']);
    } finally {
      fake.restore();
    }
  });
});
