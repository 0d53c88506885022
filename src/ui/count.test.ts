import { describe, expect, it } from 'vitest';
import { countOf } from './count.js';

describe('countOf', () => {
  it('says one in the singular, any other count in the plural', () => {
    expect([0, 1, 2].map((n) => countOf(n, 'resource'))).toEqual(['0 resources', '1 resource', '2 resources']);
    expect(countOf(1, 'policy', 'policies')).toBe('1 policy');
    expect(countOf(3, 'policy', 'policies')).toBe('3 policies');
  });
});
