/** Exit codes, as DESIGN.md fixes them. */
export const ExitCode = {
  ok: 0,
  aws: 1,
  usage: 2,
  drift: 3,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error the CLI renders on its own (no stack trace). */
export class SecureApiError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;
  /** Failures that came after this one (the state could not be saved afterwards): reported beside it, never instead. */
  readonly also: SecureApiError[] = [];
  constructor(code: string, message: string, opts: { hint?: string | undefined; exitCode: ExitCodeValue; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode;
  }
}

/** The user's mistake: bad flag, config or state file. Raised before any AWS call. */
export class UsageError extends SecureApiError {
  constructor(message: string, hint?: string, code = 'USAGE') {
    super(code, message, { hint, exitCode: ExitCode.usage });
  }
}

/** AWS said no, or could not be reached. The state file has been saved. */
export class AwsFailure extends SecureApiError {
  readonly awsName: string | undefined;
  constructor(message: string, opts: { hint?: string; awsName?: string; cause?: unknown; code?: string } = {}) {
    super(opts.code ?? 'AWS', message, { hint: opts.hint, exitCode: ExitCode.aws, cause: opts.cause });
    this.awsName = opts.awsName;
  }
}

/** Ctrl-C, SIGTERM, or a prompt cancelled. */
export class Interrupted extends SecureApiError {
  constructor(message = 'Interrupted.', hint?: string) {
    super('INTERRUPTED', message, { hint, exitCode: ExitCode.interrupted });
  }
}

/** The user declined a plan or a destroy: nothing was done, exit 1 as Terraform does ("Apply cancelled."). */
export class Cancelled extends SecureApiError {
  constructor(message: string) {
    super('CANCELLED', message, { exitCode: ExitCode.aws });
  }
}

/** A run that did what was asked but found problems (status drift, verify failure). */
export class CheckFailed extends SecureApiError {
  constructor(message: string, exitCode: ExitCodeValue, hint?: string) {
    super('CHECK_FAILED', message, { hint, exitCode });
  }
}

/** The state could not be written (disk full, permissions, the path taken): what AWS did since the last save is not recorded. */
export class StateWriteFailed extends SecureApiError {
  /** `stackArgs`: ` --stack NAME` and the flags that reach it, for the commands the hint prints. */
  constructor(where: string, cause: unknown, stackArgs = '') {
    super('STATE_WRITE', `the state could not be saved to ${where}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      exitCode: ExitCode.aws, cause,
      hint: `Fix what stops the write (free space, the directory's permissions), then run the same command again. What was made since the last save carries the stack's tags: \`secure-api status --orphans${stackArgs}\` lists it, \`secure-api destroy --orphans${stackArgs}\` removes it.`,
    });
  }
}

/** Report `later` beside `first` (once): the first cause stays the error the user sees and the exit code. */
export function alsoFailed(first: SecureApiError, later: unknown): SecureApiError {
  const typed = later instanceof SecureApiError ? later : new SecureApiError('UNEXPECTED', later instanceof Error ? later.message : String(later), { exitCode: ExitCode.aws });
  if (typed !== first && typed.message !== first.message && !first.also.some((a) => a.message === typed.message)) first.also.push(typed);
  return first;
}
