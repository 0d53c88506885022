/**
 * Methods the stage serves with apiKeyRequired (api-gateway-api-key-source.html): the proof sends a key of a usage
 * plan bound to the stage, or says the method is not proven and how to give one; never a false ✗ from a 403, and the
 * key never shows in the output, the --debug log or the state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APIGatewayClient, CreateApiKeyCommand, CreateDeploymentCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand, UpdateMethodCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

type Row = { route: string; method: string; check: string; ok: boolean; severity: string; got: string; expected: string };
type Out = { ok: boolean; rows: Row[]; verdict: { unproven: Array<{ route: string; method: string; why: string; command: string }> } };

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
const apigw = () => new APIGatewayClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
const stateFile = () => join(cwd, '.secure-api', 'secure-api.json');

beforeEach(async () => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0 });
  cwd = tempDir('secure-api-verify-key-');
  const init = await runSecureApi(['init', '--yes', '--no-verify', '--route', 'GET,POST /items', '--public-route', 'GET /health'], { cwd, clock });
  expect(init.code, init.stderr).toBe(0);
  // The owners make GET /items require an API key, and deploy.
  const s = readState(stateFile())!;
  const restApiId = s.nodes.api!.out.apiId!;
  await clock.sleep(10_000);
  for (const id of ['method:GET /items', 'method:GET /health']) {
    const m = s.nodes[id]!.out;
    await apigw().send(new UpdateMethodCommand({ restApiId, resourceId: m.resourceId, httpMethod: 'GET', patchOperations: [{ op: 'replace', path: '/apiKeyRequired', value: 'true' }] }));
  }
  await apigw().send(new CreateDeploymentCommand({ restApiId, stageName: 'dev', description: 'keys on' }));
});
afterEach(() => fake?.restore());

async function verify(...extra: string[]): Promise<{ code: number; out: Out; stdout: string; stderr: string }> {
  const r = await runSecureApi(['verify', '--json', ...extra], { cwd, clock });
  return { code: r.code, out: JSON.parse(r.stdout) as Out, stdout: r.stdout, stderr: r.stderr };
}

describe('verify on methods that require an API key', () => {
  it('no usage plan bound to the stage: the refusals are proven (the authorizer runs before the key check), the method is not proven, with how to give a key; no 403 ✗', async () => {
    const v = await verify();
    expect(v.code).toBe(1);
    expect(v.out.rows.filter((r) => r.route === '/items' && r.method === 'GET').map((r) => [r.check, r.got, r.ok])).toEqual(expect.arrayContaining([
      ['no-token', '401 Unauthorized', true], ['forged-token', '401 Unauthorized', true],
    ]));
    expect(v.out.rows.filter((r) => !r.ok && r.severity !== 'info')).toEqual([]);
    expect(v.out.rows.some((r) => r.route === '/items' && r.method === 'GET' && r.check === 'id-token')).toBe(false);
    // A public route that requires a key: not called, said as information (neither ✓ nor ✗).
    expect(v.out.rows.find((r) => r.route === '/health')).toMatchObject({ check: 'public-no-token', ok: false, severity: 'info', got: 'not called: no API key' });
    expect(v.out.verdict.unproven).toEqual([{
      route: '/items', method: 'GET', why: 'it requires an API key (apiKeyRequired) and no usage plan is bound to stage dev',
      command: expect.stringMatching(/^aws apigateway create-usage-plan --name NAME --api-stages apiId=\w+,stage=dev /),
    }]);
    // The other secured methods are proven as before.
    expect(v.out.rows.find((r) => r.route === '/items' && r.method === 'POST' && r.check === 'id-token')).toMatchObject({ ok: true });
    const text = await runSecureApi(['verify'], { cwd, clock });
    expect(text.stdout).toContain('→ give it an API key: aws apigateway create-usage-plan');
  });

  it('an enabled key in a usage plan bound to the stage: sent as X-API-Key, the 2xx proven; the key is in no output, --debug log or state', async () => {
    const restApiId = readState(stateFile())!.nodes.api!.out.apiId!;
    const disabled = await apigw().send(new CreateApiKeyCommand({ name: 'old' }));
    const key = await apigw().send(new CreateApiKeyCommand({ name: 'partner', enabled: true }));
    const plan = await apigw().send(new CreateUsagePlanCommand({ name: 'partners', apiStages: [{ apiId: restApiId, stage: 'dev' }] }));
    await apigw().send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: disabled.id, keyType: 'API_KEY' }));
    const without = await verify();
    expect(without.out.verdict.unproven.map((u) => u.why)).toEqual(['it requires an API key (apiKeyRequired) and no enabled API key is in the usage plan bound to stage dev (partners)']);
    expect(without.out.verdict.unproven[0]!.command).toContain(`create-usage-plan-key --usage-plan-id ${plan.id} --key-id KEY_ID --key-type API_KEY`);
    await apigw().send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
    const v = await verify('--debug');
    expect(v.code, v.stdout).toBe(0);
    expect(v.out.rows.find((r) => r.route === '/items' && r.method === 'GET' && r.check === 'id-token')).toMatchObject({ ok: true, got: expect.stringMatching(/^200/) });
    expect(v.out.verdict.unproven).toEqual([]);
    expect(v.out.rows.find((r) => r.route === '/health')).toMatchObject({ check: 'public-no-token', ok: true, got: expect.stringMatching(/^200/) });
    expect(fake.calls.some((c) => c.command === 'GetApiKey' && (c.input as { includeValue?: boolean }).includeValue === true)).toBe(true);
    expect(v.stderr).toMatch(/GetApiKey .*output .*"value":"\*\*\*"/);
    for (const text of [v.stdout, v.stderr, readFileSync(stateFile(), 'utf8')]) expect(text).not.toContain(key.value!);
  });

  it('the API takes keys from a Lambda authorizer (apiKeySource AUTHORIZER): no X-API-Key can serve, so the method is not proven, saying why (no 403 ✗)', async () => {
    const restApiId = readState(stateFile())!.nodes.api!.out.apiId!;
    const key = await apigw().send(new CreateApiKeyCommand({ name: 'partner', enabled: true }));
    const plan = await apigw().send(new CreateUsagePlanCommand({ name: 'partners', apiStages: [{ apiId: restApiId, stage: 'dev' }] }));
    await apigw().send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
    await apigw().send(new UpdateRestApiCommand({ restApiId, patchOperations: [{ op: 'replace', path: '/apiKeySource', value: 'AUTHORIZER' }] }));
    const v = await verify();
    expect(v.code).toBe(1);
    expect(v.out.rows.filter((r) => !r.ok && r.severity !== 'info')).toEqual([]);
    expect(v.out.verdict.unproven.map((u) => [u.method, u.route, u.why])).toEqual([['GET', '/items', expect.stringContaining('apiKeySource AUTHORIZER')]]);
  });
});
