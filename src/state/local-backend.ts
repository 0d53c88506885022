import { rmSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { UsageError } from '../errors.js';
import type { StackSession, StateBackend } from './backend.js';
import { acquireLock, readLockFile, type LockInfo } from './lock.js';
import type { StateFile } from './schema.js';
import { DEFAULT_STATE_DIR, listStacks, readState, removeState, statePath, StateStore } from './store.js';

/** State files in a local directory (.secure-api by default), guarded by lock files: today's behaviour, behind the interface. */
export class LocalStateBackend implements StateBackend {
  readonly kind = 'local' as const;
  readonly location: string;
  readonly args: string;

  constructor(readonly dir: string, cwd: string, private readonly warn: (msg: string) => void = () => {}) {
    this.location = dir;
    const rel = relative(cwd, dir);
    this.args = rel === DEFAULT_STATE_DIR ? '' : ` --state-dir ${rel || '.'}`;
  }

  where(stack: string): string {
    return statePath(this.dir, stack);
  }

  list(): Promise<string[]> {
    return Promise.resolve(listStacks(this.dir));
  }

  read(stack: string): Promise<StateFile | undefined> {
    return Promise.resolve(readState(this.where(stack)));
  }

  open(stack: string, command: string): Promise<StackSession> {
    const path = this.where(stack);
    const release = acquireLock(path, command, this.warn);
    let state: StateFile | undefined;
    try {
      state = readState(path);
    } catch (err) {
      release();
      throw err;
    }
    return Promise.resolve({
      stack,
      lock: release.info,
      state,
      writer: (s: StateFile, now?: () => Date) => new StateStore(path, s, now),
      remove: () => { removeState(path); return Promise.resolve(); },
      end: () => { release(); return Promise.resolve(); },
    });
  }

  readLock(stack: string): Promise<(LockInfo & { ageMs?: number }) | undefined> {
    const path = this.where(stack);
    const info = readLockFile(path);
    if (!info) return Promise.resolve(undefined);
    let ageMs: number | undefined;
    try { ageMs = Date.now() - statSync(`${path}.lock`).mtimeMs; } catch { ageMs = undefined; }
    return Promise.resolve({ ...info, ageMs });
  }

  async unlock(stack: string, lockId: string): Promise<LockInfo> {
    const info = await this.readLock(stack);
    if (!info) throw new UsageError(`stack "${stack}" has no lock in ${this.dir}`, 'Nothing to remove.', 'NO_LOCK');
    if (info.lockId !== lockId) {
      throw new UsageError(`the lock on stack "${stack}" has id ${info.lockId ?? '(none: made by an older secure-api)'}, not ${lockId}`,
        `Check it with \`secure-api status --stack ${stack}${this.args}\`; a local lock left by a process that is gone is taken over by the next run anyway.`, 'LOCK_ID');
    }
    rmSync(`${this.where(stack)}.lock`, { force: true });
    return info;
  }
}
