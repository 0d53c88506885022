/** Start-up: `secure-api --help` / `--version` against `node -e 0`, interleaved so load hits all alike. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/secure-api.js', import.meta.url));

export interface StartupResult { runs: number; nodeMs: number; helpMs: number; versionMs: number }

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', env: { PATH: process.env.PATH, CI: 'true', NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal ?? '?'}`);
  return ms;
}

export function measureStartup(runs: number): StartupResult {
  const node: number[] = [];
  const help: number[] = [];
  const version: number[] = [];
  // One unmeasured round warms the file cache.
  for (let i = -1; i < runs; i++) {
    const n = timeOnce(['-e', '0']);
    const h = timeOnce([BIN, '--help']);
    const v = timeOnce([BIN, '--version']);
    if (i < 0) continue;
    node.push(n);
    help.push(h);
    version.push(v);
  }
  return { runs, nodeMs: median(node), helpMs: median(help), versionMs: median(version) };
}
