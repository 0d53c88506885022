import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

/** The calls one `status` makes on a stack with this many resources × methods. */
async function statusCalls(resources: number, methods: string[]): Promise<string[]> {
  const clock = new VirtualClock();
  fake = installAwsFake({ clock });
  const cwd = tempDir();
  const routes = Array.from({ length: resources }, (_, i) => ['--route', `${methods.join(',')} /r${i}`]).flat();
  const init = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo', ...routes], { cwd, clock, dataPlane: false });
  expect(init.code, init.stderr).toBe(0);
  // A user's next command comes seconds later: by then init's share of the account's API Gateway quota (10 a second,
  // burst 40) has refilled. Without the pause, status's own burst would be throttled once and retried: one call more.
  clock.t += 5_000;
  const before = fake.calls.length;
  const status = await runSecureApi(['status', '--stack', 'demo'], { cwd, clock, dataPlane: false });
  expect(status.code, status.stdout + status.stderr).toBe(0);
  const calls = fake.calls.slice(before).map((c) => `${c.service}:${c.command}`);
  fake.restore();
  fake = undefined;
  return calls;
}

describe('status reads', () => {
  it('cost the same calls whatever the number of routes: the API tree and gateway responses are read once', async () => {
    const small = await statusCalls(1, ['GET']);
    const large = await statusCalls(5, ['GET', 'POST', 'PUT', 'DELETE']);
    expect(large.sort()).toEqual(small.sort());
    expect(large.filter((c) => c === 'apigateway:GetResources')).toHaveLength(1);
    // The stage is judged on what every stage serves (one GetStages, its deployment's apiSummary), no longer by a
    // GetStage + GetDeployments pair: six API Gateway reads in all.
    expect(large.filter((c) => c.startsWith('apigateway:')).sort()).toEqual([
      'apigateway:GetAuthorizer', 'apigateway:GetDeployment', 'apigateway:GetGatewayResponses', 'apigateway:GetResources',
      'apigateway:GetRestApi', 'apigateway:GetStages',
    ]);
    expect(large.every((c) => /:(Get|Describe|List)/.test(c))).toBe(true);
  });
});
