import { closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync, copyFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { STATE_VERSION, StateFileSchema, type StateFile } from './schema.js';
import { formatIssues } from '../config/resolve.js';

export const DEFAULT_STATE_DIR = '.secure-api';

export function stateDir(dir: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, dir ?? DEFAULT_STATE_DIR);
}
export function statePath(dir: string, stack: string): string {
  return join(dir, `${stack}.json`);
}

/** Write a file atomically: temp file, fsync, rename; mode 0600; the previous version kept as .bak. */
export function writeFileAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(path)) {
    copyFileSync(path, `${path}.bak`);
    chmodSync(`${path}.bak`, 0o600);
  }
  renameSync(tmp, path);
  // fsync the directory so the rename itself survives a crash.
  try {
    const dfd = openSync(dirname(path), constants.O_RDONLY);
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* not every platform lets a directory be opened */ }
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`the state file ${path} is not valid JSON (truncated or edited?); it was left untouched`,
      `A previous version may be in ${path}.bak. Restore it, or remove the file and use \`secure-api destroy --orphans\` to find the stack's resources by tag.`, 'BAD_STATE');
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== STATE_VERSION) {
    throw new UsageError(`the state file ${path} has version ${version}; this secure-api reads version ${STATE_VERSION}`,
      version > STATE_VERSION ? 'It was written by a newer secure-api: upgrade secure-api.' : 'It was written by an older secure-api.', 'BAD_STATE');
  }
  const parsed = StateFileSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error.issues, `the state file ${path}`), 'It was left untouched.', 'BAD_STATE');
  return parsed.data;
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

/** Keeps the state in memory and writes it after every change, one write at a time. */
export class StateStore {
  constructor(readonly path: string, public state: StateFile, private readonly now: () => Date = () => new Date()) {}

  save(): void {
    this.state.updatedAt = this.now().toISOString();
    writeFileAtomic(this.path, JSON.stringify(this.state, null, 2) + '\n');
  }
}
