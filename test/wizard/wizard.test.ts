import { describe, expect, it } from 'vitest';
import type { StackConfigInput } from '../../src/config/schema.js';
import { AwsFailure } from '../../src/errors.js';
import { missingAnswers, QUESTIONS } from '../../src/wizard/questions.js';
import { runWizard } from '../../src/wizard/wizard.js';
import { resolveFixed, testDeps } from './deps.js';

/** Every question answered, as flags and --config can. */
const EVERYTHING: StackConfigInput = {
  stack: 'shop', region: 'eu-west-1',
  api: { name: 'shop-api', description: 'Shop', endpointType: 'REGIONAL' },
  routes: [{ path: '/items', methods: ['GET'], integration: { type: 'mock' }, public: false }],
  userPool: {
    name: 'shop-users', signInIdentifiers: ['email'], passwordPolicy: { minLength: 10 }, mfa: { mode: 'OFF' }, email: { type: 'COGNITO_DEFAULT' },
    selfSignUp: false, accountRecovery: 'verified_email', identityProviders: [], deletionProtection: true, tier: 'PLUS', threatProtection: 'ENFORCED',
  },
  hostedUi: { enabled: true, domainPrefix: 'shop-login', callbackUrls: ['http://localhost:8765/callback'], logoutUrls: ['http://localhost:8765/'] },
  appClient: { type: 'public', name: 'shop-client', tokenValidity: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 }, refreshTokenRotation: false },
  authorizer: { name: 'Cognito-authorizer', identityHeader: 'Authorization', scopes: [] },
  stage: { name: 'dev', description: '', tracing: false, throttle: null, accessLog: null },
};

/** EVERYTHING without the key one question reads. */
function without(key: string): StackConfigInput {
  const input = structuredClone(EVERYTHING) as Record<string, unknown>;
  if (key === 'routes[].public') {
    for (const r of input.routes as Array<Record<string, unknown>>) delete r.public;
    return input as StackConfigInput;
  }
  const parts = key.split('.');
  const last = parts.pop()!;
  let node = input;
  for (const p of parts) node = node[p] as Record<string, unknown>;
  delete node[last];
  return input as StackConfigInput;
}

describe('the whole wizard', () => {
  it('Enter at every prompt gives exactly the `init --yes` configuration', async () => {
    const t = testDeps();
    const r = await runWizard({}, t.deps);
    expect(resolveFixed(r.input)).toEqual(resolveFixed({}));
    expect(r.verify).toBe(true);
    expect(t.prompter.asked.length).toBeGreaterThan(20);
  });

  it('…and the same with some flags given: Enter for the rest equals --yes with those flags', async () => {
    const known: StackConfigInput = { stack: 'shop', region: 'eu-west-2', routes: [{ path: '/orders/{id}', methods: ['GET', 'DELETE'] }], userPool: { mfa: { mode: 'OPTIONAL' } } };
    const r = await runWizard(known, testDeps().deps);
    expect(resolveFixed(r.input)).toEqual(resolveFixed(known));
  });

  it('shows the six steps in order, after a banner naming the account and region', async () => {
    const t = testDeps([], { account: async () => '123456789012', regionSource: 'AWS_REGION', profile: 'dev' });
    await runWizard({}, t.deps);
    const text = t.flat();
    expect(text).toContain('Account 123456789012 (profile dev)');
    expect(text).toContain('Region us-east-1 (from AWS_REGION; you can change it in step 1)');
    expect(text).toContain('`secure-api destroy` removes it all');
    const headings = [...t.text().matchAll(/^Step (\d) of 6 · (.+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(headings).toEqual(['1 Create the API', '2 Resources and methods', '3 Cognito user pool', '4 Authorizer', '5 Deploy', '6 Test']);
    expect(text.indexOf('Account')).toBeLessThan(text.indexOf('Step 1 of 6'));
  });

  it('says in the banner when there are no credentials, and goes on (format checks only)', async () => {
    const account = async (): Promise<string> => { throw new AwsFailure('No usable AWS credentials', { code: 'CREDENTIALS' }); };
    const t = testDeps([], { account, lookups: { listFunctions: async () => [], domainTaken: async () => { throw new Error('must not be called'); } } });
    const r = await runWizard({}, t.deps);
    expect(t.flat()).toContain('Account unknown: no usable AWS credentials found.');
    expect(t.flat()).toContain('Availability is not checked without AWS credentials');
    expect(t.flat()).not.toContain('The plan');
    expect(resolveFixed(r.input)).toEqual(resolveFixed({}));
  });

  it('asks nothing when flags and --config answered every question', async () => {
    const t = testDeps([], { verify: true }, 'fail');
    const r = await runWizard(EVERYTHING, t.deps);
    expect(t.prompter.asked).toEqual([]);
    expect(resolveFixed(r.input)).toEqual(resolveFixed(EVERYTHING));
    expect(missingAnswers(EVERYTHING, resolveFixed(EVERYTHING), { verify: true })).toEqual([]);
  });

  it.each(QUESTIONS.map((q) => [q.flag ?? q.key ?? '', q] as const))('%s: its absence alone makes the wizard ask, and the no-TTY refusal name it', async (_name, q) => {
    const known = q.key ? without(q.key) : EVERYTHING;
    const verify = q.key ? true : undefined;
    const t = testDeps([], { verify });
    await runWizard(known, t.deps);
    const missing = missingAnswers(known, resolveFixed(known), { verify }).map((m) => m.question);
    // --hosted-ui is answered by a given domain prefix too, as the wizard sees it.
    if (q.key === 'hostedUi.enabled') {
      expect(missing).toEqual([]);
      expect(t.prompter.asked).toEqual([]);
    } else {
      expect(missing).toEqual([q]);
      expect(t.prompter.asked.length).toBeGreaterThan(0);
    }
  });

  it('returns a recorded stack\'s own configuration when the user resumes it', async () => {
    const config = { ...resolveFixed({ stack: 'secure-api' }) } as unknown as Record<string, unknown>;
    const t = testDeps([], { existing: (s) => (s === 'secure-api' ? { stack: s, region: 'us-east-1', complete: false, resources: 3, config } : undefined) });
    const r = await runWizard({}, t.deps);
    expect(r).toEqual({ input: config, verify: true, reused: 'resume' });
    expect(t.prompter.messages()).toEqual(['Stack name', 'What should happen to stack secure-api?']);
  });
});
