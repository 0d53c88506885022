/**
 * A stateful, in-process fake of the AWS API subset secure-api calls, built on aws-sdk-client-mock.
 *
 * `installAwsFake()` stubs `send` on the prototype of every SDK client we use, so every client instance — however it
 * was built (region, endpoint, profile) — answers from the fake's memory of its account (its profile or access key,
 * through the `accounts` option) in its region: what one account or region made, another cannot see. It remembers what was created, answers
 * Get/Describe/List/Delete from that memory, enforces the AWS rules the code must honour, and throws errors shaped
 * like the SDK's own (the modeled exception classes, so `instanceof` and `name` both work).
 *
 * Rules enforced (as AWS does): a user pool with a domain cannot be deleted; domain prefixes are unique per region (this fake is one region), may be
 * "taken" (option), must match AWS's pattern and not contain aws/amazon/cognito; CreateFunction is refused with
 * "cannot be assumed" for a missing role and for the first attempts (or fake-clock window) after CreateRole, and
 * answers Pending until read enough times; DeleteRestApi is limited to one per window (TooManyRequestsException with
 * retry-after); a method's authorizer must exist on its API; PutIntegration validates integrationHttpMethod and URIs
 * (and POST for Lambda); CreateDeployment needs methods, each with an integration; an authorizer in use cannot be
 * deleted; a role with attached policies cannot be deleted; duplicates conflict; a missing thing is the service's
 * not-found error; two writes to one REST API at once conflict and API Gateway's control plane allows 10 calls a
 * second with a burst of 40 (apigateway-rules.ts). Commands it does not know throw NotImplementedByFake.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { apiHandlers } from './apigateway-apis.js';
import { authorizerHandlers } from './apigateway-authorizers.js';
import { ControlPlaneQuota, WritesInFlight, restApiOfWrite } from './apigateway-rules.js';
import { keyHandlers } from './apigateway-keys.js';
import { methodHandlers } from './apigateway-methods.js';
import { stageHandlers } from './apigateway-stages.js';
import { authHandlers } from './cognito-auth.js';
import { clientHandlers } from './cognito-clients.js';
import { poolHandlers } from './cognito-pools.js';
import { resourceServerHandlers } from './cognito-resource-servers.js';
import { groupHandlers } from './cognito-groups.js';
import { userHandlers } from './cognito-users.js';
import { nextRandom, randomUuid, type Ctx, type Handlers, type ResolvedOptions } from './core.js';
import { THROTTLE_NAME, awsError, notImplemented, type ServiceName } from './errors.js';
import { iamHandlers } from './iam.js';
import { inventory, type FakeResource } from './inventory.js';
import { evaluate, type IamPolicy } from './iam-evaluate.js';
import { iamRequestsFor } from './iam-requests.js';
import { lambdaHandlers } from './lambda.js';
import { logsHandlers } from './logs.js';
import { emptyState, type FakeState } from './state.js';
import { admitS3, s3Handlers } from './s3.js';
import { stsHandlers, taggingHandlers } from './sts-tagging.js';

export type { ServiceName } from './errors.js';
export type { FakeResource } from './inventory.js';
export type * from './state.js';

export interface AwsFakeOptions {
  /** The account of callers the `accounts` map does not name. @default '123456789012' */
  account?: string;
  /**
   * Access key ids and profile names → account, as IAM users in different accounts hold them: a call is answered
   * from that account's memory (and STS names it). The credentials a client uses are found as the SDK's default
   * chain finds them: its `profile` or AWS_PROFILE first, else AWS_ACCESS_KEY_ID. @default {} (every caller is `account`)
   */
  accounts?: Record<string, string>;
  /** Region of calls from clients with none (and of `state`; other regions each have a memory of their own). @default 'us-east-1' */
  region?: string;
  /** The fake's clock: timestamps, the DeleteRestApi window, the role-propagation window. @default Date.now */
  clock?: { now(): number };
  /** CreateFunction attempts refused with "cannot be assumed" after each CreateRole. @default 2 (0 when lambdaAssumeWindowMs is set) */
  lambdaAssumeFailures?: number;
  /** Also refuse CreateFunction while the role is younger than this, in fake-clock ms. @default 0 */
  lambdaAssumeWindowMs?: number;
  /** GetFunction / GetFunctionConfiguration reads answered Pending before the function turns Active. @default 1 */
  lambdaActiveAfterReads?: number;
  /** A DeleteRestApi within this many fake-clock ms of the previous one is throttled (0 turns it off). @default 30000 */
  deleteRestApiWindowMs?: number;
  /** Domain prefixes "taken by someone else": CreateUserPoolDomain refuses them. */
  takenDomainPrefixes?: string[];
  /** DescribeUserPoolDomain answers Status CREATING this many times before ACTIVE. @default 0 */
  domainCreatingDescribes?: number;
  /** The caller is explicitly allowed lambda:ListTags, so GetFunction includes Tags (AWS: else TagsError). @default false */
  getFunctionReturnsTags?: boolean;
  /** A deleted domain lingers (DELETING, and DeleteUserPool still refuses the pool) for this many DescribeUserPoolDomain calls. @default 2 */
  domainDeletingDescribes?: number;
  /** Seed of the id generator (ids are repeatable for a seed). @default 1 */
  seed?: number;
  /**
   * A write to a REST API while another write to it is in flight is refused with this error (older accounts answered
   * BadRequestException); false lets them overlap. @default 'ConflictException'
   */
  apigatewayConcurrentWrites?: 'ConflictException' | 'BadRequestException' | false;
  /** API Gateway's account-wide control-plane quota on the fake's clock; false turns it off. @default { ratePerSecond: 10, burst: 40 } */
  apigatewayQuota?: { ratePerSecond: number; burst: number } | false;
  /** Requests a freshly deployed stage answers with a bare 403 {"message":"Forbidden"} (data-plane.ts). @default 1 */
  freshStageForbiddenRequests?: number;
  /**
   * The identity-based policy of the caller (iam-evaluate.ts): every call is authorized against it first, as IAM
   * does, and a call it does not allow fails with the service's access-denied error. Absent: an administrator.
   */
  callerPolicy?: IamPolicy;
}

export interface FakeCall {
  service: ServiceName;
  /** Command name without the "Command" suffix, e.g. "CreateRestApi". */
  command: string;
  input: unknown;
  /** The account and region whose memory answered (the caller's credentials and client region). */
  account: string;
  region: string;
  /** The client's custom endpoint (--endpoint-url), when it has one: origin and path, e.g. "http://127.0.0.1:4566/". */
  endpoint?: string;
}

export interface Injection {
  /** Command name without "Command", or '*' for every command. */
  command: string;
  /** Only calls to this service (TagResource, GetResources… exist in several). */
  service?: ServiceName;
  /** An AWS exception name (built as that service's SDK exception) or an Error to throw as is. */
  error?: string | Error;
  /** Message of an error given by name. @default "Injected <name> (aws fake)" */
  message?: string;
  /** How many calls fail (or, for latency-only rules, are slowed). @default 1 for errors; unlimited otherwise */
  times?: number;
  /** Start at the nth matching call (1-based, counted from when inject() was called). @default 1 */
  nth?: number;
  /** Added to every matching call while the rule is active (real setTimeout). */
  latencyMs?: number;
  /** Probability 0..1 (seeded RNG) that a matching call is throttled. */
  throttle?: number;
  /** Sent as the `retry-after` header of injected errors. */
  retryAfterSeconds?: number;
  /** Let the call take effect, then throw: a response lost after AWS acted (crash / timeout tests). */
  afterCall?: boolean;
}

export interface InjectionHandle {
  /** Matching calls seen so far. */
  readonly seen: number;
  /** Calls this rule failed (or slowed, for a latency-only rule). */
  readonly applied: number;
  remove(): void;
}

export interface AwsFake {
  readonly calls: FakeCall[];
  count(command?: string, service?: ServiceName): number;
  inject(rule: Injection): InjectionHandle;
  clearInjections(): void;
  setLatency(ms: number): void;
  /** Every live resource, in every account and region. */
  resources(): FakeResource[];
  /** The default account in the default region (the others: `memories()`). */
  readonly state: FakeState;
  /** The memory of each (account, region) calls reached, `state` first; each one's `iam` is its account's. */
  memories(): FakeState[];
  readonly clock: { now(): number };
  /**
   * A fake installed without a clock takes this one from now on (the in-process harness gives it the CLI's virtual
   * clock, so the fake's quota and windows pass as the CLI's waits do); a clock given at install is kept.
   */
  followClock(clock: { now(): number }): void;
  /** Authorize every call against this caller policy from now on (undefined: an administrator again). */
  setCallerPolicy(policy: IamPolicy | undefined): void;
  /** The calls the caller policy refused: action, resource, and the call. */
  readonly denied: Array<{ action: string; resource: string; command: string }>;
  /** How often the API Gateway rules refused a call: overlapping writes, and the control-plane quota. */
  readonly refused: { readonly conflicts: number; readonly throttled: number };
  /** What the data plane (data-plane.ts) reads of the options. */
  readonly dataPlaneRules: { freshStageForbiddenRequests: number };
  dump(): string;
  load(json: string): void;
  restore(): void;
  /** The aws-sdk-client-mock stubs, for aws-sdk-client-mock-vitest matchers. */
  readonly mocks: {
    apigateway: AwsClientStub<APIGatewayClient>;
    cognito: AwsClientStub<CognitoIdentityProviderClient>;
    lambda: AwsClientStub<LambdaClient>;
    iam: AwsClientStub<IAMClient>;
    sts: AwsClientStub<STSClient>;
    tagging: AwsClientStub<ResourceGroupsTaggingAPIClient>;
    s3: AwsClientStub<S3Client>;
    logs: AwsClientStub<CloudWatchLogsClient>;
  };
}

const HANDLERS: Record<ServiceName, Handlers> = {
  apigateway: { ...apiHandlers, ...stageHandlers, ...methodHandlers, ...authorizerHandlers, ...keyHandlers },
  cognito: { ...poolHandlers, ...clientHandlers, ...resourceServerHandlers, ...groupHandlers, ...userHandlers, ...authHandlers },
  lambda: lambdaHandlers,
  iam: iamHandlers,
  sts: stsHandlers,
  tagging: taggingHandlers,
  s3: s3Handlers,
  logs: logsHandlers,
};

/** HTTP status of successful answers, where AWS does not answer 200. */
const SUCCESS_STATUS: Record<string, number> = {
  'apigateway:CreateRestApi': 201, 'apigateway:CreateResource': 201, 'apigateway:PutMethod': 201, 'apigateway:PutIntegration': 201,
  'apigateway:PutMethodResponse': 201, 'apigateway:PutIntegrationResponse': 201, 'apigateway:CreateAuthorizer': 201,
  'apigateway:PutGatewayResponse': 201, 'apigateway:CreateDeployment': 201, 'apigateway:CreateStage': 201,
  'apigateway:DeleteRestApi': 202, 'apigateway:DeleteResource': 202, 'apigateway:DeleteMethod': 204, 'apigateway:DeleteAuthorizer': 202,
  'apigateway:DeleteStage': 202, 'apigateway:DeleteDeployment': 202, 'apigateway:DeleteGatewayResponse': 202, 'apigateway:TagResource': 204,
  'lambda:CreateFunction': 201, 'lambda:AddPermission': 201, 'lambda:DeleteFunction': 204, 'lambda:RemovePermission': 204,
  'lambda:TagResource': 204, 'lambda:UntagResource': 204,
};

interface Rule extends Injection {
  seen: number;
  applied: number;
}

function describeCommand(command: unknown): { name: string; input: unknown } {
  if (typeof command !== 'object' || command === null) return { name: String(command), input: undefined };
  const name = command.constructor.name.replace(/Command$/, '');
  return { name, input: 'input' in command ? command.input : undefined };
}

function isStateLike(value: unknown): value is FakeState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof FakeState, unknown>>;
  return v.version === 1 && typeof v.account === 'string' && typeof v.region === 'string' && typeof v.rng === 'number'
    && typeof v.apigateway === 'object' && typeof v.cognito === 'object' && typeof v.lambda === 'object' && typeof v.iam === 'object';
}

export function installAwsFake(options: AwsFakeOptions = {}): AwsFake {
  let clock = options.clock ?? { now: () => Date.now() };
  const seed = options.seed ?? 1;
  const opts: ResolvedOptions = {
    lambdaAssumeWindowMs: options.lambdaAssumeWindowMs ?? 0,
    lambdaAssumeFailures: options.lambdaAssumeFailures ?? (options.lambdaAssumeWindowMs ? 0 : 2),
    lambdaActiveAfterReads: options.lambdaActiveAfterReads ?? 1,
    deleteRestApiWindowMs: options.deleteRestApiWindowMs ?? 30_000,
    takenDomainPrefixes: new Set(options.takenDomainPrefixes ?? []),
    domainCreatingDescribes: options.domainCreatingDescribes ?? 0,
    freshStageForbiddenRequests: options.freshStageForbiddenRequests ?? 1,
    getFunctionReturnsTags: options.getFunctionReturnsTags ?? false,
    domainDeletingDescribes: options.domainDeletingDescribes ?? 2,
  };
  const state = emptyState(options.account ?? '123456789012', options.region ?? 'us-east-1', seed);
  const ctx: Ctx = { state, opts, now: () => clock.now() };
  const accounts = options.accounts ?? {};

  /**
   * The memory of one (account, region): resources live per account and region, as in AWS (an id made in one is
   * NotFound in another); IAM is global per account, so a partition's `iam` is its account's. `state` is the
   * default account in the default region; the others are made on first use, each with its own id generator.
   */
  function partition(account: string, region: string): FakeState {
    if (account === state.account && region === state.region) return state;
    const key = `${account}/${region}`;
    state.partitions ??= {};
    let p = state.partitions[key];
    if (!p) {
      const { s3: _s3, ...fresh } = emptyState(account, region, (seed ^ hashOf(key)) >>> 0);
      p = fresh;
      state.partitions[key] = p;
    }
    if (region === state.region) return p;
    const iamHome = partition(account, state.region);
    return new Proxy(p, { get: (t, k, r) => (k === 'iam' ? iamHome.iam : Reflect.get(t, k, r) as unknown) });
  }
  const calls: FakeCall[] = [];
  let callerPolicy = options.callerPolicy;
  const denied: AwsFake['denied'] = [];
  let rules: Rule[] = [];
  let fixedLatency = 0;
  // Separate generators, so injected throttling and request ids never shift the ids of created resources.
  const throttleRng = { rng: (seed ^ 0x9e3779b9) >>> 0 };
  const requestRng = { rng: (seed ^ 0x85ebca6b) >>> 0 };
  const writes = new WritesInFlight();
  const quotaOpt = options.apigatewayQuota ?? { ratePerSecond: 10, burst: 40 };
  const quota = quotaOpt === false ? undefined : new ControlPlaneQuota(quotaOpt.ratePerSecond, quotaOpt.burst, () => clock.now());
  const conflictName = options.apigatewayConcurrentWrites ?? 'ConflictException';

  /** Which rules fire for this call: the added latency, and the error to throw (first failing rule wins). */
  function decide(service: ServiceName, command: string): { latency: number; error?: Error; after: boolean } {
    let latency = 0;
    let error: Error | undefined;
    let after = false;
    for (const r of rules) {
      if ((r.command !== '*' && r.command !== command) || (r.service !== undefined && r.service !== service)) continue;
      r.seen += 1;
      if (r.seen < (r.nth ?? 1)) continue;
      const fails = r.error !== undefined || r.throttle !== undefined;
      const limit = r.times ?? (r.error !== undefined ? 1 : Infinity);
      if (r.applied >= limit) continue;
      latency += r.latencyMs ?? 0;
      if (!fails) {
        r.applied += 1;
        continue;
      }
      if (error !== undefined) continue;
      if (r.error !== undefined) {
        error = typeof r.error === 'string'
          ? awsError(service, r.error, r.message ?? `Injected ${r.error} (aws fake)`,
            r.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: r.retryAfterSeconds })
          : r.error;
        after = r.afterCall ?? false;
        r.applied += 1;
      } else if (nextRandom(throttleRng) < (r.throttle ?? 0)) {
        error = awsError(service, THROTTLE_NAME[service], 'Rate exceeded',
          r.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: r.retryAfterSeconds });
        r.applied += 1;
      }
    }
    return error === undefined ? { latency, after } : { latency, error, after };
  }

  async function dispatch(service: ServiceName, command: unknown, client?: unknown): Promise<unknown> {
    const region = await clientRegion(client);
    const account = callerAccount(client, accounts) ?? state.account;
    const endpoint = await clientEndpoint(client);
    const { name, input } = describeCommand(command);
    calls.push({ service, command: name, input, account, region: region ?? state.region, ...(endpoint ? { endpoint } : {}) });
    // Both rules act on arrival, synchronously, so two sends made in one tick already overlap.
    const apiId = service === 'apigateway' && conflictName !== false ? restApiOfWrite(name, input) : undefined;
    let release: (() => void) | undefined;
    try {
      if (service === 'apigateway') quota?.take();
      if (apiId !== undefined && conflictName !== false) release = writes.begin(apiId, conflictName);
    } catch (err) {
      if (fixedLatency > 0) await new Promise<void>((resolve) => setTimeout(resolve, fixedLatency));
      throw err;
    }
    try {
      return await answer(service, name, input, region, account);
    } finally {
      release?.();
    }
  }

  async function answer(service: ServiceName, name: string, input: unknown, region: string | undefined, account: string): Promise<unknown> {
    const decision = decide(service, name);
    const delay = fixedLatency + decision.latency;
    // S3 takes a key for each conditional write until it answers (a second one meanwhile: 409, see s3.ts).
    const release = service === 's3' ? admitS3(name, input) : undefined;
    let output: object;
    try {
      if (delay > 0) await new Promise<void>((resolve) => setTimeout(resolve, delay));
      else await Promise.resolve();
      if (decision.error && !decision.after) throw decision.error;
      if (callerPolicy) authorize(callerPolicy, service, name, input, region ?? state.region);
      const handler = HANDLERS[service][name];
      if (!handler) throw notImplemented(service, name);
      // S3's bucket names are one global namespace: its memory stays in `state`.
      const memory = service === 's3' ? state : partition(account, region ?? state.region);
      output = handler({ ...ctx, state: memory, ...(region ? { region } : {}) }, (input ?? {}) as never);
    } finally {
      release?.();
    }
    if (decision.error) throw decision.error;
    const $metadata = {
      httpStatusCode: SUCCESS_STATUS[`${service}:${name}`] ?? 200, requestId: randomUuid(requestRng), attempts: 1, totalRetryDelay: 0,
    };
    return { ...output, $metadata };
  }

  /** IAM first: the call's requests (iam-requests.ts), each allowed by the caller's policy, or AccessDenied. */
  function authorize(policy: IamPolicy, service: ServiceName, name: string, input: unknown, region: string): void {
    for (const req of iamRequestsFor(state, service, name, input, region)) {
      if (evaluate(policy, req).decision === 'allow') continue;
      denied.push({ action: req.action, resource: req.resource, command: name });
      // The wording of IAM's denials ("User: … is not authorized to perform: ACTION on resource: ARN because no
      // identity-based policy allows the ACTION action"); IAM and S3 name it AccessDenied, the others AccessDeniedException.
      throw awsError(service, service === 'iam' || service === 's3' ? 'AccessDenied' : 'AccessDeniedException',
        `User: arn:aws:iam::${state.account}:user/operator is not authorized to perform: ${req.action} on resource: ${req.resource} because no identity-based policy allows the ${req.action} action`, { status: 403 });
    }
  }

  const mocks: AwsFake['mocks'] = {
    apigateway: mockClient(APIGatewayClient),
    cognito: mockClient(CognitoIdentityProviderClient),
    lambda: mockClient(LambdaClient),
    iam: mockClient(IAMClient),
    sts: mockClient(STSClient),
    tagging: mockClient(ResourceGroupsTaggingAPIClient),
    s3: mockClient(S3Client),
    logs: mockClient(CloudWatchLogsClient),
  };
  // `function`, not an arrow: sinon calls the fake with the client as `this`, whose region the ids and ARNs carry.
  mocks.apigateway.send.callsFake(function (this: unknown, c) { return dispatch('apigateway', c, this) as Promise<never>; });
  mocks.cognito.send.callsFake(function (this: unknown, c) { return dispatch('cognito', c, this) as Promise<never>; });
  mocks.lambda.send.callsFake(function (this: unknown, c) { return dispatch('lambda', c, this) as Promise<never>; });
  mocks.iam.send.callsFake(function (this: unknown, c) { return dispatch('iam', c, this) as Promise<never>; });
  mocks.sts.send.callsFake(function (this: unknown, c) { return dispatch('sts', c, this) as Promise<never>; });
  mocks.tagging.send.callsFake(function (this: unknown, c) { return dispatch('tagging', c, this) as Promise<never>; });
  mocks.s3.send.callsFake(function (this: unknown, c) { return dispatch('s3', c, this) as Promise<never>; });
  mocks.logs.send.callsFake(function (this: unknown, c) { return dispatch('logs', c, this) as Promise<never>; });

  const fake: AwsFake = {
    calls,
    count: (command, service) => calls.filter((c) => (command === undefined || c.command === command.replace(/Command$/, ''))
      && (service === undefined || c.service === service)).length,
    inject(rule) {
      if (rule.throttle !== undefined && (rule.throttle < 0 || rule.throttle > 1)) throw new RangeError('throttle is a probability, 0..1');
      const r: Rule = { ...rule, seen: 0, applied: 0 };
      rules.push(r);
      return {
        get seen() { return r.seen; },
        get applied() { return r.applied; },
        remove: () => { rules = rules.filter((x) => x !== r); },
      };
    },
    clearInjections: () => { rules = []; },
    setLatency: (ms) => { fixedLatency = Math.max(0, ms); },
    resources: () => [state, ...Object.values(state.partitions ?? {})].flatMap((p) => inventory(p)),
    memories: () => [state, ...Object.keys(state.partitions ?? {}).map((k) => { const [a, r] = k.split('/'); return partition(a!, r!); })],
    state,
    get clock() { return clock; },
    followClock(c) {
      if (!options.clock) clock = c;
    },
    setCallerPolicy: (policy) => { callerPolicy = policy; },
    denied,
    dataPlaneRules: { freshStageForbiddenRequests: opts.freshStageForbiddenRequests },
    refused: { get conflicts() { return writes.conflicts; }, get throttled() { return quota?.refused ?? 0; } },
    dump: () => JSON.stringify(state),
    load(json) {
      const parsed: unknown = JSON.parse(json);
      if (!isStateLike(parsed)) throw new Error('aws fake: load() was given something that is not a dump() of this fake');
      // In place, so references to fake.state stay live (a dump without partitions has none).
      delete state.partitions;
      Object.assign(state, parsed);
    },
    restore() {
      for (const m of Object.values(mocks)) m.restore();
      if (current === fake) current = undefined;
    },
    mocks,
  };
  current = fake;
  return fake;
}

let current: AwsFake | undefined;

/** An SDK v3 client's configured region (`config.region` is a provider), or undefined when it has none. */
async function clientRegion(client: unknown): Promise<string | undefined> {
  const provider = (client as { config?: { region?: unknown } } | undefined)?.config?.region;
  try {
    const region: unknown = typeof provider === 'function' ? await (provider as () => Promise<unknown>)() : provider;
    return typeof region === 'string' && region ? region : undefined;
  } catch {
    return undefined;
  }
}

/** An SDK v3 client's custom endpoint (`config.endpoint` is a provider of {protocol, hostname, port, path}), if set. */
async function clientEndpoint(client: unknown): Promise<string | undefined> {
  const provider = (client as { config?: { endpoint?: unknown } } | undefined)?.config?.endpoint;
  if (provider === undefined) return undefined;
  try {
    const e = (typeof provider === 'function' ? await (provider as () => Promise<unknown>)() : provider) as { protocol?: string; hostname?: string; port?: number; path?: string } | undefined;
    if (!e?.hostname) return undefined;
    return `${e.protocol ?? 'https:'}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path ?? '/'}`;
  } catch {
    return undefined;
  }
}

/**
 * Whose credentials a client sends, as the SDK's default chain picks them (credential-provider-node: a profile —
 * the client's, else AWS_PROFILE — skips the environment's keys): that profile's account, else AWS_ACCESS_KEY_ID's.
 * Undefined when the `accounts` map names neither (the fake's default account).
 */
function callerAccount(client: unknown, accounts: Record<string, string>): string | undefined {
  const configured = (client as { config?: { profile?: unknown } } | undefined)?.config?.profile;
  const profile = typeof configured === 'string' && configured ? configured : process.env.AWS_PROFILE;
  if (profile) return accounts[profile];
  const key = process.env.AWS_ACCESS_KEY_ID;
  return key ? accounts[key] : undefined;
}

/** A 32-bit FNV-1a hash: each partition's id generator starts apart, so ids never repeat across them. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The fake installed now (the test harness serves its data plane), if any. */
export function currentAwsFake(): AwsFake | undefined {
  return current;
}
