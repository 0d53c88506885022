/**
 * `npm run reliability`: run the reliability suites (test/reliability) and print the figures the README quotes —
 * tests, scenarios, faults survived, CLI runs, resources left — as a Markdown table on stdout. vitest's own
 * progress goes to stderr. Exit code: vitest's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURES_DIR, type SuiteFigures } from './support/figures.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** Where vitest.config.ts has its JSON reporter write. */
const REPORT = join(ROOT, 'test-results/vitest.json');

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: Array<{ status: string }> }>;
}

rmSync(FIGURES_DIR, { recursive: true, force: true });
rmSync(REPORT, { force: true });
const started = Date.now();
const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/reliability'],
  { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr], env: process.env });
const wall = Date.now() - started;

if (!existsSync(REPORT)) {
  process.stderr.write('No vitest report was written: the run did not get that far.\n');
  process.exit(run.status ?? 1);
}
const report = JSON.parse(readFileSync(REPORT, 'utf8')) as VitestReport;
const byFile = new Map(report.testResults.map((r) => [basename(r.name, '.test.ts'), r]));
const suites = readdirSync(FIGURES_DIR).filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as SuiteFigures)
  .sort((a, b) => a.suite.localeCompare(b.suite));

const DESCRIBE: Record<string, string> = {
  'bad-input': 'bad-input corpus: exit 2, problem named, 0 AWS calls',
  'fault-matrix': 'killed right after each call took effect (init, destroy)',
  interrupt: 'Ctrl-C at each call of init and destroy (in-process)',
  orphans: 'state file lost: status/destroy --orphans',
  'permanent-errors': 'AccessDenied, taken domain prefix, quotas',
  policy: 'least-privilege policy covers every call made',
  secrets: 'secret scan of state, .bak, output, --json, exports',
  signals: 'SIGINT/SIGTERM/SIGKILL to the process; two runs at once',
  sigkill: 'SIGKILL at 14 seeded moments of init (process)',
  'state-file': 'corrupt/truncated/future state, locks, atomic writes',
  throttling: '20% throttling (8 seeds), 5xx, bounded retries, pacing',
};

const rows = suites.map((f) => {
  const r = byFile.get(f.suite);
  const tests = r?.assertionResults.length ?? 0;
  const failed = r?.assertionResults.filter((a) => a.status === 'failed').length ?? 0;
  const secs = r ? ((r.endTime - r.startTime) / 1000).toFixed(1) : '?';
  return { f, tests, failed, secs };
});
const total = rows.reduce((t, r) => ({
  tests: t.tests + r.tests, failed: t.failed + r.failed, cases: t.cases + r.f.cases, faults: t.faults + r.f.faults,
  runs: t.runs + r.f.runs, left: t.left + r.f.resourcesLeft,
}), { tests: 0, failed: 0, cases: 0, faults: 0, runs: 0, left: 0 });

const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const out = [
  line(['suite', 'what', 'tests', 'scenarios', 'faults survived', 'CLI runs', 'resources left', 'seconds']),
  line(['---', '---', '--:', '--:', '--:', '--:', '--:', '--:']),
  ...rows.map(({ f, tests, failed, secs }) => line([
    f.suite, DESCRIBE[f.suite] ?? '', failed ? `${tests} (${failed} failed)` : tests, f.cases, f.faults, f.runs, f.resourcesLeft, secs,
  ])),
  line(['**total**', '', `**${total.tests}**${total.failed ? ` (${total.failed} failed)` : ''}`, `**${total.cases}**`, `**${total.faults}**`, `**${total.runs}**`, `**${total.left}**`, `${(wall / 1000).toFixed(0)} (wall)`]),
];
process.stdout.write(`${out.join('\n')}\n`);
for (const f of suites) if (f.note) process.stdout.write(`\n${f.suite}: ${f.note}.`);
if (suites.some((f) => f.note)) process.stdout.write('\n');
process.stdout.write(`\n${report.numPassedTests} passed, ${report.numFailedTests} failed; resources left after every destroy: ${total.left}.\n`);
process.exit(run.status ?? 1);
