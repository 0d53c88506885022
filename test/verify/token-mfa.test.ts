/**
 * `secure-api token` for a user of an MFA-required pool, against the fake (which checks RFC 6238 codes as Cognito
 * does): the first time, the otpauth URI and a QR code, then the first code; later, the current code (--mfa-code or
 * asked); a wrong code is Cognito's CodeMismatchException, said with what to do. And `token --machine`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { stackOutputsSchema } from '../../src/state/outputs-schema.js';
import type { Prompter } from '../../src/ui/prompter.js';
import { totp } from '../../src/verify/totp.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
  cwd = tempDir();
});
afterEach(() => fake.restore());

/** Answers only `input`, with what `answer` says; anything else is a question the test did not expect. */
function inputOnly(answer: (message: string) => string, asked: string[]): Prompter {
  const no = (): never => { throw new UsageError('unexpected question'); };
  return {
    interactive: true, confirm: no, password: no, select: no, checkbox: no, number: no,
    input: async (q) => { asked.push(q.message); return answer(q.message); },
  };
}

const pool = () => Object.values(fake.state.cognito.pools)[0]!;
/** The secret AssociateSoftwareToken handed out for the sign-in in progress. */
const pendingSecret = (): string => Object.values(pool().sessions ?? {}).filter((s) => s.secret).sort((a, b) => a.expiresAt - b.expiresAt).at(-1)?.secret ?? '';

describe('token for a user of an MFA pool', () => {
  it('sets up the authenticator on a terminal (QR + otpauth URI), then takes --mfa-code; a wrong code is said as such', async () => {
    const init = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo', '--mfa', 'required'], { cwd, clock });
    expect(init.code, init.stderr).toBe(0);

    // No terminal: setup cannot be shown, and that is said before anything is half done.
    const noTty = await runSecureApi(['token', '--stack', 'demo'], { cwd, clock });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/no authenticator app set up yet, and there is no terminal/);

    const asked: string[] = [];
    const first = await runSecureApi(['token', '--stack', 'demo'], { cwd, clock, tty: true, prompter: inputOnly(() => totp(pendingSecret(), clock.now()), asked) });
    expect(first.code, first.stderr).toBe(0);
    expect(asked).toEqual(['The first 6-digit code the app shows']);
    expect(first.stderr).toMatch(/otpauth:\/\/totp\/secure-api%20demo%3Atoken%20user\?secret=[A-Z2-7]{32}&issuer=secure-api\+demo/);
    expect(first.stderr).toMatch(/[█▀▄]{10}/);
    expect(first.stdout.trim().split('.')).toHaveLength(3);
    const user = Object.values(pool().users)[0]!;
    expect(user.softwareToken).toBeTruthy();

    clock.t += 30_000;
    const later = await runSecureApi(['token', '--stack', 'demo', '--mfa-code', totp(user.softwareToken!, clock.now())], { cwd, clock });
    expect(later.code, later.stderr).toBe(0);

    clock.t += 30_000;
    const asked2: string[] = [];
    const prompted = await runSecureApi(['token', '--stack', 'demo'], { cwd, clock, tty: true, prompter: inputOnly(() => totp(user.softwareToken!, clock.now()), asked2) });
    expect(prompted.code, prompted.stderr).toBe(0);
    expect(asked2).toEqual(['MFA code for the token user (6 digits, from your authenticator app)']);

    clock.t += 30_000;
    const wrong = await runSecureApi(['token', '--stack', 'demo', '--mfa-code', '000000'], { cwd, clock });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/CodeMismatchException|Invalid code/);
    expect(wrong.stderr).toMatch(/wait for the next code/);

    const bad = await runSecureApi(['token', '--stack', 'demo', '--mfa-code', '12ab'], { cwd, clock });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a 6-digit code/);
  });
});

describe('token --machine', () => {
  it('prints the machine client\'s client-credentials token, scoped; a stack without one says so (exit 2)', async () => {
    const init = await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'demo', '--route', 'GET /orders', '--authorizer-scopes', 'orders/read', '--json'], { cwd, clock });
    expect(init.code, init.stderr).toBe(0);
    const r = await runSecureApi(['token', '--stack', 'demo', '--machine', '--json'], { cwd, clock });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { token: string; scopes: string[]; tokenUse: string };
    expect(doc).toMatchObject({ tokenUse: 'access', scopes: ['orders/read'] });
    const url = `${stackOutputsSchema.parse(JSON.parse(init.stdout)).urls.invoke ?? ''}/orders`;
    for (let i = 0; i < 3 && (await fetch(url)).status === 403; i++);
    expect((await fetch(url, { headers: { Authorization: doc.token } })).status).toBe(200);

    const other = tempDir();
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'plain'], { cwd: other, clock })).code).toBe(0);
    const none = await runSecureApi(['token', '--stack', 'plain', '--machine'], { cwd: other, clock });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/has no machine client/);
  });
});
