import { Readable } from 'node:stream';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { addWireLogging, redact, redactBody, redactHeaders } from './trace.js';

interface HttpRequest { body?: unknown; headers: Record<string, string> }

const PASSWORD = 'Pw-that-must-not-show-42!';
const SECRET_HASH = 'c2VjcmV0LWhhc2gtdGhhdC1tdXN0LW5vdC1zaG93';
const SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';
const ID_TOKEN = 'eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('--debug wire logging', () => {
  it('logs the signed HTTP request and the response, with the password, SECRET_HASH, session token and signature masked', async () => {
    const lines: string[] = [];
    const sent: HttpRequest[] = [];
    const client = new CognitoIdentityProviderClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-key-that-must-not-show', sessionToken: SESSION_TOKEN },
      requestHandler: {
        handle: async (req: HttpRequest) => {
          sent.push(req);
          const body = JSON.stringify({ AuthenticationResult: { IdToken: ID_TOKEN, AccessToken: ID_TOKEN, ExpiresIn: 3600 } });
          return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([body]) } };
        },
      },
    });
    addWireLogging(client, 'cognito-idp', { debug: true, line: (t) => lines.push(t) });
    await client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'client-1', AuthParameters: { USERNAME: 'ann', PASSWORD, SECRET_HASH } }));
    await client.send(new DescribeUserPoolClientCommand({ UserPoolId: 'eu-west-1_x', ClientId: 'client-1' }));
    const log = lines.join('\n');
    // The request really carried them (so their absence from the log is the redaction, not a missing body).
    expect(new TextDecoder().decode(sent[0]?.body as Uint8Array)).toContain(PASSWORD);
    expect(sent[1]?.headers['x-amz-security-token']).toBe(SESSION_TOKEN);
    expect(sent[1]?.headers.authorization).toMatch(/Signature=/);
    expect(log).toContain('> POST https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(log).toContain('"USERNAME":"ann"');
    expect(log).toContain('< cognito-idp HTTP 200');
    expect(log).toContain('"authorization":"***"');
    for (const secret of [PASSWORD, SECRET_HASH, SESSION_TOKEN, 'secret-key-that-must-not-show', /Signature=[0-9a-f]{16}/]) {
      if (typeof secret === 'string') expect(log).not.toContain(secret);
      else expect(log).not.toMatch(secret);
    }
  });

  it('masks secrets by key in inputs, outputs and form bodies', () => {
    expect(redact({ UserPoolClient: { ClientId: 'c', ClientSecret: 's3cr3t', AccessTokenValidity: 60 } })).toEqual({ UserPoolClient: { ClientId: 'c', ClientSecret: '***', AccessTokenValidity: 60 } });
    expect(redact({ ProviderDetails: { client_id: 'x', client_secret: 'y' }, $metadata: { requestId: 'r' } })).toEqual({ ProviderDetails: { client_id: 'x', client_secret: '***' } });
    // MFA: the authenticator's secret, the code that verifies it, the code that answers SOFTWARE_TOKEN_MFA.
    expect(redact({ SecretCode: 'JBSW', UserCode: '123456', ChallengeResponses: { USERNAME: 'u', SOFTWARE_TOKEN_MFA_CODE: '654321' }, ChallengeName: 'SOFTWARE_TOKEN_MFA' }))
      .toEqual({ SecretCode: '***', UserCode: '***', ChallengeResponses: { USERNAME: 'u', SOFTWARE_TOKEN_MFA_CODE: '***' }, ChallengeName: 'SOFTWARE_TOKEN_MFA' });
    // How a method is secured is not a secret; the Authorization header (any case, or behind a proxy) is.
    expect(redact({ authorizationType: 'COGNITO_USER_POOLS', authorizationScopes: ['orders/read'], authorizerId: 'a1b2c3', identitySource: 'method.request.header.Authorization' }))
      .toEqual({ authorizationType: 'COGNITO_USER_POOLS', authorizationScopes: ['orders/read'], authorizerId: 'a1b2c3', identitySource: 'method.request.header.Authorization' });
    expect(redactHeaders({ Authorization: 'eyJ.id.token', authorization: 'AWS4-HMAC-SHA256 Credential=x', 'Proxy-Authorization': 'Basic x', 'content-type': 'application/json' }))
      .toEqual({ Authorization: '***', authorization: '***', 'Proxy-Authorization': '***', 'content-type': 'application/json' });
    expect(redactBody('Action=AssumeRole&RoleSessionName=a&SerialNumber=b&TokenCode=123456')).toBe('Action=AssumeRole&RoleSessionName=***&SerialNumber=b&TokenCode=***');
  });

  it('masks an API key\'s value (GetApiKey includeValue) and the X-API-Key header, not a patch value nor how a method uses keys', () => {
    expect(redact({ id: 'k1', name: 'partner', value: 'the-api-key-value-0123456789', enabled: true, apiKeySource: 'HEADER', apiKeyRequired: true }))
      .toEqual({ id: 'k1', name: 'partner', value: '***', enabled: true, apiKeySource: 'HEADER', apiKeyRequired: true });
    expect(redact({ patchOperations: [{ op: 'replace', path: '/description', value: 'Team API' }] })).toEqual({ patchOperations: [{ op: 'replace', path: '/description', value: 'Team API' }] });
    expect(redactHeaders({ 'x-api-key': 'the-api-key-value-0123456789', 'X-Api-Key': 'k', accept: '*/*' })).toEqual({ 'x-api-key': '***', 'X-Api-Key': '***', accept: '*/*' });
  });

  it('masks every key of a usage plan (GetUsagePlanKeys answers each UsagePlanKey with its value in the clear)', () => {
    const out = { items: [{ id: 'k1', name: 'partner', type: 'API_KEY', value: 'the-api-key-value-0123456789' }, { id: 'k2', type: 'API_KEY', value: 'another-key-value-9876543210' }] };
    expect(redact(out)).toEqual({ items: [{ id: 'k1', name: 'partner', type: 'API_KEY', value: '***' }, { id: 'k2', type: 'API_KEY', value: '***' }] });
  });
});
