/**
 * Each handler makes only the calls it declares (issue 20): the policy and the dry-run's call list are derived from
 * the declarations (src/resources/declared-calls.ts), so a call a method makes without declaring it would be denied
 * by the printed policy on a real account. Stacks are made by `init` against the strict fake (its defaults: a new
 * role refused by Lambda twice, a function Pending once, a deleted domain lingering), then every method of every
 * node is run again with a client that records each command sent, one method at a time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient, CreateAuthorizerCommand, GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients, IAM_PREFIX } from '../../src/aws/clients.js';
import { cleanPath, mayCall, METHODS, type MethodName } from '../../src/resources/declared-calls.js';
import { handlers } from '../../src/resources/registry.js';
import { RESOURCE_KINDS, type Ctx, type Out, type Outputs, type Prior, type ResourceHandler, type ResourceKind } from '../../src/resources/types.js';
import { readState } from '../../src/state/store.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { makeBlogPool, makeLegacyApi } from '../existing/legacy-api.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
});

/** Every call one method of one kind made, in a scenario. */
interface Seen { kind: ResourceKind; method: MethodName; node: string; calls: string[]; spec: unknown }

interface Rec { id: string; kind: ResourceKind; spec: unknown; out: Out; deps: string[]; prior?: Prior | undefined }

/** Dependencies first. */
function topological(nodes: Rec[]): Rec[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const out: Rec[] = [];
  const visit = (n: Rec) => {
    if (done.has(n.id)) return;
    done.add(n.id);
    for (const d of n.deps) if (byId.has(d)) visit(byId.get(d)!);
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}

/**
 * Runs every method of every node with a recording client: the live pass (find, the name check, read, tags, preview of what delete
 * puts back, an in-place update), every delete (dependents first), every create again (preview, capturePrior, create,
 * in dependency order), then release (secure-api forget). `handlerOf` lets a test swap a handler.
 */
async function recordEveryMethod(o: {
  clock: VirtualClock; stack: string; stateId: string; nodes: Rec[];
  handlerOf?: (kind: ResourceKind) => ResourceHandler<unknown>;
}): Promise<Seen[]> {
  const handlerOf = o.handlerOf ?? ((k: ResourceKind) => handlers[k] as ResourceHandler<unknown>);
  const clients = createAwsClients({ region: 'us-east-1' }, { sleep: o.clock.sleep, now: o.clock.now, random: () => 0.5 });
  const ctx: Ctx = {
    clients, region: 'us-east-1', account: '123456789012', partition: 'aws', stack: o.stack, stateId: o.stateId,
    tags: { 'secure-api:stack': o.stack, 'secure-api:state-id': o.stateId },
    sleep: o.clock.sleep, now: o.clock.now, note: () => {},
    secrets: { idpClientSecret: () => 'not-a-real-secret' },
  };
  const seen: Seen[] = [];
  const outs: Outputs = Object.fromEntries(o.nodes.map((n) => [n.id, n.out]));
  const record = async <T>(n: Rec, method: MethodName, run: () => Promise<T>): Promise<T> => {
    const from = clients.calls.length;
    const result = await run();
    seen.push({ kind: n.kind, method, node: n.id, spec: n.spec, calls: clients.calls.slice(from).map((c) => `${IAM_PREFIX[c.service]}:${c.command}`) });
    return result;
  };
  const order = topological(o.nodes);
  const label = () => 'a node';
  for (const n of order) {
    const h = handlerOf(n.kind);
    await record(n, 'find', () => h.find(ctx, n.spec, outs));
    if (h.nameTaken) await record(n, 'nameTaken', () => h.nameTaken!(ctx, n.spec, Object.fromEntries(o.nodes.map((x) => [x.id, { out: x.out }]))));
    await record(n, 'read', () => h.read(ctx, n.spec, n.out, outs));
    if (h.tags) await record(n, 'tags', () => h.tags!(ctx, n.out, n.spec));
    if (h.preview) await record(n, 'preview', () => h.preview!(ctx, n.spec, outs, { action: 'delete', prior: n.prior, labelOf: label }));
    if (h.update) outs[n.id] = n.out = await record(n, 'update', () => h.update!(ctx, n.spec, n.out, outs, []));
  }
  const deleteAll = async () => {
    for (const n of [...order].reverse()) {
      const h = handlerOf(n.kind);
      await record(n, 'delete', () => h.delete(ctx, n.spec, n.out, outs, n.prior));
    }
  };
  await deleteAll();
  for (const n of order) {
    const h = handlerOf(n.kind);
    if (h.preview) await record(n, 'preview', () => h.preview!(ctx, n.spec, outs, { action: 'create', labelOf: label }));
    if (h.capturePrior) n.prior = await record(n, 'capturePrior', () => h.capturePrior!(ctx, n.spec, outs));
    outs[n.id] = n.out = await record(n, 'create', () => h.create(ctx, n.spec, outs, n.prior));
  }
  // Last: once our tags are off (forget), the resources are the user's and a delete would rightly refuse them.
  for (const n of order) {
    const h = handlerOf(n.kind);
    if (h.release) await record(n, 'release', () => h.release!(ctx, n.spec, n.out));
  }
  return seen;
}

/** Calls made that the kind's declaration of that method does not name. */
function undeclared(seen: Seen[], handlerOf: (kind: ResourceKind) => ResourceHandler<unknown> = (k) => handlers[k] as ResourceHandler<unknown>): string[] {
  return seen.flatMap((s) => {
    const declared = new Set<string>(mayCall(handlerOf(s.kind).calls[s.method]));
    return [...new Set(s.calls.filter((c) => !declared.has(c)))].map((c) => `${s.kind}.${s.method} (${s.node}) made ${c}, not declared`);
  });
}

/** A stack made by the CLI against the fake; its recorded nodes. */
async function madeBy(argv: string[], o: { clock: VirtualClock; cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ stack: string; stateId: string; nodes: Rec[] }> {
  const r = await runSecureApi(['init', '--yes', '--no-verify', ...argv], { cwd: o.cwd, clock: o.clock, env: o.env, dataPlane: false });
  expect(r.code, r.stderr).toBe(0);
  const stack = argv[argv.indexOf('--stack') + 1]!;
  const state = readState(join(o.cwd, '.secure-api', `${stack}.json`))!;
  const nodes = Object.entries(state.nodes).map(([id, n]) => ({ id, kind: n.kind, spec: n.spec, out: n.out, deps: n.deps, prior: n.prior }));
  return { stack, stateId: state.stateId, nodes };
}

/** A new stack's configuration with every kind a new stack can hold and every variant a create distinguishes (MFA, mock, HTTP, Lambda). */
const EVERY_NEW_KIND = {
    routes: [
      { path: '/items/{id}', methods: ['GET', 'POST'] },
      // Restricted to a group: a user-pool-group node, and the function's route groups.
      { path: '/admin', methods: ['GET'], groups: ['admins'] },
      { path: '/mock', methods: ['GET'], integration: { type: 'mock' }, public: true },
      { path: '/proxy', methods: ['GET'], integration: { type: 'http', url: 'https://example.com/' } },
    ],
    userPool: { mfa: { mode: 'OPTIONAL', totp: true }, identityProviders: [{ type: 'Google', clientId: 'google-client-id' }] },
    appClient: { type: 'confidential' },
    authorizer: { scopes: ['every/read'] },
    // User tags: reads compare them too.
    tags: { team: 'payments' },
    // Stage settings: a node each.
    stage: { tracing: true, throttle: { rateLimit: 50, burstLimit: 100 } },
};
const IDP_SECRET = { SECURE_API_IDP_GOOGLE_SECRET: 'not-a-real-secret' };

async function everyNewKind(clock: VirtualClock, cwd = tempDir()) {
  writeFileSync(join(cwd, 'every.json'), JSON.stringify(EVERY_NEW_KIND));
  return madeBy(['--stack', 'every', '--region', 'us-east-1', '--config', 'every.json'], { clock, cwd, env: IDP_SECRET });
}

/** The team's API and pool (made by hand), with an app client and an authorizer of theirs: the adopted kinds. */
async function everyExistingKind(clock: VirtualClock, cwd = tempDir()) {
  // Made by hand, without the CLI's pacing: each step after API Gateway's quota has refilled.
  clock.t += 60_000;
  const { apiId } = await makeLegacyApi();
  clock.t += 60_000;
  const poolId = await makeBlogPool();
  const client = await new CognitoIdentityProviderClient({ region: 'us-east-1' }).send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'blog-web' }));
  const ag = new APIGatewayClient({ region: 'us-east-1' });
  const poolArn = `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${poolId}`;
  clock.t += 60_000;
  await ag.send(new CreateAuthorizerCommand({ restApiId: apiId, name: 'Cognito-authorizer', type: 'COGNITO_USER_POOLS', providerARNs: [poolArn], identitySource: 'method.request.header.Authorization' }));
  expect((await ag.send(new GetRestApiCommand({ restApiId: apiId }))).id).toBe(apiId);
  return madeBy([
    '--stack', 'legacy', '--region', 'us-east-1', '--api-id', apiId, '--secure', 'GET,POST /orders', '--secure', 'GET /orders/{id}',
    '--user-pool-id', poolId, '--app-client-id', client.UserPoolClient!.ClientId!,
  ], { clock, cwd });
}

/**
 * Every handler method of the registry run inside an async context naming its kind and method, and every SDK send
 * recorded with the context it was made in: the CLI's own runs (concurrent nodes, retries, resumes) are attributed
 * call by call. Calls made outside a handler method (the account check, the command's own reads) are not recorded.
 */
const RECORDED_CLIENTS = [
  [APIGatewayClient, 'apigateway'], [CognitoIdentityProviderClient, 'cognito-idp'], [LambdaClient, 'lambda'], [IAMClient, 'iam'], [CloudWatchLogsClient, 'logs'],
] as const;

function instrumentHandlers(seen: Seen[]): () => void {
  const als = new AsyncLocalStorage<{ kind: ResourceKind; method: MethodName; spec: unknown; calls: string[] }>();
  const registry = handlers as unknown as Record<ResourceKind, ResourceHandler<unknown>>;
  const saved = { ...registry };
  for (const kind of RESOURCE_KINDS) {
    const h = saved[kind];
    const wrapped: Record<string, unknown> = { ...h };
    for (const method of METHODS) {
      const fn = h[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') continue;
      wrapped[method] = (...args: unknown[]) => {
        // The spec: create/find/read/update/delete/capturePrior/preview take it second; tags and release third / second.
        const spec = method === 'tags' ? args[2] : args[1];
        const entry = { kind, method, node: '(cli)', spec, calls: [] as string[] };
        seen.push(entry);
        return als.run(entry, () => fn.apply(h, args));
      };
    }
    registry[kind] = wrapped as unknown as ResourceHandler<unknown>;
  }
  const sdk: Array<[{ prototype: { send: (...a: unknown[]) => unknown } }, string]> = RECORDED_CLIENTS as never;
  const sends = sdk.map(([C]) => C.prototype.send);
  for (const [C, prefix] of sdk) {
    const send = C.prototype.send;
    C.prototype.send = function (this: unknown, ...a: unknown[]) {
      als.getStore()?.calls.push(`${prefix}:${(a[0] as object).constructor.name.replace(/Command$/, '')}`);
      return send.apply(this, a);
    };
  }
  return () => {
    Object.assign(registry, saved);
    sdk.forEach(([C], i) => { C.prototype.send = sends[i]!; });
  };
}

describe('every handler method makes only the calls its kind declares', () => {
  it('records every service a handler declares calls to', () => {
    const declared = new Set(RESOURCE_KINDS.flatMap((k) => METHODS.flatMap((m) => mayCall(handlers[k].calls[m]))).map((c) => c.split(':')[0]));
    expect([...declared].filter((p) => !RECORDED_CLIENTS.some(([, prefix]) => prefix === p))).toEqual([]);
  });

  it('over every kind, new and existing: nothing undeclared, and every declared clean-path call is made', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock });
    const seen: Seen[] = [];
    for (const made of [await everyNewKind(clock), await everyExistingKind(clock)]) seen.push(...await recordEveryMethod({ clock, ...made }));

    expect(undeclared(seen)).toEqual([]);

    // Every kind ran, every method it has ran, and each declared call that is not marked `sometimes` was made.
    const missing: string[] = [];
    for (const kind of RESOURCE_KINDS) {
      const h = handlers[kind] as ResourceHandler<unknown>;
      for (const method of METHODS) {
        const runs = seen.filter((s) => s.kind === kind && s.method === method);
        const declared = h.calls[method];
        const has = method === 'create' || method === 'find' || method === 'read' || method === 'delete' || typeof h[method] === 'function';
        if (!has) {
          expect(declared, `${kind} declares ${method} calls but has no ${method}`).toBeUndefined();
          continue;
        }
        if (runs.length === 0) { missing.push(`${kind}.${method}: never ran`); continue; }
        const made = new Set(runs.flatMap((r) => r.calls));
        // create: the clean path of every spec it ran with (steps of other specs are covered by the spec that has them).
        const wanted = new Set(method === 'create' ? runs.flatMap((r) => cleanPath(h.calls.create, r.spec)) : cleanPath(declared));
        for (const c of wanted) if (!made.has(c)) missing.push(`${kind}.${method}: declares ${c} on its clean path, never made`);
      }
    }
    expect(missing).toEqual([]);
  }, 120_000);

  it('fails on a handler that makes a call it does not declare', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock });
    const made = await everyNewKind(clock);
    // rest-api's read also reads the API's resources: a call rest-api.read does not declare.
    const sneaky: ResourceHandler<unknown> = {
      ...(handlers['rest-api'] as ResourceHandler<unknown>),
      async read(ctx, spec, out, deps) {
        await ctx.clients.apigateway.send(new GetRestApiCommand({ restApiId: out.apiId }));
        const { GetStagesCommand } = await import('@aws-sdk/client-api-gateway');
        await ctx.clients.apigateway.send(new GetStagesCommand({ restApiId: out.apiId }));
        return handlers['rest-api'].read(ctx, spec as never, out, deps);
      },
    };
    const handlerOf = (k: ResourceKind) => (k === 'rest-api' ? sneaky : handlers[k] as ResourceHandler<unknown>);
    const seen = await recordEveryMethod({ clock, ...made, handlerOf });
    expect(undeclared(seen, handlerOf)).toEqual(['rest-api.read (api) made apigateway:GetStages, not declared']);
  }, 60_000);

  it('in the CLI\'s own runs (init, status, a change, destroy, lost answers, an orphan sweep, forget): nothing undeclared', async () => {
    const clock = new VirtualClock();
    fake = installAwsFake({ clock });
    const seen: Seen[] = [];
    const restore = instrumentHandlers(seen);
    try {
      const cwd = tempDir();
      const run = async (argv: string[], env: NodeJS.ProcessEnv = IDP_SECRET) => {
        const r = await runSecureApi(argv, { cwd, clock, env, dataPlane: false });
        expect(r.code, `${argv.join(' ')}\n${r.stderr}`).toBe(0);
      };
      // A new stack: made, read, changed in place (routes, tags, MFA, the authorizer, the client), read, destroyed.
      await everyNewKind(clock, cwd);
      await run(['status', '--stack', 'every']);
      writeFileSync(join(cwd, 'every.json'), JSON.stringify({
        ...EVERY_NEW_KIND,
        routes: [{ path: '/items/{id}', methods: ['GET', 'DELETE'] }, { path: '/mock', methods: ['GET', 'POST'], integration: { type: 'mock' }, public: true }],
        userPool: { mfa: { mode: 'OPTIONAL', totp: true, sms: false }, identityProviders: [{ type: 'Google', clientId: 'google-client-id-2' }] },
        authorizer: { scopes: ['every/read', 'every/write'], ttlSeconds: 60 },
        tags: { team: 'billing', cost: 'shared' },
        stage: { tracing: true, throttle: { rateLimit: 20, burstLimit: 40 } },
      }));
      await run(['init', '--yes', '--no-verify', '--stack', 'every', '--config', 'every.json']);
      await run(['status', '--stack', 'every']);
      await run(['destroy', '--yes', '--stack', 'every']);

      // Answers lost after AWS acted: each create that is not idempotent looks for what it made before sending again.
      for (const command of ['CreateRestApi', 'CreateResource', 'CreateAuthorizer', 'CreateDeployment', 'CreateUserPool', 'CreateUserPoolClient', 'CreateResourceServer']) {
        fake.inject({ command, error: 'InternalFailure', afterCall: true, times: 1 });
      }
      await run(['init', '--yes', '--no-verify', '--stack', 'every', '--config', 'every.json']);
      // The state lost: what carries the stack's tags is found and removed.
      unlinkSync(join(cwd, '.secure-api', 'every.json'));
      const orphans = await runSecureApi(['status', '--orphans', '--stack', 'every', '--json'], { cwd, clock, dataPlane: false });
      const stateId = (JSON.parse(orphans.stdout) as { stateIds?: string[]; orphans?: Array<{ stateId?: string }> });
      const ids = [...new Set([...(stateId.stateIds ?? []), ...(stateId.orphans ?? []).flatMap((o) => (o.stateId ? [o.stateId] : []))])];
      await run(['destroy', '--orphans', '--yes', '--stack', 'every', ...(ids[0] ? ['--state-id', ids[0]] : [])]);

      // A run stopped by an error after CreateUserPoolDomain and AddPermission acted: the next run finds them (find).
      for (const command of ['CreateUserPoolDomain', 'AddPermission']) fake.inject({ command, error: 'InvalidParameterException', message: 'injected: refused after it acted', afterCall: true, times: 1 });
      const stopped = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'again', '--config', 'every.json'], { cwd, clock, env: IDP_SECRET, dataPlane: false });
      expect(stopped.code, stopped.stderr).not.toBe(0);
      await run(['init', '--yes', '--no-verify', '--stack', 'again', '--config', 'every.json']);
      await run(['destroy', '--yes', '--stack', 'again']);

      // A stack let go: secure-api's tags taken off.
      await everyNewKind(clock, cwd);
      await run(['forget', '--yes', '--stack', 'every']);

      // What already exists: secured, read, one more method secured, put back.
      const legacy = tempDir();
      const apiId = (await everyExistingKind(clock, legacy)).nodes.find((n) => n.id === 'api')!.out.apiId!;
      const inLegacy = (argv: string[]) => runSecureApi(argv, { cwd: legacy, clock, dataPlane: false });
      expect((await inLegacy(['status', '--stack', 'legacy'])).code).toBe(0);
      const change = await inLegacy(['init', '--yes', '--no-verify', '--stack', 'legacy', '--api-id', apiId, '--secure', 'GET,POST /orders', '--secure', 'GET,DELETE /orders/{id}']);
      expect(change.code, change.stderr).toBe(0);
      const d = await inLegacy(['destroy', '--yes', '--stack', 'legacy']);
      expect(d.code, d.stderr).toBe(0);
    } finally {
      restore();
    }
    expect(undeclared(seen)).toEqual([]);
    // Not vacuous: every kind's create ran in these runs, and each lost answer took its create's look-up path.
    const ran = new Set(seen.filter((x) => x.calls.length > 0).map((x) => `${x.kind}.${x.method}`));
    for (const kind of RESOURCE_KINDS) expect(ran, `${kind}.create`).toContain(`${kind}.create`);
    for (const m of ['update', 'delete', 'find', 'tags', 'release', 'capturePrior', 'preview']) expect([...ran].some((r) => r.endsWith(`.${m}`)), m).toBe(true);
    const lookups: Array<[ResourceKind, string]> = [
      ['rest-api', 'apigateway:GetRestApis'], ['api-resource', 'apigateway:GetResources'], ['authorizer', 'apigateway:GetAuthorizers'],
      ['deployment', 'apigateway:GetStage'], ['user-pool', 'cognito-idp:ListUserPools'], ['user-pool-client', 'cognito-idp:ListUserPoolClients'],
      ['resource-server', 'cognito-idp:DescribeResourceServer'],
    ];
    for (const [kind, call] of lookups) expect(seen.some((x) => x.kind === kind && x.method === 'create' && x.calls.includes(call)), `${kind}.create after a lost answer`).toBe(true);
  }, 240_000);

  it('init --dry-run lists, for each node, the calls a clean init makes for it (new stack and existing API/pool)', async () => {
    const clock = new VirtualClock();
    // A clean account: the role assumable at once, the function Active at its first read.
    fake = installAwsFake({ clock, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
    const byKind = (pairs: Array<[string, string[]]>) => {
      const m = new Map<string, string[]>();
      for (const [k, calls] of pairs) m.set(k, [...(m.get(k) ?? []), ...calls].sort());
      return Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
    };
    const check = async (cwd: string, argv: string[], made: () => Promise<unknown>) => {
      const dry = await runSecureApi(['init', '--dry-run', '--json', ...argv], { cwd, clock, env: IDP_SECRET, dataPlane: false });
      expect(dry.code, dry.stderr).toBe(0);
      const listed = byKind((JSON.parse(dry.stdout) as { nodes: Array<{ kind: string; calls: string[] }> }).nodes.map((n) => [n.kind, n.calls]));
      const seen: Seen[] = [];
      const restore = instrumentHandlers(seen);
      try {
        await made();
      } finally {
        restore();
      }
      expect(byKind(seen.filter((x) => x.method === 'create' || x.method === 'capturePrior').map((x) => [x.kind, x.calls]))).toEqual(listed);
    };
    const cwd = tempDir();
    writeFileSync(join(cwd, 'every.json'), JSON.stringify(EVERY_NEW_KIND));
    await check(cwd, ['--stack', 'every', '--region', 'us-east-1', '--config', 'every.json'], () => everyNewKind(clock, cwd));

    // The existing API and pool: what the dry-run reads of them first is made before the run, as the real run does.
    const legacy = tempDir();
    clock.t += 60_000;
    const { apiId } = await makeLegacyApi();
    clock.t += 60_000;
    const poolId = await makeBlogPool();
    const argv = ['--stack', 'legacy', '--region', 'us-east-1', '--api-id', apiId, '--secure', 'GET,POST /orders', '--user-pool-id', poolId];
    await check(legacy, argv, async () => {
      const r = await runSecureApi(['init', '--yes', '--no-verify', ...argv], { cwd: legacy, clock, dataPlane: false });
      expect(r.code, r.stderr).toBe(0);
    });
  }, 120_000);
});
