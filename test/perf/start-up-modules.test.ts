/**
 * What start-up loads (correctness, never timing): `--help` and `--version` of the built binary load no AWS SDK,
 * prompt or spinner module, and `--version` not even commander. A preloaded hook logs every module loaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { tempDir } from '../support/harness.js';

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin/secure-api.js');
const hook = join(root, 'test/perf/fixtures/log-modules.mjs');
const HEAVY = [/\/@aws-sdk\//, /\/@smithy\//, /\/@inquirer\//, /\/inquirer\//, /\/ora\//];

function modulesLoadedBy(args: string[]): { status: number | null; stdout: string; modules: string[] } {
  expect(existsSync(join(root, 'dist/cli.js')), 'the binary is built (npm run build)').toBe(true);
  const cwd = tempDir();
  const log = join(cwd, 'modules.log');
  const r = spawnSync(process.execPath, ['--import', hook, bin, ...args], {
    cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: cwd, CI: 'true', NO_COLOR: '1', SECURE_API_MODULE_LOG: log },
  });
  const modules = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { status: r.status, stdout: r.stdout, modules };
}

const heavy = (modules: string[]) => modules.filter((m) => HEAVY.some((re) => re.test(m)));

describe('start-up', () => {
  it('--help loads no AWS SDK, prompt or spinner module, nor commander: its text is rendered at build time', () => {
    const r = modulesLoadedBy(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: secure-api/);
    expect(heavy(r.modules)).toEqual([]);
    expect(r.modules.filter((m) => m.includes('/commander/'))).toEqual([]);
  });

  it('that --help text is exactly what commander prints at 80 columns', async () => {
    const fast = modulesLoadedBy(['-h']).stdout;
    const { buildProgram } = await import('../../src/program.js');
    let text = '';
    const sink = { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WritableStream;
    const program = buildProgram({ stdout: sink, stderr: sink } as never, () => {});
    program.configureOutput({ getOutHelpWidth: () => 80 });
    text = program.helpInformation();
    expect(fast).toBe(text);
  });

  it('subcommand help loads commander but still no AWS SDK', () => {
    const r = modulesLoadedBy(['init', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: secure-api init/);
    expect(r.modules.some((m) => m.includes('/dist/program.js')), 'the hook saw the ESM graph').toBe(true);
    expect(r.modules.some((m) => m.includes('/commander/')), 'the hook saw the CommonJS modules').toBe(true);
    expect(heavy(r.modules)).toEqual([]);
  });

  it('--version and -v load neither those nor commander', () => {
    for (const flag of ['--version', '-v']) {
      const r = modulesLoadedBy([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      expect(heavy(r.modules)).toEqual([]);
      expect(r.modules.filter((m) => m.includes('/commander/'))).toEqual([]);
    }
  });

  it('--version answers package.json\'s version, the same commander reports', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(modulesLoadedBy(['--version']).stdout).toBe(`${pkg.version}\n`);
    expect(VERSION).toBe(pkg.version);
  });

  it('a command on local state loads no S3 module; --state s3:// loads it', () => {
    const s3 = (modules: string[]) => modules.filter((m) => m.includes('/@aws-sdk/client-s3/') || m.includes('/dist/state/s3-'));
    const local = modulesLoadedBy(['status', '--offline']);
    expect(local.status, 'no stack here: a usage error').toBe(2);
    expect(local.modules.some((m) => m.includes('/dist/state/local-backend.js')), 'the state was looked for').toBe(true);
    expect(s3(local.modules)).toEqual([]);
    expect(s3(modulesLoadedBy(['--help']).modules)).toEqual([]);
    expect(s3(modulesLoadedBy(['init', '--dry-run']).modules)).toEqual([]);
    const shared = modulesLoadedBy(['status', '--offline', '--state', 's3://team-state/p', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9']);
    expect(s3(shared.modules).length).toBeGreaterThan(0);
  });

  it('the hook does see the SDK when a command loads it (init --dry-run)', () => {
    const r = modulesLoadedBy(['init', '--dry-run']);
    expect(r.status).toBe(0);
    expect(heavy(r.modules).length).toBeGreaterThan(0);
  });
});
