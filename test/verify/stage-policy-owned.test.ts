import { join } from 'node:path';
import { APIGatewayClient, CreateDeploymentCommand, PutIntegrationCommand, PutMethodCommand, UpdateMethodCommand } from '@aws-sdk/client-api-gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import type { StateFile } from '../../src/state/schema.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { securedMethod } from '../status/drift.js';

type Row = { route: string; method: string; check: string; ok: boolean; severity: string; got: string; expected: string; note?: string };

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
const apigw = () => new APIGatewayClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
const loadState = (): StateFile => readState(join(cwd, '.secure-api', 'secure-api.json'))!;

async function verify(...extra: string[]): Promise<{ code: number; rows: Row[] }> {
  const r = await runSecureApi(['verify', '--json', ...extra], { cwd, clock });
  const doc = JSON.parse(r.stdout) as { rows?: Row[]; error?: unknown };
  return { code: r.code, rows: doc.rows ?? [] };
}

beforeEach(async () => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0 });
  cwd = tempDir('secure-api-verify-policy-');
  const init = await runSecureApi(['init', '--yes', '--no-verify'], { cwd, clock });
  expect(init.code, init.stderr).toBe(0);
});
afterEach(() => fake?.restore());

describe('verify on a stack that owns its API judges what every stage serves against the policy (as status does)', () => {
  it('a clean stack: one stage-policy row, ✓, with and without --read-only', async () => {
    for (const extra of [[], ['--read-only']]) {
      const v = await verify(...extra);
      expect(v.code, extra.join(' ')).toBe(0);
      expect(v.rows.filter((r) => r.check === 'stage-policy')).toEqual([expect.objectContaining({ ok: true, expected: 'every stage serves the policy' })]);
    }
  });

  it('an owner adds an open method by hand and deploys it: the proof fails naming it, with the command that secures it', async () => {
    const s = loadState();
    const restApiId = s.nodes.api!.out.apiId!;
    const { resourceId } = securedMethod(s);
    await apigw().send(new PutMethodCommand({ restApiId, resourceId, httpMethod: 'DELETE', authorizationType: 'NONE' }));
    await apigw().send(new PutIntegrationCommand({ restApiId, resourceId, httpMethod: 'DELETE', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await apigw().send(new CreateDeploymentCommand({ restApiId, stageName: 'dev', description: 'made in the console' }));
    for (const extra of [[], ['--read-only']]) {
      const v = await verify(...extra);
      expect(v.code, extra.join(' ')).toBe(1);
      expect(v.rows.filter((r) => r.check === 'stage-policy')).toEqual([
        expect.objectContaining({ route: '/items', method: 'DELETE', ok: false, severity: 'error', got: expect.stringContaining('NONE on stage dev'),
          note: expect.stringMatching(/DELETE \/items is served open .*: delete it from the API, or add it to the stack \(secure-api routes add\)$/) }),
      ]);
    }
  });

  it('another stage serves a secured method open: critical, naming the stage', async () => {
    const s = loadState();
    const restApiId = s.nodes.api!.out.apiId!;
    const m = securedMethod(s);
    await apigw().send(new UpdateMethodCommand({ restApiId, resourceId: m.resourceId, httpMethod: m.httpMethod, patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }] }));
    await apigw().send(new CreateDeploymentCommand({ restApiId, stageName: 'staging' }));
    const v = await verify('--read-only');
    expect(v.code).toBe(1);
    expect(v.rows.filter((r) => r.check === 'stage-policy' && !r.ok)).toContainEqual(
      expect.objectContaining({ route: '/items', method: m.httpMethod, severity: 'critical', got: expect.stringContaining('NONE on stage staging') }));
  });
});
