import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { startFakeDataPlane } from '../fakes/data-plane.js';
import { runSecureApi, tempDir } from '../support/harness.js';
import { URL as S3_URL, makeBucket } from '../state/support.js';
import { CTRL_C, ENTER, ScriptedPrompter } from './scripted-prompter.js';

interface StackConfigShape {
  userPool: { passwordPolicy: Record<string, unknown> };
  appClient: { authFlows: string[] };
  stage: { description: string };
}

let fake: AwsFake;
beforeEach(() => {
  fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
});
afterEach(() => fake.restore());

const stateOf = (cwd: string, stack = 'secure-api'): { complete: boolean; config: Record<string, unknown> } =>
  JSON.parse(readFileSync(join(cwd, '.secure-api', `${stack}.json`), 'utf8')) as { complete: boolean; config: Record<string, unknown> };

/** The config as a run recorded it, without the one random part. */
function comparable(config: Record<string, unknown>): Record<string, unknown> {
  const c = structuredClone(config) as { hostedUi: { domainPrefix?: string }; function: { name: string; roleName: string } };
  c.hostedUi.domainPrefix = c.hostedUi.domainPrefix?.replace(/-[a-z0-9]{6}$/, '-RANDOM');
  // Each state's own: the default role and function names end with part of its state id.
  c.function.name = c.function.name.replace(/-[a-z0-9]{6}$/, '-STATEID');
  c.function.roleName = c.function.roleName.replace(/-[a-z0-9]{6}$/, '-STATEID');
  return c as unknown as Record<string, unknown>;
}

describe('secure-api init in a terminal (the wizard, against the AWS fake)', () => {
  it('at 80 columns the prose under the plan and the proof is wrapped at spaces; commands stay whole on their line', async () => {
    const plane = await startFakeDataPlane(fake);
    try {
      const r = await runSecureApi(['init'], { cwd: tempDir(), tty: true, prompter: new ScriptedPrompter(), columns: 80, env: { AWS_ENDPOINT_URL: plane.url } });
      expect(r.code, r.stderr).toBe(0);
      const lines = [...r.stderr.split('\n'), ...r.stdout.split('\n')].map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));
      const block = (from: RegExp, to: RegExp): string[] => {
        const start = lines.findIndex((l) => from.test(l));
        const end = lines.findIndex((l, i) => i > start && to.test(l));
        expect(start, `no line matches ${from}`).toBeGreaterThanOrEqual(0);
        return lines.slice(start, end < 0 ? undefined : end);
      };
      // The notes under the plan, the proof's notes, and what to send: prose, wrapped (a word is never cut).
      const prose = [
        ...block(/^User pool plan LITE/, /^✓ created|^Creating/),
        ...block(/^• without OAuth scopes/, /secured:/),
        ...block(/^Send the id token/, /^Next:/),
      ].filter((l) => l.trim() !== '');
      expect(prose.length).toBeGreaterThan(4);
      expect(prose.filter((l) => l.length > 80)).toEqual([]);
      expect(prose.join(' ')).toMatch(/the classic hosted UI, no managed login/);
      // A Next row wider than the terminal puts what the command does under it: the command itself is never split.
      for (const l of block(/^Next:/, /^$/).slice(1)) expect(l).toMatch(/^ {2}secure-api \S+ --stack \S+(?: {3,}\S.*)?$|^ {6}\S/);
    } finally {
      await plane.close();
    }
  });

  it('Enter at every prompt reaches the plan, provisions through the same engine as --yes, and proves it', async () => {
    // The fake's data plane answers the invoke URLs, so step 6 (on by default) really calls the API.
    const plane = await startFakeDataPlane(fake);
    try {
      const cwd = tempDir();
      const prompter = new ScriptedPrompter();
      const r = await runSecureApi(['init'], { cwd, tty: true, prompter, env: { AWS_ENDPOINT_URL: plane.url } });
      expect(r.stderr).toContain('Step 1 of 6 · Create the API');
      expect(r.stderr).toMatch(/The plan[\s\S]*user-pool-domain/);
      expect(prompter.messages().at(-1)).toBe('Create these 16 resources in account 123456789012, us-east-1?');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Invoke URL');
      const wizard = stateOf(cwd);
      expect(wizard.complete).toBe(true);

      // A fresh account for the --yes run: the fake, like AWS, refuses a second role of the same name.
      fake.restore();
      fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
      const yesCwd = tempDir();
      const y = await runSecureApi(['init', '--yes', '--no-verify'], { cwd: yesCwd, env: { AWS_ENDPOINT_URL: plane.url } });
      expect(y.code, y.stderr).toBe(0);
      expect(comparable(wizard.config)).toEqual(comparable(stateOf(yesCwd).config));
    } finally {
      await plane.close();
    }
  });

  it('skips every question a flag answered', async () => {
    const prompter = new ScriptedPrompter([[/^Create these/, false]]);
    const r = await runSecureApi(['init', '--stack', 'shop', '--region', 'eu-west-1', '--api-name', 'shop-api', '--endpoint-type', 'EDGE', '--route', 'GET /items',
      '--sign-in', 'email,username', '--mfa', 'optional', '--email', 'cognito', '--domain-prefix', 'shop-login', '--app-client', 'confidential',
      '--authorizer-name', 'auth', '--identity-header', 'X-Token', '--stage', 'qa', '--stage-description', 'QA', '--tracing', '--throttle', '10,20', '--no-access-log', '--no-verify'], { tty: true, prompter });
    expect(r.code).toBe(1);
    expect(prompter.messages()).toEqual([
      'API description', 'User pool name', 'Password policy', 'MFA methods', 'Let anyone sign up on their own (self-registration)?', 'Account recovery (forgotten password)',
      'Protect the pool against deletion? (its users go with it; `secure-api destroy` turns this off first)',
      'Federated identity providers (none is fine)', 'Callback URLs after sign-in (comma-separated)', 'Sign-out URLs (comma-separated)', 'App client name', 'Token lifetimes',
      'Rotate refresh tokens? (each refresh returns a new one and retires the old; apps must refresh with GetTokensFromRefreshToken)',
      'Which routes does the authorizer protect? (unchecked ones are public)', 'Which token must callers send?', 'Create these 17 resources in account 123456789012, eu-west-1?',
    ]);
    expect(r.stderr).toContain('✔ API endpoint type Edge-optimized (given)');
    expect(r.stderr).toContain('✔ X-Ray tracing on (given)');
    expect(r.stderr).toContain('✔ Default throttling 10 requests/s, burst 20 (given)');
    expect(r.stderr).toContain('✔ Access log off (given)');
    expect(r.stderr).toContain('Cancelled: nothing was created.');
    // The plan shows the choices, not only the names.
    expect(r.stderr).toMatch(/MFA\s+optional \(authenticator app \(TOTP\)\)/);
    expect(r.stderr).toMatch(/App client\s+confidential/);
    expect(r.stderr).toMatch(/Endpoint\s+edge-optimized \(EDGE\), stage qa/);
  });

  it('--save-config writes answers that reproduce the run with --yes, once the plan is confirmed (and not when declined)', async () => {
    const cwd = tempDir();
    const answers = (confirm: boolean): Array<[RegExp | string, boolean | string | string[]]> => [['Stack name', 'shop'], ['Resource path', '/orders/{id}'],
      ['Methods on', ['GET', 'DELETE']], ['Integration', 'mock'], ['Multi-factor', 'OPTIONAL'], ['App client type', 'confidential'], ['Stage name', 'v1'], [/^Create these/, confirm]];
    const declined = await runSecureApi(['init', '--save-config', 'shop.json', '--no-verify'], { cwd, tty: true, prompter: new ScriptedPrompter(answers(false)) });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('Cancelled: nothing was created; shop.json was not written.');
    expect(existsSync(join(cwd, 'shop.json'))).toBe(false);
    const prompter = new ScriptedPrompter(answers(true));
    const r = await runSecureApi(['init', '--save-config', 'shop.json', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(prompter.unused).toEqual([]);
    expect(r.stderr).toContain('Configuration saved to shop.json: `secure-api init --config shop.json --yes` reproduces it.');
    const saved = JSON.parse(readFileSync(join(cwd, 'shop.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ stack: 'shop', routes: [{ path: '/orders/{id}', methods: ['GET', 'DELETE'], integration: { type: 'mock' } }], stage: { name: 'v1' } });
    const again = await runSecureApi(['init', '--config', 'shop.json', '--yes', '--dry-run', '--json'], { cwd });
    expect(again.code).toBe(0);
    // On the stack it made, the saved file plans no change (a dry run on a recorded stack is its change plan).
    expect(JSON.parse(again.stdout)).toMatchObject({ stack: 'shop', offline: true, empty: true });
  });

  it('without credentials, the answers are kept: the plan as --dry-run shows it, a config file, and the command that goes on from it', async () => {
    const cwd = tempDir();
    fake.inject({ command: 'GetCallerIdentity', error: 'ExpiredTokenException', times: 10 });
    const prompter = new ScriptedPrompter([['Stack name', 'shop'], ['Multi-factor', 'OPTIONAL']]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code).toBe(1);
    expect(prompter.messages().some((m) => /^Create these/.test(m))).toBe(false);
    expect(r.stderr).toContain('The plan (nothing was created: there are no usable AWS credentials)');
    expect(r.stderr).toMatch(/cognito-idp:\s*(│\s*)*CreateUserPool/);
    expect(r.stderr).toMatch(/MFA\s+optional/);
    expect(r.stderr).toContain('Your answers are kept in secure-api-shop.json.');
    expect(r.stderr).toContain('Then run: secure-api init --config secure-api-shop.json --yes');
    const kept = JSON.parse(readFileSync(join(cwd, 'secure-api-shop.json'), 'utf8')) as { stack: string; userPool: { mfa: { mode: string } } };
    expect(kept).toMatchObject({ stack: 'shop', userPool: { mfa: { mode: 'OPTIONAL' } } });
    fake.clearInjections();
    const resumed = await runSecureApi(['init', '--config', 'secure-api-shop.json', '--yes', '--no-verify'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(stateOf(cwd, 'shop').config).toEqual(kept);
  });

  it('Ctrl-C at the plan\'s confirmation keeps the answers as missing credentials do, and nothing is created', async () => {
    const cwd = tempDir();
    const prompter = new ScriptedPrompter([['Stack name', 'shop'], ['Multi-factor', 'OPTIONAL'], [/^Create these/, CTRL_C]]);
    const from = fake.calls.length;
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Your answers are kept in secure-api-shop.json.');
    expect(r.stderr).toContain('Go on from them with: secure-api init --config secure-api-shop.json');
    expect(fake.calls.slice(from).filter((c) => /^(Create|Put|Add|Attach)/.test(c.command))).toEqual([]);
    const kept = JSON.parse(readFileSync(join(cwd, 'secure-api-shop.json'), 'utf8')) as { stack: string; userPool: { mfa: { mode: string } } };
    expect(kept).toMatchObject({ stack: 'shop', userPool: { mfa: { mode: 'OPTIONAL' } } });
    const resumed = await runSecureApi(['init', '--config', 'secure-api-shop.json', '--yes', '--no-verify'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(stateOf(cwd, 'shop').config).toEqual(kept);
  });

  it('Ctrl-C in the middle of the questions keeps the answers so far; init --config of them asks only the rest', async () => {
    const cwd = tempDir();
    const from = fake.calls.length;
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter: new ScriptedPrompter([['Stack name', 'shop'], ['Multi-factor', CTRL_C]]) });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Your answers so far are kept in secure-api-shop.json.');
    expect(r.stderr).toContain('Go on from them with: secure-api init --config secure-api-shop.json');
    expect(fake.calls.slice(from).filter((c) => /^(Create|Put|Add|Attach)/.test(c.command))).toEqual([]);
    const kept = JSON.parse(readFileSync(join(cwd, 'secure-api-shop.json'), 'utf8')) as { stack: string; routes: unknown[] };
    expect(kept.stack).toBe('shop');
    expect(kept.routes).toBeDefined();
    const prompter = new ScriptedPrompter([['Multi-factor', 'OPTIONAL'], [/^Create these/, true]]);
    const resumed = await runSecureApi(['init', '--config', 'secure-api-shop.json', '--no-verify'], { cwd, tty: true, prompter });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(prompter.messages().some((m) => /Stack name|Resource path/.test(m))).toBe(false);
    expect(stateOf(cwd, 'shop').config).toMatchObject({ stack: 'shop', userPool: { mfa: { mode: 'OPTIONAL' } } });
  });

  it('the dry run and --yes use the same default domain prefix', async () => {
    const cwd = tempDir();
    const dry = JSON.parse((await runSecureApi(['init', '--dry-run', '--json', '--stack', 'shop'], { cwd })).stdout) as { config: { hostedUi: { domainPrefix: string } } };
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'shop'], { cwd })).code).toBe(0);
    expect(dry.config.hostedUi.domainPrefix).toMatch(/^shop-[a-z0-9]{6}$/);
    expect((stateOf(cwd, 'shop').config as { hostedUi: { domainPrefix: string } }).hostedUi.domainPrefix).toBe(dry.config.hostedUi.domainPrefix);
  });

  it('a changed stack name gets its own state file', async () => {
    const cwd = tempDir();
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter: new ScriptedPrompter([['Stack name', 'other']]) });
    expect(r.code).toBe(0);
    expect(stateOf(cwd, 'other').complete).toBe(true);
    expect(existsSync(join(cwd, '.secure-api', 'secure-api.json'))).toBe(false);
  });

  it('Ctrl-C during the questions: exit 130, nothing created, the answers so far kept (one line and its hint)', async () => {
    const cwd = tempDir();
    const r = await runSecureApi(['init'], { cwd, tty: true, prompter: new ScriptedPrompter([['Hosted UI domain prefix', CTRL_C]]) });
    expect(r.code).toBe(130);
    expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      'Cancelled: nothing was created. Your answers so far are kept in secure-api-secure-api.json.',
      'Go on from them with: secure-api init --config secure-api-secure-api.json (it asks only what is left)',
    ]);
    expect(fake.resources()).toEqual([]);
    expect(existsSync(join(cwd, '.secure-api'))).toBe(false);
  });

  it('checks a typed domain prefix against the domains that exist, and asks again when it is taken', async () => {
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--stack', 'first', '--domain-prefix', 'shop-login'])).code).toBe(0);
    const prompter = new ScriptedPrompter([['Hosted UI domain prefix', 'shop-login'], ['Hosted UI domain prefix', 'shop-login-2'], [/^Create these/, false]]);
    const r = await runSecureApi(['init'], { tty: true, prompter });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The domain prefix shop-login is taken');
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('https://shop-login-2.auth.us-east-1.amazoncognito.com is free');
  });

  it('offers to resume an unfinished stack, and resumes it', async () => {
    const cwd = tempDir();
    fake.inject({ command: 'CreateDeployment', error: 'BadRequestException', times: 5 });
    const failed = await runSecureApi(['init', '--yes', '--no-verify'], { cwd });
    expect(failed.code).toBe(1);
    fake.clearInjections();
    const prompter = new ScriptedPrompter([['What should happen', { pick: 'Show' }], ['What should happen', ENTER]]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already recorded here: unfinished \(\d+ resources so far\)/);
    expect(r.stderr).toContain('(from the state file)');
    expect(prompter.messages().at(-1)).toMatch(/^Resume stack secure-api and make these changes\?/);
    expect(r.stderr).toMatch(/\+ +create +stage dev/);
    expect(stateOf(cwd).complete).toBe(true);
  });

  it('keeps a complete stack as it is when asked', async () => {
    const cwd = tempDir();
    expect((await runSecureApi(['init', '--yes', '--no-verify'], { cwd })).code).toBe(0);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter: new ScriptedPrompter([['Stack name', ENTER], ['What should happen', { pick: 'Keep it' }]], 'fail') });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('No changes. Stack secure-api matches its configuration.');
  });
});

describe('secure-api init in a terminal on a state in S3', () => {
  it('knows a stack another directory made there: keeps it as it is when asked', async () => {
    makeBucket(fake);
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--state', S3_URL])).code).toBe(0);
    const cwd = tempDir();
    const r = await runSecureApi(['init', '--no-verify', '--state', S3_URL], { cwd, tty: true, prompter: new ScriptedPrompter([['Stack name', ENTER], ['What should happen', { pick: 'Keep it' }]], 'fail') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(S3_URL);
    expect(r.stderr).toContain('A stack named secure-api is already recorded here: complete, in us-east-1.');
    expect(r.stderr).toContain('No changes. Stack secure-api matches its configuration.');
    expect(existsSync(join(cwd, '.secure-api'))).toBe(false);
  });
});

describe('secure-api init without a terminal', () => {
  it('refuses with exit 2, naming each missing flag, before any AWS call and without a stack trace', async () => {
    const r = await runSecureApi(['init']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: secure-api init has no terminal to ask on, and 32 answers are missing:/);
    for (const flag of ['--stack <name>', '--region <region>', '--api-name <name>', '--route <"METHODS /path">', '--mfa <mode>', '--email <cognito|ses>',
      '--domain-prefix <prefix>', '--self-sign-up / --no-self-sign-up', '--account-recovery <how>', '--callback-url <url>', '--logout-url <url>', '--app-client <type>', '--authorizer-name <name>', '--stage <name>', '--verify / --no-verify', 'userPool.identityProviders',
      '--deletion-protection / --no-deletion-protection', '--refresh-token-rotation / --no-refresh-token-rotation',
      '--tracing / --no-tracing', '--throttle <RATE,BURST> / --no-throttle', '--access-log-retention <days> / --no-access-log']) {
      expect(r.stderr).toContain(`\n  ${flag}`);
    }
    expect(r.stderr).toContain('--yes alone takes every default shown');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fake.count()).toBe(0);
  });

  it('names only what flags left open', async () => {
    const r = await runSecureApi(['init', '--stack', 'shop', '--region', 'eu-west-1', '--api-name', 'a', '--api-description', 'd', '--endpoint-type', 'REGIONAL',
      '--route', 'GET /a', '--no-hosted-ui', '--user-pool-name', 'u', '--sign-in', 'email', '--password-min-length', '8', '--mfa', 'off', '--email', 'cognito',
      '--app-client', 'public', '--app-client-name', 'c', '--authorizer-name', 'z', '--identity-header', 'Authorization', '--authorizer-scopes', '',
      '--stage', 'dev', '--stage-description', '', '--verify', '--no-self-sign-up', '--account-recovery', 'email', '--deletion-protection',
      '--access-token-minutes', '60', '--id-token-minutes', '60', '--refresh-token-days', '30', '--no-refresh-token-rotation',
      '--no-tracing', '--no-throttle', '--no-access-log'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('and 1 answer is missing:\n  --public-route <"METHODS /path">');
  });

  it('with every answer given, still refuses the confirmation without --yes', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'all.json'), JSON.stringify({ routes: [{ path: '/a', methods: ['GET'], public: false }], userPool: { identityProviders: [] } }));
    const r = await runSecureApi(['init', '--config', 'all.json', '--stack', 'shop', '--region', 'eu-west-1', '--api-name', 'a', '--api-description', 'd',
      '--endpoint-type', 'REGIONAL', '--user-pool-name', 'u', '--sign-in', 'email', '--password-min-length', '8', '--mfa', 'off', '--email', 'cognito',
      '--domain-prefix', 'shop-login', '--app-client', 'public', '--app-client-name', 'c', '--authorizer-name', 'z', '--identity-header', 'Authorization',
      '--authorizer-scopes', '', '--stage', 'dev', '--stage-description', '', '--verify', '--self-sign-up', '--account-recovery', 'admin',
      '--callback-url', 'http://localhost:8765/callback', '--logout-url', 'http://localhost:8765/', '--no-deletion-protection',
      '--access-token-minutes', '15', '--id-token-minutes', '15', '--refresh-token-days', '1', '--refresh-token-rotation',
      '--no-tracing', '--no-throttle', '--no-access-log'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs an answer to "Create these resources?", but there is no terminal to ask on');
    expect(r.stderr).toContain('Pass --yes');
    expect(fake.count()).toBe(0);
  });

  it('bad per-question flags are usage errors naming the flag', async () => {
    for (const [argv, msg] of [
      [['--sign-in', 'email,fax'], '--sign-in: "fax" is not one of username, email, phone'],
      [['--password-min-length', '4'], '--password-min-length: "4" must be a whole number from 6 to 99'],
      [['--api-name', 'my api'], '--api-name: API name "my api" may hold only'],
      [['--email', 'ses'], 'Amazon SES email needs both --email-from <address> and --ses-identity-arn <arn>'],
      [['--identity-header', 'X Auth'], '--identity-header: header name "X Auth"'],
    ] as const) {
      const r = await runSecureApi(['init', '--yes', ...argv]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(msg);
    }
  });

  it('changes a recorded stack: every question pre-filled with its recorded answer, Enter keeps it, then the live plan', async () => {
    const cwd = tempDir();
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--api-name', 'shop-api'], { cwd })).code).toBe(0);
    const pool = (JSON.parse(readFileSync(join(cwd, '.secure-api', 'secure-api.json'), 'utf8')) as { nodes: { pool: { out: { userPoolId: string } } } }).nodes.pool.out.userPoolId;
    const prompter = new ScriptedPrompter([
      ['Stack name', ENTER], ['What should happen', { pick: 'Change this stack' }], ['Stage description', 'second release'], [/^Apply these changes/, true],
    ]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    // The recorded answer is the default, not the generic one.
    expect(prompter.asked.find((q) => q.message === 'API name')?.default).toBe('shop-api');
    expect(prompter.messages()).toContain('Routes: GET,POST /items. Keep it?');
    expect(r.stderr).toMatch(/~ +update in place +stage dev/);
    expect(r.stderr).toContain('0 to add, 1 to change, 0 to replace, 0 to delete.');
    const after = JSON.parse(readFileSync(join(cwd, '.secure-api', 'secure-api.json'), 'utf8')) as { config: { stage: { description: string } }; nodes: { pool: { out: { userPoolId: string } } } };
    expect(after.config.stage.description).toBe('second release');
    expect(after.nodes.pool.out.userPoolId).toBe(pool);
  });

  it('changing a recorded stack keeps what no question asks (tags, the function\'s memory, the CORS origin): Enter everywhere is "No changes."', async () => {
    const cwd = tempDir();
    const file = join(cwd, 'stack.json');
    writeFileSync(file, JSON.stringify({ tags: { team: 'payments' }, function: { memoryMb: 256 }, cors: { allowOrigin: 'https://app.example.com' } }));
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--config', file], { cwd })).code).toBe(0);
    const before = JSON.parse(readFileSync(join(cwd, '.secure-api', 'secure-api.json'), 'utf8')) as { config: unknown };
    const writesBefore = fake.calls.filter((c) => /^(Create|Put|Update|Delete|Add|Set|Tag|Untag)/.test(c.command)).length;
    const prompter = new ScriptedPrompter([['Stack name', ENTER], ['What should happen', { pick: 'Change this stack' }]]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No changes.');
    expect(fake.calls.filter((c) => /^(Create|Put|Update|Delete|Add|Set|Tag|Untag)/.test(c.command)).length).toBe(writesBefore);
    expect(JSON.parse(readFileSync(join(cwd, '.secure-api', 'secure-api.json'), 'utf8')).config).toEqual(before.config);
  });

  it('changing a recorded stack keeps what a question does not cover: the client\'s flows, the callback URLs, a policy\'s other settings', async () => {
    const cwd = tempDir();
    const file = join(cwd, 'stack.json');
    writeFileSync(file, JSON.stringify({
      appClient: { authFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
      hostedUi: { callbackUrls: ['https://app.example.com/cb'], logoutUrls: ['https://app.example.com/'] },
      userPool: { passwordPolicy: { minLength: 10, temporaryPasswordValidityDays: 3 } },
      stage: { description: 'first release' },
    }));
    expect((await runSecureApi(['init', '--yes', '--no-verify', '--config', file], { cwd })).code).toBe(0);
    const recorded = () => (JSON.parse(readFileSync(join(cwd, '.secure-api', 'secure-api.json'), 'utf8')) as { config: StackConfigShape }).config;
    const before = recorded();
    // Enter everywhere: the recorded answers are the defaults (the callback URLs too), and nothing changes.
    let prompter = new ScriptedPrompter([['Stack name', ENTER], ['What should happen', { pick: 'Change this stack' }]]);
    let r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No changes.');
    expect(prompter.asked.find((q) => q.message.startsWith('Callback URLs'))?.default).toBe('https://app.example.com/cb');
    expect(recorded()).toEqual(before);
    // A custom policy of 12 keeps its temporary-password validity; an emptied stage description is emptied.
    prompter = new ScriptedPrompter([
      ['Stack name', ENTER], ['What should happen', { pick: 'Change this stack' }], [/^Password policy: .*Keep it\?/, false], [/^Password policy$/, true],
      ['Minimum password length', 12], ['Stage description', ''], [/^Apply these changes/, true],
    ]);
    r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    const after = recorded();
    expect(after.userPool.passwordPolicy).toMatchObject({ minLength: 12, temporaryPasswordValidityDays: 3 });
    expect(after.appClient.authFlows).toEqual(before.appClient.authFlows);
    expect(after.stage.description).toBe('');
    // "Cognito defaults" is the defaults, whatever was recorded.
    prompter = new ScriptedPrompter([
      ['Stack name', ENTER], ['What should happen', { pick: 'Change this stack' }], [/^Password policy: .*Keep it\?/, false], [/^Password policy$/, false],
      [/^Apply these changes/, true],
    ]);
    r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code, r.stderr).toBe(0);
    expect(recorded().userPool.passwordPolicy).toMatchObject({ minLength: 8, temporaryPasswordValidityDays: 7 });
  });

  it('declining the change plan of a recorded stack exits 1 (Cancelled) and makes no write call', async () => {
    const cwd = tempDir();
    expect((await runSecureApi(['init', '--yes', '--no-verify'], { cwd })).code).toBe(0);
    const before = readFileSync(join(cwd, '.secure-api', 'secure-api.json'), 'utf8');
    const writesBefore = fake.calls.filter((c) => /^(Create|Put|Update|Delete|Add|Set|Tag)/.test(c.command)).length;
    const prompter = new ScriptedPrompter([
      ['Stack name', ENTER], ['What should happen', { pick: 'Change this stack' }], ['Stage description', 'not today'], [/^Apply these changes/, false],
    ]);
    const r = await runSecureApi(['init', '--no-verify'], { cwd, tty: true, prompter });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cancelled: nothing was changed.');
    expect(fake.calls.filter((c) => /^(Create|Put|Update|Delete|Add|Set|Tag)/.test(c.command)).length).toBe(writesBefore);
    expect(JSON.parse(readFileSync(join(cwd, '.secure-api', 'secure-api.json'), 'utf8')).config).toEqual(JSON.parse(before).config);
  });
});
