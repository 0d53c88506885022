/** Start-up: `secure-api --help` / `--version` against `node -e 0`, interleaved so load hits all alike. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/secure-api.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StartupResult {
  runs: number;
  nodeMs: number;
  helpMs: number;
  versionMs: number;
  /** Reference, not a target: bare node loading commander, the floor for anything that builds the commander program. */
  commanderMs: number;
}

function timeOnce(args: string[], cwd?: string): number {
  const start = process.hrtime.bigint();
  // A clean environment: under tsx, NODE_OPTIONS would make every child load tsx too.
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', cwd, env: { PATH: process.env.PATH, CI: 'true', NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal ?? '?'}`);
  return ms;
}

export function measureStartup(runs: number): StartupResult {
  const node: number[] = [];
  const help: number[] = [];
  const version: number[] = [];
  const commander: number[] = [];
  // One unmeasured round warms the file cache.
  for (let i = -1; i < runs; i++) {
    const n = timeOnce(['-e', '0']);
    const h = timeOnce([BIN, '--help']);
    const v = timeOnce([BIN, '--version']);
    const c = timeOnce(['-e', "require('commander')"], ROOT);
    if (i < 0) continue;
    node.push(n);
    help.push(h);
    version.push(v);
    commander.push(c);
  }
  return { runs, nodeMs: median(node), helpMs: median(help), versionMs: median(version), commanderMs: median(commander) };
}
