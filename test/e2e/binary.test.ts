import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = resolve(__dirname, '../../bin/secure-api.js');

/** The built binary, as CI and users run it (npm test builds first). */
async function secureApi(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'secure-api-bin-'));
  const env = { PATH: process.env.PATH, HOME: cwd, CI: 'true', FORCE_COLOR: '0', AWS_REGION: 'us-east-1' };
  try {
    const r = await run(process.execPath, [bin, ...args], { cwd, env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the built binary', () => {
  it('--help lists the commands', async () => {
    const r = await secureApi(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: secure-api/);
    for (const cmd of ['init', 'status', 'destroy']) expect(r.stdout).toContain(cmd);
  });

  it('--version prints the version', async () => {
    const r = await secureApi(['--version']);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('init --dry-run prints the plan and its calls without credentials', async () => {
    const r = await secureApi(['init', '--dry-run', '--stack', 'demo', '--route', 'GET,POST /items', '--route', 'GET /items/{id}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Plan for stack demo in us-east-1');
    expect(r.stdout).toContain('apigateway:CreateAuthorizer');
    expect(r.stdout).toMatch(/\d+ resources, \d+ AWS calls/);
    expect(r.stderr).not.toMatch(/credential/i);
  });

  it('init --dry-run --json gives the plan as JSON', async () => {
    const r = await secureApi(['init', '--dry-run', '--json']);
    const doc = JSON.parse(r.stdout) as { dryRun: boolean; nodes: Array<{ kind: string }>; criticalPathDepth: number };
    expect(doc.dryRun).toBe(true);
    expect(doc.nodes.map((n) => n.kind)).toContain('authorizer');
    expect(doc.criticalPathDepth).toBeGreaterThan(1);
  });

  it('no command shows the help as a usage error (exit 2); asking for help is not an error', async () => {
    const none = await secureApi([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: secure-api/);
    expect((await secureApi(['help'])).code).toBe(0);
    expect((await secureApi(['help', 'init'])).code).toBe(0);
    expect((await secureApi(['users'])).code).toBe(2);
  });

  it('a bad flag exits 2 with a message', async () => {
    const r = await secureApi(['init', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('a bad route exits 2 naming the problem, without a stack trace', async () => {
    const r = await secureApi(['init', '--yes', '--route', 'GET /items//x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/empty path segment/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('init without credentials says how to configure them (exit 1) and creates no state', async () => {
    const r = await secureApi(['init', '--yes', '--stack', 'nocreds']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No usable AWS credentials/);
    expect(r.stderr).toMatch(/aws configure/);
    expect(r.stderr).toMatch(/AWS_PROFILE/);
  });

  it('init without a terminal and without --yes refuses before any AWS call', async () => {
    const r = await secureApi(['init']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no terminal/);
    expect(r.stderr).toMatch(/--yes/);
  });
});
