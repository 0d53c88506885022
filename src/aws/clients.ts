import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { STSClient } from '@aws-sdk/client-sts';
import { KeyedMutex, TokenBucket, restApiOfWrite } from './api-gateway-pacing.js';
import { Limiter } from './limiter.js';
import { withRetry } from './retry.js';
import { awsErrorName, isConcurrentModification, isRefusedUnacted, isThrottling, isTransient } from './errors.js';
import { AwsFailure } from '../errors.js';
import { isNetworkError, NETWORK_RETRY_MS, networkFailure } from './network.js';
import { addWireLogging, redact, type Tracer } from './trace.js';

export interface AwsTarget {
  region: string;
  profile?: string | undefined;
  /** An AWS-compatible endpoint (LocalStack…) for every service. */
  endpointUrl?: string | undefined;
}

/** Only `send`, so callers go through our limiter and retry. */
interface Sender<C extends { send: unknown }> { send: C['send'] }

export interface AwsClients {
  apigateway: Sender<APIGatewayClient>;
  cognito: Sender<CognitoIdentityProviderClient>;
  lambda: Sender<LambdaClient>;
  iam: Sender<IAMClient>;
  sts: Sender<STSClient>;
  tagging: Sender<ResourceGroupsTaggingAPIClient>;
  logs: Sender<CloudWatchLogsClient>;
  /** Calls made, by service and command name (benchmarks, call-count tests, `--dry-run` comparison). */
  readonly calls: Array<{ service: ServiceName; command: string }>;
  /** Per-service limiter, exposed so tests can read `peak`. */
  readonly limiters: Record<ServiceName, Limiter>;
  /**
   * The run has failed and is winding down: from now on no call is retried (each still gets its one attempt), so
   * calls queued behind the limiter do not each wait out a full retry budget before the error is shown.
   */
  stopRetrying?: () => void;
  /** False once stopRetrying was called (createOnce reads it too). */
  isRetrying?: () => boolean;
}

export type ServiceName = 'apigateway' | 'cognito' | 'lambda' | 'iam' | 'sts' | 'tagging' | 'logs';

export interface ClientOptions {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** At most this many calls in flight per service (API Gateway throttles its control plane). @default 4 */
  maxInFlight?: number;
  /** Bound on retrying one call. @default 90_000 */
  maxRetryMs?: number;
  random?: () => number;
  onRetry?: (service: ServiceName, command: string, err: unknown, delayMs: number) => void;
  /** API Gateway's account-wide control-plane quota, which every call is paced under. @default { ratePerSecond: 10, burst: 40 } */
  apigatewayQuota?: { ratePerSecond: number; burst: number };
  /** --verbose / --debug: each call with its timing, (debug) its redacted input, output and HTTP exchange. */
  tracer?: Tracer | undefined;
}

/**
 * Creates that are not idempotent: sent again after a timeout or a 5xx, they may make a second one. The sender
 * retries them only on answers that prove nothing happened (throttled, concurrent modification); the handler wraps
 * them in createOnce (./create-once.ts), which looks for what the failed attempt may have made before sending again.
 * Keyed "service:Command".
 */
export const CREATE_ONCE_COMMANDS = new Set<string>([
  'apigateway:CreateRestApiCommand', 'apigateway:CreateAuthorizerCommand', 'apigateway:CreateDeploymentCommand',
  'apigateway:CreateResourceCommand', 'cognito:CreateUserPoolCommand', 'cognito:CreateUserPoolClientCommand',
]);

type AnyClient = { send(command: unknown): Promise<unknown> };
type Ctor = new (config: Record<string, unknown>) => AnyClient;

const CTORS: Record<ServiceName, Ctor> = {
  apigateway: APIGatewayClient as unknown as Ctor,
  cognito: CognitoIdentityProviderClient as unknown as Ctor,
  lambda: LambdaClient as unknown as Ctor,
  iam: IAMClient as unknown as Ctor,
  sts: STSClient as unknown as Ctor,
  tagging: ResourceGroupsTaggingAPIClient as unknown as Ctor,
  logs: CloudWatchLogsClient as unknown as Ctor,
};

/** How IAM policies spell each service (`secure-api policy` uses the same prefixes). */
export const IAM_PREFIX: Record<ServiceName, string> = {
  apigateway: 'apigateway', cognito: 'cognito-idp', lambda: 'lambda', iam: 'iam', sts: 'sts', tagging: 'tag', logs: 'logs',
};

/** Retries of a throttled or failing call ran out: say which call, for how long, and what to do. */
export function retriesExhausted(service: ServiceName, command: string, err: unknown, attempts: number, elapsedMs: number): AwsFailure {
  const call = `${IAM_PREFIX[service]}:${command.replace(/Command$/, '')}`;
  const throttled = isThrottling(err);
  const name = awsErrorName(err) ?? 'Error';
  if (isConcurrentModification(err)) {
    return new AwsFailure(`${call} was refused on all ${attempts} attempts over ${(elapsedMs / 1000).toFixed(0)} s: another change to this REST API kept it busy (${name})`, {
      awsName: name, cause: err, code: 'AWS_UNAVAILABLE',
      hint: 'Something else (the console, another tool or run) is changing this API. Let it finish, then run the same command again.',
    });
  }
  const message = (err as { message?: string } | undefined)?.message ?? String(err);
  return new AwsFailure(
    `${call} was ${throttled ? 'throttled' : 'failing'} on all ${attempts} attempts over ${(elapsedMs / 1000).toFixed(0)} s (${name}: ${message})`,
    {
      awsName: name,
      cause: err,
      code: throttled ? 'THROTTLED' : 'AWS_UNAVAILABLE',
      hint: throttled
        ? `AWS is limiting the request rate of this account${command === 'DeleteRestApiCommand' ? ' (API Gateway allows about one DeleteRestApi per 30 s)' : ''}. Wait a minute, then run the same command again.`
        : 'AWS kept failing on its side (5xx). Check https://health.aws.amazon.com/ and run the same command again later.',
    },
  );
}

export { NETWORK_RETRY_MS };

/** DeleteRestApi is limited to about one per 30 s per account: give it longer to get through. */
const SLOW_CALLS: Record<string, number> = { DeleteRestApiCommand: 180_000 };

/** One factory for every SDK client: region, profile, endpoint, retry, per-service concurrency. Clients are built on first use. */
export function createAwsClients(target: AwsTarget, opts: ClientOptions): AwsClients {
  const calls: AwsClients['calls'] = [];
  const max = opts.maxInFlight ?? 4;
  const limiters = Object.fromEntries(
    (Object.keys(CTORS) as ServiceName[]).map((s) => [s, new Limiter(max)]),
  ) as Record<ServiceName, Limiter>;
  const built = new Map<ServiceName, AnyClient>();
  let retrying = true;
  // One write in flight per REST API (reads overlap freely); the lock is taken before a limiter slot, so writes
  // queued on a busy API never hold back reads or other APIs.
  const apiWrites = new KeyedMutex();
  const quota = opts.apigatewayQuota ?? { ratePerSecond: 10, burst: 40 };
  const bucket = new TokenBucket(quota.ratePerSecond, quota.burst, { now: opts.now, sleep: opts.sleep });
  const client = (service: ServiceName): AnyClient => {
    let c = built.get(service);
    if (!c) {
      const config: Record<string, unknown> = {
        // IAM is global; its endpoint lives in us-east-1 for the aws partition.
        region: target.region,
        // withRetry below is the one retry layer: the SDK's own would resend a non-idempotent create after a 5xx
        // (CREATE_ONCE_COMMANDS), behind the look-before-retry of its handler.
        maxAttempts: 1,
        customUserAgent: 'secure-api',
      };
      if (target.profile) config.profile = target.profile;
      if (target.endpointUrl) config.endpoint = target.endpointUrl;
      if (opts.tracer?.debug) {
        const line = opts.tracer.line;
        // The SDK's own log lines: it masks the fields its models mark sensitive; ours masks by key on top.
        const log = (...a: unknown[]) => line(`  sdk ${a.map((x) => (typeof x === 'string' ? x : JSON.stringify(redact(x)))).join(' ')}`);
        config.logger = { trace: () => {}, debug: log, info: log, warn: log, error: log };
      }
      c = new CTORS[service](config);
      if (opts.tracer?.debug) addWireLogging(c as { middlewareStack?: unknown }, IAM_PREFIX[service], opts.tracer);
      built.set(service, c);
    }
    return c;
  };
  const sender = (service: ServiceName) => ({
    send: ((command: { constructor: { name: string }; input?: unknown }) => {
      const name = command.constructor.name;
      calls.push({ service, command: name.replace(/Command$/, '') });
      const once = CREATE_ONCE_COMMANDS.has(`${service}:${name}`);
      const call = `${IAM_PREFIX[service]}:${name.replace(/Command$/, '')}`;
      const tracer = opts.tracer;
      // --verbose / --debug: each attempt with its timing (after any pacing wait), its redacted input and output.
      const traced = (send: () => Promise<unknown>) => (tracer ? async () => {
        const t0 = opts.now();
        if (tracer.debug) tracer.line(`aws ${call} input ${JSON.stringify(redact(command.input ?? {}))}`);
        try {
          const out = await send();
          tracer.line(`aws ${call} ok ${opts.now() - t0} ms${tracer.debug ? ` output ${JSON.stringify(redact(out))}` : ''}`);
          return out;
        } catch (err) {
          tracer.line(`aws ${call} failed ${opts.now() - t0} ms: ${awsErrorName(err) ?? 'Error'}`);
          throw err;
        }
      } : send);
      const attempt = service === 'apigateway'
        ? () => bucket.take().then(traced(() => client(service).send(command)))
        : traced(() => client(service).send(command));
      const apiId = service === 'apigateway' ? restApiOfWrite(name, command.input) : undefined;
      return apiWrites.run(apiId, () => limiters[service].run(async () => {
        const started = opts.now();
        let attempts = 1;
        try {
          return await withRetry(attempt, {
            sleep: opts.sleep,
            now: opts.now,
            random: opts.random,
            retryable: (err) => retrying && (once ? isRefusedUnacted(err) : isTransient(err)),
            maxElapsedMs: SLOW_CALLS[name] ?? opts.maxRetryMs ?? 90_000,
            // Nothing listening, a name that does not resolve: said in seconds, never retried as an outage.
            budgetFor: (err) => (isNetworkError(err) ? NETWORK_RETRY_MS : undefined),
            capMs: name === 'DeleteRestApiCommand' ? 10_000 : 2_000,
            onRetry: (err, attempt, delay) => {
              attempts = attempt + 1;
              opts.onRetry?.(service, name, err, delay);
            },
          });
        } catch (err) {
          if (isNetworkError(err)) throw networkFailure(err, { call, target, iamPrefix: IAM_PREFIX[service], attempts, elapsedMs: opts.now() - started });
          throw attempts > 1 && isTransient(err) ? retriesExhausted(service, name, err, attempts, opts.now() - started) : err;
        }
      }));
    }) as never,
  });
  return {
    apigateway: sender('apigateway'),
    cognito: sender('cognito'),
    lambda: sender('lambda'),
    iam: sender('iam'),
    sts: sender('sts'),
    tagging: sender('tagging'),
    logs: sender('logs'),
    calls,
    limiters,
    stopRetrying: () => { retrying = false; },
    isRetrying: () => retrying,
  };
}
