/**
 * Where a stack's state is kept, behind one interface: the local directory (the default) or S3 (`--state
 * s3://BUCKET/PREFIX`, in its own module, loaded only when asked for). Commands read through `read`/`list`, and
 * change a stack only inside a session: `open` takes the stack's lock and reads the state under it; the session's
 * writer saves every change (on S3, conditionally on the version read); `end` releases the lock.
 */
import { AwsFailure, ExitCode, SecureApiError } from '../errors.js';
import type { LockInfo } from './lock.js';
import type { StateFile } from './schema.js';

export type { LockInfo } from './lock.js';

/** What the engine writes through: the state in memory, and a save after every change. */
export interface StateWriter {
  readonly state: StateFile;
  /** Persist `state`. On S3 the returned promise settles once the object is written; a lost race rejects. */
  save(): void | Promise<void>;
}

/** One run's hold on one stack. */
export interface StackSession {
  readonly stack: string;
  /** This run's lock. */
  readonly lock: LockInfo;
  /** The state as read under the lock (undefined: the stack has none yet). */
  readonly state: StateFile | undefined;
  /** The writer for this stack: its saves are checked against the version read under the lock. */
  writer(state: StateFile, now?: () => Date): StateWriter;
  /** Remove the stack's state (destroy is done, or it was moved elsewhere). */
  remove(): Promise<void>;
  /** Wait for the writes under way, release the lock. Safe to call twice. */
  end(): Promise<void>;
}

export interface StateBackend {
  readonly kind: 'local' | 's3';
  /** The directory or s3://BUCKET/PREFIX, for messages. */
  readonly location: string;
  /** The flags a printed command needs to reach a stack kept here: this location ('' for the default directory) and this run's target flags (targetArgs). */
  readonly args: string;
  /** This location's part of `args` alone (` --state s3://…`, ` --state-dir DIR`, '' for the default directory). */
  readonly locationArgs: string;
  /** Where one stack's state lives: a file path or an s3:// URL. */
  where(stack: string): string;
  /** The stacks that have a state here, sorted. */
  list(): Promise<string[]>;
  read(stack: string): Promise<StateFile | undefined>;
  /** Take the stack's lock and read its state under it; held by another run → StackLocked, nothing changed. */
  open(stack: string, command: string): Promise<StackSession>;
  /** The lock on a stack, if any, with its age. */
  readLock(stack: string): Promise<(LockInfo & { ageMs?: number | undefined }) | undefined>;
  /** Remove the lock with this id (`secure-api unlock`); returns what it removed. */
  unlock(stack: string, lockId: string): Promise<LockInfo>;
}

/** "3 min", "2 h 5 min": how long ago a lock was taken. */
export function ageText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return 'unknown time';
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function holderText(l: LockInfo): string {
  return `${l.who ?? 'unknown'} (${l.command}, PID ${l.pid}${l.host ? ` on ${l.host}` : ''})`;
}

/** Another run holds the stack's lock: exit 1, nothing was changed. */
export class StackLocked extends SecureApiError {
  constructor(readonly stackName: string, readonly holder: LockInfo & { ageMs?: number | undefined }, unlockArgs: string) {
    super('LOCKED', `stack "${stackName}" is locked by ${holderText(holder)} since ${holder.startedAt} (${ageText(holder.ageMs)} ago); nothing was changed`, {
      exitCode: 1,
      hint: `Wait for that run to finish. If it is gone (killed, or its machine lost), remove its lock: \`secure-api unlock --stack ${stackName} ${holder.lockId ?? 'LOCK_ID'}${unlockArgs}\`.`,
    });
  }
}

/** The state changed under this run (its lock was removed and another run wrote): stop, keep the newer state. */
export class StateChanged extends AwsFailure {
  constructor(stack: string, where: string, stateArgs: string) {
    super(`the state of stack "${stack}" at ${where} was changed by another run since this run read it; this run stopped and did not overwrite it`, {
      code: 'STATE_CHANGED',
      hint: `The newer state is kept. Its lock was probably removed with \`secure-api unlock\` while this run still worked. Look at it with \`secure-api status --stack ${stack}${stateArgs}\`; what this run made after that point is tagged with the stack: \`secure-api status --orphans --stack ${stack}${stateArgs}\`.`,
    });
  }
}

/**
 * This run's lock was removed (`secure-api unlock`, or judged stale and taken over) while it still worked: its fencing
 * token no longer holds, so its saves are refused and the state is left as the lock's new holder keeps it (issue 20).
 */
export class LockLost extends SecureApiError {
  constructor(stack: string, where: string, now: LockInfo | null, stateArgs: string) {
    const by = now ? `is now held by ${holderText(now)} since ${now.startedAt}` : 'is gone';
    super('LOCK_LOST', `this run's lock on stack "${stack}" was removed while it worked (\`secure-api unlock\`, or taken over as stale) and ${by}; this run stopped and did not write the state at ${where}`, {
      exitCode: ExitCode.aws,
      hint: `The state keeps what this run recorded up to its last save (each call is journaled before it is made); anything made after it carries the stack's tags. When the other run is done, look with \`secure-api status --stack ${stack}${stateArgs}\`; \`secure-api status --orphans --stack ${stack}${stateArgs}\` lists tagged resources the state does not name.`,
    });
  }
}
