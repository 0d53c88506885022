/**
 * What keeps init on its critical path (correctness, never timing): nothing of API Gateway or Cognito waits for the
 * new IAM role to become usable, and the plan's longest chain is what the benchmark's bound assumes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { buildPlan, criticalPathDepth } from '../../src/plan/build.js';
import { callWeightedDepth, createCalls, createDepth } from '../../src/plan/calls.js';
import { runCliRealTime, tempDir } from '../../bench/in-process.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';

let fake: AwsFake | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
});

const plan = (input: object) => buildPlan(resolveConfig({ stack: 'perf', ...input }, { defaultRegion: 'us-east-1', suffix: () => 'abc123' }));

describe('the plan', () => {
  it('keeps the function off the API\'s critical path: 4 nodes, 6 sequential calls deep (STS aside)', () => {
    const p = plan({});
    expect(criticalPathDepth(p)).toBe(4);
    expect(callWeightedDepth(p)).toBe(6);
    for (const n of p.nodes.filter((x) => x.kind === 'api-method' || x.kind === 'deployment')) {
      expect(n.deps, n.id).not.toContain('function');
      expect(n.deps, n.id).not.toContain('permission');
    }
  });

  it('counts a MOCK method\'s integration and method response as one step (they go together)', () => {
    const p = plan({ routes: [{ path: '/m', methods: ['GET'], integration: { type: 'mock' } }] });
    const cors = p.nodes.find((n) => n.kind === 'cors-preflight')!;
    const mock = p.nodes.find((n) => n.kind === 'api-method')!;
    expect(createCalls(cors)).toHaveLength(4);
    expect(createDepth(cors)).toBe(3);
    expect(createDepth(mock)).toBe(3);
  });
});

describe('the IAM wait', () => {
  it('every API Gateway and Cognito call is made before the CreateFunction that succeeds', async () => {
    // Real time, briefly: the fake refuses CreateFunction until the role is 2 s old (its real clock). The API Gateway
    // and Cognito calls take about 150 ms on an idle machine; 2 s leaves room for a loaded CI runner.
    fake = installAwsFake({ lambdaAssumeFailures: 0, lambdaAssumeWindowMs: 2_000, lambdaActiveAfterReads: 0, deleteRestApiWindowMs: 0 });
    fake.setLatency(5);
    const r = await runCliRealTime(['init', '--yes', '--no-verify', '--stack', 'perf'], tempDir());
    expect(r.code, r.stderr).toBe(0);
    const names = fake.calls.map((c) => c.command);
    expect(names.filter((n) => n === 'CreateFunction').length, 'the role was refused at first').toBeGreaterThan(1);
    const success = names.lastIndexOf('CreateFunction');
    const late = fake.calls.filter((c, i) => (c.service === 'apigateway' || c.service === 'cognito') && i > success);
    expect(late.map((c) => `${c.service}:${c.command}`)).toEqual([]);
    // After it, only the Lambda side is left: the Active poll and the permission.
    expect(names.slice(success + 1).sort()).toEqual(['AddPermission', 'GetFunctionConfiguration']);
  });
});
