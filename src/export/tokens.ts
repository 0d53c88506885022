/**
 * The handlers' own request builders (createUserPoolInput, integrationInput…) run with stand-in outputs: each output
 * of another node is a token string, so what they build says where each id goes. `untoken` turns those strings back
 * into references. One place (the handler) knows what a request holds; the export only renames its fields.
 */
import type { Ctx, Outputs } from '../resources/types.js';
import { Join, Ref, Secret, type ExportCtx, type Value } from './model.js';

const TOKEN = /\u00abref:([^|\u00bb]+)\|([^\u00bb]+)\u00bb/g;

export const token = (node: string, key: string): string => `\u00abref:${node}|${key}\u00bb`;

/** Outputs where every node's every key is its token. */
export function tokenOutputs(): Outputs {
  return new Proxy({}, {
    get: (_t, node) => (typeof node === 'string' ? new Proxy({}, { get: (_u, key) => (typeof key === 'string' ? token(node, key) : undefined) }) : undefined),
    has: () => true,
  }) as Outputs;
}

/** The account facts a request builder reads from its context (ARNs), and nothing that could call AWS. */
export function builderCtx(x: ExportCtx): Ctx {
  return { partition: x.partition, region: x.region, account: x.account, stack: x.stack } as unknown as Ctx;
}

/** A string with tokens → a literal, one Ref, or a Join; arrays and objects deeply. */
export function untoken(x: ExportCtx, v: unknown): Value {
  if (typeof v === 'string') {
    const parts: Array<string | Ref> = [];
    let last = 0;
    for (const m of v.matchAll(TOKEN)) {
      if (m.index > last) parts.push(v.slice(last, m.index));
      parts.push(x.ref(m[1]!, m[2]!));
      last = m.index + m[0].length;
    }
    if (last < v.length) parts.push(v.slice(last));
    if (parts.length === 0) return '';
    if (parts.length === 1) return parts[0]!;
    return new Join(parts);
  }
  if (Array.isArray(v)) return v.map((e) => untoken(x, e));
  if (v !== null && typeof v === 'object' && !(v instanceof Ref) && !(v instanceof Join) && !(v instanceof Secret)) {
    return Object.fromEntries(Object.entries(v).filter(([, e]) => e !== undefined).map(([k, e]) => [k, untoken(x, e)]));
  }
  return v as Value;
}
