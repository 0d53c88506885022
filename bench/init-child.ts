/**
 * Child process for the memory scenario: the BUILT CLI (dist/) runs `init` against the fake, then reports its peak
 * RSS. The fake and tsx (which loads this TypeScript file) live in the same process, so the figure is an upper bound
 * on the CLI's own; `rssBeforeKb` is what the process held before the CLI was imported.
 * Argv: the CLI's arguments. Env: BENCH_LATENCY_MS, BENCH_RESULT (file to write the JSON result to).
 */
import { writeFileSync } from 'node:fs';
import { installAwsFake } from '../test/fakes/aws-fake.js';

const fake = installAwsFake({ lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0, deleteRestApiWindowMs: 0 });
fake.setLatency(Number(process.env.BENCH_LATENCY_MS ?? 0));
const rssBeforeKb = Math.round(process.memoryUsage().rss / 1024);
const started = performance.now();
// A path import, not a specifier: dist/ has no type declarations, and this must be the built code.
const cli = (await import(new URL('../dist/cli.js', import.meta.url).href)) as { main(argv: string[]): Promise<void> };
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
