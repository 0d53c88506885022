import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import type { Orphan } from './find.js';
import { adoptionOf, lostStateError } from './lost-state.js';

const api = (stateId?: string): Orphan => ({ kind: 'rest-api', id: 'a1', name: 'demo-api', ...(stateId ? { stateId } : {}) });
const domain = (stateId?: string): Orphan => ({ kind: 'user-pool-domain', id: 'demo-login', name: 'demo-login', userPoolId: 'p1', ...(stateId ? { stateId } : {}) });

describe('a lost state file', () => {
  it('adopts under the one state id the resources carry, keeping the pool\'s domain prefix', () => {
    expect(adoptionOf('demo', [api('s1'), domain('s1')])).toEqual({ stateId: 's1', legacyTags: false, domainPrefix: 'demo-login' });
  });

  it('resources made before state ids: a new id, recognised by the stack tag alone', () => {
    const a = adoptionOf('demo', [api()]);
    expect(a.legacyTags).toBe(true);
    expect(a.stateId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses to adopt two states\' resources as one stack, and names a removal per state id', () => {
    expect(() => adoptionOf('demo', [api('s1'), domain('s2')])).toThrow(UsageError);
    const err = lostStateError('demo', [api('s1'), domain('s2')]);
    expect(err.exitCode).toBe(2);
    expect(err.hint).toContain('--orphans --state-id s1 --yes');
    expect(err.hint).toContain('--orphans --state-id s2 --yes');
    expect(err.hint).toContain('secure-api init --stack demo --adopt');
  });
});
