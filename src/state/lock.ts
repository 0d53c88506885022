import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

interface LockInfo { pid: number; startedAt: string; command: string }

function alive(pid: number): boolean {
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
export function acquireLock(statePath: string, command: string, onStale: (msg: string) => void): () => void {
  const path = `${statePath}.lock`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
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
