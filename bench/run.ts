/**
 * `npm run bench`: provisioning against the stateful fake with a fixed latency on every call (real time), the IAM
 * wait, throttling, peak memory and start-up. Prints Markdown tables (pasted into the README's Performance section)
 * and exits 1 when a target is missed. Timing lives here, never in tests.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '../test/fakes/aws-fake.js';
import { compileMemoryChild } from './compile-child.js';
import { tempDir } from './in-process.js';
import { MAX_IN_FLIGHT, floorUnderRulesMs, planMetrics, shapeOf, type PlanMetrics, type Shape } from './plan-metrics.js';
import { provisionOnce, STACK, type ProvisionRun } from './provision.js';
import { measureStartup } from './startup.js';
import { max, median } from './stats.js';

// The SDK's Node-version notice is noise here (cli.ts silences it the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const D = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEQUENTIAL_RUNS = Number(process.env.BENCH_SEQUENTIAL_RUNS ?? 3);
const SLACK_MS = 500;
/** Under AWS's rules a stack is held to this multiple of its floor (issue #10: the 5 × 4 stack within 1.2×). */
const FLOOR_FACTOR = 1.2;
/** Under an IAM wait W the default stack is held to W + this. */
const IAM_SLACK_MS = 1_000;
/** The role-propagation retry in src/resources/lambda-function.ts: base 250 ms, capped at 2 s. */
const BACKOFF_CAP_MS = 2_000;
const MEMORY_LIMIT_MB = 150;
const STARTUP_RATIO = 1.5;
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 40);

const METHODS4 = ['GET', 'POST', 'PUT', 'DELETE'];
const DEFAULT: Shape = { name: 'default (1 resource × 2 methods)', routeFlags: [] };
const ONE_BY_FOUR = shapeOf('1 resource × 4 methods', ['/items'], METHODS4);
const FIVE_BY_FOUR = shapeOf('5 resources × 4 methods', ['/items', '/orders', '/users', '/reports', '/settings'], METHODS4);

interface Check { what: string; ok: boolean; note?: string }
const checks: Check[] = [];
const check = (what: string, ok: boolean, note?: string) => checks.push(note === undefined ? { what, ok } : { what, ok, note });

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const x = (r: number) => `${r.toFixed(1)}×`;
const out = (line = '') => process.stdout.write(`${line}\n`);
function table(head: string[], rows: string[][]): void {
  out(`| ${head.join(' | ')} |`);
  out(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  out();
}

async function repeat(n: number, f: (i: number) => Promise<ProvisionRun>): Promise<ProvisionRun[]> {
  const runs: ProvisionRun[] = [];
  for (let i = 0; i < n; i++) {
    const r = await f(i);
    if (r.code !== 0) throw new Error(`init exited ${r.code}:\n${r.stderr}`);
    runs.push(r);
  }
  return runs;
}

const peakOf = (runs: ProvisionRun[], service: ServiceName) => max(runs.map((r) => r.peak[service]));

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || String(cpus().length);
  return `${platform()} ${release()} · nproc ${nproc} · ${model} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · node ${process.version}`;
}

// ---------------------------------------------------------------------------------------------------------------

interface LatencyRow { shape: Shape; m: PlanMetrics; runs: ProvisionRun[]; sequentialRuns: ProvisionRun[]; speedupTarget?: number | undefined }

function latencyScenario(row: LatencyRow): string[] {
  const { m, runs } = row;
  const wall = median(runs.map((r) => r.ms));
  const calls = median(runs.map((r) => r.calls));
  const stated = (m.depth + 1) * D + SLACK_MS;
  // No schedule beats the longest chain of sequential calls, nor API Gateway's calls four at a time (+ STS first)...
  const floor = (Math.max(m.callDepth, m.apigatewayRounds) + 1) * D;
  // ...nor, on a real account, its writes to one REST API one at a time and its quota (plan-metrics.ts).
  const rulesFloor = floorUnderRulesMs(m, D);
  const statedReachable = rulesFloor <= stated;
  const bound = statedReachable ? stated : rulesFloor * FLOOR_FACTOR;
  // The baseline: the same init with every call waiting for the one before (its fixed waits included).
  const sequential = median(row.sequentialRuns.map((r) => r.ms));
  const speedup = sequential / wall;
  const bestSpeedup = sequential / rulesFloor;
  const statedSpeedup = row.speedupTarget;
  const speedupTarget = statedSpeedup === undefined ? undefined : bestSpeedup >= statedSpeedup ? statedSpeedup : sequential / bound;
  check(`${row.shape.name}: makes the plan's ${m.calls.length} calls`, runs.every((r) => r.calls === m.calls.length),
    runs.some((r) => r.calls !== m.calls.length) ? `made ${runs.map((r) => r.calls).join(', ')}` : undefined);
  check(`${row.shape.name}: init ≤ ${statedReachable ? '(depth + 1) × d + 0.5 s' : `${FLOOR_FACTOR} × floor under the rules (stated bound unreachable)`} = ${s(bound)}`,
    wall <= bound, `median ${s(wall)}, ${(wall / rulesFloor).toFixed(2)}× the floor`);
  check(`${row.shape.name}: no call refused by the rules (concurrent modification, quota)`, runs.every((r) => r.conflicts === 0 && r.quotaThrottled === 0),
    `conflicts ${runs.map((r) => r.conflicts).join(', ')}; throttled ${runs.map((r) => r.quotaThrottled).join(', ')}`);
  if (statedSpeedup !== undefined && speedupTarget !== undefined) {
    check(`${row.shape.name}: ≥ ${x(speedupTarget)} faster than sequential${speedupTarget < statedSpeedup ? ` (stated ${x(statedSpeedup)} unreachable under the rules: at most ${x(bestSpeedup)})` : ''}`,
      speedup >= speedupTarget, x(speedup));
  }
  return [
    row.shape.name, String(m.nodes), String(calls), `${m.depth} / ${m.callDepth}`, String(m.apigatewayCalls),
    `**${s(wall)}** (${s(Math.min(...runs.map((r) => r.ms)))}–${s(max(runs.map((r) => r.ms)))})`,
    `**${s(rulesFloor)}**`, `${(wall / rulesFloor).toFixed(2)}×`,
    `${s(stated)}${statedReachable ? '' : ' ✗ unreachable'}`, s(floor), s(bound), s(sequential),
    `**${x(speedup)}**${speedupTarget === undefined ? '' : ` (≥ ${x(speedupTarget)})`}`, String(peakOf(runs, 'apigateway')),
  ];
}

async function main(): Promise<void> {
  out(`### secure-api benchmark (${new Date().toISOString().slice(0, 10)})`);
  out();
  out(`Machine: ${machine()}. Against the stateful fake (test/fakes), with a fixed latency d = ${D} ms added to every`);
  out(`call in real time; \`init --yes --no-verify\` in-process (modules warmed by one unmeasured run); median of ${RUNS} runs.`);
  out();

  // Warm the module graph (SDK clients, handlers) so the first measured run does not pay for imports.
  await provisionOnce({ shape: DEFAULT, latencyMs: 0 });

  const all: ProvisionRun[] = [];
  const rows: LatencyRow[] = [];
  // The issue sets speed-up targets for 1 × 4 (3×) and 5 × 4 (6×); the default stack has the time bound only.
  for (const [shape, target] of [[DEFAULT, undefined], [ONE_BY_FOUR, 3], [FIVE_BY_FOUR, 6]] as const) {
    const runs = await repeat(RUNS, (i) => provisionOnce({ shape, latencyMs: D, seed: i + 1 }));
    const sequentialRuns = await repeat(SEQUENTIAL_RUNS, (i) => provisionOnce({ shape, latencyMs: D, seed: i + 1, oneCallAtATime: true }));
    all.push(...runs);
    rows.push({ shape, m: planMetrics(shape), runs, sequentialRuns, speedupTarget: target });
  }
  out(`#### Critical path (d = ${D} ms)`);
  out();
  table(
    ['stack', 'nodes', 'calls', 'depth nodes / calls', 'API GW calls (one REST API)', 'init wall, median (min–max)', 'floor under the rules',
      'wall / floor', 'stated bound (depth+1)·d+0.5 s', 'old floor (4 in flight, no rules)', 'bound used', 'sequential, measured',
      'speed-up (target)', 'API GW peak in flight'],
    rows.map(latencyScenario),
  );
  out('The fake is strict: a write to a REST API while another is in flight is refused (ConflictException, concurrent');
  out('modification), and API Gateway takes 10 calls a second with a burst of 40 (TooManyRequestsException). floor under the rules:');
  out('d for sts:GetCallerIdentity + max(depth in calls, API Gateway calls one at a time, what the quota lets through) × d;');
  out(`no schedule can beat it. Where the stated bound is below it, ${FLOOR_FACTOR} × that floor is the bound. old floor: the one before`);
  out('these rules, (max(depth in calls, API Gateway calls in rounds of 4) + 1) × d. sequential, measured: the same init with every call');
  out('(of any service) waiting for the one before, its fixed waits (the 250 ms before the first Active poll) included.');
  out();

  // IAM wait: CreateFunction refused for W after CreateRole; everything else must fit inside W.
  const iamRows: string[][] = [];
  for (const w of [2_000, 8_000]) {
    const runs = await repeat(RUNS, (i) => provisionOnce({ shape: DEFAULT, latencyMs: D, assumeWindowMs: w, seed: i + 1 }));
    all.push(...runs);
    const wall = median(runs.map((r) => r.ms));
    const overshoot = runs.map((r) => r.overshootMs ?? Number.NaN);
    const net = median(runs.map((r) => r.ms - (r.overshootMs ?? 0)));
    const stated = w + IAM_SLACK_MS;
    const inside = runs.every((r) => r.restInsideWait === true);
    check(`IAM wait ${w / 1000} s: init − backoff overshoot ≤ W + 1 s = ${s(stated)}`, net <= stated, `median ${s(net)}`);
    check(`IAM wait ${w / 1000} s: overshoot ≤ backoff cap + d`, max(overshoot) <= BACKOFF_CAP_MS + D, `max ${s(max(overshoot))}`);
    check(`IAM wait ${w / 1000} s: all API Gateway and Cognito calls inside the wait`, inside);
    iamRows.push([
      `${w / 1000} s`, `**${s(wall)}**`, `${s(stated)} ${wall <= stated ? '✓' : '✗'}`,
      `${s(median(overshoot))} (${s(Math.min(...overshoot))}–${s(max(overshoot))})`, `**${s(net)}** ${net <= stated ? '✓' : '✗'}`,
      inside ? 'yes' : 'no',
    ]);
  }
  out(`#### IAM wait (default stack, d = ${D} ms; CreateFunction refused until the role is W old)`);
  out();
  table(['W', 'init wall, median', 'W + 1 s', 'backoff overshoot, median (min–max)', 'init − overshoot', 'API GW + Cognito inside the wait'], iamRows);
  out('Backoff overshoot: from the moment the role became assumable to the CreateFunction that succeeded. The retry backs off');
  out(`from 250 ms to a ${BACKOFF_CAP_MS / 1000} s cap with jitter, so the first attempt after W lands up to one delay late; the bound is checked on the rest.`);
  out();

  // Throttling: 10% of all calls refused with the service's throttling error.
  // Not through repeat(): a run that fails here is a missed target, reported as such.
  const throttled: ProvisionRun[] = [];
  for (let i = 0; i < 3; i++) throttled.push(await provisionOnce({ shape: FIVE_BY_FOUR, latencyMs: D, throttle: 0.1, seed: 11 + i }));
  all.push(...throttled);
  check('10% throttled: every run completes', throttled.every((r) => r.code === 0));
  out(`#### Throttling (${FIVE_BY_FOUR.name}, d = ${D} ms, 10% of calls throttled)`);
  out();
  table(['run', 'calls (attempts)', 'throttled (injected)', 'refused by the rules (conflict / quota)', 'init wall', 'result'],
    throttled.map((r, i) => [String(i + 1), String(r.calls), String(r.throttled), `${r.conflicts} / ${r.quotaThrottled}`, s(r.ms), r.code === 0 ? 'complete' : `exit ${r.code}`]));

  const peak = peakOf(all, 'apigateway');
  check(`never more than ${MAX_IN_FLIGHT} API Gateway calls in flight`, peak <= MAX_IN_FLIGHT, `peak ${peak} over ${all.length} runs`);
  const conflicts = all.reduce((n, r) => n + r.conflicts, 0);
  check('no write refused for concurrent modification in any run (one write in flight per REST API)', conflicts === 0, `${conflicts} over ${all.length} runs`);

  // Memory: the built CLI in a child process.
  const resultFile = join(tempDir(), 'result.json');
  const child = spawnSync(process.execPath, [compileMemoryChild(), 'init', '--yes', '--no-verify', '--stack', STACK, ...FIVE_BY_FOUR.routeFlags], {
    cwd: tempDir(), encoding: 'utf8',
    // A clean environment: no NODE_OPTIONS from tsx (its loader would count in the child's RSS).
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'fake', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      BENCH_CLI: fileURLToPath(new URL('../dist/cli.js', import.meta.url)), BENCH_LATENCY_MS: String(D), BENCH_RESULT: resultFile,
    },
  });
  if (child.status !== 0) throw new Error(`memory child exited ${child.status ?? child.signal ?? '?'}:\n${child.stderr}`);
  const mem = JSON.parse(readFileSync(resultFile, 'utf8')) as { exitCode: number; calls: number; maxRssKb: number; rssBeforeKb: number; initMs: number };
  const rssMb = mem.maxRssKb / 1024;
  check(`peak RSS of init ${FIVE_BY_FOUR.name} < ${MEMORY_LIMIT_MB} MB`, mem.exitCode === 0 && rssMb < MEMORY_LIMIT_MB, `${rssMb.toFixed(0)} MB`);
  out(`#### Memory (${FIVE_BY_FOUR.name}, built CLI in a child process, d = ${D} ms)`);
  out();
  table(['peak RSS (maxRSS)', 'RSS before the CLI was imported (node + the fake and its SDK clients)', 'import + init wall, cold', 'calls'],
    [[`**${rssMb.toFixed(0)} MB** (< ${MEMORY_LIMIT_MB} MB)`, `${(mem.rssBeforeKb / 1024).toFixed(0)} MB`, s(mem.initMs), String(mem.calls)]]);

  // Start-up.
  const st = measureStartup(STARTUP_RUNS);
  const helpRatio = st.helpMs / st.nodeMs;
  const versionRatio = st.versionMs / st.nodeMs;
  check(`--help ≤ ${STARTUP_RATIO}× node -e 0`, helpRatio <= STARTUP_RATIO, x(helpRatio).replace('×', '') + '×');
  check(`--version ≤ ${STARTUP_RATIO}× node -e 0`, versionRatio <= STARTUP_RATIO, x(versionRatio).replace('×', '') + '×');
  out(`#### Start-up (median of ${st.runs} interleaved runs each, spawnSync)`);
  out();
  const r2 = (r: number) => `${r.toFixed(2)}×`;
  table(['command', 'median', 'ratio to node -e 0 (target ≤ 1.5×)'], [
    ['node -e 0', `${st.nodeMs.toFixed(0)} ms`, '1.00×'],
    ['node bin/secure-api.js --help', `${st.helpMs.toFixed(0)} ms`, `**${r2(helpRatio)}**`],
    ['node bin/secure-api.js --version', `${st.versionMs.toFixed(0)} ms`, `**${r2(versionRatio)}**`],
    ['(reference) node -e "require(\'commander\')"', `${st.commanderMs.toFixed(0)} ms`, `${r2(st.commanderMs / st.nodeMs)}`],
  ]);
  out('The reference row is what building the commander program costs (commander alone loads child_process and ~125 KB):');
  out('bin/secure-api.js (CommonJS) answers `--version` from package.json and `--help` with commander\'s own text, rendered');
  out('at build time (scripts/render-help.mjs), before any of it; subcommand help and terminals under 80 columns load commander.');
  out();

  out('#### Targets');
  out();
  for (const c of checks) out(`- ${c.ok ? '✓' : '✗ MISSED'} ${c.what}${c.note ? ` — ${c.note}` : ''}`);
  const missed = checks.filter((c) => !c.ok).length;
  out();
  out(missed ? `${missed} of ${checks.length} targets missed.` : `All ${checks.length} targets met.`);
  process.exitCode = missed ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 2;
});
