/**
 * Nothing secret is ever written down: after a full run — a confidential app client, a federated IdP whose secret
 * comes from an environment variable, step 6 (verify) through the fake's data plane, status, a user added with a
 * password on stdin, export, destroy — the state file, its .bak, every exported file and all captured output
 * (text and --json) are scanned for every secret and token used. Only `token`'s stdout may hold its own token.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDataPlane, type FakeDataPlane } from '../fakes/data-plane.js';
import { runCliOnce } from '../verify/run-cli.js';
import { suiteFigures } from './support/figures.js';
import { STACK, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('secrets');
let s: Scenario | undefined;
let plane: FakeDataPlane | undefined;
let unwrap: (() => void) | undefined;
afterEach(async () => {
  unwrap?.();
  s?.restore();
  await plane?.close();
});

const IDP_SECRET = 'idp-secret-Qm7vX2pL9sK4wR8t';
const AWS_SECRET = 'fake-secret-for-tests';
const USER_PASSWORD = 'Str0ng&Secret-Pw!42';

/** Everything Cognito answered with a token in it (the fake's AdminInitiateAuth and InitiateAuth), captured on the way back. */
function captureTokens(): { tokens: Set<string>; restore: () => void } {
  const tokens = new Set<string>();
  type Send = (this: unknown, command: unknown, ...rest: unknown[]) => Promise<unknown>;
  const proto = CognitoIdentityProviderClient.prototype as unknown as { send: Send };
  const send = proto.send;
  proto.send = async function (this: unknown, command, ...rest) {
    const out = await send.call(this, command, ...rest) as { AuthenticationResult?: Record<string, unknown> } | undefined;
    for (const v of Object.values(out?.AuthenticationResult ?? {})) if (typeof v === 'string' && v.length > 20) tokens.add(v);
    return out;
  };
  return { tokens, restore: () => { proto.send = send; } };
}

/** Every password, hash and secret the calls sent (from the fake's record of each call's input). */
function sentSecrets(sc: Scenario): string[] {
  const out: string[] = [];
  for (const c of sc.fake.calls) {
    const input = (c.input ?? {}) as Record<string, unknown>;
    if (typeof input.Password === 'string') out.push(input.Password);
    if (typeof input.TemporaryPassword === 'string') out.push(input.TemporaryPassword);
    const auth = input.AuthParameters as Record<string, string> | undefined;
    if (auth?.PASSWORD) out.push(auth.PASSWORD);
    if (auth?.SECRET_HASH) out.push(auth.SECRET_HASH);
    const details = input.ProviderDetails as Record<string, string> | undefined;
    if (details?.client_secret) out.push(details.client_secret);
  }
  return out;
}

const CONFIG = {
  stack: STACK,
  routes: [{ path: '/items', methods: ['GET', 'POST'] }, { path: '/items/{id}', methods: ['GET'] }],
  userPool: { identityProviders: [{ type: 'Google', clientId: '1234.apps.googleusercontent.com' }] },
  hostedUi: { enabled: true, domainPrefix: 'demo-login' },
  appClient: { type: 'confidential' },
};

describe('no secret in the state file, the logs or --json', () => {
  it('after init (with verify), status, verify, users, token, export and destroy', async () => {
    s = scenario();
    s.clock.t = Date.now();
    plane = await startFakeDataPlane(s.fake);
    const cap = captureTokens();
    unwrap = cap.restore;
    writeFileSync(join(s.cwd, 'stack.json'), JSON.stringify(CONFIG));
    const env = { SECURE_API_IDP_GOOGLE_SECRET: IDP_SECRET };
    const common = ['--stack', STACK, '--endpoint-url', plane.url];
    const outputs: Array<[string, string]> = [];
    const snapshots: Array<[string, string]> = [];
    const snapshotState = (when: string) => {
      for (const f of [s!.statePath, `${s!.statePath}.bak`]) if (existsSync(f)) snapshots.push([`${when}: ${f}`, readFileSync(f, 'utf8')]);
    };
    // --debug on every run: each call's input and output (and the wire, with a real client) are logged, secrets masked.
    const run = async (argv: string[], o: { scanStdout?: boolean } = {}) => {
      const r = await s!.run([...argv, '--debug'], { env });
      figures.runs++;
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      if (o.scanStdout !== false) outputs.push([`${argv.join(' ')} (stdout)`, r.stdout]);
      outputs.push([`${argv.join(' ')} (stderr)`, r.stderr]);
      snapshotState(argv.slice(0, 2).join(' '));
      return r;
    };

    const init = await run(['init', '--yes', '--config', 'stack.json', ...common, '--json']);
    expect((JSON.parse(init.stdout) as { verify: { ok: boolean } }).verify.ok).toBe(true);
    // The debug log is there (so the scan below is not vacuous), with the secrets' places masked.
    expect(init.stderr).toMatch(/aws cognito-idp:AdminInitiateAuth input .*"PASSWORD":"\*\*\*"/);
    expect(init.stderr).toMatch(/aws cognito-idp:DescribeUserPoolClient ok \d+ ms output .*"ClientSecret":"\*\*\*"/);
    await run(['status', ...common, '--json']);
    await run(['status', ...common]);
    await run(['verify', ...common, '--json']);
    await run(['verify', ...common]);
    // A password given on stdin: never echoed.
    const added = await runCliOnce(['users', 'add', 'alice@example.com', '--password-stdin', ...common, '--json', '--debug'], { cwd: s.cwd, env, stdin: `${USER_PASSWORD}\n` });
    figures.runs++;
    expect(added.code, added.stderr).toBe(0);
    outputs.push(['users add (stdout)', added.stdout], ['users add (stderr)', added.stderr]);
    await run(['users', 'list', ...common, '--json']);
    // `token` prints its token on stdout by design; that token must then appear nowhere else.
    const token = await run(['token', ...common], { scanStdout: false });
    const printed = token.stdout.trim();
    expect(printed.split('.')).toHaveLength(3);
    const exportDir = join(s.cwd, 'export');
    await run(['export', 'postman', '--out', exportDir, ...common]);
    await run(['export', 'curl', ...common]);
    for (const f of readdirSync(exportDir)) outputs.push([`export ${f}`, readFileSync(join(exportDir, f), 'utf8')]);
    const clientSecret = Object.values(Object.values(s.fake.state.cognito.pools)[0]!.clients)[0]!.ClientSecret!;
    await run(['destroy', '--yes', ...common, '--json']);
    expect(s.fake.resources()).toEqual([]);

    const secrets = new Map<string, string>([
      ['the app client secret', clientSecret],
      ['the IdP client secret', IDP_SECRET],
      ['the AWS secret access key', AWS_SECRET],
      ['a user password given on stdin', USER_PASSWORD],
      ['the token `token` printed', printed],
    ]);
    for (const [i, v] of sentSecrets(s).entries()) secrets.set(`a password / hash / secret sent to Cognito (#${i + 1})`, v);
    for (const [i, v] of [...cap.tokens].entries()) secrets.set(`a token Cognito issued (#${i + 1})`, v);
    expect(cap.tokens.size, 'tokens were issued (verify and token ran)').toBeGreaterThanOrEqual(6);
    expect(sentSecrets(s).some((v) => v === IDP_SECRET), 'the IdP secret reached Cognito').toBe(true);
    expect(snapshots.length).toBeGreaterThan(5);

    const places = [...snapshots, ...outputs];
    for (const [what, secret] of secrets) {
      expect(secret.length, what).toBeGreaterThan(8);
      for (const [where, text] of places) {
        expect(text.includes(secret), `${what} appears in ${where}`).toBe(false);
      }
    }
    figures.cases++;
    figures.note = `${secrets.size} secrets and tokens searched for in ${places.length} state snapshots, outputs and exported files: found 0 times`;
  });

  it('an AWS error that echoes the IdP secret is shown redacted', async () => {
    s = scenario();
    writeFileSync(join(s.cwd, 'stack.json'), JSON.stringify(CONFIG));
    s.fake.inject({ command: 'CreateIdentityProvider', error: 'InvalidParameterException', message: `The client_secret ${IDP_SECRET} was rejected by Google` });
    const r = await s.run(['init', '--yes', '--no-verify', '--config', 'stack.json', '--json'], { env: { SECURE_API_IDP_GOOGLE_SECRET: IDP_SECRET } });
    figures.runs++;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[redacted\] was rejected/);
    for (const text of [r.stdout, r.stderr, s.stateText() ?? '', readFileSync(`${s.statePath}.bak`, 'utf8')]) expect(text).not.toContain(IDP_SECRET);
    figures.cases++;
    figures.faults++;
  });

  it('a missing IdP secret is refused before anything is created, naming the variable', async () => {
    s = scenario();
    writeFileSync(join(s.cwd, 'stack.json'), JSON.stringify(CONFIG));
    const r = await s.run(['init', '--yes', '--no-verify', '--config', 'stack.json']);
    figures.runs++;
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/identity provider Google needs its client secret in the environment variable SECURE_API_IDP_GOOGLE_SECRET, which is not set/);
    expect(s.fake.resources()).toEqual([]);
    expect(s.fake.calls.filter((c) => c.command !== 'GetCallerIdentity')).toEqual([]);
    // Given later, the same init goes ahead.
    const again = await s.run(['init', '--yes', '--no-verify', '--config', 'stack.json'], { env: { SECURE_API_IDP_GOOGLE_SECRET: IDP_SECRET } });
    expect(again.code, again.stderr).toBe(0);
    expect(s.stateText()).not.toContain(IDP_SECRET);
    figures.runs++;
    figures.cases++;
    figures.faults++;
  });

  it('secrets are never flags: there is no option that takes one', async () => {
    s = scenario();
    for (const cmd of ['init', 'token', 'users add x', 'verify', 'destroy', 'status']) {
      const r = await s.run([...cmd.split(' '), '--help']);
      // --password-stdin and --password-min-length are fine: the option itself is never the secret.
      expect(r.stdout).not.toMatch(/--[a-z-]*(secret|password|token)(?=[\s,=<]|$)/m);
    }
    figures.cases++;
  });
});
