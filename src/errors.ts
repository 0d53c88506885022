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
  constructor(code: string, message: string, opts: { hint?: string; exitCode: ExitCodeValue; cause?: unknown }) {
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
