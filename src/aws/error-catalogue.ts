import type { CommandNamer, HintText } from '../errors.js';

/**
 * The AWS errors a person can cause, each as a sentence and a next step (issue 24). One table, so every command says
 * the same thing for the same mistake; toAwsFailure (./errors.ts) reads it. AWS's name and message follow the sentence
 * in brackets (they name the detail: which quota, which password rule). The SDK's internals never appear. A next step
 * names this tool's commands through `cmd` (`cmd('users list')`): the stack is not known here, the CLI completes them
 * with `--stack NAME` and the flags that reach it.
 */
export interface CatalogueRow {
  /** AWS error names (exact), or a prefix ending in '*'. */
  names: string[];
  /** Only when AWS's message matches (NotAuthorizedException means several things). */
  when?: RegExp;
  /** Stable code for --json consumers. */
  code: string;
  /** The sentence: what happened, in the user's terms (AWS's name and message follow it in brackets). */
  say: () => string;
  /** What to do next; `cmd` names a command of this tool, `detail` is AWS's message (for the rows that name a detail from it). */
  next: string | ((cmd: CommandNamer, detail: string) => string);
}

export const ERROR_CATALOGUE: readonly CatalogueRow[] = [
  { names: ['UsernameExistsException', 'AliasExistsException'], code: 'USER_EXISTS',
    say: () => 'a user with that name (or that email or phone number) already exists in the pool',
    next: (cmd) => `Sign in as that user (\`${cmd('token --username NAME --password-stdin')}\`), or pick another name; \`${cmd('users list')}\` shows who exists.` },
  { names: ['UserNotFoundException'], code: 'USER_NOT_FOUND',
    say: () => 'there is no such user in the pool',
    next: (cmd) => `Check the spelling (\`${cmd('users list')}\` shows the users), or create it with \`${cmd('users add NAME')}\`.` },
  { names: ['NotAuthorizedException'], when: /disabled/i, code: 'USER_DISABLED',
    say: () => 'this user is disabled',
    next: 'Enable it again in the Cognito console (Users → Enable user access), or sign in as another user.' },
  { names: ['NotAuthorizedException'], when: /secret hash|client secret|SECRET_HASH/i, code: 'WRONG_CLIENT_SECRET',
    say: () => 'the app client\'s secret did not match (SECRET_HASH)',
    next: (cmd) => `The client was changed or made again since the state was written: run \`${cmd('status')}\`, then \`${cmd('init')}\` to bring the state up to date.` },
  { names: ['NotAuthorizedException'], when: /password|username/i, code: 'WRONG_PASSWORD',
    say: () => 'the username or password is wrong',
    next: 'Check both (Cognito does not say which, so no one can probe for users). Forgotten? Reset it in the Cognito console or with the hosted UI\'s "Forgot your password?".' },
  { names: ['PasswordResetRequiredException'], code: 'PASSWORD_RESET_REQUIRED',
    say: () => 'this user must reset the password before signing in',
    next: 'Reset it in the Cognito console (or with the hosted UI\'s "Forgot your password?"), then sign in again.' },
  { names: ['UserNotConfirmedException'], code: 'USER_NOT_CONFIRMED',
    say: () => 'this user has not confirmed the account yet',
    next: 'Confirm it with the code Cognito sent, or in the Cognito console (Users → Confirm account).' },
  { names: ['InvalidPasswordException'], code: 'PASSWORD_POLICY',
    say: () => 'the password does not meet the pool\'s password policy (AWS names the rule it breaks)',
    next: (cmd) => `Choose one that meets it: \`${cmd('status')}\` shows the pool's policy (length, upper and lower case, digits, symbols); leave --password-stdin out and \`users add\` makes one that does.` },
  { names: ['CodeMismatchException'], code: 'CODE_MISMATCH',
    say: () => 'the code was wrong or already used',
    next: 'Wait for the next code (of the authenticator app, or the message) and try again.' },
  { names: ['ExpiredCodeException'], code: 'CODE_EXPIRED',
    say: () => 'the code has expired',
    next: 'Ask for a new code and use it within its validity (minutes for an authenticator or SMS code, 24 h for an email link).' },
  { names: ['TooManyFailedAttemptsException'], code: 'TOO_MANY_ATTEMPTS',
    say: () => 'too many failed attempts for this user',
    next: 'Wait a while (Cognito locks the user out for a few minutes, longer after each lockout), then try again with the right password or code.' },
  { names: ['LimitExceededException'], code: 'LIMIT_EXCEEDED',
    say: () => 'a limit of AWS was reached (AWS names it)',
    next: 'If it is a rate limit, wait a few minutes and run the same command again; if it is a count (pools, roles…), remove unused ones or ask for more in the Service Quotas console.' },
  { names: ['ServiceQuotaExceededException'], code: 'QUOTA_EXCEEDED',
    say: () => 'a service quota of this account was reached (AWS names it)',
    next: 'Remove unused resources of that kind, or request an increase of that quota in the Service Quotas console (https://console.aws.amazon.com/servicequotas/).' },
  { names: ['AccessDenied*', 'UnauthorizedOperation', 'UnauthorizedException'], code: 'ACCESS_DENIED',
    say: () => 'these credentials are not allowed to do this',
    next: (cmd, d) => {
      const action = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(d)?.[1];
      return `${action ? `Grant ${action} to these credentials` : 'Grant the missing permission'} (\`${cmd('policy')}\` prints the minimal policy), or use credentials that have it (--profile NAME).`;
    } },
  { names: ['ExpiredToken*', 'RequestExpired', 'TokenRefreshRequired'], code: 'CREDENTIALS_EXPIRED',
    say: () => 'the AWS credentials have expired',
    next: 'Sign in again: `aws sso login --profile NAME` (IAM Identity Center), or get new keys and run `aws configure`; then run the same command.' },
  { names: ['InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'AuthFailure'], code: 'CREDENTIALS_INVALID',
    say: () => 'AWS does not accept these credentials (the access key is unknown, deleted, or its secret is wrong)',
    next: 'Use valid ones: `aws configure` (access keys), or `aws sso login --profile NAME` and pass `--profile NAME`; `aws sts get-caller-identity` tells whether they work.' },
  { names: ['ResourceNotFoundException', 'NotFoundException', 'NoSuchEntity', 'NoSuchEntityException'], code: 'RECORDED_RESOURCE_GONE',
    say: () => 'something the state records is no longer in AWS: it was deleted outside secure-api',
    next: (cmd) => `\`${cmd('status')}\` shows what is missing; \`${cmd('init')}\` makes it again (or \`${cmd('destroy')}\` removes the rest and the state).` },
];

/** The SDK's own advice about its internals ("inspect the hidden field {error}.$response…"), never for the user. */
export function cleanAwsMessage(message: string): string {
  return message
    .replace(/\s*Deserialization error:[^\n]*\$response[^\n]*/gi, '')
    .replace(/\s*\(?to see the raw response,? inspect the hidden field \{error\}\.\$response on this object\.?\)?/gi, '')
    .trim();
}

const nameMatches = (pattern: string, name: string) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name);

/** A row's next step for AWS's message: a hint whose commands the CLI names (HintText). */
export const nextStep = (row: CatalogueRow, detail: string): HintText => {
  const next = row.next;
  return typeof next === 'function' ? (cmd) => next(cmd, detail) : next;
};

/** The catalogue's row for an error (its name, and its message when the row says so), if any. */
export function catalogueRow(name: string, message: string): CatalogueRow | undefined {
  return ERROR_CATALOGUE.find((r) => r.names.some((n) => nameMatches(n, name)) && (!r.when || r.when.test(message)));
}
