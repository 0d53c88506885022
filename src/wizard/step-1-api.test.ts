import { describe, expect, it } from 'vitest';
import { checkStackName } from '../config/validators.js';
import { ENTER } from '../../test/wizard/scripted-prompter.js';
import { session, testDeps } from '../../test/wizard/deps.js';
import { stepApi } from './step-1-api.js';
import type { ExistingStack } from './types.js';

describe('step 1 · Create the API', () => {
  it('takes the defaults on Enter, and says which step it is in the walkthrough\'s words', async () => {
    const t = testDeps();
    const s = session(t);
    expect(await stepApi(s)).toBeUndefined();
    expect(s.draft.input()).toEqual({
      stack: 'secure-api', region: 'us-east-1',
      api: { name: 'secure-api-api', description: 'Secured by secure-api: Cognito user pool authorizer', endpointType: 'REGIONAL' },
    });
    expect(t.text()).toContain('Step 1 of 6 · Create the API');
    expect(t.text()).toContain('Create the API gateway by giving it a suitable name.');
    expect(t.prompter.messages()).toEqual(['Stack name', 'AWS region', 'API name', 'API description', 'API endpoint type']);
  });

  it('uses typed answers, and derives the API name default from the stack name', async () => {
    const t = testDeps([['Stack name', 'shop'], ['AWS region', 'eu-west-1'], ['API endpoint type', 'EDGE']]);
    const s = session(t);
    await stepApi(s);
    expect(t.prompter.asked.find((a) => a.message === 'API name')?.default).toBe('shop-api');
    expect(s.draft.input()).toMatchObject({ stack: 'shop', region: 'eu-west-1', api: { name: 'shop-api', endpointType: 'EDGE' } });
  });

  it('re-asks a bad stack name with the shared validator\'s reason', async () => {
    const t = testDeps([['Stack name', 'My_Stack'], ['Stack name', 'shop']]);
    const s = session(t);
    await stepApi(s);
    expect(t.prompter.rejected).toEqual([{ message: 'Stack name', answer: 'My_Stack', reason: checkStackName('My_Stack') }]);
    expect(s.draft.get('stack')).toBe('shop');
  });

  it('lets a region outside the list be typed, checked like --region', async () => {
    const t = testDeps([['AWS region', { pick: 'Another region' }], ['AWS region name', 'mars'], ['AWS region name', 'us-gov-west-1']]);
    const s = session(t);
    await stepApi(s);
    expect(t.prompter.rejected[0]?.reason).toMatch(/not an AWS region name/);
    expect(s.draft.get('region')).toBe('us-gov-west-1');
  });

  it('asks nothing that flags or --config answered, and shows those answers', async () => {
    const t = testDeps([], {}, 'fail');
    const s = session(t, { stack: 'demo', region: 'eu-central-1', api: { name: 'demo-api', description: 'd', endpointType: 'EDGE' } });
    await stepApi(s);
    expect(t.prompter.asked).toEqual([]);
    expect(t.text()).toContain('✔ Stack name demo (given)');
    expect(t.text()).toContain('✔ API endpoint type Edge-optimized (given)');
  });

  describe('a stack name already recorded here', () => {
    const recorded = (complete: boolean): ExistingStack => ({
      stack: 'secure-api', region: 'us-east-1', complete, resources: 4, config: { stack: 'secure-api', region: 'us-east-1' },
    });

    it('offers to resume an unfinished one (Enter), after showing it on request', async () => {
      const t = testDeps([['What should happen', { pick: 'Show' }], ['What should happen', ENTER]], {
        existing: (n) => (n === 'secure-api' ? recorded(false) : undefined), describeExisting: () => 'STACK SUMMARY',
      });
      const reuse = await stepApi(session(t));
      expect(reuse?.choice).toBe('resume');
      expect(t.text()).toContain('unfinished (4 resources so far)');
      expect(t.text()).toContain('STACK SUMMARY');
      expect(t.prompter.asked.at(-1)?.choices).toEqual(['Resume it: create what is missing, with its recorded answers',
        'Change this stack: every question again, its recorded answer pre-filled (Enter keeps it); then the plan', 'Show what it holds', 'Pick another stack name']);
    });

    it('offers to keep a complete one, or pick another name (suggesting a free one)', async () => {
      const t = testDeps([['What should happen', { pick: 'another stack name' }]], {
        existing: (n) => (n === 'secure-api' || n === 'secure-api-2' ? recorded(true) : undefined),
      });
      const s = session(t, { stack: 'secure-api' });
      expect(await stepApi(s)).toBeUndefined();
      expect(t.prompter.asked.find((a) => a.message.startsWith('What should'))?.choices?.[0]).toMatch(/^Keep it as it is/);
      expect(t.prompter.asked.find((a) => a.message === 'Stack name')?.default).toBe('secure-api-3');
      expect(s.draft.get('stack')).toBe('secure-api-3');
    });
  });
});
