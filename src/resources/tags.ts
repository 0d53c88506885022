/**
 * The user's tags on a live resource, changed in place (issue 11). Four kinds carry them (the REST API, the user pool,
 * the sample function and its role); each has its own tagging calls, but what to set and what to remove is decided
 * here, once:
 * - the spec holds the user's tags only (config `tags`); ours (`secure-api:*`, from the context) are added to them
 *   and are never removed, so a change of tags can never make a resource look like someone else's;
 * - a tag is removed only when the recorded spec had it and the new one does not: a tag someone else put on the
 *   resource (a cost-allocation or an organisation's tag policy) is theirs, and stays.
 */
import { OWN_TAG_PREFIX } from '../config/validators.js';
import type { DriftChange, FieldChange } from '../plan/changes.js';
import { tagMap, type TagSet } from './refs.js';
import type { Ctx } from './types.js';

/** A spec field holding the user's tags: present only when the configuration has some (so a stack without tags diffs as before). */
export type UserTags = Record<string, string> | undefined;

/** The tags a resource of ours carries: the user's, and ours over them. */
export function wantedTags(ctx: Pick<Ctx, 'tags'>, user: UserTags): Record<string, string> {
  const ours = Object.entries(ctx.tags).filter(([k]) => k.startsWith(OWN_TAG_PREFIX));
  return { ...user, ...Object.fromEntries(ours) };
}

export interface TagDelta {
  /** Keys to add or whose value changes. */
  set: Record<string, string>;
  /** Keys to remove: recorded user tags no longer wanted and still on the resource. */
  remove: string[];
}

/**
 * What brings `live` to `wanted`: set what is missing or different; remove only what `previous` (the recorded user
 * tags) named, that `wanted` no longer names and that is still there; never a `secure-api:` key.
 */
export function tagDelta(wanted: Record<string, string>, live: TagSet, previous: Iterable<string>): TagDelta {
  const have = tagMap(live);
  const value = (o: Record<string, string>, k: string) => (Object.hasOwn(o, k) ? o[k] : undefined);
  const set = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => value(have, k) !== v));
  const remove = [...new Set(previous)]
    .filter((k) => !k.startsWith(OWN_TAG_PREFIX) && !Object.hasOwn(wanted, k) && Object.hasOwn(have, k))
    .sort();
  return { set, remove };
}

/** What an in-place update does to a resource's tags: from its live ones to the spec's and ours (tagDelta), removing what `fields` say was recorded. */
export function tagChange(ctx: Pick<Ctx, 'tags'>, user: UserTags, live: TagSet, fields: readonly FieldChange[]): TagDelta {
  return tagDelta(wantedTags(ctx, user), live, previousTagKeys(fields));
}

/** A field change is a change of tags (`tags`, or one key of it: `tags.<key>`, the key may hold dots). */
export const isTagField = (f: { path: string }): boolean => f.path === 'tags' || f.path.startsWith('tags.');

/** The user tag keys the recorded spec had, from the planner's field changes (their `before` side). */
export function previousTagKeys(fields: readonly FieldChange[]): string[] {
  const keys: string[] = [];
  for (const f of fields) {
    if (f.path === 'tags' && typeof f.before === 'object' && f.before !== null) keys.push(...Object.keys(f.before));
    else if (f.path.startsWith('tags.') && f.before !== null && f.before !== undefined) keys.push(f.path.slice('tags.'.length));
  }
  return keys;
}

/**
 * A resumed update: the interrupted run may already have set the tags of its pending spec. Those the new spec drops
 * are changes to make too (as if recorded), so they are removed rather than left behind.
 */
export function pendingTagFields(pending: unknown, want: unknown, already: readonly FieldChange[]): FieldChange[] {
  const tagsOf = (spec: unknown): Record<string, string> => ((spec as { tags?: Record<string, string> } | undefined)?.tags ?? {});
  const wanted = tagsOf(want);
  const seen = new Set(already.map((f) => f.path));
  return Object.entries(tagsOf(pending))
    .filter(([k]) => !Object.hasOwn(wanted, k) && !seen.has(`tags.${k}`))
    .map(([k, v]) => ({ path: `tags.${k}`, before: v, after: null, forcesReplace: false }));
}

/** The whole tag set a call that overwrites it must be given: what is live (someone else's tags too) with the delta applied. */
export function applyDelta(live: TagSet, d: TagDelta): Record<string, string> {
  const out = { ...tagMap(live), ...d.set };
  for (const k of d.remove) delete out[k];
  return out;
}

/** The recorded user tags that are missing or different on the live resource (extra tags are someone else's: no drift). */
export function tagDrift(recorded: UserTags, live: TagSet): DriftChange[] {
  const have = tagMap(live);
  const value = (k: string) => (Object.hasOwn(have, k) ? have[k] : undefined);
  return Object.entries(recorded ?? {})
    .filter(([k, v]) => value(k) !== v)
    .map(([k, v]) => ({ path: `tags.${k}`, before: v, after: value(k) ?? null }));
}
