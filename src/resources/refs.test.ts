import { describe, expect, it } from 'vitest';
import { isOurs, ownerText } from './refs.js';

const ID = 'state-1';
const owner = { stack: 'demo', stateId: ID };

describe('isOurs: the one ownership rule of find, resume and destroy --orphans', () => {
  it.each([
    ['both tags, ours', { 'secure-api:stack': 'demo', 'secure-api:state-id': ID }, false, true],
    ['both tags as an IAM Key/Value list', [{ Key: 'secure-api:stack', Value: 'demo' }, { Key: 'secure-api:state-id', Value: ID }], false, true],
    ['another state of the same stack name', { 'secure-api:stack': 'demo', 'secure-api:state-id': 'state-2' }, false, false],
    ['the stack tag alone', { 'secure-api:stack': 'demo' }, false, false],
    ['the stack tag alone, for a state migrated from version 1', { 'secure-api:stack': 'demo' }, true, true],
    ['another state, even for a migrated state', { 'secure-api:stack': 'demo', 'secure-api:state-id': 'state-2' }, true, false],
    ['another stack', { 'secure-api:stack': 'prod', 'secure-api:state-id': ID }, false, false],
    ['no tags', undefined, true, false],
  ])('%s', (_what, tags, legacyTags, ours) => {
    expect(isOurs({ ...owner, legacyTags }, tags)).toBe(ours);
  });

  it('says whose a resource is', () => {
    expect(ownerText({ 'secure-api:stack': 'prod', 'secure-api:state-id': 's9' })).toBe('secure-api:stack=prod, secure-api:state-id=s9');
    expect(ownerText([{ Key: 'secure-api:stack', Value: 'old' }])).toMatch(/secure-api:stack=old \(no state id/);
    expect(ownerText({ team: 'x' })).toMatch(/not made by secure-api/);
  });
});
