/**
 * Each handler makes only the calls it declares (issue 20): the policy and the dry-run's call list are derived from
 * the declarations (src/resources/declared-calls.ts), so a call a method makes without declaring it would be denied
 * by the printed policy on a real account. Stacks are made by `init` against the strict fake (its defaults: a new
 * role refused by Lambda twice, a function Pending once, a deleted domain lingering), then every method of every
 * node is run again with a client that records each command sent, one method at a time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { APIGatewayClient, CreateAuthorizerCommand, GetRestApiCommand } from '@aws-sdk/client-api-gateway';
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
 * Runs every method of every node with a recording client: the live pass (find, read, tags, preview of what delete
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

/** A new stack with every kind a new stack can hold and every variant a create distinguishes (MFA, mock, HTTP, Lambda). */
async function everyNewKind(clock: VirtualClock) {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'every.json'), JSON.stringify({
    routes: [
      { path: '/items/{id}', methods: ['GET', 'POST'] },
      { path: '/mock', methods: ['GET'], integration: { type: 'mock' }, public: true },
      { path: '/proxy', methods: ['GET'], integration: { type: 'http', url: 'https://example.com/' } },
    ],
    userPool: { mfa: { mode: 'OPTIONAL', totp: true }, identityProviders: [{ type: 'Google', clientId: 'google-client-id' }] },
    appClient: { type: 'confidential' },
    authorizer: { scopes: ['every/read'] },
    // User tags: reads compare them too.
    tags: { team: 'payments' },
  }));
  return madeBy(['--stack', 'every', '--region', 'us-east-1', '--config', 'every.json'], { clock, cwd, env: { SECURE_API_IDP_GOOGLE_SECRET: 'not-a-real-secret' } });
}

/** The team's API and pool (made by hand), with an app client and an authorizer of theirs: the adopted kinds. */
async function everyExistingKind(clock: VirtualClock) {
  const cwd = tempDir();
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

describe('every handler method makes only the calls its kind declares', () => {
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
});
