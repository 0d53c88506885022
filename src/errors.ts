/** Exit codes, as DESIGN.md fixes them. */
export const ExitCode = {
  ok: 0,
  aws: 1,
  usage: 2,
  drift: 3,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** How a hint names one of this tool's commands (`users list` → `secure-api users list`, plus what reaches the stack). */
export type CommandNamer = (command: string) => string;

/** A command as is: the stack and where it lives are not known where it is printed. */
export const plainCommand: CommandNamer = (command) => `secure-api ${command}`;

/**
 * A hint: text, or text that names commands through a CommandNamer. Code that does not know the run's stack (an AWS
 * error turned into a sentence, src/aws) names them so; the CLI completes them with `--stack NAME` and the flags that
 * reach it (issue 24: every printed command reaches the same stack).
 */
export type HintText = string | ((cmd: CommandNamer) => string);

/** Two hints, one after the other (either may name commands). */
export function joinHints(a: HintText | undefined, b: HintText | undefined): HintText | undefined {
  if (a === undefined || a === '') return b;
  if (b === undefined || b === '') return a;
  if (typeof a === 'string' && typeof b === 'string') return `${a} ${b}`;
  const text = (h: HintText, cmd: CommandNamer) => (typeof h === 'string' ? h : h(cmd));
  return (cmd) => `${text(a, cmd)} ${text(b, cmd)}`;
}

/** Base of every error the CLI renders on its own (no stack trace). */
export class SecureApiError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  /** Failures that came after this one (the state could not be saved afterwards): reported beside it, never instead. */
  readonly also: SecureApiError[] = [];
  /** The hint as given: it may name commands (HintText). */
  readonly hintText: HintText | undefined;
  private namer: CommandNamer = plainCommand;
  constructor(code: string, message: string, opts: { hint?: HintText | undefined; exitCode: ExitCodeValue; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.hintText = opts.hint;
    this.exitCode = opts.exitCode;
  }

  /** The hint, its commands named as nameCommands said (plain `secure-api COMMAND` until then). */
  get hint(): string | undefined {
    return typeof this.hintText === 'function' ? this.hintText(this.namer) : this.hintText;
  }

  /** Name the commands of this hint, and of the failures reported beside it, so that they reach this run's stack. */
  nameCommands(namer: CommandNamer): void {
    this.namer = namer;
    for (const a of this.also) a.nameCommands(namer);
  }
}

/** The user's mistake: bad flag, config or state file. Raised before any AWS call. */
export class UsageError extends SecureApiError {
  constructor(message: string, hint?: HintText, code = 'USAGE') {
    super(code, message, { hint, exitCode: ExitCode.usage });
  }
}

/** AWS said no, or could not be reached. The state file has been saved. */
export class AwsFailure extends SecureApiError {
  readonly awsName: string | undefined;
  constructor(message: string, opts: { hint?: HintText | undefined; awsName?: string | undefined; cause?: unknown; code?: string } = {}) {
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
