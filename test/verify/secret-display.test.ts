/**
 * issue 25.7: a password secure-api makes up (users add without --password-stdin, verify --keep-user) is shown on a
 * terminal only: never with --json, in a pipe or a CI log. There it is exit 2 before any AWS call, with the way to
 * give a password of one's own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir } from '../support/harness.js';

let fake: AwsFake;
let cwd: string;
beforeEach(async () => {
  fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
  cwd = tempDir();
  expect((await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'shop', '--route', 'GET /items'], { cwd })).code).toBe(0);
});
afterEach(() => fake.restore());

const usersIn = () => Object.values(fake.state.cognito.pools).flatMap((p) => Object.keys(p.users));

describe('a generated password is shown on a terminal only', () => {
  for (const [what, argv, tty, env] of [
    ['users add in a pipe', ['users', 'add', 'ann@example.com'], false, { CI: 'false' }],
    ['users add --json on a terminal', ['users', 'add', 'ann@example.com', '--json'], true, { CI: 'false' }],
    ['users add on a terminal in CI', ['users', 'add', 'ann@example.com'], true, { CI: 'true' }],
  ] as const) {
    it(`${what}: exit 2 before any AWS call, saying how to give one on stdin`, async () => {
      const before = fake.calls.length;
      const r = await runSecureApi([...argv, '--stack', 'shop'], { cwd, tty, env });
      expect(r.code).toBe(2);
      // With --json the error is the JSON document on stdout.
      const said = r.stdout + r.stderr;
      expect(said).toMatch(/shows one only on a terminal/);
      expect(said).toContain('secure-api users add ann@example.com --password-stdin');
      expect(said).not.toMatch(/Password: /);
      expect(fake.calls.slice(before)).toEqual([]);
      expect(usersIn()).toEqual([]);
    });
  }

  it('users add on a terminal: the password once on stdout; --json never carries one', async () => {
    const r = await runSecureApi(['users', 'add', 'ann@example.com', '--stack', 'shop'], { cwd, tty: true, env: { CI: 'false' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Password: \S{12,}/);
    expect(usersIn()).toHaveLength(1);
  });

  for (const [what, argv, tty] of [
    ['in a pipe', ['verify', '--keep-user'], false],
    ['with --json', ['verify', '--keep-user', '--json'], true],
  ] as const) {
    it(`verify --keep-user ${what}: exit 2 before any AWS call, pointing at users add --password-stdin`, async () => {
      const before = fake.calls.length;
      const r = await runSecureApi([...argv, '--stack', 'shop'], { cwd, tty, env: { CI: 'false' } });
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).toMatch(/--keep-user shows the kept test user's password, and only on a terminal/);
      expect(r.stdout + r.stderr).toContain('secure-api users add NAME --password-stdin');
      expect(fake.calls.slice(before)).toEqual([]);
    });
  }
});
