import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';

/** What a lock says of the run holding it (local lock file and S3 lock object alike). */
export interface LockInfo {
  /** Names the lock for `secure-api unlock`. */
  lockId?: string;
  /** The user (local) or the caller's ARN from STS (S3). */
  who?: string;
  host?: string;
  pid: number;
  startedAt: string;
  command: string;
}

/** This run, as a lock describes it. */
export function lockInfo(command: string, who: string | undefined, now = new Date()): Required<LockInfo> {
  let user = 'unknown';
  try { user = userInfo().username; } catch { /* no passwd entry (containers) */ }
  return { lockId: randomUUID(), who: who ?? user, host: hostname(), pid: process.pid, startedAt: now.toISOString(), command };
}

/** The lock file of a stack, if one is there (unreadable content → undefined fields). */
export function readLockFile(statePath: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(`${statePath}.lock`, 'utf8')) as LockInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { pid: 0, startedAt: '?', command: '?' };
  }
}

/** Whether a process of that PID runs (one of another user's, EPERM, counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock judged left over, by what it says of its holder: same host and that PID gone. Another host's is never stale by PID. */
export function stale(holder: LockInfo | undefined): boolean {
  // Unreadable: never one of ours (we write a lock whole, see createExclusive), so it is left over from a crash.
  if (!holder || typeof holder.pid !== 'number') return true;
  // No host: written by an older secure-api on this machine (it always wrote PID and start time).
  if (holder.host !== undefined && holder.host !== hostname()) return false;
  return !alive(holder.pid);
}

const sleepSync = (ms: number) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

/**
 * Create `path` holding `text`, only if nothing is there, all at once: the content goes to a temp file first, which
 * is then hard-linked to `path` (link fails with EEXIST when it exists). A reader never sees the file empty or half
 * written (an O_EXCL create followed by a write showed it empty in between).
 */
export function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseLock(text: string | undefined): LockInfo | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** A guard held only for the instant of a removal: older than this, its holder died inside one. */
const GUARD_STALE_MS = 10_000;

/**
 * Run `fn` holding the lock file's guard: every removal of a lock (a stale lock taken over, a release, an unlock) and
 * every fenced save goes through this one guard file, so nothing removes the lock (and lets another run make its own)
 * between a check of the lock and what depends on it. A guard is held for microseconds.
 */
function withGuard<T>(path: string, fn: () => T): T {
  const guard = `${path}.guard`;
  const me = JSON.stringify({ host: hostname(), pid: process.pid });
  for (let i = 0; !createExclusive(guard, me); i++) {
    const g = parseLock(readText(guard));
    let age = 0;
    try { age = Date.now() - statSync(guard).mtimeMs; } catch { continue; }
    // A guard is held for microseconds: one whose holder is gone, or that old, was left by a run killed inside a removal.
    if ((g && g.host === hostname() && !alive(g.pid)) || age > GUARD_STALE_MS) rmSync(guard, { force: true });
    else if (i > 2_000) throw new Error(`the lock guard ${guard} stays held; remove it if no secure-api runs`);
    else sleepSync(5);
  }
  try {
    return fn();
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * Remove the lock file only while it still holds `expected` (its bytes as read when judged), under the guard, so
 * between the check and the unlink no other run can remove it and make another's. Creating a lock needs no guard
 * (link only succeeds on nothing). Returns whether it removed it.
 */
export function removeLockIf(path: string, expected: (text: string) => boolean): boolean {
  return withGuard(path, () => {
    const now = readText(path);
    if (now === undefined || !expected(now)) return false;
    rmSync(path, { force: true });
    return true;
  });
}

/**
 * The fence of a local save (issue 20): run `write` only while the stack's lock file still holds this run's lock id
 * (its fencing token), under the guard, so an unlock or a stale-lock takeover cannot slip between the check and the
 * write. Returns the lock found instead when it is not ours any more (`null`: no lock at all); `write` did not run.
 */
export function whileLockHeld(statePath: string, lockId: string, write: () => void): LockInfo | null | undefined {
  const path = `${statePath}.lock`;
  return withGuard(path, () => {
    const text = readText(path);
    const now = parseLock(text);
    if (now?.lockId !== lockId) return text === undefined ? null : now ?? { pid: 0, startedAt: '?', command: '?' };
    write();
    return undefined;
  });
}

/** Hooks of the lock's owner: a warning when a stale lock is taken over; the error when the lock is held. */
export interface LockHooks {
  onStale: (msg: string) => void;
  /** The error for a lock another run holds (the backend's StackLocked, exit 1). */
  locked: (holder: LockInfo & { ageMs?: number | undefined }) => Error;
}

/**
 * Take the stack's lock file, written whole in one step (createExclusive). A lock held by a live process on this host,
 * or by any process of another host, refuses (hooks.locked); one left by a dead process of this host is taken over
 * (removed only if unchanged since judged), and `onStale` is told. Release removes the lock only while it is still
 * this run's (its lockId): after an unlock another run's lock is left alone.
 */
export function acquireLock(statePath: string, command: string, hooks: LockHooks): (() => void) & { info: Required<LockInfo> } {
  const path = `${statePath}.lock`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const info = lockInfo(command, undefined);
  const text = JSON.stringify(info);
  const ours = (t: string) => parseLock(t)?.lockId === info.lockId;
  let holder: LockInfo | undefined;
  let ageMs: number | undefined;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusive(path, text)) {
      let released = false;
      return Object.assign(() => {
        if (released) return;
        released = true;
        removeLockIf(path, ours);
      }, { info });
    }
    const seen = readText(path);
    // Released between our link and our read: try again.
    if (seen === undefined) continue;
    holder = parseLock(seen);
    try { ageMs = Date.now() - statSync(path).mtimeMs; } catch { ageMs = undefined; }
    if (!stale(holder)) break;
    if (removeLockIf(path, (now) => now === seen)) {
      hooks.onStale(`took over a stale lock${holder ? ` left by PID ${holder.pid} (${holder.command}, started ${holder.startedAt})` : ''}`);
    }
  }
  throw hooks.locked({ ...(holder ?? { pid: 0, startedAt: '?', command: '?' }), ageMs });
}
