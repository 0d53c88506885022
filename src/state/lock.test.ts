/**
 * The local lock (issue 18.4): written whole in one step, judged stale by host and PID, released only while it is
 * still ours, and under a race of processes never held by two at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

/** Every fs call lock.ts makes is watched: after each one, a lock file that exists must already hold a whole lock. */
const seen: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const check = () => {
    for (const path of watched) {
      let text: string;
      try { text = fs.readFileSync(path, 'utf8'); } catch { continue; }
      seen.push(text);
    }
  };
  const wrapped = Object.fromEntries(Object.entries(fs).map(([k, v]) => [k, typeof v === 'function' && /Sync$/.test(k)
    ? (...args: unknown[]) => { try { return (v as (...a: unknown[]) => unknown)(...args); } finally { check(); } }
    : v]));
  return { ...wrapped, default: wrapped };
});
const watched = new Set<string>();

const { acquireLock, alive } = await import('./lock.js');

const dir = () => mkdtempSync(join(tmpdir(), 'secure-api-lock-'));
const hooks = (warnings: string[] = []) => ({ onStale: (m: string) => warnings.push(m), locked: (h: { pid: number; host?: string }) => new Error(`locked by PID ${h.pid} on ${h.host ?? '?'}`) });
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('local lock (issue 18.4)', () => {
  it('is never seen empty or half written: after every file call, a lock that exists holds a whole lock', () => {
    const path = join(dir(), 's.json');
    watched.add(`${path}.lock`);
    seen.length = 0;
    const release = acquireLock(path, 'init', hooks());
    release();
    watched.clear();
    expect(seen.length, 'the lock was looked at while it existed').toBeGreaterThan(0);
    for (const text of seen) expect(JSON.parse(text)).toMatchObject({ lockId: release.info.lockId, pid: process.pid, host: hostname(), command: 'init' });
  });

  it('refuses a second holder while the first lives; takes over one of a dead PID on this host, with a warning', () => {
    const path = join(dir(), 's.json');
    const release = acquireLock(path, 'init', hooks());
    expect(() => acquireLock(path, 'destroy', hooks())).toThrow(`locked by PID ${process.pid} on ${hostname()}`);
    release();
    expect(existsSync(`${path}.lock`)).toBe(false);
    const dead = deadPid();
    expect(alive(dead)).toBe(false);
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: dead, host: hostname(), startedAt: 'then', command: 'init' }));
    const warnings: string[] = [];
    acquireLock(path, 'init', hooks(warnings))();
    expect(warnings).toEqual([`took over a stale lock left by PID ${dead} (init, started then)`]);
  });

  it('a lock of another host is never stale by PID: refused, and left as it is', () => {
    const path = join(dir(), 's.json');
    const theirs = JSON.stringify({ lockId: 'x', pid: deadPid(), host: `not-${hostname()}`, startedAt: 'then', command: 'init' });
    writeFileSync(`${path}.lock`, theirs);
    expect(() => acquireLock(path, 'destroy', hooks())).toThrow(`on not-${hostname()}`);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(theirs);
  });

  it('release removes only a lock that is still ours: one taken over by another run since is left', () => {
    const path = join(dir(), 's.json');
    const mine = acquireLock(path, 'init', hooks());
    // Our lock removed (`secure-api unlock`), and another run takes the stack.
    const theirs = JSON.stringify({ lockId: 'theirs', pid: process.pid, host: hostname(), startedAt: 'now', command: 'destroy' });
    writeFileSync(`${path}.lock`, theirs);
    mine();
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(theirs);
  });

  it('processes racing for it (and over stale locks left by "dead" holders) never hold it at once', async () => {
    const root = resolve(__dirname, '../..');
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const d = dir();
    const path = join(d, 's.json');
    const log = join(d, 'log');
    const dead = deadPid();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: dead, startedAt: 'then', command: 'dead' }));
    writeFileSync(log, '');
    const racers = Array.from({ length: 6 }, () => new Promise<number>((ok, fail) => {
      const p = spawn(process.execPath, ['--import', tsx, join(root, 'test/state/lock-racer.ts'), path, log, '60', String(dead)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      p.on('close', (code) => (code === 0 ? ok(Number(out.trim())) : fail(new Error(`racer exited ${code}: ${err}`))));
    }));
    const wins = await Promise.all(racers);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(wins.reduce((a, b) => a + b, 0)).toBe(lines.length / 2);
    expect(lines.length, 'the lock changed hands many times').toBeGreaterThan(40);
    // Holds never overlap: every start is followed by the same process's end.
    for (let i = 0; i < lines.length; i += 2) {
      const pid = lines[i]!.split(' ')[1];
      expect([lines[i], lines[i + 1]], `line ${i + 1}`).toEqual([`start ${pid}`, `end ${pid}`]);
    }
  }, 60_000);
});
