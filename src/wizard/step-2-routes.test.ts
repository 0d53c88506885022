import { checkGroupName } from '../config/groups.js';
import { describe, expect, it } from 'vitest';
import { checkHttpUrl, checkResourcePath } from '../config/validators.js';
import { session, testDeps } from '../../test/wizard/deps.js';
import { stepRoutes } from './step-2-routes.js';
import type { WizardLookups } from './types.js';

const noLookups: WizardLookups = {
  listFunctions: async () => { throw new Error('no AWS in this test'); },
  domainTaken: async () => false,
};

describe('step 2 · Resources and methods', () => {
  it('Enter gives the --yes route: GET,POST /items on a new sample Lambda, secured', async () => {
    const t = testDeps();
    const s = session(t, { stack: 'demo' });
    await stepRoutes(s);
    expect(s.draft.get('routes')).toEqual([{ path: '/items', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' }, public: false }]);
    expect(t.text()).toContain('Step 2 of 6 · Resources and methods');
    expect(t.prompter.messages()).toEqual([
      'Resource path (e.g. /items/{id})', 'Methods on /items', 'Integration', 'Who may call /items?',
      'Only members of these Cognito groups may call /items? (comma separated; Enter: any signed-in user)', 'Add another resource?',
    ]);
  });

  it('a secured route of the sample function may be restricted to Cognito groups; a bad name is re-asked; no question for others', async () => {
    const t = testDeps([
      ['Resource path', '/admin'], ['Only members', 'two words'], ['Only members', 'admins, ops'], ['Add another', true],
      ['Resource path', '/health'], ['Methods on /health', ['GET']], ['Integration', 'mock'], ['Add another', false],
    ]);
    const s = session(t, { stack: 'demo' });
    await stepRoutes(s);
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual([checkGroupName('two words')]);
    expect(s.draft.get('routes')).toEqual([
      { path: '/admin', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' }, public: false, groups: ['admins', 'ops'] },
      { path: '/health', methods: ['GET'], integration: { type: 'mock' }, public: false },
    ]);
    expect(t.prompter.messages().filter((m) => m.startsWith('Only members'))).toHaveLength(2);
  });

  it('loops while "Add another resource?" is yes: nested paths, {param}, every integration kind', async () => {
    const t = testDeps([
      ['Resource path', '/items'], ['Add another', true],
      ['Resource path', '/items/{id}'], ['Methods on /items/{id}', ['GET', 'DELETE']], ['Integration', 'mock'], ['Add another', true],
      ['Resource path', '/health'], ['Methods on /health', ['GET']], ['Integration', 'http'], ['Endpoint URL', 'https://example.com/health'],
      ['Who may call /health', true], ['Add another', false],
    ]);
    const s = session(t, { stack: 'demo' });
    await stepRoutes(s);
    expect(s.draft.get('routes')).toEqual([
      { path: '/items', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' }, public: false },
      { path: '/items/{id}', methods: ['GET', 'DELETE'], integration: { type: 'mock' }, public: false },
      { path: '/health', methods: ['GET'], integration: { type: 'http', url: 'https://example.com/health' }, public: true },
    ]);
    expect(t.prompter.asked.find((a) => a.message === 'Resource path (e.g. /items/{id})' && a.default === '/items/{id}')).toBeDefined();
  });

  it('re-asks a bad path, an empty method list and a bad URL with the validators\' reasons', async () => {
    const t = testDeps([
      ['Resource path', '/items//x'], ['Resource path', 'items'], ['Resource path', '/items'],
      ['Methods on', []], ['Methods on', ['GET']],
      ['Integration', 'http'], ['Endpoint URL', 'ftp://x'], ['Endpoint URL', 'http://localhost:8080'],
    ]);
    const s = session(t, { stack: 'demo' });
    await stepRoutes(s);
    expect(t.prompter.rejected.map((r) => r.reason)).toEqual([
      checkResourcePath('/items//x'), checkResourcePath('items'), 'choose at least one method (space selects)', checkHttpUrl('ftp://x'),
    ]);
    expect(s.draft.get('routes')).toEqual([{ path: '/items', methods: ['GET'], integration: { type: 'http', url: 'http://localhost:8080' }, public: false }]);
  });

  it('refuses a route the config would refuse (a method twice on one path) and asks for it again', async () => {
    const t = testDeps([
      ['Resource path', '/items'], ['Add another', true],
      ['Resource path', '/items'], ['Methods on', ['GET']],
      ['Resource path', '/items'], ['Methods on', ['PUT']], ['Add another', false],
    ]);
    const s = session(t, { stack: 'demo' });
    await stepRoutes(s);
    expect(t.text()).toContain('! route GET /items is given twice: enter that resource again.');
    expect((s.draft.get('routes') as unknown[]).length).toBe(2);
  });

  it('picks an existing Lambda from the account\'s functions when it has credentials', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders';
    const lookups: WizardLookups = { ...noLookups, listFunctions: async () => [{ name: 'orders', arn }] };
    const t = testDeps([['Integration', 'lambda'], ['Lambda function', { pick: 'orders' }]], { lookups });
    const s = session(t, { stack: 'demo' }, '123456789012');
    await stepRoutes(s);
    expect(s.draft.get('routes')).toMatchObject([{ integration: { type: 'lambda', arn } }]);
  });

  it('asks for a typed ARN without credentials (or when listing fails), checked for format', async () => {
    const t = testDeps([['Integration', 'lambda'], ['Lambda function ARN', 'orders'], ['Lambda function ARN', 'arn:aws:lambda:us-east-1:123456789012:function:orders']], { lookups: noLookups });
    const s = session(t, { stack: 'demo' }, '123456789012');
    await stepRoutes(s);
    expect(t.text()).toContain('Could not list the account\'s functions (no AWS in this test): type an ARN.');
    expect(t.prompter.rejected[0]?.reason).toMatch(/is not a Lambda function ARN/);
  });

  it('asks nothing when --route or the config gave the routes', async () => {
    const t = testDeps([], {}, 'fail');
    const s = session(t, { stack: 'demo', routes: [{ path: '/a', methods: ['GET'] }] });
    await stepRoutes(s);
    expect(t.text()).toContain('✔ Routes GET /a (given)');
  });
});
