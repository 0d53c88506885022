/** One `init --yes` against a fresh fake with a fixed latency on every call (and optionally the IAM wait, throttling). */
import { installAwsFake, type ServiceName } from '../test/fakes/aws-fake.js';
import { runCliRealTime, tempDir, trackInFlight } from './in-process.js';
import type { Shape } from './plan-metrics.js';

export interface ProvisionOptions {
  shape: Shape;
  /** Added to every call, in real time. */
  latencyMs: number;
  /** CreateFunction is refused with "cannot be assumed" until the role is this old (real ms). @default 0 */
  assumeWindowMs?: number;
  /** Probability that any call is throttled (TooManyRequests / Throttling), retried by the CLI. */
  throttle?: number;
  seed?: number;
  /** Every call waits for the one before, whatever the service: the sequential baseline. */
  oneCallAtATime?: boolean;
}

export interface ProvisionRun {
  code: number;
  ms: number;
  /** Calls the fake answered (attempts, so retries count). */
  calls: number;
  callNames: string[];
  throttled: number;
  peak: Record<ServiceName, number>;
  /** Writes the strict fake refused for overlapping another write to the same REST API. */
  conflicts: number;
  /** Calls the fake's API Gateway quota (10 a second, burst 40) refused. */
  quotaThrottled: number;
  /** IAM wait only: how long after the role became assumable the successful CreateFunction landed. */
  overshootMs?: number;
  /** IAM wait only: every API Gateway and Cognito call was made before the successful CreateFunction. */
  restInsideWait?: boolean;
  stderr: string;
}

export const STACK = 'bench';

export async function provisionOnce(o: ProvisionOptions): Promise<ProvisionRun> {
  const fake = installAwsFake({
    clock: { now: () => Date.now() },
    // The critical-path scenarios measure scheduling: no IAM refusals, Active at the first read. The IAM scenarios
    // set the refusal window explicitly. API Gateway's rules stay on (the default): overlapping writes to one API
    // conflict, and the control-plane quota is 10 calls a second with a burst of 40.
    lambdaAssumeFailures: 0,
    lambdaAssumeWindowMs: o.assumeWindowMs ?? 0,
    lambdaActiveAfterReads: 0,
    deleteRestApiWindowMs: 0,
    seed: o.seed ?? 1,
  });
  const inFlight = trackInFlight(o.oneCallAtATime ?? false);
  try {
    fake.setLatency(o.latencyMs);
    const throttle = o.throttle ? fake.inject({ command: '*', throttle: o.throttle }) : undefined;
    const r = await runCliRealTime(['init', '--yes', '--no-verify', '--stack', STACK, ...o.shape.routeFlags], tempDir());
    const run: ProvisionRun = {
      code: r.code, ms: r.ms, calls: fake.calls.length, callNames: fake.calls.map((c) => `${c.service}:${c.command}`),
      throttled: throttle?.applied ?? 0, peak: { ...inFlight.peak }, stderr: r.stderr,
      conflicts: fake.refused.conflicts, quotaThrottled: fake.refused.throttled,
    };
    if (o.assumeWindowMs) {
      const role = Object.values(fake.state.iam.roles)[0];
      const fn = Object.values(fake.state.lambda.functions)[0];
      const created = fn?.configuration.LastModified;
      if (role && created) run.overshootMs = Date.parse(created.replace('+0000', 'Z')) - (role.CreateDate + o.assumeWindowMs);
      const lastCreate = fake.calls.map((c) => c.command).lastIndexOf('CreateFunction');
      run.restInsideWait = fake.calls.every((c, i) => (c.service !== 'apigateway' && c.service !== 'cognito') || i < lastCreate);
    }
    return run;
  } finally {
    inFlight.restore();
    fake.restore();
  }
}
