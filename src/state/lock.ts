import { randomUUID } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

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

/**
 * Take the stack's lock file (O_EXCL create). A lock held by a live process refuses with its PID and start
 * time; one left by a dead process is taken over, and `onStale` is told.
 */
export function acquireLock(statePath: string, command: string, onStale: (msg: string) => void): (() => void) & { info: LockInfo } {
  const path = `${statePath}.lock`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const info: LockInfo = lockInfo(command, undefined);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return Object.assign(() => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      }, { info });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
      } catch {
        holder = undefined;
      }
      if (holder && typeof holder.pid === 'number' && alive(holder.pid)) {
        throw new UsageError(
          `another secure-api run (${holder.command}, PID ${holder.pid}, started ${holder.startedAt}) holds the lock on this stack`,
          `Wait for it to finish. If that process is gone, remove ${path}.`, 'LOCKED');
      }
      onStale(`took over a stale lock${holder ? ` left by PID ${holder.pid} (${holder.command}, started ${holder.startedAt})` : ''}`);
      rmSync(path, { force: true });
    }
  }
  throw new UsageError(`could not take the lock ${path}`);
}
