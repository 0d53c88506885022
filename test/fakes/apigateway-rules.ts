/**
 * Two account-level rules of API Gateway's control plane that no single handler can see: writes to one REST API are
 * serialized, and every call draws on one per-account token bucket.
 */
import { awsError } from './errors.js';

/**
 * API Gateway refuses a write to a REST API while another write to the same API is being processed:
 * `ConflictException: Unable to complete operation due to concurrent modification. Please try again later.`
 * Seen for resources, methods, integrations, method and integration responses and their deletes
 * (terraform-provider-aws #16439), authorizers (#27027), any REST API (v1) operation (#776, fixed by retrying it in
 * 3.24.0); older accounts answered the same text as BadRequestException
 * (carlnordenfelt/aws-api-gateway-for-cloudformation #27). Reads (Get*) never conflict.
 */
export const CONCURRENT_MODIFICATION_MESSAGE = 'Unable to complete operation due to concurrent modification. Please try again later.';

/** Every API Gateway command that changes something: all but the reads. */
export function isApiGatewayWrite(command: string): boolean {
  return !/^(Get|Test)/.test(command);
}

/** The REST API a write changes, when it names one (CreateRestApi and account-level calls do not). */
export function restApiOfWrite(command: string, input: unknown): string | undefined {
  if (!isApiGatewayWrite(command) || typeof input !== 'object' || input === null) return undefined;
  const id = (input as { restApiId?: unknown }).restApiId;
  if (typeof id === 'string' && id !== '') return id;
  // TagResource / UntagResource name the API by ARN.
  const arn = (input as { resourceArn?: unknown }).resourceArn;
  const m = typeof arn === 'string' ? /:\/restapis\/([^/]+)/.exec(arn) : null;
  return m?.[1];
}

/**
 * Writes being processed, per REST API. The fake answers synchronously, so "being processed" is the span of the call
 * through the mock layer: from the moment the SDK's `send` reaches the fake until its answer is returned, including
 * the fake's latency. A second write to the same API that arrives inside that span is refused.
 */
export class WritesInFlight {
  private readonly busy = new Map<string, number>();
  /** Refused writes, for tests. */
  conflicts = 0;

  /** Claim the API for one write; throws the conflict when another write holds it. */
  begin(restApiId: string, errorName: 'ConflictException' | 'BadRequestException'): () => void {
    if ((this.busy.get(restApiId) ?? 0) > 0) {
      this.conflicts += 1;
      throw awsError('apigateway', errorName, CONCURRENT_MODIFICATION_MESSAGE);
    }
    this.busy.set(restApiId, 1);
    return () => { this.busy.delete(restApiId); };
  }
}

/**
 * "Amazon API Gateway quotas" (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), the table of
 * quotas for creating, deploying and managing an API: "Total operations: 10 requests per second with a burst limit
 * of 40 requests per second", fixed, per account and Region. A token bucket: 40 deep, refilled at 10 per second on
 * the fake's clock; a call that finds it empty gets TooManyRequestsException.
 */
export class ControlPlaneQuota {
  private tokens: number;
  private last: number | undefined;
  /** Calls refused, for tests. */
  refused = 0;

  constructor(readonly ratePerSecond: number, readonly burst: number, private readonly now: () => number) {
    this.tokens = burst;
  }

  /** Take one token or throw the throttling error, with the seconds until one is back as `retry-after`. */
  take(): void {
    const t = this.now();
    if (this.last !== undefined) this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    this.refused += 1;
    const waitS = Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSecond));
    throw awsError('apigateway', 'TooManyRequestsException', 'Too Many Requests', { retryAfterSeconds: waitS });
  }
}
