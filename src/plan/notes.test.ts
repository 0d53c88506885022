import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { createQuestion, planNotes } from './notes.js';

const cfg = (input: unknown) => resolveConfig(input, { defaultRegion: 'us-east-1', suffix: () => 'abc123' });

describe('planNotes', () => {
  it('names the feature plan and the 50-a-day sender by default', () => {
    expect(planNotes(cfg({}))).toEqual([
      expect.stringMatching(/^User pool plan LITE, the cheapest \(Cognito alone would make ESSENTIALS\)/),
      expect.stringMatching(/at most 50 emails a day/),
      'Who gets in: only the users you add (the users add command, or AdminCreateUser): self sign-up is off.',
      'The authorizer accepts an id token from any app client of the pool, not only this stack\'s.',
    ]);
  });

  it('warns that SES in its sandbox delivers only to verified addresses; says nothing without a pool', () => {
    const ses = cfg({ userPool: { tier: 'ESSENTIALS', email: { type: 'SES', sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com', from: 'no-reply@example.com' } } });
    expect(planNotes(ses).slice(0, 2)).toEqual([expect.stringMatching(/^User pool plan ESSENTIALS/), expect.stringMatching(/SES sandbox \(per region\) it delivers only to verified addresses/)]);
    expect(planNotes(cfg({ routes: [{ path: '/health', methods: ['GET'], integration: { type: 'mock' }, public: true }] }))).toEqual([]);
  });
});

describe('planNotes: custom scopes', () => {
  it('says a machine client proves them and that Cognito bills M2M; without one, that they are proven by hand', () => {
    expect(planNotes(cfg({ authorizer: { scopes: ['orders/read'] } }))[2]).toMatch(/resource server defines them, and a machine client.*Cognito bills machine-to-machine/);
    expect(planNotes(cfg({ authorizer: { scopes: ['orders/read'], machineClient: false } }))[2]).toMatch(/no machine client.*secure-api token --login --access/);
    expect(planNotes(cfg({ authorizer: { scopes: ['openid'] } }))).toHaveLength(4);
  });
});

describe('planNotes: who gets in (issue 25.5)', () => {
  it('with self sign-up: anyone can create an account and call the routes; any app client of the pool is accepted', () => {
    const notes = planNotes(cfg({ userPool: { selfSignUp: true } }));
    expect(notes).toContain('Who gets in: anyone. Self sign-up is on: anyone can create an account with the app client id (it is in the hosted-UI URL) and call these routes. --no-self-sign-up lets in only the users you add.');
    expect(notes.at(-1)).toBe('The authorizer accepts an id token from any app client of the pool, not only this stack\'s.');
  });

  it('on your pool: its own setting decides (verify reports it), and your other apps\' clients are accepted too', () => {
    const notes = planNotes(cfg({ existingPool: { id: 'us-east-1_AbCdEf123' } }));
    expect(notes).toContain('Who gets in: the users of your pool. Whether anyone may sign up is the pool\'s own setting (verify reports it).');
    expect(notes.at(-1)).toMatch(/your other apps' clients included/);
  });
});

describe('planNotes: routes restricted to groups', () => {
  it('names who may call each restricted route, and that the function (not the authorizer) checks it', () => {
    const notes = planNotes(cfg({ routes: [{ path: '/items', methods: ['GET'] }, { path: '/admin', methods: ['GET', 'DELETE'], groups: ['admins', 'ops'] }] }));
    expect(notes.filter((n) => n.includes('/admin'))).toEqual([
      'GET, DELETE /admin: only members of groups admins or ops (the sample function checks cognito:groups and answers 403 to anyone else; the authorizer cannot).',
    ]);
    expect(notes.some((n) => n.includes('/items:'))).toBe(false);
  });
});

describe('an existing pool and API', () => {
  it('no feature plan or email note for a pool the stack does not make', () => {
    const existing = cfg({ existingPool: { id: 'us-east-1_AbCdEf123' } });
    expect(planNotes(existing).join(' ')).not.toMatch(/User pool plan|emails a day|SES/);
    expect(planNotes(cfg({})).join(' ')).toMatch(/User pool plan LITE/);
  });
  it('the first-run question counts what is made apart from what of theirs is used', () => {
    const nodes = [{ kind: 'existing-rest-api' }, { kind: 'secured-method' }, { kind: 'secured-method' }, { kind: 'authorizer' }, { kind: 'stage-redeploy' }];
    const adopted = (k: string) => k.startsWith('existing-') || k === 'secured-method';
    expect(createQuestion(nodes, adopted, 'account 123456789012, us-east-1')).toBe('Create these 2 resources and use 3 of yours (destroy puts back what it changes) in account 123456789012, us-east-1?');
    expect(createQuestion([{ kind: 'authorizer' }], () => false, 'account 1, r')).toBe('Create this resource in account 1, r?');
  });
});
