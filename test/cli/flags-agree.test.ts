/** Flags, wizard and README agree (issue 14, item 8): every wizard answer has a flag, flags parse as people type them. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackConfig } from '../../src/config/schema.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir } from '../support/harness.js';
import { ScriptedPrompter } from '../wizard/scripted-prompter.js';

let fake: AwsFake;
beforeEach(() => { fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 }); });
afterEach(() => fake.restore());

const dryConfig = async (argv: string[]): Promise<StackConfig> => {
  const r = await runSecureApi(['init', '--dry-run', '--json', ...argv]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { config: StackConfig }).config;
};

describe('init flags', () => {
  it('public routes, callback and sign-out URLs, self sign-up and account recovery are flags', async () => {
    const c = await dryConfig(['--route', 'GET, POST /items', '--public-route', 'GET /health', '--callback-url', 'https://app.example.com/cb',
      '--callback-url', 'http://localhost:3000/cb', '--logout-url', 'https://app.example.com/', '--self-sign-up', '--account-recovery', 'admin']);
    expect(c.routes).toEqual([
      expect.objectContaining({ path: '/items', methods: ['GET', 'POST'], public: false }),
      expect.objectContaining({ path: '/health', methods: ['GET'], public: true }),
    ]);
    expect(c.hostedUi.callbackUrls).toEqual(['https://app.example.com/cb', 'http://localhost:3000/cb']);
    expect(c.hostedUi.logoutUrls).toEqual(['https://app.example.com/']);
    expect(c.userPool).toMatchObject({ selfSignUp: true, accountRecovery: 'admin_only' });
    expect((await dryConfig(['--no-self-sign-up'])).userPool.selfSignUp).toBe(false);
  });

  it('--tag KEY=VALUE, repeatable, is config `tags` (an empty value is a value), shown among the plan\'s choices', async () => {
    expect((await dryConfig(['--tag', 'team=payments', '--tag', 'cost center=cc/42', '--tag', 'archived='])).tags)
      .toEqual({ team: 'payments', 'cost center': 'cc/42', archived: '' });
    const text = await runSecureApi(['init', '--dry-run', '--tag', 'team=payments']);
    expect(text.stdout + text.stderr).toMatch(/Tags +team=payments, on the REST API, the user pool and the sample\s+function and its role\s+\(beside\s+secure-api:stack and secure-api:state-id\)/);
    const many = Array.from({ length: 49 }, (_, i) => ['--tag', `k${i}=v`]).flat();
    const r = await runSecureApi(['init', '--yes', ...many]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at most 48 tags');
    expect(fake.count()).toBe(0);
  });

  it('the dry run says its default function and role names are its own (their suffix is a new state id); --save-config pins them', async () => {
    const cwd = tempDir();
    const r = await runSecureApi(['init', '--dry-run', '--stack', 'shop'], { cwd });
    const m = /Names (shop-fn-(\w{6})) and (shop-fn-role-\2) end with 6 characters of this dry run's state id/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const saved = await runSecureApi(['init', '--dry-run', '--stack', 'shop', '--save-config', 'shop.json'], { cwd });
    expect(saved.stdout).not.toContain('of this dry run\'s state id');
    const pinned = JSON.parse(readFileSync(join(cwd, 'shop.json'), 'utf8')) as StackConfig;
    const made = await runSecureApi(['init', '--yes', '--no-verify', '--config', 'shop.json'], { cwd });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain(`created lambda-function ${pinned.function.name}`);
    expect((await runSecureApi(['init', '--dry-run', '--stack', 'named', '--config', 'shop.json'], { cwd })).stdout).not.toContain('state id: the real run');
  });

  it('HEAD is a method the flag, the wizard and the fake all take', async () => {
    expect((await dryConfig(['--route', 'GET,HEAD /items'])).routes[0]!.methods).toEqual(['GET', 'HEAD']);
    const cwd = tempDir();
    const r = await runSecureApi(['init', '--yes', '--no-verify', '--route', 'HEAD /items'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const prompter = new ScriptedPrompter([[/^Create these/, false]]);
    await runSecureApi(['init', '--stack', 'other'], { tty: true, prompter });
    expect(prompter.asked.find((a) => a.message === 'Methods on /items')?.choices).toContain('HEAD');
  });

  it('bad values of the new flags are usage errors naming the flag, before any AWS call', async () => {
    for (const [argv, msg] of [
      [['--callback-url', 'ftp://x'], '--callback-url:'],
      [['--public-route', 'FETCH /x'], '--public-route "FETCH /x"'],
      [['--account-recovery', 'pigeon'], "option '--account-recovery <how>' argument 'pigeon' is invalid"],
      [['--route', 'GET /items', '--public-route', 'GET /items'], 'route GET /items is given twice'],
    ] as const) {
      const r = await runSecureApi(['init', '--yes', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(msg);
    }
    expect(fake.count()).toBe(0);
  });

  it('--profile that the AWS config does not define: exit 2, naming it and the profiles there are', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config'), '[default]\nregion = eu-west-1\n[profile work]\nregion = eu-central-1\n');
    writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIDEXAMPLE\n');
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    for (const argv of [['init', '--yes', '--profile', 'nosuch'], ['--profile', 'nosuch', 'init', '--yes']]) {
      const r = await runSecureApi(argv, { env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('Error: profile "nosuch" is not in the AWS config');
      expect(r.stderr).toContain('it has: default, work');
    }
    expect(fake.count()).toBe(0);
  });
});

describe('the wizard asks what the flags set', () => {
  it('self sign-up, account recovery, callback and sign-out URLs; the next resource defaults under the first', async () => {
    const prompter = new ScriptedPrompter([
      ['Resource path', '/orders'], ['Add another resource', true], ['Resource path', '/orders/{id}'],
      ['Let anyone sign up', true], ['Account recovery', 'admin_only'],
      ['Callback URLs', 'https://app.example.com/cb, http://localhost:3000/cb'], ['Sign-out URLs', 'https://app.example.com/'],
      [/^Create these/, false],
    ]);
    const r = await runSecureApi(['init', '--save-config', 'x.json'], { tty: true, prompter });
    expect(r.code).toBe(1);
    const second = prompter.asked.filter((a) => a.message.startsWith('Resource path'))[1];
    expect(second?.default).toBe('/orders/{id}');
    expect(r.stderr).toMatch(/Sign-up\s+anyone may sign up; account recovery by an administrator only/);
    expect(r.stderr).toMatch(/callback\s+https:\/\/app\.example\.com\/cb,\s+http:\/\/localhost:3000\/cb/);
  });
});
