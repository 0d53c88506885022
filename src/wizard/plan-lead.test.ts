import { describe, expect, it } from 'vitest';
import { planLead } from './wizard.js';

describe('the line above the plan', () => {
  it('says nothing exists yet only when nothing of the user\'s is used', () => {
    expect(planLead(false, false)).toContain('Nothing exists yet');
    expect(planLead(false, true)).not.toContain('Nothing exists yet');
    expect(planLead(false, true)).toContain('what of yours it uses or changes');
    expect(planLead(true, true)).toBe('What changes on the live stack, read from AWS now.');
  });
});
