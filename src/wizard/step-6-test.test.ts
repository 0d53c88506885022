import { describe, expect, it } from 'vitest';
import { session, testDeps } from '../../test/wizard/deps.js';
import { stepTest } from './step-6-test.js';

describe('step 6 · Test', () => {
  it('defaults to proving the stack, and says what that does', async () => {
    const t = testDeps();
    expect(await stepTest(session(t, { stack: 'demo' }))).toBe(true);
    expect(t.prompter.asked).toEqual([{ kind: 'confirm', message: 'Test it after deploying, with a temporary user?', default: true }]);
    expect(t.flat()).toContain('Step 6 of 6 · Test');
    expect(t.flat()).toContain('every secured route must answer 401 without a token and 2xx with its id token');
  });

  it('no: points at `secure-api verify` for later', async () => {
    const t = testDeps([['Test it after deploying', false]]);
    expect(await stepTest(session(t, { stack: 'demo' }))).toBe(false);
    expect(t.flat()).toContain('Prove it later with `secure-api verify --stack demo`');
  });

  it('asks nothing after --no-verify', async () => {
    const t = testDeps([], { verify: false }, 'fail');
    expect(await stepTest(session(t, { stack: 'demo' }))).toBe(false);
    expect(t.flat()).toContain('✔ Test it after deploying no (given)');
  });
});
