import type { ChalkInstance } from 'chalk';
import { ACTION_GLYPH, countChanges, isEmptyPlan, removesUserPool, summaryLine, type ChangePlan, type FieldChange, type ResourceChange } from '../plan/changes.js';
import { driftText } from '../plan/drift-text.js';
import { canonicalJson } from '../plan/field-diff.js';
import { stackOutputs } from '../state/outputs.js';
import { outputsJson } from '../state/outputs-schema.js';
import type { StateFile } from '../state/schema.js';
import type { ChangePlanReport, PlanJson } from './plan-schema.js';
import { historyLine, resourceName } from './render.js';

/**
 * A change to a resource of the user's (adopted) is never a create or a delete of it: securing their method changes
 * its authorization (`~`), and removing it from the stack puts back what it had.
 */
const THEIRS: Partial<Record<ResourceChange['kind'], Partial<Record<ResourceChange['action'], string>>>> = {
  'secured-method': { create: 'secure', delete: 'put back as it was' },
};

const WORD: Record<ResourceChange['action'], string> = {
  create: 'create', update: 'update in place', replace: 'replace', delete: 'delete', 'no-op': 'no change',
};

/** Top-level config keys that differ between two configurations. */
export function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

/** When each earlier configuration was replaced, and what changed then (newest last). */
export function configHistory(state: StateFile): ChangePlanReport['history'] {
  const configs = [...(state.history ?? []).map((h) => h.config), state.config];
  return (state.history ?? []).map((h, i) => ({ replacedAt: h.replacedAt, changed: changedKeys(h.config, configs[i + 1]!) }));
}

/** The plan as `plan --json` prints it: the report and the stack's outputs (one document, planJsonSchema). */
export function planJson(report: ChangePlanReport, state: StateFile, stateFile: string, offline: boolean): PlanJson {
  return { ...outputsJson(stackOutputs(state, stateFile)), ...report, offline };
}

export function planReport(state: StateFile, changes: ChangePlan, poolUsers: number | undefined): ChangePlanReport {
  const replacesPool = removesUserPool(changes);
  return {
    stack: state.stack, region: state.region, changes: changes.changes.map((c) => ({ ...c, fields: c.fields.map((f) => ({ ...f })), drift: c.drift.map((d) => ({ ...d })) })),
    counts: countChanges(changes), drifted: changes.changes.filter((c) => c.drift.length > 0).length,
    userPoolReplacement: replacesPool ? { users: poolUsers ?? null } : null, history: configHistory(state), empty: isEmptyPlan(changes),
  };
}

const show = (v: unknown): string => (v === null || v === undefined ? '(none)' : typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v));

function fieldLine(f: FieldChange, c: ChalkInstance): string {
  const line = `      ${f.path}: ${show(f.before)} → ${show(f.after)}`;
  return f.forcesReplace ? c.red(`${line} (requires replacement)`) : line;
}

function paint(action: ResourceChange['action'], text: string, c: ChalkInstance): string {
  if (action === 'create') return c.green(text);
  if (action === 'update') return c.yellow(text);
  if (action === 'delete' || action === 'replace') return c.red(text);
  return text;
}

/** The plan as terraform plan / cdk diff show one: drift apart, then each change with its glyph, then the counts. */
/** `stackArgs`: `--stack NAME` and the flags that reach the stack, for the command the plan names. */
export function renderPlan(report: ChangePlanReport, c: ChalkInstance, stackArgs = ''): string {
  const lines: string[] = [];
  const drifted = report.changes.filter((x) => x.drift.length > 0);
  if (drifted.length) {
    lines.push(c.bold('Changed outside secure-api (read live now):'));
    for (const d of drifted) {
      lines.push(`  ${resourceName(d)}`);
      for (const s of d.drift) lines.push(c.yellow(`      ${driftText(s)}`));
    }
    lines.push(c.dim(`  \`secure-api init${stackArgs ? ` ${stackArgs}` : ''}\` puts these back as recorded (shown below as updates or creates).`), '');
  }
  const todo = report.changes.filter((x) => x.action !== 'no-op');
  if (!todo.length) {
    lines.push(drifted.length ? 'No changes secure-api can make; the drift above stays as it is.' : 'No changes. The stack matches the configuration.');
    return lines.join('\n');
  }
  lines.push(c.bold(`secure-api will change stack ${report.stack} (${report.region}):`));
  for (const x of todo) {
    const theirs = THEIRS[x.kind]?.[x.action];
    lines.push(theirs
      ? c.yellow(`  ${'~'.padEnd(3)} ${theirs}  ${resourceName(x)}`) + c.dim(`  (${x.reason})`)
      : paint(x.action, `  ${ACTION_GLYPH[x.action].padEnd(3)} ${WORD[x.action]}  ${resourceName(x)}`, c) + c.dim(`  (${x.reason})`));
    for (const f of x.fields) lines.push(fieldLine(f, c));
    const replaced = x.action === 'create' ? x.fields.find((f) => f.path === 'authorizationType' && f.before !== 'NONE' && f.before !== null) : undefined;
    if (replaced) {
      const was = x.fields.find((f) => f.path === 'authorizer')?.before;
      lines.push(c.yellow(`      ! replaces its ${String(replaced.before)} authorization${was ? ` (authorizer ${String(was)})` : ''}: callers that send what it checked are refused from now on; they need a token of this pool`));
    }
    if (x.kind === 'user-pool' && (x.action === 'replace' || x.action === 'delete')) {
      const users = report.userPoolReplacement?.users;
      lines.push(c.red.bold(`      The pool is deleted${x.action === 'replace' ? ' and made anew' : ''}: ${users === null || users === undefined ? 'all its' : `its ${users}`} user${users === 1 ? '' : 's'} and their passwords are lost.`));
    }
  }
  const changed = historyLine(report.history, c);
  if (changed) lines.push('', changed);
  lines.push('', summaryLine({ changes: report.changes }));
  return lines.join('\n');
}
