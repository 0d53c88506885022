import { Cancelled, Interrupted, SecureApiError } from '../errors.js';

/** One place renders errors: the message, the hint, never a stack trace unless asked for. */
export function renderError(stderr: NodeJS.WritableStream, err: SecureApiError | Error, env: NodeJS.ProcessEnv): void {
  if (err instanceof SecureApiError) {
    // A cancel is soft: the user asked for it, so it is said plainly, not as an error.
    stderr.write(err instanceof Interrupted || err instanceof Cancelled ? `${err.message}\n` : `Error: ${err.message}\n`);
    if (err.hint) stderr.write(`${err.hint}\n`);
    for (const a of err.also) {
      stderr.write(`Also: ${a.message}\n`);
      if (a.hint) stderr.write(`${a.hint}\n`);
    }
  } else {
    stderr.write(`Unexpected error: ${err.message}\n`);
    if (env.SECURE_API_DEBUG) stderr.write(`${err.stack ?? ''}\n`);
    else stderr.write('Set SECURE_API_DEBUG=1 for the stack trace, and please report it.\n');
  }
}

