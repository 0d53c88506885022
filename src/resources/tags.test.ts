import { describe, expect, it } from 'vitest';
import { checkUserTag } from '../config/validators.js';
import { applyDelta, pendingTagFields, previousTagKeys, tagDelta, tagDrift, wantedTags } from './tags.js';

const OURS = { 'secure-api:stack': 'demo', 'secure-api:state-id': 'sid' };

describe('the user\'s tags, changed in place', () => {
  it('wants the user\'s tags with secure-api\'s own over them (from the context, never from the spec)', () => {
    expect(wantedTags({ tags: OURS }, { team: 'a' })).toEqual({ team: 'a', ...OURS });
    expect(wantedTags({ tags: OURS }, undefined)).toEqual(OURS);
  });

  it('sets what is missing or different, and removes only a recorded user tag that went', () => {
    const live = { ...OURS, team: 'a', env: 'dev', 'cost-center': 'cc-1' };
    const d = tagDelta({ ...OURS, team: 'b' }, live, ['team', 'env']);
    expect(d).toEqual({ set: { team: 'b' }, remove: ['env'] });
    // someone else's tag (cost-center) stays; applyDelta gives the whole set a call that overwrites must carry
    expect(applyDelta(live, d)).toEqual({ ...OURS, team: 'b', 'cost-center': 'cc-1' });
  });

  it('never removes a secure-api: tag, nor a tag already gone; as recorded is no change at all', () => {
    expect(tagDelta(OURS, { ...OURS }, ['secure-api:stack', 'gone'])).toEqual({ set: {}, remove: [] });
    expect(tagDelta({ ...OURS, team: 'a' }, { ...OURS, team: 'a' }, ['team'])).toEqual({ set: {}, remove: [] });
  });

  it('puts back an ownership tag removed outside secure-api, and reads IAM\'s Key/Value lists', () => {
    expect(tagDelta(OURS, [{ Key: 'secure-api:stack', Value: 'demo' }], [])).toEqual({ set: { 'secure-api:state-id': 'sid' }, remove: [] });
  });

  it('reads the recorded keys from the planner\'s field changes, whole or key by key (keys may hold dots)', () => {
    expect(previousTagKeys([{ path: 'tags', before: { a: '1', b: '2' }, after: null, forcesReplace: false }])).toEqual(['a', 'b']);
    expect(previousTagKeys([
      { path: 'tags.cost.center', before: 'x', after: null, forcesReplace: false },
      { path: 'tags.new', before: null, after: 'y', forcesReplace: false },
      { path: 'memoryMb', before: 128, after: 256, forcesReplace: false },
    ])).toEqual(['cost.center']);
  });

  it('a key that names an Object property (constructor, toString) is a tag like any other', () => {
    expect(tagDelta(OURS, { ...OURS, constructor: 'x' }, ['constructor'])).toEqual({ set: {}, remove: ['constructor'] });
    expect(tagDelta({ ...OURS, toString: 'v' }, OURS, [])).toEqual({ set: { toString: 'v' }, remove: [] });
    expect(tagDrift({ toString: 'x' }, {})).toEqual([{ path: 'tags.toString', before: 'x', after: null }]);
  });

  it('a resumed update also removes what its interrupted run had set and the new spec drops', () => {
    expect(pendingTagFields({ tags: { team: 'a', env: 'dev' } }, { tags: { team: 'a' } }, [])).toEqual([{ path: 'tags.env', before: 'dev', after: null, forcesReplace: false }]);
    expect(pendingTagFields({ tags: { env: 'dev' } }, {}, [{ path: 'tags.env', before: 'x', after: null, forcesReplace: false }])).toEqual([]);
    expect(pendingTagFields(undefined, { tags: { team: 'a' } }, [])).toEqual([]);
  });

  it('reports as drift only a recorded tag that is missing or different (extra tags are someone else\'s)', () => {
    expect(tagDrift({ team: 'a', env: 'dev' }, { team: 'b', other: 'x' })).toEqual([
      { path: 'tags.team', before: 'a', after: 'b' }, { path: 'tags.env', before: 'dev', after: null },
    ]);
    expect(tagDrift(undefined, { other: 'x' })).toEqual([]);
  });
});

describe('AWS\'s tag rules, checked before any call', () => {
  it.each([
    ['team', 'payments', undefined],
    ['cost center', 'a/b:c=d+e-f@g_h.i', undefined],
    ['équipe', 'paiements', undefined],
    ['archived', '', undefined],
    ['', 'x', /1 to 128/],
    ['k'.repeat(129), 'x', /1 to 128/],
    ['aws:cloudformation:stack-name', 'x', /reserved by AWS/],
    ['AWS:x', 'x', /reserved by AWS/],
    ['secure-api:stack', 'other', /secure-api's own/],
    ['bad#key', 'x', /may hold only/],
    ['team', 'v'.repeat(257), /longer than 256/],
    ['team', 'aws:x', /reserved by AWS/],
    ['team', 'semi;colon', /may hold only/],
  ])('%s = %s', (key, value, want) => {
    const got = checkUserTag(key, value);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(want);
  });
});
