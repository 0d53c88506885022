/**
 * Drift, for every kind that has settings, is one comparison: the settings a spec asks for, and the live resource read
 * back in the same shape (each kind's `observe…`), walked by plan/field-diff.ts's fieldChanges. Every setting a kind
 * sets is watched by construction, the paths are the spec's ('passwordPolicy.minLength'), and status, plan and the
 * update that repairs all judge "different" by this one function (issue 18.1, issue 20).
 */
import type { DriftChange, FieldChange } from '../plan/changes.js';
import { fieldChanges } from '../plan/field-diff.js';

/** A set compared whole (an added member is drift as much as a missing one), in one order whatever AWS returns. */
export const asSet = (xs: readonly string[] | undefined): string[] => [...new Set(xs ?? [])].sort();

/**
 * Settings that people raise by hand and an update must never lower (issue 25: "an update never lowers what the pool
 * has unless the configuration says so"), each with its levels, lowest first. A live value at or above the spec's is
 * not drift, and an update keeps it; only a change of the configuration itself lowers one.
 */
export type Floors = Readonly<Record<string, readonly string[]>>;

const rank = (levels: readonly string[], v: unknown): number => levels.indexOf(String(v));

/** The live value is at least the wanted level (an unknown value is never "at least"). */
function atLeast(levels: readonly string[], want: unknown, live: unknown): boolean {
  return rank(levels, live) >= 0 && rank(levels, live) >= rank(levels, want);
}

/** The fields that differ between what the spec asks for and what AWS holds: `before` wanted, `after` live. */
export function settingsDrift<T>(want: T, observed: T, floors: Floors = {}): DriftChange[] {
  return fieldChanges(want, observed)
    .filter((f) => !(floors[f.path] && atLeast(floors[f.path]!, f.before, f.after)))
    .map(({ path, before, after }) => ({ path, before, after }));
}

/**
 * The level an update sends for a floor setting: the spec's, or the live one when that is higher, unless this very
 * run's configuration changed the setting (a FieldChange on its path): then the configuration says so.
 */
export function keptLevel<L extends string>(levels: readonly L[], want: L, live: unknown, path: string, fields: readonly FieldChange[]): L {
  if (fields.some((f) => f.path === path)) return want;
  return atLeast(levels, want, live) && rank(levels, live) > rank(levels, want) ? live as L : want;
}
