/**
 * Conformance: every stack shape the configuration allows goes through init → status → verify → destroy on the
 * strict fake (every AWS rule it models on, as on a real account), and nothing is left behind.
 * init itself proves the stack (step 6) on the fake's data plane; verify proves it again afterwards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { expectNoDuplicates, expectStateMatchesFake } from '../support/stack-checks.js';
import { readState } from '../../src/state/store.js';
import { buildSampleFunctionZip, SAMPLE_HANDLER } from '../../src/resources/sample-function.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;

beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock });
  cwd = tempDir('secure-api-shapes-');
});
afterEach(() => fake.restore());

/** Secrets of the identity providers, from the environment only (never the config or the state). */
const IDP_ENV = {
  SECURE_API_IDP_GOOGLE_SECRET: 'test-only-google', SECURE_API_IDP_FACEBOOK_SECRET: 'test-only-facebook',
  SECURE_API_IDP_LOGINWITHAMAZON_SECRET: 'test-only-amazon', SECURE_API_IDP_OIDC_SECRET: 'test-only-oidc',
  SECURE_API_IDP_SIGNINWITHAPPLE_SECRET: '-----BEGIN PRIVATE KEY-----\ntest-only\n-----END PRIVATE KEY-----',
};

const SMS_ROLE = 'arn:aws:iam::123456789012:role/service-role/cognito-sms';
const SES_ARN = 'arn:aws:ses:us-east-1:123456789012:identity/example.com';
const EXISTING_FN = 'arn:aws:lambda:us-east-1:123456789012:function:team-existing-fn';

const route = (path: string, methods: string[], extra: Record<string, unknown> = {}) => ({ path, methods, ...extra });
const all4 = ['GET', 'POST', 'PUT', 'DELETE'];

/** Each shape: a config (JSON, as a user writes it). */
const SHAPES: Record<string, Record<string, unknown>> = {
  'default': {},
  '5 resources x 4 methods': { routes: ['/a', '/b', '/c', '/d', '/e'].map((p) => route(p, all4)) },
  'ANY route': { routes: [route('/things', ['ANY'])] },
  'nested {param} paths': { routes: [route('/orders/{orderId}', ['GET']), route('/orders/{orderId}/items/{itemId}', ['GET', 'DELETE'])] },
  'email sign-in': { userPool: { signInIdentifiers: ['email'] } },
  'username sign-in': { userPool: { signInIdentifiers: ['username'] } },
  'phone sign-in (with an SMS role)': { userPool: { signInIdentifiers: ['phone'], accountRecovery: 'verified_phone_number', mfa: { mode: 'OFF', smsRoleArn: SMS_ROLE } } },
  'Google': { userPool: { identityProviders: [{ type: 'Google', clientId: 'test.apps.example' }] } },
  'Facebook': { userPool: { identityProviders: [{ type: 'Facebook', clientId: '1234567890' }] } },
  'LoginWithAmazon': { userPool: { identityProviders: [{ type: 'LoginWithAmazon', clientId: 'amzn1.application-oa2-client.test' }] } },
  'SignInWithApple': { userPool: { identityProviders: [{ type: 'SignInWithApple', clientId: 'com.example.signin', teamId: 'TEAMID1234', keyId: 'KEYID12345' }] } },
  'OIDC': { userPool: { identityProviders: [{ type: 'OIDC', clientId: 'oidc-client', issuer: 'https://login.example.com' }] } },
  'public client': { appClient: { type: 'public' } },
  'confidential client': { appClient: { type: 'confidential' } },
  'SES email': { userPool: { email: { type: 'SES', sourceArn: SES_ARN, from: 'no-reply@example.com' } } },
  'MFA optional (TOTP)': { userPool: { mfa: { mode: 'OPTIONAL', totp: true } } },
  'MFA required (TOTP)': { userPool: { mfa: { mode: 'ON', totp: true } } },
  'public route beside a secured one': { routes: [route('/health', ['GET'], { public: true }), route('/items', ['GET', 'POST'])] },
  'http integration': { routes: [route('/proxy', ['GET'], { integration: { type: 'http', url: 'https://backend.example.com/proxy' } })] },
  'mock integration': { routes: [route('/mocked', ['GET', 'POST'], { integration: { type: 'mock' } })] },
  'existing Lambda': { routes: [route('/legacy', ['GET'], { integration: { type: 'lambda', arn: EXISTING_FN } })] },
  'no hosted UI': { hostedUi: { enabled: false } },
};

/** A function that exists before secure-api runs (the user's own): it must be used and never deleted. */
async function makeExistingFunction(): Promise<void> {
  const iam = new IAMClient({ region: 'us-east-1' });
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'team-existing-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  const lambda = new LambdaClient({ region: 'us-east-1' });
  // A new role takes a moment before Lambda may assume it (the fake models that): retry as a user's tooling would.
  for (let attempt = 0; ; attempt++) {
    try {
      await lambda.send(new CreateFunctionCommand({ FunctionName: 'team-existing-fn', Role: role.Role!.Arn!, Runtime: 'nodejs22.x', Handler: SAMPLE_HANDLER, Code: { ZipFile: buildSampleFunctionZip() } }));
      return;
    } catch (err) {
      if (attempt > 10) throw err;
      clock.t += 2_000;
    }
  }
}

const run = (argv: string[]) => runSecureApi(argv, { cwd, clock, env: IDP_ENV });

describe('every stack shape: init → status → verify → destroy, nothing left (strict fake)', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(name, async () => {
      const existing = name === 'existing Lambda';
      if (existing) await makeExistingFunction();
      const before = fake.resources().map((r) => `${r.type}:${r.id}`).sort();
      writeFileSync(join(cwd, 'stack.json'), JSON.stringify({ stack: 'shape', ...shape }));

      const init = await run(['init', '--yes', '--config', 'stack.json']);
      expect(init.stderr, 'init').not.toMatch(/^Error/m);
      expect(init.code, `init: ${init.stderr}`).toBe(0);
      const state = readState(join(cwd, '.secure-api', 'shape.json'));
      expect(state?.complete).toBe(true);
      expectNoDuplicates(fake);
      expectStateMatchesFake(state, fake, new Set(fake.resources().filter((r) => before.includes(`${r.type}:${r.id}`)).map((r) => r.id)));

      const status = await run(['status', '--stack', 'shape']);
      expect(status.code, `status: ${status.stdout}${status.stderr}`).toBe(0);

      const verify = await run(['verify', '--stack', 'shape']);
      expect(verify.code, `verify: ${verify.stdout}${verify.stderr}`).toBe(0);

      const destroy = await run(['destroy', '--stack', 'shape', '--yes']);
      expect(destroy.code, `destroy: ${destroy.stderr}`).toBe(0);
      // Nothing of ours is left; what was there before (the user's own function) is untouched, and so is the log group
      // Lambda made for it when the proof ran it (theirs, as the function is: a group secure-api never made nor deletes).
      const theirsSince = existing ? ['log-group:/aws/lambda/team-existing-fn'] : [];
      expect(fake.resources().map((r) => `${r.type}:${r.id}`).sort()).toEqual([...before, ...theirsSince].sort());
      if (existing) expect(fake.state.lambda.functions['team-existing-fn']?.statements ?? []).toEqual([]);
    });
  }
});
