/**
 * The try-out path as a newcomer uses it: `fake-cli serve` keeps the fake's data plane up between runs, other runs
 * use it, the stack answers in the region asked for, and a busy port is an error naming the port.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stackOutputsSchema } from '../../src/state/outputs-schema.js';
import { freePort } from '../support/ports.js';

const ROOT = resolve(__dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const FAKE_CLI = join(ROOT, 'test/support/fake-cli.ts');

interface Run { code: number | null; stdout: string; stderr: string }
const running: Array<() => void> = [];
afterEach(() => {
  for (const stop of running.splice(0)) stop();
});

function fakeCli(args: string[], cwd: string, port: number, o: { until?: RegExp } = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', TSX, FAKE_CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, CI: 'true', NO_COLOR: '1', AWS_REGION: 'us-east-1', SECURE_API_FAKE_PORT: String(port), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((ok) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (o.until?.test(stdout)) {
        running.push(() => child.kill('SIGTERM'));
        ok({ code: null, stdout, stderr });
      }
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end('someone else'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A stage just deployed answers a bare 403 Forbidden for a moment (the fake models it): call again, as a client would. */
async function untilServing(url: string, init?: RequestInit): Promise<Response> {
  for (let i = 0; ; i++) {
    const r = await fetch(url, init);
    if (i >= 4 || r.status !== 403 || (await r.clone().text()) !== '{"message":"Forbidden"}') return r;
  }
}

describe('fake-cli serve', () => {
  it('a busy port is an error naming the port, never a silent other port', async () => {
    const { server, port } = await listening();
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'fake-serve-'));
      const r = await fakeCli(['status'], cwd, port);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Error: port ${port} is in use by another program`);
      expect(r.stderr).toContain('SECURE_API_FAKE_PORT');
    } finally {
      server.close();
    }
  });

  it('keeps the data plane up after the run that made the stack ended; runs use it; ids follow --region', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fake-serve-'));
    const port = await freePort();
    const serve = await fakeCli(['serve'], cwd, port, { until: /Ctrl-C stops it/ });
    expect(serve.stdout).toContain(`The fake's data plane is serving http://127.0.0.1:${port}`);
    const second = await fakeCli(['serve'], cwd, port);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`port ${port} is in use by \`fake-cli serve\` \\(pid \\d+\\)`));

    const init = await fakeCli(['init', '--yes', '--no-verify', '--stack', 'demo', '--region', 'eu-west-3', '--json'], cwd, port);
    expect(init.code, init.stderr).toBe(0);
    const doc = stackOutputsSchema.parse(JSON.parse(init.stdout));
    const out = { invokeUrl: doc.urls.invoke ?? '', userPoolId: doc.ids.userPoolId, routes: doc.urls.routes };
    expect(out.userPoolId).toMatch(/^eu-west-3_/);
    expect(out.invokeUrl.startsWith(`http://127.0.0.1:${port}/`)).toBe(true);
    const state = readFileSync(join(cwd, '.secure-api', 'demo.json'), 'utf8');
    expect(state).toContain('arn:aws:lambda:eu-west-3:');

    // The init process is gone; the served data plane answers its stack from the memory file.
    const url = out.routes[0]?.url ?? '';
    expect((await untilServing(url)).status).toBe(401);
    const token = await fakeCli(['token', '--stack', 'demo'], cwd, port);
    expect(token.code, token.stderr).toBe(0);
    expect((await fetch(url, { headers: { Authorization: token.stdout.trim() } })).status).toBe(200);
  });
});
