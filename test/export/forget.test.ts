/**
 * `secure-api forget` hands a stack over: nothing is deleted, secure-api's own tags come off (so `destroy --orphans`
 * can never take those resources), the user's tags stay, a copy of the state is kept; after it the exported
 * Terraform's tags are exactly the live ones (the new owner's plan sees no tag change).
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIGatewayClient, GetTagsCommand } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, ListTagsForResourceCommand } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import { parse } from '@cdktf/hcl2json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { killAfter } from '../reliability/support/faults.js';
import { resolvesLive } from './live-ids.js';
import { IDP_SECRET, LIVE } from './stacks.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ lambdaAssumeFailures: 0, deleteRestApiWindowMs: 0, clock });
  cwd = tempDir();
});
afterEach(() => fake.restore());
const run = (argv: string[]) => runSecureApi(argv, { cwd, clock, env: { SECURE_API_IDP_GOOGLE_SECRET: IDP_SECRET } });

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
type State = { nodes: Record<string, { out: Record<string, string> }> };

/** The live tags of the four kinds secure-api tags, each as a plain map. */
async function liveTags(state: State): Promise<Record<string, Record<string, string>>> {
  const region = 'us-east-1';
  // API Gateway's control-plane quota on the fake's clock: let it refill after the run before.
  await clock.sleep(10_000);
  const out = (id: string) => state.nodes[id]?.out ?? {};
  // A run killed early has not made every one of them yet: only those the state records ids for.
  const api = out('api').apiId ? (await new APIGatewayClient({ region, credentials: creds }).send(new GetTagsCommand({ resourceArn: `arn:aws:apigateway:${region}::/restapis/${out('api').apiId}` }))).tags : undefined;
  const pool = out('pool').userPoolArn ? (await new CognitoIdentityProviderClient({ region, credentials: creds }).send(new ListTagsForResourceCommand({ ResourceArn: out('pool').userPoolArn }))).Tags : undefined;
  const fn = out('function').functionArn ? (await new LambdaClient({ region, credentials: creds }).send(new ListTagsCommand({ Resource: out('function').functionArn }))).Tags : undefined;
  const role = out('role').roleName ? (await new IAMClient({ region, credentials: creds }).send(new ListRoleTagsCommand({ RoleName: out('role').roleName }))).Tags : undefined;
  const tags: Record<string, Record<string, string>> = {
    api: api ?? {}, pool: pool ?? {}, function: fn ?? {},
    role: Object.fromEntries((role ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
  return Object.fromEntries(Object.entries(tags).filter(([id]) => Object.keys(out(id)).length > 0));
}

async function makeLive(): Promise<State> {
  writeFileSync(join(cwd, 'live.json'), JSON.stringify(LIVE));
  const init = await run(['init', '--yes', '--no-verify', '--config', 'live.json']);
  expect(init.code, init.stderr).toBe(0);
  return JSON.parse(readFileSync(join(cwd, '.secure-api', 'live.json'), 'utf8')) as State;
}

describe('secure-api forget', () => {
  it('deletes nothing, takes secure-api\'s tags off, keeps the user\'s, keeps a copy of the state; destroy --orphans then takes nothing', async () => {
    const state = await makeLive();
    const before = await liveTags(state);
    for (const tags of Object.values(before)) expect(Object.keys(tags).sort()).toEqual(['secure-api:stack', 'secure-api:state-id', 'team']);
    const exp = await run(['export', 'terraform', '--stack', 'live', '--out', 'tf', '--json']);
    expect(exp.code, exp.stderr).toBe(0);
    const imports = (JSON.parse(exp.stdout) as { imports: Array<{ address: string; id: string }> }).imports;

    const res = await run(['forget', '--stack', 'live', '--yes', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as { stateCopy: string; released: unknown[] };
    expect(existsSync(join(cwd, '.secure-api', 'live.json'))).toBe(false);
    expect(JSON.parse(readFileSync(doc.stateCopy, 'utf8'))).toEqual(state);
    expect(statSync(doc.stateCopy).mode & 0o777).toBe(0o600);
    expect(doc.released.length).toBe(Object.keys(state.nodes).length);

    // Every tagged resource: the user's tag only.
    expect(await liveTags(state)).toEqual({ api: { team: 'payments' }, pool: { team: 'payments' }, function: { team: 'payments' }, role: { team: 'payments' } });
    // Nothing deleted: every resource the export imports is still there.
    for (const i of imports) expect(await resolvesLive(i.address.split('.')[0]!, i.id, 'us-east-1', clock), i.address).toBe(true);

    // The new owner's plan sees no tag change: the export's tags are the live ones.
    const main = await parse('main.tf', readFileSync(join(cwd, 'tf', 'main.tf'), 'utf8')) as { resource: Record<string, Record<string, Array<{ tags?: unknown }>>> };
    const after = await liveTags(state);
    expect(main.resource.aws_api_gateway_rest_api!.api![0]!.tags).toEqual(after.api);
    expect(main.resource.aws_cognito_user_pool!.pool![0]!.tags).toEqual(after.pool);
    expect(main.resource.aws_lambda_function!.function![0]!.tags).toEqual(after.function);
    expect(main.resource.aws_iam_role!.role![0]!.tags).toEqual(after.role);

    // A lost-state clean-up can no longer take them.
    const orphans = await run(['destroy', '--orphans', '--stack', 'live', '--yes', '--json']);
    expect(orphans.code, orphans.stderr).toBe(0);
    for (const i of imports) expect(await resolvesLive(i.address.split('.')[0]!, i.id, 'us-east-1', clock), `${i.address} after destroy --orphans`).toBe(true);
    expect(readdirSync(join(cwd, '.secure-api', 'forgotten'))).toHaveLength(1);
  });

  it('without --yes and without a terminal: refuses (exit 2), changes nothing', async () => {
    const state = await makeLive();
    const res = await run(['forget', '--stack', 'live']);
    expect(res.code).toBe(2);
    expect(existsSync(join(cwd, '.secure-api', 'live.json'))).toBe(true);
    for (const tags of Object.values(await liveTags(state))) expect(Object.keys(tags)).toContain('secure-api:stack');
  });

  it('stopped half way (AWS fails an untag): keeps the state, and running it again finishes', async () => {
    const state = await makeLive();
    fake.inject({ command: 'UntagRole', error: 'UnmodifiableEntityException' });
    const first = await run(['forget', '--stack', 'live', '--yes']);
    expect(first.code, first.stderr).toBe(1);
    fake.clearInjections();
    expect(existsSync(join(cwd, '.secure-api', 'live.json'))).toBe(true);
    const again = await run(['forget', '--stack', 'live', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(cwd, '.secure-api', 'live.json'))).toBe(false);
    for (const tags of Object.values(await liveTags(state))) expect(tags).toEqual({ team: 'payments' });
  });

  it('refuses (exit 2) a stack whose init was killed mid-way, and the exports refuse it too; nothing changes', async () => {
    writeFileSync(join(cwd, 'live.json'), JSON.stringify(LIVE));
    // Killed right after the app client was made: its answer lost, the node still "creating" in the state.
    const revive = killAfter(fake, { command: 'CreateUserPoolClient', nth: 1 });
    const init = await run(['init', '--yes', '--no-verify', '--config', 'live.json']);
    expect(init.code).toBe(1);
    revive();
    const state = JSON.parse(readFileSync(join(cwd, '.secure-api', 'live.json'), 'utf8')) as State & { complete: boolean; nodes: Record<string, { status: string }> };
    expect(state.complete).toBe(false);
    expect(Object.values(state.nodes).some((n) => n.status === 'creating')).toBe(true);
    const before = await liveTags(state);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const forget = await run(['forget', '--stack', 'live', '--yes']);
    expect([forget.code, forget.stderr]).toEqual([2, expect.stringContaining('work under way')]);
    for (const format of ['terraform', 'cdk', 'openapi']) {
      const exp = await run(['export', format, '--stack', 'live', '--out', `x-${format}`]);
      expect([format, exp.code, exp.stderr]).toEqual([format, 2, expect.stringContaining('is not finished')]);
      expect(existsSync(join(cwd, `x-${format}`)), format).toBe(false);
    }
    expect(existsSync(join(cwd, '.secure-api', 'live.json'))).toBe(true);
    expect(await liveTags(state)).toEqual(before);
  });
});
