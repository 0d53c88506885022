import { z } from 'zod';
import { countOf } from '../ui/count.js';
import { commonOptionsSchema } from './common-options.js';
import { CheckFailed, ExitCode, UsageError } from '../errors.js';
import { secretsShowable } from '../ui/output.js';
import { nextStepsText, table } from '../ui/tables.js';
import { markOf, type CheckRow } from '../verify/checks.js';
import { checkCommon, makeUi, type CommandEnv, type Ui } from './env.js';
import { requirePool, routeTargets, stackTarget } from './stack-target.js';
import { reachStack } from './stack-session.js';
import { loadStack } from './stack-state.js';
import { apiKeysOf, stagePolicyOf, verifyStack, type VerifyOutcome } from '../usecases/verify-stack.js';

export const verifyOptionsSchema = commonOptionsSchema.extend({
  keepUser: z.boolean().optional(),
  /** No user is created: only the checks that need none (no token, a forged token, CORS, what each stage serves). For CI on a pool others own. */
  readOnly: z.boolean().optional(),
  /** Make the test user even on a pool whose Lambda triggers it sets off (issue 25.7). */
  allowTriggers: z.boolean().optional(),
});
export type VerifyOptions = z.infer<typeof verifyOptionsSchema>;

const NO_ANSWER: ReadonlySet<string> = new Set(['refused', 'dns', 'timeout', 'network']);

/** The table (failures first, a call that got through without a valid token in red), the notes, the verdict. */
export function renderVerify(out: VerifyOutcome, ui: Ui, columns?: number): void {
  const { c } = ui;
  const { report } = out;
  const paint = (row: CheckRow, s: string): string => (row.ok ? s : row.severity === 'critical' ? c.red(s) : row.severity === 'error' ? c.yellow(s) : c.dim(s));
  ui.out(table(['route', 'method', 'check', 'expected', 'got', ''], report.rows.map((row) =>
    [row.route, row.method, row.check, row.expected, row.got, markOf(row)].map((cell) => paint(row, cell))), c, columns));
  const notes = new Map<string, string[]>();
  for (const row of report.rows) {
    if (!row.note || (row.ok && row.severity !== 'info')) continue;
    // A note about what the API answered says nothing when no answer came.
    if (row.answer && NO_ANSWER.has(row.answer)) continue;
    notes.set(row.note, [...(notes.get(row.note) ?? []), `${row.method} ${row.route}`]);
  }
  if (notes.size) {
    ui.out('');
    for (const [note, where] of notes) {
      // Wrapped at spaces to the terminal like the rest of the report (a note cut mid-word at 80 columns reads badly).
      const text = wrap(`• ${note} (${where.length > 3 ? countOf(where.length, 'method') : where.join(', ')})`, columns, '', '  ');
      ui.out(text.replace(/^•/, c.dim('•')));
    }
  }
  if (report.explanations.length) {
    ui.out(`\n${c.bold('The token was refused. Usual causes:')}`);
    for (const e of report.explanations) ui.out(`  - ${e}`);
  }
  if (report.diagnoses.length) {
    ui.out(`\n${c.bold('What the answers mean:')}`);
    for (const d of report.diagnoses) {
      const where = d.where.length > 3 ? `${d.where.slice(0, 2).join(', ')} and ${d.where.length - 2} more` : d.where.join(', ');
      ui.out(c.yellow(wrap(`${d.answer} (${where})`, columns, '  ', '    ')));
      ui.out(wrap(d.meaning, columns, '    '));
      ui.out(wrap(`→ ${d.action}`, columns, '    ', '      '));
      if (d.settled) ui.out(c.dim(wrap(`(${d.settled}: waiting could not change it)`, columns, '    ')));
    }
  }
  if (out.skipped) ui.out(`\n${wrap(`${c.yellow('!')} ${out.skipped}`, columns, '', '  ')}`);
  const v = report.verdict;
  if (v.unproven.length) {
    ui.out(`\n${c.bold('Not proven unattended (no 2xx shown):')}`);
    for (const u of v.unproven) {
      ui.out(c.yellow(wrap(`${u.method} ${u.route}: ${u.why}`, columns, '  ', '    ')));
      const giveKey = /^aws apigateway create-usage-plan/.test(u.command);
      ui.out(wrap(giveKey ? `→ give it an API key: ${u.command}; then run verify again`
        : / token /.test(u.command) ? `→ prove it by hand: ${u.command}, then call it with that token (secure-api export curl)` : `→ prove it: ${u.command}`, columns, '    ', '      '));
    }
  }
  const waited = report.waitedMs > 0 ? ` (waited ${(report.waitedMs / 1000).toFixed(1)}s for the deployment)` : '';
  const onlyUnproven = !v.ok && v.critical === 0 && v.errors === 0;
  const text = wrap(`${onlyUnproven ? '!' : v.ok ? '✓' : '✗'} ${v.summary}${waited}`, columns, '', '  ');
  const verdict = onlyUnproven ? c.yellow(text) : v.ok ? c.green(text) : v.critical ? c.red.bold(text) : c.red(text);
  ui.out(`\n${verdict}`);
  if (v.critical) ui.out(wrap(LEAK_HINT, columns, '  '));
  for (const line of out.access?.lines ?? []) ui.out(wrap(line, columns, '  ', '    '));
}

/** Word-wrap prose to the terminal, each line indented; unwrapped when the width is unknown (a pipe). */
function wrap(text: string, columns: number | undefined, indent: string, next = indent): string {
  if (!columns) return `${indent}${text}`;
  const width = Math.max(40, columns - 1);
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.trim() && line.length + 1 + word.length > width) {
      lines.push(line);
      line = next + word;
    } else line = line.trim() ? `${line} ${word}` : `${line}${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** What to run after verify: on failure the look at the stack and the re-check; otherwise the next steps of the walkthrough. */
export function verifyNextSteps(out: VerifyOutcome): Array<[string, string]> {
  const s = `--stack ${out.stack}${out.reach ?? ''}`;
  const v = out.report.verdict;
  if (!v.ok && v.critical === 0 && v.errors === 0) {
    const commands = [...new Set(v.unproven.map((u) => u.command))];
    const byHand = commands.some((cmd) => / token /.test(cmd));
    return [
      ...commands.map((cmd): [string, string] => [cmd, / token /.test(cmd) ? 'sign in by hand for the methods not proven' : 'prove the methods not proven'] ),
      ...(byHand ? [[`secure-api export curl ${s}`, 'then call them with that token: the 2xx by hand'] as [string, string]] : []),
      [`secure-api destroy ${s}`, 'remove it all'],
    ];
  }
  if (!v.ok) {
    return [
      [`secure-api status ${s}`, 'what exists, live, and what drifted'],
      [`secure-api verify ${s}`, 'the proof again, once fixed'],
      [`secure-api export curl ${s}`, 'the calls, to try by hand'],
    ];
  }
  return [
    [`secure-api token ${s}`, 'an id token for a user of the pool'],
    [`secure-api export postman ${s}`, 'a Postman collection + environment'],
    [`secure-api destroy ${s}`, 'remove it all'],
  ];
}

export function verifyJson(out: VerifyOutcome): unknown {
  return {
    stack: out.stack, invokeUrl: out.baseUrl, ok: out.report.verdict.ok, verdict: out.report.verdict,
    rows: out.report.rows, explanations: out.report.explanations, diagnoses: out.report.diagnoses, waitedMs: out.report.waitedMs, testUser: out.testUser,
    ...(out.skipped ? { skipped: out.skipped } : {}),
    ...(out.triggers ? { triggers: { fired: out.triggers.fired, allowed: out.triggers.allowed } } : {}),
    ...(out.access ? { access: { selfSignUp: out.access.selfSignUp ?? null, anyClientOfThePool: true, existingPool: out.access.existingPool, ...(out.access.restricted ? { restricted: out.access.restricted } : {}) } } : {}),
  };
}

const LEAK_HINT = 'A call without a valid token reached the backend: make sure every secured method has the Cognito authorizer, and that the stage was redeployed after it was attached.';

/**
 * Exit 1 when a check failed. As text, the verdict and the Next block already said it all (and Next stays the last
 * thing printed), so the code is returned; with --json the failure is an error as well.
 */
export function verifyExit(out: VerifyOutcome, mode: Ui['mode']): number {
  const v = out.report.verdict;
  if (v.ok) return ExitCode.ok;
  if (mode !== 'json') return ExitCode.aws;
  throw new CheckFailed(v.summary, ExitCode.aws, v.critical ? LEAK_HINT : undefined);
}

export async function runVerify(o: VerifyOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  if (o.readOnly && o.keepUser) throw new UsageError('--keep-user keeps the test user, and --read-only creates none: give one or the other');
  // The kept user's password is shown once, on a terminal only: never in --json, a pipe or a CI log (issue 25.7).
  if (o.keepUser && !secretsShowable(o, env, env.env)) {
    throw new UsageError('--keep-user shows the kept test user\'s password, and only on a terminal (not with --json, a pipe or CI)',
      'For a user that stays, give it a password of your own: printf \'%s\\n\' "$PASSWORD" | secure-api users add NAME --password-stdin');
  }
  const ui = await makeUi(env, o.json);
  const t = stackTarget(o, env, await loadStack(o, env));
  if (!o.readOnly) requirePool(t);
  routeTargets(t);
  const { clients } = await reachStack(o, env, t.loaded.state, ui.reporter);
  const out = await verifyStack(t, clients.cognito, env, ui, { keepUser: o.keepUser, readOnly: o.readOnly, allowTriggers: o.allowTriggers, stagePolicy: stagePolicyOf(t, clients, env, ui), apiKeys: apiKeysOf(t, clients) });
  if (ui.mode === 'json') ui.json(verifyJson(out));
  else {
    renderVerify(out, ui, env.stdout.columns);
    ui.out(`\n${nextStepsText(verifyNextSteps(out), env.stdout.columns)}`);
  }
  return verifyExit(out, ui.mode);
}
