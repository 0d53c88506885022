/**
 * issue 25.5: "secured" says who gets in. The verify verdict (and init's proof) names the pool's self sign-up as it
 * is live, and that any app client of the pool is accepted by the authorizer; --json carries it as `access`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir } from '../support/harness.js';

let fake: AwsFake;
/** The text as read: the verdict is word-wrapped to the terminal. */
const flat = (s: string): string => s.replace(/\s+/g, ' ');
afterEach(() => fake.restore());

const ANYONE = 'Who gets in: anyone. Self sign-up is on: anyone can create an account with the app client id (it is in the hosted-UI URL) and call these routes.';
const ONLY_YOURS = 'Who gets in: only the users you add (the users add command, or AdminCreateUser): self sign-up is off.';
const ANY_CLIENT = 'The authorizer accepts an id token from any app client of the pool, not only this stack\'s.';

async function stack(flags: string[]): Promise<{ cwd: string; init: { code: number; stdout: string; stderr: string } }> {
  fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
  const cwd = tempDir();
  const init = await runSecureApi(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', ...flags], { cwd });
  expect(init.code, init.stderr).toBe(0);
  return { cwd, init };
}

describe('the verdict says who gets in', () => {
  it('self sign-up on: anyone can make an account and call the routes, in init\'s proof, verify and --json', async () => {
    const { cwd, init } = await stack(['--self-sign-up']);
    expect(flat(init.stdout)).toContain(ANYONE);
    expect(flat(init.stdout)).toContain(ANY_CLIENT);
    // And in the plan, before anything is made.
    const plan = await runSecureApi(['init', '--dry-run', '--stack', 'other', '--route', 'GET /items', '--self-sign-up'], { cwd: tempDir() });
    expect(flat(plan.stdout)).toContain(ANYONE);
    expect(flat(plan.stdout)).toContain(ANY_CLIENT);
    const v = await runSecureApi(['verify', '--stack', 'shop'], { cwd });
    expect(v.code, v.stderr).toBe(0);
    expect(flat(v.stdout)).toMatch(/✓ secured: [^✓✗]* Who gets in: anyone/);
    const json = JSON.parse((await runSecureApi(['verify', '--stack', 'shop', '--json'], { cwd })).stdout) as { access: unknown };
    expect(json.access).toEqual({ selfSignUp: true, anyClientOfThePool: true, existingPool: false });
  });

  it('self sign-up off: only the users you add; a pool opened by hand since is reported as it is live', async () => {
    const { cwd } = await stack([]);
    const v = await runSecureApi(['verify', '--stack', 'shop'], { cwd });
    expect(flat(v.stdout)).toContain(ONLY_YOURS);
    expect(flat(v.stdout)).toContain(ANY_CLIENT);
    for (const pool of Object.values(fake.state.cognito.pools)) pool.config.AdminCreateUserConfig = { AllowAdminCreateUserOnly: false };
    const after = await runSecureApi(['verify', '--stack', 'shop', '--json'], { cwd });
    expect((JSON.parse(after.stdout) as { access: { selfSignUp: boolean } }).access.selfSignUp).toBe(true);
  });
});
