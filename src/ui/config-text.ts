import type { ChalkInstance } from 'chalk';
import type { Integration } from '../config/schema.js';
import { integrationText } from './plan-summary.js';

type Tree = Record<string, unknown>;
const isObj = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key of a configuration as `path  value` lines (the --config file's own key paths); routes one per line. */
function lines(tree: Tree, c: ChalkInstance, at = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([k, v]): Array<[string, string]> => {
    const path = at ? `${at}.${k}` : k;
    if (k === 'routes' && !at && Array.isArray(v)) {
      return (v as Array<{ path: string; methods: string[]; public?: boolean; integration?: Integration; groups?: string[] }>).map((r, i) => [
        i === 0 ? 'routes' : '',
        `${r.methods.join(',')} ${r.path}  ${r.public ? c.yellow('public') : 'secured'}${r.groups?.length ? `, only members of ${r.groups.join(' or ')}` : ''}, answered by ${integrationText(r.integration ?? { type: 'sample-lambda' })}`,
      ]);
    }
    if (isObj(v)) return Object.keys(v).length ? lines(v, c, path) : [[path, c.dim('{}')]];
    if (Array.isArray(v)) {
      if (!v.length) return [[path, c.dim('(none)')]];
      return v.every((x) => !isObj(x) && !Array.isArray(x)) ? [[path, v.map(String).join(', ')]] : v.map((x, i) => [`${path}[${i}]`, JSON.stringify(x)]);
    }
    return [[path, v === '' ? c.dim('""') : String(v)]];
  });
}

/**
 * The recorded configuration for people: each top-level section under its name, its keys by their --config path
 * below it (aligned within the section, so a long key elsewhere does not push every value right).
 */
export function configText(config: Tree, c: ChalkInstance): string {
  const align = (rows: Array<[string, string]>, indent: string) => {
    const width = Math.max(...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `${indent}${c.bold(k.padEnd(width))}  ${v}`);
  };
  const out: string[] = [];
  let loose: Array<[string, string]> = [];
  const flush = () => { if (loose.length) out.push(...align(loose, '')); loose = []; };
  for (const [k, v] of Object.entries(config)) {
    if (isObj(v) && Object.keys(v).length) {
      flush();
      out.push(c.bold(k), ...align(lines(v, c), '  '));
    } else loose.push(...lines({ [k]: v }, c));
  }
  flush();
  return out.join('\n');
}
