import { closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync, copyFileSync, chmodSync, linkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { StateWriteFailed, UsageError } from '../errors.js';
import { STATE_VERSION, StateFileSchema, migrateState, type StateFile } from './schema.js';
import { formatIssues } from '../config/resolve.js';
import { StackConfigSchema } from '../config/schema.js';

export const DEFAULT_STATE_DIR = '.secure-api';

export function stateDir(dir: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, dir ?? DEFAULT_STATE_DIR);
}
export function statePath(dir: string, stack: string): string {
  return join(dir, `${stack}.json`);
}

/** The current version becomes the .bak: a hard link (no copy; the rename then leaves it the old inode), else a copy. */
function keepAsBackup(path: string): void {
  const bak = `${path}.bak`;
  rmSync(bak, { force: true });
  try {
    linkSync(path, bak);
  } catch {
    copyFileSync(path, bak);
  }
  chmodSync(bak, 0o600);
}

/**
 * Replace a file atomically: temp file, rename; mode 0600; the previous version kept as .bak. With `durable`, the
 * data is fsynced before the rename and the directory after it, so the new version also survives a power loss.
 */
function replaceFile(path: string, data: string, durable: boolean): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    writeSync(fd, data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(path)) keepAsBackup(path);
  renameSync(tmp, path);
  if (!durable) return;
  // fsync the directory so the rename itself survives a crash.
  try {
    const dfd = openSync(dirname(path), constants.O_RDONLY);
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* not every platform lets a directory be opened */ }
}

/** Write a file atomically and durably: temp file, fsync, rename, fsync of the directory; mode 0600; previous version as .bak. */
export function writeFileAtomic(path: string, data: string): void {
  replaceFile(path, data, true);
}

/** fsync a file and its directory off the main thread; best effort (the file may be gone already). */
async function syncToDisk(path: string): Promise<void> {
  for (const target of [path, dirname(path)]) {
    try {
      const fh = await open(target, 'r');
      try { await fh.sync(); } finally { await fh.close(); }
    } catch { /* removed meanwhile, or a directory that cannot be opened */ }
  }
}

/** Read and validate a state file. Missing → undefined; corrupt or of another version → UsageError (the file is left as it is). */
export function readState(path: string): StateFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read the state file ${path}: ${(err as Error).message}`);
  }
  return parseState(text, path);
}

/** Validate a state document read from `path` (a file, or an s3:// URL); migrated in memory when older. */
export function parseState(text: string, path: string): StateFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`the state file ${path} is not valid JSON (truncated or edited?); it was left untouched`,
      path.startsWith('s3://') ? 'With versioning on the bucket, an earlier version of the object can be restored (aws s3api list-object-versions).'
        : (cmd) => `A previous version may be in ${path}.bak. Restore it, or remove the file and use \`${cmd('destroy --orphans')}\` to find the stack's resources by tag.`, 'BAD_STATE');
  }
  // An older version is migrated in memory; the file is rewritten in the new version at the next save.
  json = migrateState(json).doc;
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== STATE_VERSION) {
    throw new UsageError(`the state file ${path} has version ${version}; this secure-api reads version ${STATE_VERSION}`,
      version > STATE_VERSION ? 'It was written by a newer secure-api: upgrade secure-api.' : 'It was written by a secure-api too old to migrate from.', 'BAD_STATE');
  }
  const parsed = StateFileSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error.issues, `the state file ${path}`, StateFileSchema), 'It was left untouched.', 'BAD_STATE');
  checkRecordedConfig(parsed.data, path);
  return parsed.data;
}

/**
 * The recorded configuration is data the next run builds on (and a shared state can be edited by anyone who can write
 * the bucket): it is validated as a StackConfig on every read, and must name the state's own stack and region.
 */
function checkRecordedConfig(state: StateFile, path: string): void {
  const cfg = StackConfigSchema.safeParse(state.config);
  const where = `the configuration recorded in the state file ${path}`;
  if (!cfg.success) throw new UsageError(formatIssues(cfg.error.issues, where, StackConfigSchema), 'It was left untouched. Restore an earlier version of it, or correct the field named.', 'BAD_STATE');
  const raw = state.config as { stack?: unknown; region?: unknown };
  const mismatch = raw.stack !== undefined && cfg.data.stack !== state.stack ? `stack "${cfg.data.stack}", but the state is stack "${state.stack}"`
    : raw.region !== undefined && cfg.data.region !== state.region ? `region ${cfg.data.region ?? '?'}, but the state is in ${state.region}` : undefined;
  if (mismatch) throw new UsageError(`${where} names ${mismatch}`, 'It was left untouched. The state was edited or copied from another stack: restore the right one.', 'BAD_STATE');
}

/** The stacks that have a state file in a directory. */
export function listStacks(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json') && !n.includes('.tmp')).map((n) => n.slice(0, -'.json'.length)).sort();
}

/** Remove the state file (and its backup) once nothing is left. */
export function removeState(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.bak`, { force: true });
}

/**
 * Keeps the state in memory and writes it after every change, one write at a time. Each save is atomic and in the
 * kernel before save() returns (so a killed process loses nothing); the fsync that makes it survive a power loss
 * runs off the main thread, coalesced, because two fsyncs per save blocked the event loop for ~8 ms each time,
 * some 30 times per init, on the critical path (see the README's Performance section).
 */
export class StateStore {
  private syncing: Promise<void> | undefined;
  private syncAgain = false;

  /** `fence` runs each write only while this run's lock holds (it throws, LockLost, when not); none: unlocked use. */
  constructor(readonly path: string, public state: StateFile, private readonly now: () => Date = () => new Date(),
    private readonly fence: (write: () => void) => void = (write) => write(),
    /** ` --stack NAME` and the flags that reach it, for the hint of a failed write. */
    private readonly stackArgs = '') {}

  save(): void {
    this.state.updatedAt = this.now().toISOString();
    const text = JSON.stringify(this.state, null, 2) + '\n';
    this.fence(() => {
      try {
        replaceFile(this.path, text, false);
      } catch (err) {
        throw new StateWriteFailed(this.path, err, this.stackArgs);
      }
    });
    this.scheduleSync();
  }

  private scheduleSync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        await syncToDisk(this.path);
      } while (this.syncAgain);
      this.syncing = undefined;
    })();
  }
}
