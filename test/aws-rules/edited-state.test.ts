/**
 * The state is data, not authority (issue 25.4): before every delete or update, the live resource must carry this
 * stack's tags (both: secure-api:stack and the state id), or be recorded adopted; kinds without tags follow the
 * node they live in. A state edited to name another stack's API and function deletes and changes nothing of theirs.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateFile } from '../../src/state/schema.js';
import { readState } from '../../src/state/store.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { MUTATING } from '../reliability/support/faults.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

const INIT = ['init', '--yes', '--no-verify', '--route', 'GET,POST /items'];

function person(clock: VirtualClock, stack: string) {
  const cwd = tempDir(`secure-api-${stack}-`);
  const statePath = join(cwd, '.secure-api', `${stack}.json`);
  return {
    statePath,
    state: () => readState(statePath)!,
    run: (argv: string[]) => runSecureApi([...argv, '--stack', stack], { cwd, clock }),
    /** The state file edited by hand (or by whoever can write it). */
    edit: (change: (s: StateFile) => void) => {
      const s = readState(statePath)!;
      change(s);
      writeFileSync(statePath, JSON.stringify(s));
    },
  };
}

/** Two stacks in one account; B's state then names A's API (and what lives in it) and A's function. */
async function twoStacks() {
  const clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
  const a = person(clock, 'alpha');
  const b = person(clock, 'bravo');
  expect((await a.run(INIT)).code).toBe(0);
  const aliceHas = fake.resources();
  expect((await b.run(INIT)).code).toBe(0);
  const sa = a.state();
  b.edit((s) => {
    s.nodes.api!.out = { ...sa.nodes.api!.out };
    s.nodes.function!.out = { ...sa.nodes.function!.out };
  });
  return { a, b, aliceHas, sa, fake };
}

describe('a state edited to name another stack\'s API and function (issue 25.4)', () => {
  it('destroy deletes nothing of theirs: their API, methods and function stay; ours go; exit 1 NOT_OURS naming what was left alone', async () => {
    const { a, b, aliceHas, sa, fake } = await twoStacks();
    const from = fake.calls.length;
    const d = await b.run(['destroy', '--yes']);
    expect(d.code, d.stderr).toBe(1);
    expect(d.stderr).toMatch(/Stack bravo destroyed: \d+ resources removed, state file deleted \(what was left alone is recorded in [^)]+\); left alone \d+ resources the state names that are not stack bravo's \(nothing of theirs was changed\)/);
    const api = sa.nodes.api!.out.apiId!;
    const fn = sa.nodes.function!.out.functionName!;
    expect(d.stderr).toContain(`rest-api bravo-api (${api}): secure-api:stack=alpha, secure-api:state-id=${sa.stateId}`);
    expect(d.stderr).toContain(`(${fn}): secure-api:stack=alpha`);
    expect(d.stderr).toContain(`← API Gateway (in function ${fn}): secure-api:stack=alpha`);
    expect(d.stderr).toContain(`api-method GET /items (in api ${api}): secure-api:stack=alpha`);
    // Every resource of A's is still there, and no call was made on its API or function.
    expect(fake.resources()).toEqual(expect.arrayContaining(aliceHas));
    const touched = fake.calls.slice(from).filter((c) => MUTATING.test(c.command)).map((c) => JSON.stringify(c.input));
    for (const id of [sa.nodes.api!.out.apiId!, sa.nodes.function!.out.functionName!]) expect(touched.filter((t) => t.includes(id)), id).toEqual([]);
    expect(readState(b.statePath)).toBeUndefined();
    // The records of what was left alone survive in a copy (0600) the message names, not only in the error text.
    const dir = join(dirname(b.statePath), 'left-alone');
    const [name] = readdirSync(dir);
    const copy = join(dir, name!);
    expect(d.stderr).toContain(`recorded in ${copy})`);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(copy, 'utf8')) as StateFile;
    expect(kept.nodes.api?.out.apiId).toBe(api);
    expect(kept.nodes.function?.out.functionName).toBe(fn);
    expect(kept.nodes['method:GET /items']).toBeDefined();
    expect(kept.nodes.pool).toBeUndefined();
    const st = await a.run(['status']);
    expect(st.code, st.stdout + st.stderr).toBe(0);
  });

  it('forget on a state naming another stack\'s pool and function (and our pool\'s id beside their pool\'s ARN) leaves their tags: exit 1 NOT_OURS', async () => {
    const { a, b, sa, fake } = await twoStacksEdited((s, sa) => {
      s.nodes.function!.out = { ...sa.nodes.function!.out };
      s.nodes.role!.out = { ...sa.nodes.role!.out };
      // The pool's id is ours (its tags read as ours), its ARN theirs: the untag must go to the id that was read.
      s.nodes.pool!.out = { ...s.nodes.pool!.out, userPoolArn: sa.nodes.pool!.out.userPoolArn! };
    });
    const f = await b.run(['forget', '--yes']);
    expect(f.code, f.stderr).toBe(1);
    expect(f.stderr).toMatch(/Stack bravo forgotten: .*; left alone \d+ resources the state names that are not stack bravo's/);
    expect(f.stderr).toContain(`(${sa.nodes.function!.out.functionName!}): secure-api:stack=alpha`);
    expect(f.stderr).toContain(`(${sa.nodes.role!.out.roleName!}): secure-api:stack=alpha`);
    // Alpha's pool, function and role keep alpha's tags: its status sees no drift on owner, and its destroy removes them.
    const st = await a.run(['status']);
    expect(st.code, st.stdout + st.stderr).toBe(0);
    const d = await a.run(['destroy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(fake.resources().map((r) => JSON.stringify(r)).filter((r) => r.includes(sa.nodes.pool!.out.userPoolId!) || r.includes(sa.nodes.function!.out.functionName!))).toEqual([]);
  });

  it('init (a change) on the edited state is refused before it changes their API: exit 1 NOT_OURS, nothing of theirs changed', async () => {
    const { b, aliceHas, sa, fake } = await twoStacks();
    const from = fake.calls.length;
    const r = await b.run([...INIT, '--route', 'GET /other']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/stopped before (changing|making) .*; left alone 1 resource the state names that is not stack bravo's/);
    expect(r.stderr).toContain('secure-api:stack=alpha');
    const touched = fake.calls.slice(from).filter((c) => MUTATING.test(c.command)).map((c) => `${c.command} ${JSON.stringify(c.input)}`);
    expect(touched.filter((t) => t.includes(sa.nodes.api!.out.apiId!) || t.includes(sa.nodes.function!.out.functionName!))).toEqual([]);
    expect(fake.resources()).toEqual(expect.arrayContaining(aliceHas));
  });

  it('status reports each resource that is not this stack\'s (exit 3, drift on owner naming whose it is), without comparing it to this stack\'s spec', async () => {
    const { b, sa } = await twoStacks();
    const st = await b.run(['status', '--json']);
    expect(st.code, st.stderr).toBe(3);
    const doc = JSON.parse(st.stdout) as { resources: Array<{ id: string; state: string; drift: Array<{ path: string; before: unknown; after: unknown }> }> };
    const byId = new Map(doc.resources.map((r) => [r.id, r]));
    const owner = `secure-api:stack=alpha, secure-api:state-id=${sa.stateId}`;
    for (const id of ['api', 'function', 'permission', 'method:GET /items', 'authorizer']) {
      expect(byId.get(id), id).toMatchObject({ state: 'drifted', drift: [{ path: 'owner', before: expect.stringContaining('secure-api:stack=bravo'), after: owner }] });
    }
    // Bravo's own resources read as they are.
    for (const id of ['pool', 'role', 'client']) expect(byId.get(id)?.state, id).toBe('present');
  });
});

/** Two stacks; bravo's state then edited by `change` (given alpha's state). */
async function twoStacksEdited(change: (s: StateFile, sa: StateFile) => void) {
  const clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
  const a = person(clock, 'alpha');
  const b = person(clock, 'bravo');
  expect((await a.run(INIT)).code).toBe(0);
  expect((await b.run(INIT)).code).toBe(0);
  const aliceHas = fake.resources();
  const sa = a.state();
  b.edit((s) => change(s, sa));
  return { a, b, aliceHas, sa, fake };
}

/** Bravo's destroy exits 1 NOT_OURS naming `named`; nothing of alpha's was deleted or changed. */
async function destroyLeavesAlphaAlone(t: Awaited<ReturnType<typeof twoStacksEdited>>, named: RegExp) {
  const { a, b, aliceHas, sa, fake } = t;
  const from = fake.calls.length;
  const d = await b.run(['destroy', '--yes']);
  expect(d.code, d.stderr).toBe(1);
  expect(d.stderr).toMatch(/left alone \d+ resources? the state names that (is|are) not stack bravo's \(nothing of theirs was changed\)/);
  expect(d.stderr).toMatch(named);
  const alphaIds = [sa.nodes.function!.out.functionName!, sa.nodes.role!.out.roleName!, sa.nodes.api!.out.apiId!];
  const touched = fake.calls.slice(from).filter((c) => MUTATING.test(c.command)).map((c) => `${c.command} ${JSON.stringify(c.input)}`);
  for (const id of alphaIds) expect(touched.filter((x) => x.includes(id)), id).toEqual([]);
  expect(fake.resources()).toEqual(expect.arrayContaining(aliceHas.filter((r) => JSON.stringify(r).includes('alpha'))));
  const st = await a.run(['status']);
  expect(st.code, st.stdout + st.stderr).toBe(0);
}

describe('a state edited past the ownership check (review r1-owner)', () => {
  it('`owned: adopted` on a kind that is never adopted (the function) does not skip its tag read', async () => {
    const t = await twoStacksEdited((s, sa) => {
      s.nodes.function!.out = { ...sa.nodes.function!.out };
      s.nodes.function!.owned = 'adopted';
    });
    await destroyLeavesAlphaAlone(t, new RegExp(`lambda-function .*${t.sa.nodes.function!.out.functionName!}.*secure-api:stack=alpha`));
  });

  it('a function recorded by name only (no ARN) has its tags read by that name', async () => {
    const t = await twoStacksEdited((s, sa) => { s.nodes.function!.out = { functionName: sa.nodes.function!.out.functionName! }; });
    await destroyLeavesAlphaAlone(t, new RegExp(`lambda-function .*secure-api:stack=alpha`));
  });

  it('a function ARN of ours recorded with another function\'s name is not ours', async () => {
    const t = await twoStacksEdited((s, sa) => { s.nodes.function!.out = { ...s.nodes.function!.out, functionName: sa.nodes.function!.out.functionName! }; });
    await destroyLeavesAlphaAlone(t, /lambda-function .*does not name function/);
  });

  it('a role recorded by ARN only, its spec naming another stack\'s role, has its tags read by that name', async () => {
    const t = await twoStacksEdited((s, sa) => {
      s.nodes.role!.out = { roleArn: s.nodes.role!.out.roleArn! };
      (s.nodes.role!.spec as { roleName: string }).roleName = sa.nodes.role!.out.roleName!;
    });
    await destroyLeavesAlphaAlone(t, /iam-role .*(does not name role|secure-api:stack=alpha)/);
  });

  it('a permission naming another stack\'s function (its own function ours) is not ours: their policy is not changed', async () => {
    // Alpha's function and statement: bravo's read finds alpha's grant (another API's), and would repair it.
    const t = await twoStacksEdited((s, sa) => { s.nodes.permission!.out = { ...sa.nodes.permission!.out }; });
    const alphaFn = t.sa.nodes.function!.out.functionName!;
    const from = t.fake.calls.length;
    // A change (init again) would repair the permission: update removes every other statement on the function it names.
    const r = await t.b.run(INIT);
    const touched = t.fake.calls.slice(from).filter((c) => MUTATING.test(c.command)).map((c) => `${c.command} ${JSON.stringify(c.input)}`);
    expect(touched.filter((x) => x.includes(alphaFn)), r.stderr).toEqual([]);
    expect(t.fake.resources()).toEqual(expect.arrayContaining(t.aliceHas.filter((x) => JSON.stringify(x).includes('alpha'))));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/left alone 1 resource the state names that is not stack bravo's/);
    expect(r.stderr).toMatch(/lambda-permission .*the permission names function .*, not /);
    // Destroy cascades the permission with bravo's function (no call on it): nothing of alpha's is touched either.
    const d = await t.b.run(['destroy', '--yes']);
    const touchedD = t.fake.calls.slice(from).filter((c) => MUTATING.test(c.command)).map((c) => `${c.command} ${JSON.stringify(c.input)}`);
    expect(touchedD.filter((x) => x.includes(alphaFn)), d.stderr).toEqual([]);
    const st = await t.a.run(['status']);
    expect(st.code, st.stdout + st.stderr).toBe(0);
  });
});
