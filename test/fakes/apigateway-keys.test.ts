/**
 * The fake's model of API keys and usage plans (apigateway-keys.ts) and the data plane's key check (data-plane.ts),
 * each test named after the AWS behaviour it stands for.
 */
import {
  APIGatewayClient, CreateApiKeyCommand, CreateDeploymentCommand, CreateRestApiCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand,
  GetApiKeyCommand, GetResourcesCommand, GetUsagePlanKeysCommand, GetUsagePlansCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand, UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from './aws-fake.js';
import { startFakeDataPlane, type FakeDataPlane } from './data-plane.js';

let fake: AwsFake;
let plane: FakeDataPlane;
const sdk = () => new APIGatewayClient({ region: 'us-east-1' });

/** An API with GET /reports (MOCK 200, apiKeyRequired) deployed to prod and test. */
async function keyedApi(): Promise<string> {
  const api = (await sdk().send(new CreateRestApiCommand({ name: 'keyed' }))).id!;
  const root = (await sdk().send(new GetResourcesCommand({ restApiId: api }))).items![0]!.id!;
  const at = { restApiId: api, resourceId: root, httpMethod: 'GET' };
  await sdk().send(new PutMethodCommand({ ...at, authorizationType: 'NONE', apiKeyRequired: true }));
  await sdk().send(new PutIntegrationCommand({ ...at, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await sdk().send(new PutMethodResponseCommand({ ...at, statusCode: '200' }));
  await sdk().send(new PutIntegrationResponseCommand({ ...at, statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }));
  await sdk().send(new CreateDeploymentCommand({ restApiId: api, stageName: 'prod' }));
  await sdk().send(new CreateDeploymentCommand({ restApiId: api, stageName: 'test' }));
  return api;
}

const call = async (api: string, stage: string, key?: string) => {
  const r = await fetch(`${plane.url}/restapis/${api}/${stage}/_user_request_/`, { headers: key ? { 'x-api-key': key } : {} });
  return { status: r.status, body: await r.json() as unknown };
};

beforeEach(async () => {
  fake = installAwsFake({ freshStageForbiddenRequests: 0, apigatewayQuota: false });
  plane = await startFakeDataPlane(fake);
});
afterEach(async () => {
  await plane.close();
  fake.restore();
});

describe('API keys and usage plans (api-gateway-api-key-source.html)', () => {
  it('a method with apiKeyRequired answers 403 Forbidden without an X-API-Key, with an unknown or disabled one, or one whose plan is bound to another stage; 200 with a key of a plan bound to the stage', async () => {
    const api = await keyedApi();
    const key = await sdk().send(new CreateApiKeyCommand({ name: 'partner', enabled: true }));
    const disabled = await sdk().send(new CreateApiKeyCommand({ name: 'old', value: 'a-disabled-key-of-20-chars-or-more' }));
    const plan = await sdk().send(new CreateUsagePlanCommand({ name: 'partners', apiStages: [{ apiId: api, stage: 'prod' }] }));
    await sdk().send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
    await sdk().send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: disabled.id, keyType: 'API_KEY' }));
    const forbidden = { status: 403, body: { message: 'Forbidden' } };
    expect(await call(api, 'prod')).toEqual(forbidden);
    expect(await call(api, 'prod', 'not-a-key-of-this-account')).toEqual(forbidden);
    expect(disabled.enabled).toBe(false); // CreateApiKey: enabled defaults to false
    expect(await call(api, 'prod', disabled.value)).toEqual(forbidden);
    expect(await call(api, 'test', key.value)).toEqual(forbidden);
    expect(await call(api, 'prod', key.value)).toEqual({ status: 200, body: { ok: true } });
  });

  it('apiKeySource AUTHORIZER: the key is the one a Lambda authorizer returns, so X-API-Key no longer serves (403)', async () => {
    const api = await keyedApi();
    const key = await sdk().send(new CreateApiKeyCommand({ name: 'partner', enabled: true }));
    const plan = await sdk().send(new CreateUsagePlanCommand({ name: 'partners', apiStages: [{ apiId: api, stage: 'prod' }] }));
    await sdk().send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
    expect((await call(api, 'prod', key.value)).status).toBe(200);
    await sdk().send(new UpdateRestApiCommand({ restApiId: api, patchOperations: [{ op: 'replace', path: '/apiKeySource', value: 'AUTHORIZER' }] }));
    expect(await call(api, 'prod', key.value)).toEqual({ status: 403, body: { message: 'Forbidden' } });
  });

  it('GetApiKey returns the value only with includeValue; GetUsagePlans with keyId keeps the plans holding the key; GetUsagePlanKeys lists the plan\'s keys', async () => {
    const api = await keyedApi();
    const key = await sdk().send(new CreateApiKeyCommand({ name: 'partner', enabled: true }));
    const plan = await sdk().send(new CreateUsagePlanCommand({ name: 'partners', apiStages: [{ apiId: api, stage: 'prod' }] }));
    await sdk().send(new CreateUsagePlanCommand({ name: 'empty', apiStages: [{ apiId: api, stage: 'prod' }] }));
    await sdk().send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
    expect((await sdk().send(new GetApiKeyCommand({ apiKey: key.id }))).value).toBeUndefined();
    expect((await sdk().send(new GetApiKeyCommand({ apiKey: key.id, includeValue: true }))).value).toBe(key.value);
    expect((await sdk().send(new GetUsagePlansCommand({ keyId: key.id }))).items?.map((p) => p.name)).toEqual(['partners']);
    expect((await sdk().send(new GetUsagePlansCommand({}))).items?.map((p) => p.name)).toEqual(['partners', 'empty']);
    expect((await sdk().send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }))).items?.map((k) => [k.id, k.type])).toEqual([[key.id, 'API_KEY']]);
  });

  it('CreateUsagePlan on a stage that does not exist: BadRequestException "Invalid API Stage" (aws/aws-cdk#6169); a key value under 20 characters is refused', async () => {
    const api = await keyedApi();
    await expect(sdk().send(new CreateUsagePlanCommand({ name: 'p', apiStages: [{ apiId: api, stage: 'nope' }] })))
      .rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining(`Invalid API Stage {api: ${api}, stage: nope}`) });
    await expect(sdk().send(new CreateApiKeyCommand({ name: 'short', value: 'short' }))).rejects.toMatchObject({ name: 'BadRequestException' });
  });
});
