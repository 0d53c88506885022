import type { z } from 'zod';

interface Def { type: string; shape?: Record<string, unknown>; innerType?: unknown; element?: unknown; in?: unknown; options?: unknown[] }
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The object schemas found at `path` below `schema` (a union gives several), through defaults, optionals and arrays. */
function objectsAt(schema: unknown, path: ReadonlyArray<PropertyKey>): Array<Record<string, unknown>> {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case 'default': case 'optional': case 'nullable': case 'prefault': case 'readonly': return objectsAt(def.innerType, path);
    case 'pipe': return objectsAt(def.in, path);
    case 'array': return objectsAt(def.element, typeof path[0] === 'number' ? path.slice(1) : path);
    case 'union': return (def.options ?? []).flatMap((o) => objectsAt(o, path));
    case 'object': {
      if (!path.length) return def.shape ? [def.shape] : [];
      const next = def.shape?.[String(path[0])];
      return next === undefined ? [] : objectsAt(next, path.slice(1));
    }
    default: return [];
  }
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key an unknown one was probably meant to be ("callbackUrl" → "callbackUrls"), if one is close. */
export function closestKey(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, key: string): string | undefined {
  const known = [...new Set(objectsAt(schema, path).flatMap((shape) => Object.keys(shape)))];
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key, k);
    if (d <= Math.max(2, Math.floor(k.length / 3)) && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}
