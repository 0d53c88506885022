/** Run the CLI in-process (its real parser and commands) with a real clock, given stdin text, and stderr readable while it runs. */
import { PassThrough, Writable } from 'node:stream';
import type { CommandEnv } from '../../src/commands/env.js';
import { runCli } from '../../src/program.js';
import { renderError } from '../../src/ui/render-error.js';

class Capture extends Writable {
  text = '';
  constructor(public isTTY = false) {
    super();
  }

  columns = 160;
  override _write(chunk: Buffer | string, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface CliRun {
  /** Resolves with the exit code and all output once the command ends. */
  done: Promise<{ code: number; stdout: string; stderr: string }>;
  stderr: () => string;
}

/** `tty`: stdout and stderr are a terminal, outside CI (what a person at a prompt runs). */
export function startCli(argv: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string; signal?: AbortSignal; tty?: boolean }): CliRun {
  const stdout = new Capture(o.tty);
  const stderr = new Capture(o.tty);
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = false;
  stdin.end(o.stdin ?? '');
  const env: CommandEnv = {
    stdout, stderr, stdin,
    env: { CI: o.tty ? 'false' : 'true', NO_COLOR: '1', BROWSER: 'none', ...o.env },
    cwd: o.cwd,
    signal: o.signal ?? new AbortController().signal,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    prompter: async () => { throw new Error('no prompts in these tests'); },
  };
  const done = runCli(argv, env, (e) => renderError(stderr, e, env.env)).then((code) => ({ code, stdout: stdout.text, stderr: stderr.text }));
  return { done, stderr: () => stderr.text };
}

export const runCliOnce = (argv: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string; tty?: boolean }) => startCli(argv, o).done;
