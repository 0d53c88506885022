import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { ResourceKind } from '../resources/types.js';
import type { ConfigHistory, ResourceState, ResourceStatus, StackList, StatusReport } from './schema.js';

/** How a kind reads in the table (JSON keeps the kind itself). */
const TITLE: Record<ResourceKind, string> = {
  'iam-role': 'IAM role', 'log-group': 'log group', 'lambda-function': 'function', 'lambda-permission': 'permission', 'rest-api': 'REST API',
  'api-resource': 'resource', 'api-method': 'method', 'cors-preflight': 'CORS', 'gateway-response': 'gateway response',
  'authorizer': 'authorizer', 'deployment': '', 'stage-setting': '', 'user-pool': 'user pool', 'identity-provider': 'identity provider', 'resource-server': 'resource server', 'user-pool-group': 'group',
  'user-pool-client': 'app client', 'user-pool-domain': 'hosted UI domain',
  'existing-rest-api': 'REST API (theirs)', 'existing-api-resource': 'resource (theirs)', 'existing-stage': 'stage (theirs)',
  'existing-authorizer': 'authorizer (theirs)', 'secured-method': 'method (theirs, secured)', 'stage-redeploy': '',
  'existing-user-pool': 'user pool (theirs)', 'existing-user-pool-client': 'app client (theirs)',
};

export function resourceName(r: Pick<ResourceStatus, 'kind' | 'label'>): string {
  return [TITLE[r.kind], r.label].filter(Boolean).join(' ');
}

const MARK: Record<ResourceState, string> = {
  present: '✓ present', missing: '✗ missing', drifted: '✗ drifted', error: '? not read', unfinished: '✗ unfinished', unchecked: '· recorded',
};

function paint(state: ResourceState, text: string, c: ChalkInstance): string {
  if (state === 'present') return c.green(text);
  if (state === 'drifted' || state === 'unfinished') return c.yellow(text);
  if (state === 'missing' || state === 'error') return c.red(text);
  return c.dim(text);
}

/**
 * Column widths that fit `width`: natural widths when they fit, else each column but the last is capped at its
 * share (never below `min`) and the last one (the longest prose) takes the rest. Widths include cli-table3's padding.
 */
export function fitColumns(rows: string[][], width: number, shares: number[], min: number[] = []): number[] | undefined {
  const natural = shares.map((_, i) => Math.max(...rows.map((r) => Math.max(...(r[i] ?? '').split('\n').map((l) => l.length)))) + 2);
  const borders = shares.length + 1;
  if (natural.reduce((a, b) => a + b, 0) + borders <= width) return undefined;
  const room = Math.max(width - borders, shares.length * 8);
  const widths = shares.map((share, i) => Math.min(natural[i]!, Math.max(min[i] ?? 8, Math.floor(room * share))));
  widths[widths.length - 1] = Math.max(8, room - widths.slice(0, -1).reduce((a, b) => a + b, 0));
  return widths;
}

/** Notes wrapped to a terminal's width at spaces (as they are when the width is unknown: a pipe, a file). */
export const wrappedNotes = (notes: readonly string[], columns: number | undefined): string[] =>
  notes.map((n) => (columns ? wrapText(n, columns) : n));

/** Wrap text to `width` columns at spaces, cutting only words longer than a line (ids and ARNs are never truncated). */
export function wrapText(text: string, width: number): string {
  const w = Math.max(4, width);
  return text.split('\n').map((line) => {
    // A "- " bullet continues under its text, not under the dash.
    const indent = line.startsWith('- ') ? '  ' : '';
    const lines: string[] = [];
    let cur = '';
    for (const word of line.split(' ')) {
      const candidate = cur === '' ? word : `${cur} ${word}`;
      if (candidate.length <= w) {
        cur = candidate;
        continue;
      }
      if (cur !== '') lines.push(cur);
      let rest = indent + word;
      while (rest.length > w) {
        lines.push(rest.slice(0, w));
        rest = indent + rest.slice(w);
      }
      cur = rest;
    }
    lines.push(cur);
    return lines.join('\n');
  }).join('\n');
}

function table(head: string[], rows: string[][], c: ChalkInstance, width: number, shares: number[], opts: { min?: number[]; paint?: (i: number, cells: string[]) => string[] } = {}): string {
  const colWidths = fitColumns([head, ...rows], width, shares, opts.min);
  const t = new Table({
    head: head.map((h, j) => c.bold(colWidths ? wrapText(h, colWidths[j]! - 2) : h)),
    style: { head: [], border: [], compact: true },
    ...(colWidths ? { colWidths } : {}),
  });
  rows.forEach((r, i) => {
    const cells = colWidths ? r.map((cell, j) => wrapText(cell, colWidths[j]! - 2)) : r;
    t.push(opts.paint ? opts.paint(i, cells) : cells);
  });
  return t.toString();
}

function stateCell(r: ResourceStatus): string {
  return [MARK[r.state], ...r.problems.map((p) => `- ${p}`)].join('\n');
}

function summaryLine(rep: StatusReport): string {
  const n = rep.counts;
  if (!rep.live) return `From the state file only (--offline): ${n.total} resources recorded, nothing checked against AWS.`;
  const parts = [`${n.present} present`];
  for (const s of ['missing', 'drifted', 'unfinished', 'error'] as const) if (n[s] > 0) parts.push(`${n[s]} ${s === 'error' ? 'not read' : s}`);
  return `Checked live at ${rep.checkedAt ?? '?'}: ${n.total} resources, ${parts.join(', ')}.`;
}

/** Table width when the output is not a terminal (a pipe, a file): readable in a pager or a CI log. */
const DEFAULT_WIDTH = 100;

/** The status of one stack for people: header, table, problems with their fixes, URLs, notes, next commands. */
/** The line `plan` and `status` print about the newest kept configuration change, or undefined when none. */
export function historyLine(history: ConfigHistory, c: ChalkInstance): string | undefined {
  const last = history.at(-1);
  return last ? c.dim(`Configuration last changed ${last.replacedAt} (${last.changed.join(', ') || 'no top-level key'}).`) : undefined;
}

/** `stackArgs`: `--stack NAME` and the flags that reach the stack, for the commands the text names. */
export function renderReport(rep: StatusReport, c: ChalkInstance, width: number = DEFAULT_WIDTH, stackArgs = `--stack ${rep.stack}`): string {
  const out: string[] = [];
  const open = rep.urls.routes.filter((r) => r.servedOpen).map((r) => `${r.method} ${r.path}`);
  const verdict = rep.ok === null ? '' : rep.ok ? c.green('✓ secured and complete')
    : open.length > 0 ? c.red(`✗ NOT SECURED: ${open.join(', ')} answer${open.length === 1 ? 's' : ''} without a token`) : c.red('✗ needs attention');
  out.push(`Stack ${c.bold(rep.stack)} · account ${rep.account} · ${rep.region}`);
  if (verdict) out.push(verdict);
  out.push(`Created ${rep.createdAt}${rep.complete ? '' : c.yellow(' (init did not finish)')} · state file ${rep.stateFile}`);
  const changed = historyLine(rep.history, c);
  if (changed) out.push(changed);
  out.push(summaryLine(rep), '');

  // Narrow terminals get two columns (the id under the name), so ids are never cut.
  const narrow = width < 90;
  const nameAndId = (r: ResourceStatus) => (r.physicalId && r.physicalId !== r.label ? `${resourceName(r)}\n${r.physicalId}` : resourceName(r));
  const rows = rep.resources.map((r) => (narrow ? [nameAndId(r), stateCell(r)] : [resourceName(r), r.physicalId, stateCell(r)]));
  const paintState = (i: number, cells: string[]) => [...cells.slice(0, -1), paint(rep.resources[i]!.state, cells[cells.length - 1]!, c)];
  out.push(narrow
    ? table(['resource / id', 'state'], rows, c, width, [0.5, 0.5], { min: [30], paint: paintState })
    : table(['resource', 'id', 'state'], rows, c, width, [0.34, 0.22, 0.44], { min: [20, Math.min(30, 2 + Math.max(0, ...rep.resources.map((r) => r.physicalId.length)))], paint: paintState }));

  // When a secured route is served open, the stage's fix closes it at once: it comes first.
  const anyOpen = rep.urls.routes.some((r) => r.servedOpen);
  const urgent = (r: ResourceStatus) => (anyOpen && r.kind === 'deployment' ? 0 : 1);
  const problems = rep.resources.filter((r) => r.fix).sort((a, b) => urgent(a) - urgent(b));
  if (problems.length > 0) {
    out.push('', c.bold(`To fix (${problems.length}):`));
    for (const r of problems) {
      out.push(`${paint(r.state, MARK[r.state].split(' ')[0]!, c)} ${resourceName(r)}${r.impact ? `: ${r.impact}` : ''}`);
      out.push(`  ${r.fix!.summary}`);
      for (const cmd of r.fix!.commands) out.push(`    ${cmd}`);
    }
  }

  out.push('');
  if (rep.urls.invoke) out.push(`${c.bold('Invoke URL')}  ${rep.urls.invoke}`);
  for (const r of rep.urls.routes) {
    const fine = r.state === 'present' || r.state === 'unchecked';
    const how = r.servedOpen ? c.red('(OPEN: no token needed)') : fine ? c.dim(r.secured ? '(secured)' : '(public)') : paint(r.state, `(${r.state})`, c);
    out.push(`  ${r.method.padEnd(7)}${r.url}  ${how}`);
  }
  if (rep.urls.hostedUiLogin) out.push(`${c.bold('Hosted UI login')}  ${rep.urls.hostedUiLogin}`);
  if (rep.urls.jwks) out.push(`${c.bold('JWKS')}  ${rep.urls.jwks}`);
  if (rep.token?.use === 'access') {
    const login = `\`secure-api token --login --access ${stackArgs}\``;
    const how = rep.token.machine ? `\`secure-api token --machine ${stackArgs}\`, or a user's through the hosted UI: ${login}` : login;
    out.push(`Send an ${c.bold('access token')} with scope ${rep.token.scopes.join(' or ')} in the Authorization header (${how}); the id token is refused.`);
  } else if (rep.ids.userPoolId) out.push(`Send the ${c.bold('id token')} in the Authorization header (an access token is refused unless scopes are set).`);

  if (rep.notes.length > 0) out.push('', c.bold('Notes:'), ...rep.notes.map((n) => `  ${n}`));
  if (rep.next.length > 0) {
    out.push('', c.bold('Next:'));
    const pad = Math.max(...rep.next.map((s) => s.command.length));
    // Side by side when it fits; else the reason above its command, so the command stays whole for copying.
    if (pad + 4 + Math.max(...rep.next.map((s) => s.why.length)) <= width) for (const s of rep.next) out.push(`  ${s.command.padEnd(pad)}  ${c.dim(s.why)}`);
    else for (const s of rep.next) out.push(`  ${c.dim(`# ${s.why}`)}`, `  ${s.command}`);
  }
  return out.join('\n');
}

/** Several stacks in the state directory: one line each. */
/** `reach`: the flags the printed command needs beside --stack (the backend's args). */
export function renderStackList(list: StackList, c: ChalkInstance, width: number = DEFAULT_WIDTH, reach = ''): string {
  const rows = list.stacks.map((s) => [
    s.stack, s.region ?? '?', s.createdAt ? `${s.createdAt.slice(0, 16).replace('T', ' ')} UTC` : '?',
    s.error ? 'unreadable' : `${s.resources}${s.complete ? '' : ' (unfinished)'}`,
  ]);
  const unreadable = list.stacks.filter((s) => s.error).map((s) => `${c.red('✗')} ${s.stack}: ${s.error ?? ''}`);
  return [
    `${list.stacks.length} stack${list.stacks.length === 1 ? '' : 's'} in ${list.stateDir}:`,
    table(['stack', 'region', 'created', 'resources'], rows, c, width, [0.25, 0.2, 0.3, 0.25], { min: [10, 11, 22] }),
    ...(unreadable.length > 0 ? ['', ...unreadable] : []),
    '',
    `Pick one: ${c.bold(`secure-api status --stack ${list.stacks[0]?.stack ?? 'NAME'}${reach}`)}`,
  ].join('\n');
}
