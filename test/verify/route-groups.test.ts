/**
 * issue 25.5: a route restricted to a Cognito group. The authorizer cannot check groups, so the sample function does;
 * verify proves it: the test user (in no group) gets 403, then, put in the group and signed in again, 2xx; it is taken
 * out again and removed. The plan and the verdict say who gets in.
 */
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import { minimalPolicy } from '../../src/plan/operator-policy.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir } from '../support/harness.js';

let fake: AwsFake;
const flat = (s: string): string => s.replace(/\s+/g, ' ');
afterEach(() => fake.restore());

interface Row { route: string; method: string; check: string; expected: string; got: string; ok: boolean }
const ONLY_ADMINS = 'GET /admin: only members of group admins (the sample function checks cognito:groups and answers 403 to anyone else; the authorizer cannot).';

async function stack(): Promise<{ cwd: string; init: { code: number; stdout: string; stderr: string } }> {
  fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
  const cwd = tempDir();
  const init = await runSecureApi(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--route', 'GET /admin', '--route-group', 'GET /admin=admins'], { cwd });
  return { cwd, init };
}

describe('a route only members of a group may call', () => {
  it('init makes the group and proves it: outside the group 403, a member 2xx; the test user leaves the group and is removed', async () => {
    const { cwd, init } = await stack();
    expect(init.code, init.stderr).toBe(0);
    const pool = Object.values(fake.state.cognito.pools)[0]!;
    expect(Object.keys(pool.groups ?? {})).toEqual(['admins']);
    expect(flat(init.stdout)).toContain(ONLY_ADMINS);
    expect(init.stderr).toMatch(/Test user put in group admins/);
    expect(init.stderr).toMatch(/taken out of admins again/);
    // Nobody is left in the group, no test user is left.
    expect(pool.groups?.admins?.members).toEqual([]);
    expect(Object.keys(pool.users)).toEqual([]);

    const v = await runSecureApi(['verify', '--stack', 'shop', '--json'], { cwd });
    expect(v.code, v.stderr).toBe(0);
    const json = JSON.parse(v.stdout) as { rows: Row[]; access: { restricted: unknown } };
    expect(json.access.restricted).toEqual([{ path: '/admin', methods: ['GET'], groups: ['admins'] }]);
    const rows = json.rows;
    const admin = rows.filter((r) => r.route === '/admin');
    expect(admin.find((r) => r.check === 'outside-group')).toMatchObject({ expected: '403', ok: true, got: expect.stringMatching(/^403/) });
    expect(admin.find((r) => r.check === 'group-member')).toMatchObject({ expected: '2xx', ok: true, got: '200' });
    // The unrestricted route is proven as before; no group rows there.
    const items = rows.filter((r) => r.route === '/items');
    expect(items.find((r) => r.check === 'id-token')).toMatchObject({ ok: true });
    expect(items.some((r) => r.check === 'outside-group' || r.check === 'group-member')).toBe(false);
  });

  it('a function that no longer enforces the groups is a leak verify reports (critical), and status drift', async () => {
    const { cwd, init } = await stack();
    expect(init.code, init.stderr).toBe(0);
    // Someone empties the function's route groups by hand.
    const fn = Object.values(fake.state.lambda.functions)[0]!;
    fn.configuration.Environment = { Variables: { CORS_ORIGIN: '*' } };
    const v = await runSecureApi(['verify', '--stack', 'shop', '--json'], { cwd });
    expect(v.code).toBe(1);
    const out = JSON.parse(v.stdout) as { rows: Array<Row & { severity: string }>; verdict: { critical: number } };
    expect(out.rows.find((r) => r.check === 'outside-group')).toMatchObject({ ok: false, severity: 'critical', got: '200' });
    expect(out.verdict.critical).toBeGreaterThan(0);
    const s = await runSecureApi(['status', '--stack', 'shop', '--json'], { cwd });
    expect(s.code).toBe(3);
    expect(s.stdout).toMatch(/routeGroups/);
  });

  it('the group deleted by hand: status reports it missing (exit 3), init puts it back', async () => {
    const { cwd, init } = await stack();
    expect(init.code, init.stderr).toBe(0);
    const pool = Object.values(fake.state.cognito.pools)[0]!;
    delete pool.groups!.admins;
    const s = await runSecureApi(['status', '--stack', 'shop'], { cwd });
    expect(s.code).toBe(3);
    expect(flat(s.stdout)).toMatch(/admins/);
    const again = await runSecureApi(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--route', 'GET /admin', '--route-group', 'GET /admin=admins'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(Object.keys(pool.groups ?? {})).toEqual(['admins']);
  });

  it('on your pool, your group of that name is used as it is: its members stay, destroy leaves it', async () => {
    fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1' });
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'team', UsernameAttributes: ['email'] }))).UserPool?.Id ?? '';
    await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'the team\'s admins' }));
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'boss@example.com', MessageAction: 'SUPPRESS' }));
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'boss@example.com', GroupName: 'admins' }));
    const cwd = tempDir();
    // Under the operator policy for this pool (`secure-api policy --user-pool-id`): the group calls on it are allowed.
    fake.setCallerPolicy(minimalPolicy({ account: '123456789012', region: 'us-east-1', scope: { existingUserPoolIds: [poolId] } }));
    const init = await runSecureApi(['init', '--yes', '--stack', 'shop', '--user-pool-id', poolId, '--route', 'GET /admin', '--route-group', 'GET /admin=admins'], { cwd });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toMatch(/group admins is already in the pool: used as it is/);
    const rows = (JSON.parse((await runSecureApi(['verify', '--stack', 'shop', '--json'], { cwd })).stdout) as { rows: Row[] }).rows;
    expect(rows.filter((r) => r.check === 'outside-group' || r.check === 'group-member').map((r) => [r.check, r.ok])).toEqual([['outside-group', true], ['group-member', true]]);
    const pool = fake.state.cognito.pools[poolId]!;
    const boss = Object.values(pool.users).find((u) => u.Attributes.some((a) => a.Value === 'boss@example.com'))!.Username;
    // The test user left; the team's member stayed.
    expect(pool.groups?.admins?.members).toEqual([boss]);
    const d = await runSecureApi(['destroy', '--stack', 'shop', '--yes'], { cwd });
    expect(d.code, d.stderr).toBe(0);
    expect(pool.groups?.admins).toMatchObject({ Description: 'the team\'s admins', members: [boss] });
  });

  it('GET /admin for admins added to a live stack: nothing is deployed until the function enforces the group; its update failing leaves the route unpublished', async () => {
    fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
    const cwd = tempDir();
    const first = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'shop', '--route', 'GET /items'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const deployments = fake.count('CreateDeployment');
    // The function update is slow, then refused: the new method is made meanwhile, but must not be published.
    fake.inject({ command: 'UpdateFunctionConfiguration', error: 'InvalidParameterValueException', message: 'Injected: the update failed', latencyMs: 400 });
    const change = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'shop', '--route', 'GET /items', '--route', 'GET /admin', '--route-group', 'GET /admin=admins'], { cwd });
    expect(change.code).toBe(1);
    expect(change.stderr).toMatch(/the update failed/);
    expect(fake.count('CreateDeployment')).toBe(deployments);
    // The stage still serves only what it served: a signed-in user calling /admin gets no 200 from an open route.
    const api = Object.values(fake.state.apigateway.apis)[0]!;
    const stage = Object.values(api.stages)[0]!;
    const served = api.deployments[stage.deploymentId ?? '']?.snapshot ?? {};
    expect(JSON.stringify(served)).not.toContain('/admin');
  });

  it('destroy of our own pool: its groups go with it, no DeleteGroup of their own (deleted with their parent)', async () => {
    const { cwd, init } = await stack();
    expect(init.code, init.stderr).toBe(0);
    const from = fake.calls.length;
    const d = await runSecureApi(['destroy', '--stack', 'shop', '--yes'], { cwd });
    expect(d.code, d.stderr).toBe(0);
    const calls = fake.calls.slice(from).map((c) => c.command);
    expect(calls).toContain('DeleteUserPool');
    expect(calls).not.toContain('DeleteGroup');
    expect(calls).not.toContain('GetGroup');
    expect(fake.state.cognito.pools).toEqual({});
  });

  it('users add --group puts a person in a group of the stack; a group the stack does not have is refused before any call (exit 2)', async () => {
    const { cwd, init } = await stack();
    expect(init.code, init.stderr).toBe(0);
    const bad = await runSecureApi(['users', 'add', 'boss@example.com', '--group', 'ops', '--password-stdin', '--stack', 'shop', '--debug'], { cwd, stdin: 'Str0ng!Passw0rd\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"ops" is not a group of this stack \(its routes name admins\)/);
    expect(bad.stderr).not.toMatch(/^aws /m);
    const ok = await runSecureApi(['users', 'add', 'boss@example.com', '--group', 'admins', '--password-stdin', '--stack', 'shop', '--json'], { cwd, stdin: 'Str0ng!Passw0rd\n' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ signInName: 'boss@example.com', groups: ['admins'] });
    const pool = Object.values(fake.state.cognito.pools)[0]!;
    const boss = Object.values(pool.users).find((u) => u.Attributes.some((a) => a.Value === 'boss@example.com'))!.Username;
    expect(pool.groups?.admins?.members).toEqual([boss]);
  });
});
