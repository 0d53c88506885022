/**
 * The conventions a newcomer expects of a CLI (issue 14, item 7), against the AWS fake: global options before the
 * command, `deploy`/`apply` for init, commander's refusals in our error style, `--json` errors as JSON on stdout,
 * ASCII on a non-UTF-8 locale, `--no-color`, `--verbose` timing lines.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir } from '../support/harness.js';

let fake: AwsFake;
beforeEach(() => { fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 }); });
afterEach(() => fake.restore());

describe('CLI conventions', () => {
  it('accepts the common options before the command as well as after it', async () => {
    const cwd = tempDir();
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'shop'], { cwd })).code).toBe(0);
    const before = await runSecureApi(['--stack', 'shop', '--json', 'status', '--offline'], { cwd });
    const after = await runSecureApi(['status', '--offline', '--stack', 'shop', '--json'], { cwd });
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)).toEqual(JSON.parse(after.stdout));
    // The command's own value wins over one given before it.
    const both = await runSecureApi(['--stack', 'nosuch', 'status', '--offline', '--stack', 'shop'], { cwd });
    expect(both.code, both.stderr).toBe(0);
  });

  it('deploy and apply are init', async () => {
    for (const name of ['deploy', 'apply']) {
      const r = await runSecureApi([name, '--dry-run', '--stack', 'shop', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { dryRun: boolean; stack: string })).toMatchObject({ dryRun: true, stack: 'shop' });
      expect(r.stderr).not.toMatch(/did you mean/i);
    }
  });

  it("commander's refusals read like every other error: Error: … and a hint, exit 2", async () => {
    for (const [argv, msg, hint] of [
      [['init', '--bogus'], "Error: unknown option '--bogus'", 'Run `secure-api init --help` for usage.'],
      [['frobnicate'], "Error: unknown command 'frobnicate'", 'Run `secure-api --help` for usage.'],
      [['init', '--mfa', 'sometimes'], "Error: option '--mfa <mode>' argument 'sometimes' is invalid", 'Run `secure-api init --help` for usage.'],
      [['users', 'add'], "Error: missing required argument 'name'", 'Run `secure-api users add --help` for usage.'],
    ] as const) {
      const r = await runSecureApi([...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(msg);
      expect(r.stderr).toContain(hint);
      expect(r.stderr).not.toMatch(/^error:/m);
    }
  });

  it('choices are taken in any case, for options and arguments alike', async () => {
    const r = await runSecureApi(['init', '--dry-run', '--json', '--endpoint-type', 'regional', '--mfa', 'OPTIONAL', '--app-client', 'Confidential', '--user-pool-tier', 'essentials', '--email', 'COGNITO', '--account-recovery', 'Admin']);
    expect(r.code, r.stdout).toBe(0);
    const { config } = JSON.parse(r.stdout) as { config: { api: { endpointType: string }; userPool: { mfa: { mode: string }; tier: string; email: { type: string }; accountRecovery: string }; appClient: { type: string } } };
    expect(config.api.endpointType).toBe('REGIONAL');
    expect(config.userPool.mfa.mode).toBe('OPTIONAL');
    expect(config.userPool.tier).toBe('ESSENTIALS');
    expect(config.userPool.email.type).toBe('COGNITO_DEFAULT');
    expect(config.userPool.accountRecovery).toBe('admin_only');
    expect(config.appClient.type).toBe('confidential');
    const bad = await runSecureApi(['export', 'Postmen']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'Postmen' is invalid");
    const upper = await runSecureApi(['export', 'CURL', '--stack', 'nosuch']);
    expect(upper.stderr).toContain('no stack "nosuch"');
  });

  it('a missing stack\'s hint says where to point, in a sentence that reads', async () => {
    const r = await runSecureApi(['status', '--stack', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('or point --state-dir at the folder that holds its state.');
    expect(r.stderr).not.toContain('say where the state (');
    const empty = await runSecureApi(['status', '--state-dir', tempDir()]);
    expect(empty.stderr).toMatch(/Create one with `secure-api init`, or point --state-dir at the folder that holds its state\./);
  });

  it('a mistyped subcommand points at the help of its group, not at a help that does not exist', async () => {
    const r = await runSecureApi(['users', 'ad', 'bob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Run `secure-api users --help` for usage.');
    const known = await runSecureApi(['routes', 'add']);
    expect(known.stderr).toContain('Run `secure-api routes add --help` for usage.');
  });

  it('with --json an error is one JSON document on stdout, and the exit code is the same', async () => {
    const usage = await runSecureApi(['status', '--stack', 'nosuch', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({ error: { code: 'NO_STACK', message: expect.stringContaining('no stack "nosuch"'), hint: expect.any(String) } });
    const unknown = await runSecureApi(['--json', 'status', '--bogus']);
    expect(unknown.code).toBe(2);
    expect((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code).toBe('USAGE');
    fake.inject({ command: 'GetCallerIdentity', error: 'ExpiredTokenException', times: 5 });
    const aws = await runSecureApi(['init', '--yes', '--json']);
    expect(aws.code).toBe(1);
    expect((JSON.parse(aws.stdout) as { error: { code: string; hint: string } }).error).toMatchObject({ code: 'CREDENTIALS', hint: expect.stringContaining('aws configure') });
  });

  it('prints only ASCII when the locale is not UTF-8 (LANG=C), and UTF-8 marks otherwise', async () => {
    const ascii = await runSecureApi(['init', '--yes', '--no-verify'], { env: { LANG: 'C' } });
    expect(ascii.code, ascii.stderr).toBe(0);
    expect(ascii.stderr).toMatch(/^\+ created rest-api/m);
    expect(ascii.stdout + ascii.stderr).toMatch(/^[\x00-\x7f]*$/);
    const dry = await runSecureApi(['init', '--dry-run', '--stack', 'other'], { env: { LC_ALL: 'POSIX', LANG: 'en_US.UTF-8' } });
    expect(dry.stdout).toMatch(/^\+-+\+/m);
    expect(dry.stdout).toMatch(/^[\x00-\x7f]*$/);
    const utf8 = await runSecureApi(['init', '--dry-run', '--stack', 'third'], { env: { LANG: 'en_US.UTF-8' } });
    expect(utf8.stdout).toContain('┌');
  });

  it('--no-color before or after the command turns colour off even where it would be on', async () => {
    const colour = await runSecureApi(['init', '--dry-run'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(colour.stdout).toContain('\x1b[');
    for (const argv of [['--no-color', 'init', '--dry-run'], ['init', '--dry-run', '--no-color']]) {
      const r = await runSecureApi(argv, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr, argv.join(' ')).not.toContain('\x1b[');
    }
  });

  it('--verbose logs each AWS call with its timing on stderr, and nothing on stdout', async () => {
    const cwd = tempDir();
    const r = await runSecureApi(['--verbose', 'init', '--yes', '--no-verify', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('aws '));
    expect(lines.length).toBe(fake.calls.length);
    expect(lines[0]).toMatch(/^aws sts:GetCallerIdentity ok \d+ ms$/);
    expect(lines).toContainEqual(expect.stringMatching(/^aws apigateway:CreateRestApi ok \d+ ms$/));
    expect(r.stdout).not.toContain('aws ');
  });

  it('SECURE_API_COMMAND: the hints name the way the CLI is run (fake-cli sets it to its own entry)', async () => {
    const env = { SECURE_API_COMMAND: 'npx tsx test/support/fake-cli.ts' };
    const r = await runSecureApi(['init', '--yes', '--no-verify'], { env });
    expect(r.stdout).toContain('  npx tsx test/support/fake-cli.ts verify --stack secure-api');
    expect(r.stdout).not.toMatch(/^\s+secure-api (token|verify|status|destroy)/m);
    // Tags and names that merely contain the word are left alone.
    expect(r.stdout).toContain('Function     secure-api-fn');
    const bad = await runSecureApi(['frob'], { env });
    expect(bad.stderr).toContain('Run `npx tsx test/support/fake-cli.ts --help` for usage.');
  });

  it('the help names AWS_DEFAULT_REGION and the global options', async () => {
    const r = await runSecureApi(['--help']);
    expect(r.stdout).toContain('AWS_DEFAULT_REGION');
    expect(r.stdout).toMatch(/--verbose/);
    expect(r.stdout).toMatch(/init\|deploy/);
  });
});
