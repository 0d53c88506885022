/**
 * A lost state file: `status --orphans` and `destroy --stack NAME --orphans` find what carries the tag
 * secure-api:stack=NAME (tagging API for the API, function and pool; ListRoles under /secure-api/ + ListRoleTags for
 * the role; the pool's domain from DescribeUserPool), list it, and remove it after confirmation — and nothing else.
 */
import { CreateRestApiCommand, APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { Prompter } from '../../src/ui/prompter.js';
import { suiteFigures } from './support/figures.js';
import { killAfter } from './support/faults.js';
import { INIT, STACK, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('orphans');
let s: Scenario | undefined;
afterEach(() => s?.restore());

const ORPHANS_DESTROY = ['destroy', '--stack', STACK, '--orphans', '--yes'];
/** destroy --orphans of the lost state's resources: only what carries its state id goes. */
const orphansDestroy = (stateId: string) => [...ORPHANS_DESTROY, '--state-id', stateId];
const ORPHANS_STATUS = ['status', '--stack', STACK, '--orphans', '--json'];

/** Delete the state file; returns the state id it held (what the lost stack's resources are tagged with). */
function loseState(sc: Scenario): string {
  const id = sc.state()?.stateId ?? '';
  rmSync(sc.statePath, { force: true });
  rmSync(`${sc.statePath}.bak`, { force: true });
  return id;
}

/** Default role and function names end with six characters of the state id. */
const unsuffixed = (name: string) => name.replace(/-fn(-role)?-[a-z0-9]{6}$/, '-fn$1');

/** A terminal user answering the confirmation. */
const answering = (yes: boolean): Prompter => ({
  interactive: true,
  confirm: async () => yes,
  input: async () => { throw new UsageError('unexpected question'); },
  password: async () => { throw new UsageError('unexpected question'); },
  select: async () => { throw new UsageError('unexpected question'); },
  checkbox: async () => { throw new UsageError('unexpected question'); },
  number: async () => { throw new UsageError('unexpected question'); },
});

describe('the state file is lost', () => {
  it('status --orphans lists every top-level resource (exit 3); destroy --orphans removes them all', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const id = loseState(s);
    const st = await s.run(ORPHANS_STATUS);
    expect(st.code, st.stderr).toBe(3);
    const listed = JSON.parse(st.stdout) as { orphans: Array<{ kind: string; name: string; recorded: boolean; stateId?: string }>; stateFile: string | null };
    expect(listed.stateFile).toBeNull();
    expect(listed.orphans.every((o) => o.stateId === id)).toBe(true);
    expect(listed.orphans.map((o) => `${o.kind} ${unsuffixed(o.name)}`).sort()).toEqual([
      'iam-role demo-fn-role', 'lambda-function demo-fn', 'log-group /aws/lambda/demo-fn', 'rest-api demo-api', 'user-pool demo-users', 'user-pool-domain demo-login',
    ]);
    expect(listed.orphans.every((o) => !o.recorded)).toBe(true);
    expect(st.stderr).toMatch(/6 resources are tagged secure-api:stack=demo but not in a state file/);
    expect(st.stderr).toContain(`secure-api destroy --stack demo --orphans --state-id ${id} --yes`);

    // Without the state id, nothing of a state's goes (it may be someone else's stack of the same name).
    const without = await s.run(ORPHANS_DESTROY);
    expect(without.code, without.stderr).toBe(0);
    expect(without.stderr).toMatch(/Left alone: 6 resources of another state/);
    expect(s.fake.resources().filter((r) => r.type === 'rest-api')).toHaveLength(1);

    const d = await s.run(orphansDestroy(id));
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/Removed 6 resources tagged secure-api:stack=demo/);
    expect(s.fake.resources()).toEqual([]);
    const names = s.fake.calls.map((c) => c.command);
    expect(names.lastIndexOf('DeleteUserPoolDomain')).toBeLessThan(names.lastIndexOf('DeleteUserPool'));
    expect(names.lastIndexOf('DeleteFunction')).toBeLessThan(names.lastIndexOf('DeleteRole'));
    // The function's log group after the function (a run meanwhile would make it again).
    expect(names.lastIndexOf('DeleteFunction')).toBeLessThan(names.lastIndexOf('DeleteLogGroup'));
    // The search only reads; the removal only deletes, but for the pool's deletion protection (on by default), turned
    // off just before DeleteUserPool.
    const before = names.indexOf('GetCallerIdentity', names.lastIndexOf('CreateDeployment'));
    const writes = s.fake.calls.slice(before).filter((c) => /^(Create|Put|Update|Tag|Add|Attach)/.test(c.command));
    expect(writes.map((c) => `${c.command} ${String((c.input as { DeletionProtection?: string }).DeletionProtection)}`)).toEqual(['UpdateUserPool INACTIVE']);
    expect(names[names.lastIndexOf('UpdateUserPool') + 1]).toBe('DeleteUserPool');
    const again = await s.run(orphansDestroy(id));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing tagged secure-api:stack=demo/);
    figures.runs += 5;
    figures.cases++;
    figures.faults++;
    figures.resourcesLeft += s.fake.resources().length;
  });

  it.each([
    [{ command: 'CreateRestApi', nth: 1 }],
    [{ command: 'CreateFunction', nth: 3 }],
    [{ command: 'CreateUserPoolDomain', nth: 1 }],
    [{ command: 'PutMethod', nth: 2 }],
  ])('killed after %o and the state file lost: destroy --orphans leaves nothing', async (at) => {
    s = scenario();
    const revive = killAfter(s.fake, at);
    expect((await s.run(INIT)).code).toBe(1);
    revive();
    const id = loseState(s);
    const d = await s.run(orphansDestroy(id));
    expect(d.code, d.stderr).toBe(0);
    expect(s.fake.resources()).toEqual([]);
    figures.runs += 2;
    figures.cases++;
    figures.faults += 2;
  });

  it('leaves another stack, an untagged API of the same name and a role of another stack alone', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    expect((await s.run(['init', '--yes', '--no-verify', '--stack', 'other', '--domain-prefix', 'other-login'])).code).toBe(0);
    await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'demo-api' }));
    await new IAMClient({ region: 'us-east-1' }).send(new CreateRoleCommand({
      RoleName: 'demo-lookalike', Path: '/secure-api/', AssumeRolePolicyDocument: '{}', Tags: [{ Key: 'secure-api:stack', Value: 'demo2' }],
    }));
    const id = loseState(s);
    expect((await s.run(orphansDestroy(id))).code).toBe(0);
    const left = s.fake.resources();
    const named = (type: string) => left.filter((r) => r.type === type).map((r) => unsuffixed(r.name)).sort();
    // The untagged API of the same name stays; so does everything of "other", and the role tagged demo2.
    expect(named('rest-api')).toEqual(['demo-api', 'other-api']);
    const untagged = Object.values(s.fake.state.apigateway.apis).find((a) => a.name === 'demo-api')!;
    expect(untagged.tags['secure-api:stack']).toBeUndefined();
    expect(named('user-pool')).toEqual(['other-users']);
    expect(named('user-pool-domain')).toEqual(['other-login']);
    expect(named('function')).toEqual(['other-fn']);
    expect(named('role')).toEqual(['demo-lookalike', 'other-fn-role']);
    const other = await s.run(['status', '--stack', 'other']);
    expect(other.code, other.stdout + other.stderr).toBe(0);
    figures.runs += 4;
    figures.cases++;
  });

  it('duplicates (two APIs tagged with the lost state) are both removed, DeleteRestApi paced', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const stateId = s.state()!.stateId;
    await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: 'demo-api', tags: { 'secure-api:stack': STACK, 'secure-api:state-id': stateId } }));
    loseState(s);
    const d = await s.run(orphansDestroy(stateId));
    expect(d.code, d.stderr).toBe(0);
    expect(s.fake.resources()).toEqual([]);
    expect(s.fake.count('DeleteRestApi')).toBeGreaterThanOrEqual(3);
    figures.runs += 2;
    figures.cases++;
    figures.faults++;
  });
});

describe('confirmation and refusals', () => {
  it('asks on a terminal: "no" deletes nothing, "yes" deletes', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const id = loseState(s);
    const argv = ['destroy', '--stack', STACK, '--orphans', '--state-id', id];
    const no = await s.run(argv, { tty: true, prompter: answering(false) });
    expect(no.code, no.stderr).toBe(0);
    expect(no.stderr).toMatch(/Nothing was deleted/);
    expect(s.fake.resources().filter((r) => r.type === 'rest-api')).toHaveLength(1);
    const yes = await s.run(argv, { tty: true, prompter: answering(true) });
    expect(yes.code, yes.stderr).toBe(0);
    expect(s.fake.resources()).toEqual([]);
    figures.runs += 3;
    figures.cases++;
  });

  it.each([
    ['without --yes and no terminal', ['destroy', '--stack', STACK, '--orphans'], /no terminal to confirm on[\s\S]*--yes/],
    ['without --stack', ['destroy', '--orphans', '--yes'], /--orphans needs --stack NAME/],
    ['while the state file exists', ORPHANS_DESTROY, /destroy --orphans is for a stack whose state file is lost/],
    ['status without --stack and no state', ['status', '--orphans'], /--orphans needs --stack NAME/],
    ['with a bad stack name', ['destroy', '--stack', 'Demo!', '--orphans', '--yes'], /--stack: stack name "Demo!"/],
  ])('%s: exit 2 before any AWS call', async (what, argv, message) => {
    s = scenario();
    if (what === 'while the state file exists') {
      expect((await s.run(INIT)).code).toBe(0);
      s.fake.calls.length = 0;
    }
    const r = await s.run(argv);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(s.fake.calls).toEqual([]);
    figures.runs++;
    figures.cases++;
  });

  it('status --orphans with the state file: everything recorded, exit 0', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const st = await s.run(['status', '--stack', STACK, '--orphans']);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/rest-api\s+│?\s*demo-api/);
    expect(st.stdout).not.toMatch(/not in the state file/);
    figures.runs += 2;
    figures.cases++;
  });
});
