import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { UsageError } from '../errors.js';
import { LockLost, StackLocked, type StackSession, type StateBackend } from './backend.js';
import { acquireLock, readLockFile, removeLockIf, whileLockHeld, type LockInfo } from './lock.js';
import type { StateFile } from './schema.js';
import { DEFAULT_STATE_DIR, listStacks, readState, removeState, statePath, StateStore } from './store.js';

/** State files in a local directory (.secure-api by default), guarded by lock files: today's behaviour, behind the interface. */
export class LocalStateBackend implements StateBackend {
  readonly kind = 'local' as const;
  readonly location: string;
  readonly args: string;
  readonly locationArgs: string;

  /** `targetArgs`: this run's flags that reach the stack (--profile…), for the commands its messages print. */
  constructor(readonly dir: string, cwd: string, private readonly warn: (msg: string) => void = () => {}, targetArgs = '') {
    this.location = dir;
    const rel = relative(cwd, dir);
    this.locationArgs = rel === DEFAULT_STATE_DIR ? '' : ` --state-dir ${rel || '.'}`;
    this.args = `${this.locationArgs}${targetArgs}`;
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
    // One error for a held lock, local or S3: StackLocked (exit 1), naming the holder and how to unlock.
    const release = acquireLock(path, command, { onStale: this.warn, locked: (holder) => new StackLocked(stack, holder, this.args) });
    let state: StateFile | undefined;
    try {
      state = readState(path);
    } catch (err) {
      release();
      throw err;
    }
    // The fencing token is this run's lock id: a save (or the removal of the state) happens only while the lock file
    // still holds it, checked under the lock's guard; after an unlock or a takeover every save is refused.
    const fence = (write: () => void) => {
      const other = whileLockHeld(path, release.info.lockId, write);
      if (other !== undefined) throw new LockLost(stack, path, other, this.args);
    };
    return Promise.resolve({
      stack,
      lock: release.info,
      state,
      writer: (s: StateFile, now?: () => Date) => new StateStore(path, s, now, fence, ` --stack ${stack}${this.args}`),
      remove: () => { fence(() => removeState(path)); return Promise.resolve(); },
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
    // Removed only while it is still that lock (another run may take it the moment it is gone).
    const removed = removeLockIf(`${this.where(stack)}.lock`, (text) => {
      try { return (JSON.parse(text) as LockInfo).lockId === lockId; } catch { return false; }
    });
    if (!removed) throw new UsageError(`the lock on stack "${stack}" changed while it was being removed; it was left as it is`, undefined, 'LOCK_ID');
    return info;
  }
}
