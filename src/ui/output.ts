import { Chalk, type ChalkInstance } from 'chalk';

/** How to show progress: spinners and colour on a terminal, plain lines in CI or a pipe, JSON for scripts. */
export type OutputMode = 'tty' | 'plain' | 'json';

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export function outputMode(opts: { json?: boolean | undefined }, streams: Streams, env: NodeJS.ProcessEnv): OutputMode {
  if (opts.json) return 'json';
  if (!streams.stderr.isTTY || env.CI === 'true' || env.CI === '1' || env.TERM === 'dumb') return 'plain';
  return 'tty';
}

/** Colour only on a terminal, never with NO_COLOR; FORCE_COLOR=0 turns it off, FORCE_COLOR=1 on. */
/**
 * Whether a password may be shown here: on a terminal only (issue 25.7), so never in --json, a pipe, a file or a CI
 * log, where it would outlive the moment it is read. Both streams count: the secret may go to either.
 */
export function secretsShowable(opts: { json?: boolean | undefined }, streams: Streams, env: NodeJS.ProcessEnv): boolean {
  return outputMode(opts, streams, env) === 'tty' && streams.stdout.isTTY === true;
}

export function makeChalk(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): ChalkInstance {
  let on = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  if (env.FORCE_COLOR === '0') on = false;
  else if (env.FORCE_COLOR !== undefined && env.NO_COLOR === undefined) on = true;
  return new Chalk({ level: on ? 1 : 0 });
}
