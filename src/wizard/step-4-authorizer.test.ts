import { describe, expect, it } from 'vitest';
import { checkHeaderName } from '../config/validators.js';
import { checkScope } from '../config/scopes.js';
import { session, testDeps } from '../../test/wizard/deps.js';
import { stepAuthorizer } from './step-4-authorizer.js';

const ROUTES = [{ path: '/items', methods: ['GET', 'POST'] as Array<'GET' | 'POST'>, public: false }];

describe('step 4 · Authorizer', () => {
  it('Enter gives Cognito-authorizer on the Authorization header, accepting the id token', async () => {
    const t = testDeps();
    const s = session(t, { stack: 'demo', routes: ROUTES });
    await stepAuthorizer(s, true);
    expect(s.draft.get('authorizer')).toEqual({ name: 'Cognito-authorizer', identityHeader: 'Authorization', scopes: [] });
    expect(t.prompter.messages()).toEqual(['Authorizer name', 'Identity source header', 'Which token must callers send?']);
    expect(t.flat()).toContain('Step 4 of 6 · Authorizer');
    expect(t.flat()).toContain('It protects GET,POST /items.');
  });

  it('access token with scopes; a bad header and a bad scope re-asked; custom scopes ask for the machine client (yes by default), saying why and what it costs', async () => {
    const t = testDeps([['Identity source header', 'X Auth'], ['Identity source header', 'X-Auth'], ['Which token', true], ['Scopes', 'read'], ['Scopes', 'orders/read, orders/write']]);
    const s = session(t, { stack: 'demo', routes: ROUTES });
    await stepAuthorizer(s, true);
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual([checkHeaderName('X Auth'), checkScope('read')]);
    expect(t.prompter.messages()).toContain('Add a machine client for these scopes?');
    expect(t.flat()).toMatch(/A resource server on the pool defines orders\/read, orders\/write.*Cognito bills machine-to-machine/);
    expect(s.draft.get('authorizer')).toEqual({ name: 'Cognito-authorizer', identityHeader: 'X-Auth', scopes: ['orders/read', 'orders/write'], machineClient: true });
  });

  it('no machine-client question for standard scopes only', async () => {
    const t = testDeps([['Which token', true], ['Scopes', 'aws.cognito.signin.user.admin']]);
    const s = session(t, { stack: 'demo', routes: ROUTES });
    await stepAuthorizer(s, true);
    expect(t.prompter.messages()).not.toContain('Add a machine client for these scopes?');
  });

  it('asks which routes it protects when --route gave routes without saying (all checked by default)', async () => {
    const t = testDeps([['Which routes does the authorizer protect', [0]]]);
    const s = session(t, { stack: 'demo', routes: [{ path: '/items', methods: ['GET'] }, { path: '/health', methods: ['GET'] }, { path: '/open', methods: ['GET'], public: true }] });
    await stepAuthorizer(s, true);
    expect(t.prompter.asked.find((a) => a.kind === 'checkbox')).toMatchObject({ choices: ['GET /items', 'GET /health'], default: [0, 1] });
    expect(s.draft.get('routes')).toEqual([
      { path: '/items', methods: ['GET'], public: false }, { path: '/health', methods: ['GET'], public: true }, { path: '/open', methods: ['GET'], public: true },
    ]);
    expect(t.flat()).toContain('It protects GET /items; public: GET /health; GET /open.');
  });

  it('asks nothing that flags answered; is skipped when every route is public', async () => {
    const t = testDeps([], {}, 'fail');
    await stepAuthorizer(session(t, { stack: 'demo', routes: ROUTES, authorizer: { name: 'a', identityHeader: 'Authorization', scopes: ['x'] } }), true);
    expect(t.flat()).toContain('✔ Token access token with scopes x (given)');
    const u = testDeps([], {}, 'fail');
    await stepAuthorizer(session(u, { stack: 'demo' }), false);
    expect(u.flat()).toContain('Skipped: every route is public, so no authorizer is needed.');
  });
});
