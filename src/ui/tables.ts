import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { Plan } from '../plan/specs.js';
import { createCalls } from '../plan/calls.js';
import type { StackOutputs } from '../state/outputs.js';
import { visible, wrap } from './wrap.js';


/** Break words longer than `max` after a ':', '/', '-' or '_' (else anywhere), so the table wraps them instead of cutting them with "…". */
function breakLongWords(text: string, max: number): string {
  if (max < 4 || text.includes('\x1b')) return text;
  return text.split('\n').map((line) => line.split(' ').map((word) => {
    const parts: string[] = [];
    let rest = word;
    while (rest.length > max) {
      const window = rest.slice(0, max);
      const at = Math.max(window.lastIndexOf(':'), window.lastIndexOf('/'), window.lastIndexOf('-'), window.lastIndexOf('_'));
      const cut = at > 0 ? at + 1 : max;
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    parts.push(rest);
    return parts.join('\n');
  }).join(' ')).join('\n');
}

/**
 * A table that fits the terminal: rendered at its natural size, and when that is wider than `width`, again with
 * the widest columns narrowed first (cells wrap at word boundaries).
 */
export function table(head: string[], rows: string[][], c: ChalkInstance, width?: number): string {
  const render = (colWidths?: number[]) => {
    const cells = colWidths ? rows.map((r) => r.map((cell, i) => breakLongWords(cell, (colWidths[i] ?? 8) - 2))) : rows;
    const t = new Table({
      head: head.map((h) => c.bold(h)),
      style: { head: [], border: [], compact: true },
      wordWrap: true,
      wrapOnWordBoundary: true,
      ...(colWidths ? { colWidths } : {}),
    });
    for (const r of cells) t.push(r);
    return t.toString();
  };
  const natural = render();
  if (!width || Math.max(...natural.split('\n').map(visible)) <= width) return natural;
  // Natural width of each column: its longest cell line, plus padding.
  const cols = head.map((h, i) => Math.max(visible(h), ...rows.map((r) => Math.max(0, ...(r[i] ?? '').split('\n').map(visible)))) + 2);
  // Narrow the widest column, one character at a time, until the table fits: short columns keep their width.
  const budget = Math.max(head.length * 6, width - head.length - 1);
  const fitted = [...cols];
  for (let total = fitted.reduce((a, b) => a + b, 0); total > budget; total--) {
    const widest = fitted.indexOf(Math.max(...fitted));
    if (fitted[widest]! <= 6) break;
    fitted[widest]!--;
  }
  return render(fitted);
}

/** The plan as people read it: what will be created, and what must exist first. */
export function planTable(plan: Plan, c: ChalkInstance, opts: { calls?: boolean; width?: number } = {}): string {
  const labelOf = new Map(plan.nodes.map((n) => [n.id, `${n.kind} ${n.label}`]));
  const deps = (n: Plan['nodes'][number]) => (n.deps.length > 4 ? `${n.deps.length} resources`
    : n.deps.map((d) => labelOf.get(d)?.split(' ').slice(1).join(' ') ?? d).join(', '));
  const head = ['resource', 'name', 'depends on', ...(opts.calls ? ['AWS calls'] : [])];
  const rows = plan.nodes.map((n) => [n.kind, n.label, deps(n), ...(opts.calls ? [createCalls(n).join('\n')] : [])]);
  const full = table(head, rows, c);
  if (!opts.calls || !opts.width || Math.max(...full.split('\n').map(visible)) <= opts.width) return opts.width ? table(head, rows, c, opts.width) : full;
  // Too narrow for four columns: the AWS call names keep a column of their own (whole), the rest shares one.
  const compact = plan.nodes.map((n) => [`${n.kind} ${n.label}${n.deps.length ? `\n${c.dim(`after ${deps(n)}`)}` : ''}`, createCalls(n).join('\n')]);
  return table(['resource', 'AWS calls'], compact, c, opts.width);
}

/** A sentence wrapped at spaces to the terminal, as it is when the width is unknown. */
const prose = (text: string, columns: number | undefined): string => (columns ? wrap(text, columns) : text);

/** What to call and what to do next, after init and in status. */
/** `opts.reach`: the flags the Next commands carry beside --stack to reach this stack (the backend's args). */
export function outputsText(o: StackOutputs, c: ChalkInstance, opts: { next?: boolean; reach?: string; columns?: number | undefined } = {}): string {
  const lines: string[] = [];
  if (o.invokeUrl) lines.push(`${c.bold('Invoke URL')}   ${o.invokeUrl}`);
  for (const r of o.routes) lines.push(`  ${r.method.padEnd(6)} ${r.url}${r.secured ? '' : c.dim('  (public)')}`);
  if (o.userPoolId) lines.push(`${c.bold('User pool')}    ${o.userPoolId}`);
  if (o.userPoolClientId) lines.push(`${c.bold('App client')}   ${o.userPoolClientId}`);
  if (o.authorizerId) lines.push(`${c.bold('Authorizer')}   ${o.authorizerId}`);
  if (o.functionName) lines.push(`${c.bold('Function')}     ${o.functionName}`);
  if (o.hostedUiUrl) lines.push(`${c.bold('Hosted UI')}    ${o.hostedUiUrl}`);
  if (o.jwksUrl) lines.push(`${c.bold('JWKS')}         ${o.jwksUrl}`);
  lines.push(`${c.bold('State file')}   ${o.stateFile}`);
  if (o.userPoolId && o.methodScopes?.length) {
    const at = `--stack ${o.stack}${opts.reach ?? ''}`;
    const login = `\`secure-api token --login --access ${at}\``;
    const how = o.machineClientId ? `\`secure-api token --machine ${at}\`, or a user's through the hosted UI: ${login}` : login;
    lines.push('', prose(`Send an ${c.bold('access token')} with scope ${o.methodScopes.join(' or ')} in the Authorization header (${how}); the id token is refused.`, opts.columns));
  } else if (o.userPoolId) lines.push('', prose(`Send the ${c.bold('id token')} in the Authorization header (an access token is refused unless scopes are set).`, opts.columns));
  if (opts.next !== false) lines.push('', nextStepsText(stackNextSteps(o.stack, opts.reach, { machine: Boolean(o.machineClientId) }), opts.columns));
  return lines.join('\n');
}

/** The steps after init or status, as [command, what it does]. */
export function stackNextSteps(stack: string, stateArgs = '', o: { machine?: boolean } = {}): Array<[string, string]> {
  return [
    o.machine
      ? [`secure-api token --machine --stack ${stack}${stateArgs}`, 'an access token with the methods\' scopes (client credentials)']
      : [`secure-api token --stack ${stack}${stateArgs}`, 'an id token for a user of the pool'],
    [`secure-api verify --stack ${stack}${stateArgs}`, 'prove: 401 without a token, 2xx with one'],
    [`secure-api status --stack ${stack}${stateArgs}`, 'what exists, live'],
    [`secure-api destroy --stack ${stack}${stateArgs}`, 'remove it all'],
  ];
}

/** A "Next:" block, commands aligned; printed last, so it is what the reader sees when the command ends. */
export function nextStepsText(steps: Array<[string, string]>, columns?: number): string {
  const width = Math.max(...steps.map(([cmd]) => cmd.length));
  // A row wider than the terminal puts what the command does under it rather than past the edge.
  const row = ([cmd, what]: [string, string]): string => {
    const one = `  ${cmd.padEnd(width)}   ${what}`;
    return columns && one.length > columns ? `  ${cmd}\n      ${what}` : one;
  };
  return ['Next:', ...steps.map(row)].join('\n');
}
