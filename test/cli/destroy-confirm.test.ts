/** destroy asks as Terraform does (issue 14, item 6): what goes, the pool's users with it, the stack name typed. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir } from '../support/harness.js';
import { ScriptedPrompter } from '../wizard/scripted-prompter.js';

let fake: AwsFake;
let cwd: string;
beforeEach(async () => {
  fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
  cwd = tempDir();
  expect((await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'shop'], { cwd })).code).toBe(0);
});
afterEach(() => fake.restore());

const addUser = async (name: string) => {
  const r = await runSecureApi(['users', 'add', name, '--stack', 'shop'], { cwd, tty: true, env: { CI: 'false' } });
  expect(r.code, r.stderr).toBe(0);
};

describe('destroy confirmation', () => {
  it('with users in the pool: says how many go, and only the typed stack name deletes', async () => {
    await addUser('ann@example.com');
    await addUser('bob@example.com');
    const wrong = new ScriptedPrompter([[/^Type the stack name \(shop\)/, 'yes']], 'fail');
    const r = await runSecureApi(['destroy', '--stack', 'shop'], { cwd, tty: true, prompter: wrong });
    expect(r.code).toBe(1);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain("Deleting the user pool shop-users also deletes its 2 users (DescribeUserPool's estimate)");
    expect(r.stderr).toMatch(/these 16 resources will be deleted/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Cancelled: "yes" is not shop; nothing was deleted.');
    expect(fake.resources().length).toBeGreaterThan(0);

    const right = new ScriptedPrompter([[/^Type the stack name/, 'shop']], 'fail');
    const ok = await runSecureApi(['destroy', '--stack', 'shop'], { cwd, tty: true, prompter: right });
    expect(ok.code, ok.stderr).toBe(0);
    expect(fake.resources()).toEqual([]);
  });

  it('an empty pool: a y/N question; declining exits 1 ("Cancelled") and deletes nothing', async () => {
    const no = new ScriptedPrompter([[/^Delete these 16 resources of stack shop\?/, false]], 'fail');
    const r = await runSecureApi(['destroy', '--stack', 'shop'], { cwd, tty: true, prompter: no });
    expect(r.code).toBe(1);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain("The user pool shop-users goes too; it has no users");
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Cancelled: nothing was deleted.');
    expect(fake.resources().length).toBeGreaterThan(0);
  });

  it('--yes skips the question, users or not, and reads no user count', async () => {
    await addUser('ann@example.com');
    const before = fake.calls.length;
    const r = await runSecureApi(['destroy', '--stack', 'shop', '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    // DescribeUserPool only for the ownership check before deleting, and by the pool's delete for its deletion
    // protection, right before turning that off: no user count is read for a question.
    const names = fake.calls.slice(before).map((c) => c.command);
    expect(names.filter((n) => n === 'DescribeUserPool')).toHaveLength(2);
    expect(names[names.lastIndexOf('DescribeUserPool') + 1]).toBe('UpdateUserPool');
    expect(fake.resources()).toEqual([]);
  });

  it('declining the plan of init exits 1 too', async () => {
    const r = await runSecureApi(['init', '--stack', 'other', '--no-verify'], { cwd, tty: true, prompter: new ScriptedPrompter([[/^Create these/, false]]) });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Cancelled: nothing was created.');
  });
});
