/**
 * Child process for the memory scenario: the BUILT CLI (dist/) runs `init` against the fake, then reports its peak
 * RSS. Run as plain JavaScript (compile-child.ts). The fake (with its SDK clients, sinon and aws-sdk-client-mock)
 * lives in the same process, so the figure is an upper bound on the CLI's own; `rssBeforeKb` is what the process
 * held before the CLI was imported.
 * Argv: the CLI's arguments. Env: BENCH_CLI (dist/cli.js), BENCH_LATENCY_MS, BENCH_RESULT (file for the JSON result).
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { installAwsFake } from '../test/fakes/aws-fake.js';

const fake = installAwsFake({ lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0, deleteRestApiWindowMs: 0 });
fake.setLatency(Number(process.env.BENCH_LATENCY_MS ?? 0));
const rssBeforeKb = Math.round(process.memoryUsage().rss / 1024);
const started = performance.now();
// A path import, not a specifier: dist/ has no type declarations, and this must be the built code.
const cliPath = process.env.BENCH_CLI;
if (!cliPath) throw new Error('BENCH_CLI must name dist/cli.js');
const cli = (await import(pathToFileURL(cliPath).href)) as { main(argv: string[]): Promise<void> };
await cli.main(process.argv.slice(2));
const result = {
  exitCode: process.exitCode ?? 0,
  calls: fake.calls.length,
  maxRssKb: process.resourceUsage().maxRSS,
  rssBeforeKb,
  /** Import of the CLI + the whole init, in this process. */
  initMs: performance.now() - started,
};
if (process.env.BENCH_RESULT) writeFileSync(process.env.BENCH_RESULT, JSON.stringify(result));
