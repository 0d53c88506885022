import { describe, expect, it } from 'vitest';
import type { ApiFacts, PoolFacts } from '../resources/existing-lookup.js';
import { session, testDeps } from '../../test/wizard/deps.js';
import { Draft } from './draft.js';
import { askApiSource, askPoolSource, stepExistingMethods } from './step-existing.js';
import type { WizardLookups } from './types.js';

const API: ApiFacts = {
  id: 'a1b2c3d4e5', name: 'legacy-orders', endpointTypes: ['REGIONAL'], stages: [{ name: 'prod' }, { name: 'test' }],
  authorizers: [], customisedResponses: [],
  methods: [
    { path: '/orders', method: 'GET', authorizationType: 'NONE' },
    { path: '/orders', method: 'POST', authorizationType: 'NONE' },
    { path: '/orders/{id}', method: 'DELETE', authorizationType: 'AWS_IAM' },
    { path: '/orders/{id}', method: 'OPTIONS', authorizationType: 'NONE' },
  ],
};
const POOL: PoolFacts = {
  id: 'us-east-1_AbC123', name: 'blog-userpool', arn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123', users: 12,
  signIn: ['email'], mfa: 'OFF', clients: [], domain: 'blog-login', triggers: [],
  passwordPolicy: { minLength: 8, requireNumbers: true, requireSymbols: true, requireUppercase: true, requireLowercase: true, temporaryPasswordValidityDays: 7 },
};
const lookups: WizardLookups = {
  listFunctions: async () => [],
  domainTaken: async () => false,
  listRestApis: async () => [{ id: API.id, name: API.name, endpointTypes: ['REGIONAL'], stages: ['prod', 'test'] }],
  describeRestApi: async (_r, id) => (id === API.id ? API : undefined),
  listUserPools: async () => [{ id: POOL.id, name: POOL.name }],
  describeUserPool: async (_r, id) => (id === POOL.id ? POOL : undefined),
};

describe('wizard · what already exists', () => {
  it('step 1 lists the REST APIs; Enter keeps "Create a new API"', async () => {
    const t = testDeps([], { lookups });
    const s = session(t, { stack: 'legacy' }, '123456789012');
    expect(await askApiSource(s)).toBe(false);
    expect(t.prompter.asked[0]?.message).toBe('Create a new API or secure an existing one?');
    expect(s.draft.has('existingApi.id')).toBe(false);
  });

  it('step 2 is a checklist of the methods with their authorization, open ones checked; the preflight and the stage are asked', async () => {
    const t = testDeps([
      ['Create a new API or secure', API.id],
      ['Methods to secure', ['GET /orders']],
      ['Add open OPTIONS preflights', true],
      ['Stage to deploy', 'prod'],
    ], { lookups });
    const s = session(t, { stack: 'legacy' }, '123456789012');
    expect(await askApiSource(s)).toBe(true);
    await stepExistingMethods(s);
    const box = t.prompter.asked.find((a) => a.message.startsWith('Methods to secure'))!;
    expect(box.choices).toEqual(['GET /orders — NONE', 'POST /orders — NONE', 'DELETE /orders/{id} — AWS_IAM']);
    // Checked by default: the open ones (a method behind another authorizer is left alone unless chosen).
    expect(box.default).toEqual(['GET /orders', 'POST /orders']);
    expect(s.draft.get('existingApi.secure')).toEqual([{ path: '/orders', methods: ['GET'] }]);
    expect(s.draft.get('stage.name')).toBe('prod');
    expect(t.flat()).toContain('Left as they are: POST /orders (NONE), DELETE /orders/{id} (AWS_IAM)');
  });

  it('step 3 lists the user pools and says what is taken from the one chosen, with its user count', async () => {
    const t = testDeps([['Create a new user pool or use', POOL.id]], { lookups });
    const s = session(t, { stack: 'legacy' }, '123456789012');
    expect(await askPoolSource(s)).toBe(true);
    expect(s.draft.get('existingPool.id')).toBe(POOL.id);
    expect(t.flat()).toContain('blog-userpool has 12 users. Taken from the pool, unchanged: sign-in email; passwords of 8+ characters');
  });

  it('changing a recorded stack: its API, the methods it secures, its stage and its pool are the defaults (Enter keeps them)', async () => {
    const t = testDeps([], { lookups });
    const s = session(t, { stack: 'legacy' }, '123456789012');
    s.recorded = new Draft({
      existingApi: { id: API.id, secure: [{ path: '/orders', methods: ['POST'] }, { path: '/orders/{id}', methods: ['DELETE'] }] },
      existingPool: { id: POOL.id }, stage: { name: 'test' },
    });
    expect(await askApiSource(s)).toBe(true);
    expect(t.prompter.asked[0]?.default).toBe(API.id);
    await stepExistingMethods(s);
    // Once secured they are no longer open: the recorded choice is what is checked, not the open ones.
    expect(t.prompter.asked.find((a) => a.message.startsWith('Methods to secure'))!.default).toEqual(['POST /orders', 'DELETE /orders/{id}']);
    expect(s.draft.get('existingApi.secure')).toEqual([{ path: '/orders', methods: ['POST'] }, { path: '/orders/{id}', methods: ['DELETE'] }]);
    expect(s.draft.get('stage.name')).toBe('test');
    expect(await askPoolSource(s)).toBe(true);
    expect(s.draft.get('existingPool.id')).toBe(POOL.id);
  });
});
