import type { FieldChange } from './changes.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted, so key order never counts as a change. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) => (isObject(x)
    ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => p.localeCompare(q))) : x));
}

/** A field is immutable when it, or an object it sits in, is named in `immutable`. */
function forces(path: string, immutable: readonly string[]): boolean {
  return immutable.some((f) => path === f || path.startsWith(`${f}.`));
}

/**
 * The leaf fields that differ between two specs, objects walked key by key (an absent one as empty), arrays and
 * scalars compared whole.
 * `immutable` names the spec fields AWS never changes in place (the handler's data).
 */
export function fieldChanges(before: unknown, after: unknown, immutable: readonly string[] = [], prefix = ''): FieldChange[] {
  // An object that appears or goes (optional `tags`) is walked against an empty one: "tags.team: (none) → payments".
  if (prefix && ((isObject(before) && after === undefined) || (before === undefined && isObject(after)))) {
    return fieldChanges(before ?? {}, after ?? {}, immutable, prefix);
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], immutable, prefix ? `${prefix}.${k}` : k));
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  const path = prefix || '.';
  return [{ path, before: before ?? null, after: after ?? null, forcesReplace: forces(path, immutable) }];
}
