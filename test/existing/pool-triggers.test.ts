/**
 * issue 25.7 on a pool of yours (--user-pool-id):
 * - the app client secure-api adds has no hosted-UI code flow to a loopback callback unless asked (--callback-url);
 *   the plan says "adds app client X to your pool Y (destroy deletes it)" and what it allows;
 * - the pool's Lambda triggers (LambdaConfig) a test user sets off are named in the plan and before a user is made;
 *   the proof makes one only with --allow-triggers, otherwise its checks with a token are skipped as unproven.
 */
import { CognitoIdentityProviderClient, CreateUserPoolCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir } from '../support/harness.js';

let fake: AwsFake;
let cwd: string;
beforeEach(() => {
  fake = installAwsFake({ deleteRestApiWindowMs: 0, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0 });
  cwd = tempDir();
});
afterEach(() => fake.restore());

const flat = (s: string): string => s.replace(/\s+/g, ' ');
const run = (argv: string[], stdin?: string) => runSecureApi(argv, { cwd, ...(stdin !== undefined ? { stdin } : {}) });
const fn = (n: string) => `arn:aws:lambda:us-east-1:123456789012:function:${n}`;
const TRIGGERS = { PreSignUp: fn('crm-signup'), PreAuthentication: fn('geo-block'), PostAuthentication: fn('audit-login'), PreTokenGenerationConfig: { LambdaArn: fn('claims'), LambdaVersion: 'V2_0' as const }, CustomMessage: fn('branded-mail') };
const NAMED = 'PreSignUp (crm-signup), PreAuthentication (geo-block), PostAuthentication (audit-login), PreTokenGeneration (claims)';

async function theirPool(lambdaConfig: typeof TRIGGERS | null = TRIGGERS): Promise<string> {
  const cg = new CognitoIdentityProviderClient({ region: 'us-east-1' });
  const out = await cg.send(new CreateUserPoolCommand({ PoolName: 'prod-customers', UsernameAttributes: ['email'], AdminCreateUserConfig: { AllowAdminCreateUserOnly: true }, ...(lambdaConfig ? { LambdaConfig: lambdaConfig } : {}) }));
  return out.UserPool!.Id!;
}
const made = (command: string) => fake.calls.filter((c) => c.command === command);

describe('the fake keeps a pool\'s LambdaConfig', () => {
  it('DescribeUserPool returns the LambdaConfig CreateUserPool was given (LambdaConfigType: a request and response parameter of CreateUserPool, UpdateUserPool, DescribeUserPool)', async () => {
    const id = await theirPool();
    const cg = new CognitoIdentityProviderClient({ region: 'us-east-1' });
    expect((await cg.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.LambdaConfig).toEqual(TRIGGERS);
  });
});

describe('our app client on your pool (issue 25.7)', () => {
  it('by default: no OAuth flow, no callback URL, no domain; the plan says what it adds and that destroy deletes it', async () => {
    const poolId = await theirPool(null);
    const r = await run(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--user-pool-id', poolId]);
    expect(r.code, r.stderr).toBe(0);
    expect(flat(r.stderr)).toContain(`+ adds app client shop-client to your pool prod-customers (${poolId}); destroy deletes it. It allows: public (no secret); admin password sign-in, SRP sign-in, refresh tokens; no hosted-UI sign-in (no OAuth flow, no callback URL).`);
    expect(flat(r.stderr)).toContain('left out: http://localhost:8765/callback');
    const client = made('CreateUserPoolClient')[0]!.input as Record<string, unknown>;
    expect(client.CallbackURLs ?? []).toEqual([]);
    expect(client.LogoutURLs ?? []).toEqual([]);
    expect(client.AllowedOAuthFlows ?? []).toEqual([]);
    expect(client.AllowedOAuthFlowsUserPoolClient ?? false).toBe(false);
    // No domain on their pool for a sign-in nothing uses, and no hosted-UI URL printed.
    expect(made('CreateUserPoolDomain')).toEqual([]);
    expect(r.stdout).not.toMatch(/Hosted UI/);
    // No triggers on this pool: nothing said, and the proof made its user.
    expect(r.stderr).not.toMatch(/Lambda trigger/);
    expect(made('AdminCreateUser')).toHaveLength(1);
  });

  it('--callback-url naming a loopback URL on your pool is asked for: the client gets the code flow to it, and a domain', async () => {
    const poolId = await theirPool(null);
    const r = await run(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--user-pool-id', poolId, '--callback-url', 'http://localhost:3000/cb', '--no-verify']);
    expect(r.code, r.stderr).toBe(0);
    expect(flat(r.stderr)).toContain('hosted-UI sign-in (authorization code) returning codes to http://localhost:3000/cb, scopes openid email profile');
    expect(r.stderr).not.toMatch(/left out/);
    expect(made('CreateUserPoolClient')[0]!.input).toMatchObject({ CallbackURLs: ['http://localhost:3000/cb'], AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true });
    expect(made('CreateUserPoolDomain')).toHaveLength(1);
    expect(r.stdout).toMatch(/Hosted UI .*redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb/);
  });

  it('--app-client-id: theirs is used, none is added', async () => {
    const poolId = await theirPool(null);
    const cg = new CognitoIdentityProviderClient({ region: 'us-east-1' });
    const { CreateUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const theirs = (await cg.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    const before = made('CreateUserPoolClient').length;
    const r = await run(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--user-pool-id', poolId, '--app-client-id', theirs, '--no-verify']);
    expect(r.code, r.stderr).toBe(0);
    expect(flat(r.stderr)).toContain(`its app client ${theirs}, unchanged (secure-api adds none).`);
    expect(made('CreateUserPoolClient')).toHaveLength(before);
  });
});

describe('your pool\'s Lambda triggers and the test user (issue 25.7)', () => {
  it('named in the plan; without --allow-triggers the proof makes no user and reports the token checks unproven; verify --read-only still runs', async () => {
    const poolId = await theirPool();
    const r = await run(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--user-pool-id', poolId]);
    expect(flat(r.stderr)).toContain(`! its Lambda triggers run for the proof's test user: ${NAMED}. The proof makes one only with --allow-triggers`);
    expect(r.stderr).not.toMatch(/branded-mail/); // a custom message is not sent: AdminCreateUser runs with SUPPRESS
    expect(flat(r.stderr)).toContain(`No test user: your pool runs ${NAMED} for a new user and its sign-in.`);
    expect(made('AdminCreateUser')).toEqual([]);
    expect(made('AdminInitiateAuth')).toEqual([]);
    expect(r.code).toBe(1); // not proven: no 2xx was shown
    expect(flat(r.stdout)).toContain('The checks with a token were skipped: the pool\'s Lambda triggers would run for a test user');
    expect(flat(r.stdout)).toContain('→ prove it: secure-api verify --allow-triggers --stack shop');
    expect(flat(r.stdout)).toMatch(/Next: secure-api verify --allow-triggers --stack shop +prove the methods not proven secure-api destroy/);
    expect(r.stdout).toMatch(/GET +│ no-token +│ 401 +│ 401 Unauthorized/);

    const json = await run(['verify', '--stack', 'shop', '--json']);
    const out = JSON.parse(json.stdout) as { ok: boolean; triggers: { fired: Array<{ trigger: string; source: string }>; allowed: boolean }; skipped: string };
    expect(out.ok).toBe(false);
    expect(out.triggers.allowed).toBe(false);
    expect(out.triggers.fired.map((t) => `${t.trigger}:${t.source}`)).toEqual([
      'PreSignUp:PreSignUp_AdminCreateUser', 'PreAuthentication:PreAuthentication_Authentication',
      'PostAuthentication:PostAuthentication_Authentication', 'PreTokenGeneration:TokenGeneration_Authentication',
    ]);
    expect(made('AdminCreateUser')).toEqual([]);

    const ro = await run(['verify', '--stack', 'shop', '--read-only']);
    expect(ro.code, ro.stderr).toBe(0);
    expect(made('AdminCreateUser')).toEqual([]);
  });

  it('a pre token generation trigger may run for client-credentials tokens too: without --allow-triggers no machine token is asked for; with it, one is', async () => {
    const poolId = await theirPool();
    const r = await run(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--user-pool-id', poolId, '--authorizer-scopes', 'orders/read']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/Client-credentials token of the machine client/);
    expect(flat(r.stdout)).toContain('GET /items: the pool\'s Lambda triggers would run for a test user');
    const v = await run(['verify', '--stack', 'shop', '--allow-triggers']);
    expect(v.stderr).toMatch(/Client-credentials token of the machine client/);
  });

  it('verify --allow-triggers says which run, then makes the user and proves the 2xx', async () => {
    const poolId = await theirPool();
    expect((await run(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--user-pool-id', poolId, '--no-verify'])).code).toBe(0);
    const v = await run(['verify', '--stack', 'shop', '--allow-triggers']);
    expect(v.code, v.stderr).toBe(0);
    const said = v.stderr.indexOf(`The test user sets off your pool's Lambda triggers (--allow-triggers): ${NAMED}`);
    expect(said).toBeGreaterThanOrEqual(0);
    expect(said).toBeLessThan(v.stderr.indexOf('Test user '));
    expect(made('AdminCreateUser')).toHaveLength(1);
    expect(made('AdminDeleteUser')).toHaveLength(1);
    expect(flat(v.stdout)).toMatch(/✓ secured/);
    // init --allow-triggers: the same, in init's proof.
    const again = await run(['init', '--yes', '--stack', 'shop2', '--route', 'GET /items', '--user-pool-id', poolId, '--allow-triggers']);
    expect(again.code, again.stderr).toBe(0);
    expect(flat(again.stderr)).toContain(`! its Lambda triggers run for the proof's test user: ${NAMED}. With --allow-triggers the proof makes one and sets them off`);
    expect(made('AdminCreateUser')).toHaveLength(2);
  });

  it('token and users add say which triggers the user they make sets off, before making it', async () => {
    const poolId = await theirPool();
    expect((await run(['init', '--yes', '--stack', 'shop', '--route', 'GET /items', '--user-pool-id', poolId, '--no-verify'])).code).toBe(0);
    const t = await run(['token', '--stack', 'shop']);
    expect(t.code, t.stderr).toBe(0);
    expect(flat(t.stderr)).toContain(`The token user sets off your pool's Lambda triggers: ${NAMED}.`);
    const u = await run(['users', 'add', 'bob@example.com', '--password-stdin', '--stack', 'shop'], 'Aa1!aaaaaaaa\n');
    expect(u.code, u.stderr).toBe(0);
    expect(flat(u.stderr)).toContain('Creating bob@example.com sets off your pool\'s Lambda trigger PreSignUp (crm-signup); its sign-ins will set off PreAuthentication (geo-block), PostAuthentication (audit-login), PreTokenGeneration (claims).');
  });
});
