import { GetMethodCommand, PutMethodCommand } from '@aws-sdk/client-api-gateway';
import { DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { driftText } from '../../src/plan/drift-text.js';
import { servedDiff, stageDiff, type ApiSummary } from '../../src/resources/deployment.js';
import { grantDrift } from '../../src/resources/lambda-permission.js';
import { oauthDrift } from '../../src/resources/user-pool-client.js';
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

  it('the app client keeps the OAuth flow, scopes and callback the hosted UI needs', () => {
    expect(oauthDrift(spec, { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], CallbackURLs: ['http://localhost/cb'] })).toEqual([]);
    expect(oauthDrift(spec, { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['implicit'], AllowedOAuthScopes: ['openid'], CallbackURLs: [] }).map((d) => d.path)).toEqual(['oauth.flows', 'oauth.scopes', 'oauth.callbackUrls']);
    expect(oauthDrift(spec, { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['implicit'], AllowedOAuthScopes: ['openid'], CallbackURLs: [] }).map(driftText)).toEqual([
      'AllowedOAuthFlows lack code', 'AllowedOAuthScopes lack email', 'CallbackURLs lack http://localhost/cb',
    ]);
    expect(oauthDrift({ ...spec, oauth: undefined }, {})).toEqual([]);
  });

  it('the Lambda permission still lets API Gateway invoke the function', () => {
    expect(grantDrift({ Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction' })).toEqual([]);
    expect(grantDrift({ Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:GetFunction' }).map((d) => d.path)).toEqual(['permission.principal', 'permission.action']);
    expect(grantDrift({ Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:GetFunction' }).map(driftText)).toEqual([
      'Principal is {"Service":"events.amazonaws.com"}, expected the service apigateway.amazonaws.com',
      'Action is lambda:GetFunction, expected lambda:InvokeFunction',
    ]);
    // Fields AWS did not send are not judged.
    expect(grantDrift({})).toEqual([]);
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
