import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, catalogueRow, cleanAwsMessage } from './error-catalogue.js';
import { toAwsFailure } from './errors.js';
import { SecureApiError, UsageError } from '../errors.js';

/** An error shaped like the SDK's (name, message, $metadata of an answer). */
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

/** Each row: an error AWS sends (its documented message), the code, and words the sentence and the next step must hold. */
const ROWS: Array<{ name: string; message: string; code: string; says: string; next: string }> = [
  { name: 'UsernameExistsException', message: 'User account already exists', code: 'USER_EXISTS', says: 'already exists in the pool', next: 'secure-api users list' },
  { name: 'AliasExistsException', message: 'An account with the given email already exists.', code: 'USER_EXISTS', says: 'already exists', next: 'secure-api token --username' },
  { name: 'UserNotFoundException', message: 'User does not exist.', code: 'USER_NOT_FOUND', says: 'no such user', next: 'secure-api users add' },
  { name: 'NotAuthorizedException', message: 'Incorrect username or password.', code: 'WRONG_PASSWORD', says: 'username or password is wrong', next: 'Check both' },
  { name: 'NotAuthorizedException', message: 'User is disabled.', code: 'USER_DISABLED', says: 'disabled', next: 'Enable it again' },
  { name: 'NotAuthorizedException', message: 'Unable to verify secret hash for client 1example23456789', code: 'WRONG_CLIENT_SECRET', says: 'secret did not match', next: 'secure-api status' },
  { name: 'PasswordResetRequiredException', message: 'Password reset required for the user', code: 'PASSWORD_RESET_REQUIRED', says: 'must reset the password', next: 'Cognito console' },
  { name: 'UserNotConfirmedException', message: 'User is not confirmed.', code: 'USER_NOT_CONFIRMED', says: 'not confirmed', next: 'Confirm it' },
  { name: 'InvalidPasswordException', message: 'Password did not conform with policy: Password must have uppercase characters', code: 'PASSWORD_POLICY', says: "(InvalidPasswordException: Password did not conform with policy: Password must have uppercase characters)", next: 'secure-api status' },
  { name: 'CodeMismatchException', message: 'Invalid code received for user', code: 'CODE_MISMATCH', says: 'code was wrong', next: 'next code' },
  { name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.', code: 'CODE_EXPIRED', says: 'code has expired', next: 'new code' },
  { name: 'TooManyFailedAttemptsException', message: 'Too many failed attempts.', code: 'TOO_MANY_ATTEMPTS', says: 'too many failed attempts', next: 'Wait' },
  { name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.', code: 'LIMIT_EXCEEDED', says: 'limit of AWS was reached', next: 'Service Quotas' },
  { name: 'ServiceQuotaExceededException', message: 'Quota exceeded: Functions per account', code: 'QUOTA_EXCEEDED', says: 'quota of this account was reached (AWS names it) (ServiceQuotaExceededException: Quota exceeded: Functions per account)', next: 'Service Quotas console' },
  { name: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cognito-idp:AdminCreateUser on resource: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x', code: 'ACCESS_DENIED', says: 'not allowed', next: 'Grant cognito-idp:AdminCreateUser to these credentials (`secure-api policy`' },
  { name: 'AccessDenied', message: 'Access Denied', code: 'ACCESS_DENIED', says: 'not allowed', next: 'secure-api policy' },
  { name: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', code: 'ACCESS_DENIED', says: 'not allowed', next: 'secure-api policy' },
  { name: 'ResourceNotFoundException', message: 'User pool us-east-1_abc does not exist.', code: 'RECORDED_RESOURCE_GONE', says: 'no longer in AWS', next: 'secure-api status' },
  { name: 'NotFoundException', message: 'Invalid REST API identifier specified', code: 'RECORDED_RESOURCE_GONE', says: 'deleted outside secure-api', next: 'secure-api init' },
];

describe('the error catalogue: one sentence and a next step per mistake a person can cause', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.message}`, () => {
      const f = toAwsFailure(awsError(row.name, row.message), 'users add');
      expect(f.code).toBe(row.code);
      expect(f.message).toContain(row.says);
      expect(f.message).toBe(`users add: ${catalogueRow(row.name, row.message)!.say()} (${row.name}: ${row.message})`);
      expect(f.hint).toContain(row.next);
      expect(f.exitCode).toBe(1);
    });
  }

  it('every row of the table is exercised above', () => {
    const credentials = [{ name: 'ExpiredTokenException', message: '' }, { name: 'InvalidClientTokenId', message: '' }];
    for (const r of ERROR_CATALOGUE) expect([...ROWS, ...credentials].some((x) => catalogueRow(x.name, x.message) === r), r.code).toBe(true);
  });

  it('expired or unknown credentials: code CREDENTIALS, `aws sso login` or `aws configure`', () => {
    for (const name of ['ExpiredTokenException', 'ExpiredToken', 'RequestExpired']) {
      const f = toAwsFailure(awsError(name, 'The security token included in the request is expired'), 'sts:GetCallerIdentity');
      expect(f.code, name).toBe('CREDENTIALS');
      expect(f.message, name).toContain('the AWS credentials have expired: The security token included in the request is expired');
      expect(f.hint, name).toContain('aws sso login --profile NAME');
    }
    for (const name of ['InvalidClientTokenId', 'UnrecognizedClientException']) {
      const f = toAwsFailure(awsError(name, 'The security token included in the request is invalid.'), 'sts:GetCallerIdentity');
      expect(f.code, name).toBe('CREDENTIALS');
      expect(f.message, name).toContain('does not accept these credentials');
      expect(f.hint, name).toContain('aws configure');
    }
  });

  it('an error outside the catalogue keeps AWS\'s name and message; the resume hint follows a row\'s next step', () => {
    expect(toAwsFailure(awsError('BadRequestException', 'Invalid API name'), 'creating rest-api x').message).toBe('creating rest-api x failed: BadRequestException: Invalid API name');
    expect(toAwsFailure(awsError('UsernameExistsException', 'User account already exists'), 'x', 'Run init again.').hint).toMatch(/secure-api users list.*Run init again\.$/);
  });

  it('the SDK\'s internals ("inspect the hidden field {error}.$response") never reach the user', () => {
    const raw = 'UnknownError\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';
    expect(cleanAwsMessage(raw)).toBe('UnknownError');
    const f = toAwsFailure(awsError('InternalFailure', raw), 'sts:GetCallerIdentity');
    expect(f.message).not.toContain('$response');
  });

  it('a next step names its commands through the CLI: every `secure-api …` of the hint gets the run\'s stack, the resume hint stays after it', () => {
    const reach = (c: string) => `secure-api ${c} --stack demo --profile team`;
    for (const row of ROWS) {
      const f = toAwsFailure(awsError(row.name, row.message), 'users add', 'Then run `secure-api init --stack demo` again.');
      const plain = f.hint!;
      f.nameCommands(reach);
      const named = f.hint!;
      // The same text, each command completed: nothing else changed.
      expect(named.replace(/ --stack demo( --profile team)?/g, ''), row.name).toBe(plain.replace(/ --stack demo/g, ''));
      for (const m of named.matchAll(/`secure-api ([^`]*)`/g)) expect(m[1], `${row.name}: ${named}`).toMatch(/--stack demo/);
      expect(named, row.name).toMatch(/Then run `secure-api init --stack demo` again\.$/);
      // Re-wrapped with another resume hint (a handler's failure, then the engine's), the commands are still named by the CLI.
      const again = toAwsFailure(toAwsFailure(awsError(row.name, row.message), 'x'), 'y', 'Resume.');
      again.nameCommands(reach);
      expect(again.hint, row.name).toBe(`${(() => { const g = toAwsFailure(awsError(row.name, row.message), 'x'); g.nameCommands(reach); return g.hint!; })()} Resume.`);
    }
  });

  it('the failures reported beside an error are named too; a plain hint is left as it is', () => {
    const first = new UsageError('first', (cmd) => `Run \`${cmd('status')}\`.`);
    const later = toAwsFailure(awsError('ResourceNotFoundException', 'gone'), 'z');
    first.also.push(later, new SecureApiError('X', 'plain', { hint: 'Run `secure-api status`.', exitCode: 1 }));
    first.nameCommands((c) => `secure-api ${c} --stack s1`);
    expect(first.hint).toBe('Run `secure-api status --stack s1`.');
    expect(later.hint).toContain('`secure-api status --stack s1` shows what is missing');
    expect(first.also[1]!.hint).toBe('Run `secure-api status`.');
  });
});
