import { AwsFailure, joinHints } from '../errors.js';
import { catalogueRow, cleanAwsMessage, nextStep } from './error-catalogue.js';

/** The shape of an SDK v3 service error, as far as we read it. */
export interface AwsErrorLike {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  $retryable?: { throttling?: boolean };
}

export function awsErrorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as AwsErrorLike).name === 'string' ? (err as AwsErrorLike).name : undefined;
}

export function isNotFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'NotFoundException' || name === 'ResourceNotFoundException' || name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}

const THROTTLING = new Set([
  'TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestLimitExceeded',
  'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ProvisionedThroughputExceededException',
]);
/** Transient conflicts: another update is in progress on the same thing. */
const TRANSIENT = new Set([
  'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalServerError', 'InternalErrorException',
  'ServiceException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT',
  'ConcurrentModificationException', 'ServiceFailure',
]);

export function isThrottling(err: unknown): boolean {
  const name = awsErrorName(err);
  return (name !== undefined && THROTTLING.has(name)) || (err as AwsErrorLike | undefined)?.$retryable?.throttling === true
    || (err as AwsErrorLike | undefined)?.$metadata?.httpStatusCode === 429;
}

/**
 * API Gateway serializes writes to one REST API: a write that overlaps another is refused with
 * `ConflictException: Unable to complete operation due to concurrent modification. Please try again later.`
 * (older accounts: BadRequestException, same text). Nothing was changed; the same call can be sent again.
 */
export function isConcurrentModification(err: unknown): boolean {
  const name = awsErrorName(err);
  return (name === 'ConflictException' || name === 'BadRequestException')
    && /concurrent modification/i.test((err as AwsErrorLike | undefined)?.message ?? '');
}

/** A ConflictException that says the thing is already there (not the concurrent-modification one). */
export function isAlreadyExists(err: unknown): boolean {
  return awsErrorName(err) === 'ConflictException' && !isConcurrentModification(err)
    && /already (exists|has)/i.test((err as AwsErrorLike | undefined)?.message ?? '');
}

/** Refused before AWS acted (throttled, or another write to the API in progress): resending cannot duplicate anything. */
export function isRefusedUnacted(err: unknown): boolean {
  return isThrottling(err) || isConcurrentModification(err);
}

export function isTransient(err: unknown): boolean {
  if (isThrottling(err) || isConcurrentModification(err)) return true;
  const name = awsErrorName(err);
  if (name !== undefined && TRANSIENT.has(name)) return true;
  const e = err as AwsErrorLike | undefined;
  if (e?.$fault === 'server' || (e?.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  // Network errors (socket hang up, DNS) carry a code, not an AWS name.
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN';
}

/** Seconds AWS asked us to wait, when it said so. */
export function retryAfterMs(err: unknown): number | undefined {
  const h = (err as AwsErrorLike | undefined)?.$response?.headers;
  const v = h?.['retry-after'] ?? h?.['Retry-After'];
  if (v === undefined) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError', 'UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException',
  'InvalidSignatureException', 'SignatureDoesNotMatch', 'TokenRefreshRequired', 'RequestExpired', 'AuthFailure',
]);

export const CREDENTIALS_HINT =
  'Give secure-api AWS credentials the way the AWS CLI takes them: run `aws configure` (access keys), ' +
  '`aws sso login --profile NAME` and pass `--profile NAME` (or set AWS_PROFILE), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';

/** Turn any error from an AWS call into an AwsFailure naming the call, with a hint where we know one. */
export function toAwsFailure(err: unknown, call: string, resumeHint?: string): AwsFailure {
  if (err instanceof AwsFailure) {
    // A failure a handler or the client already explained still needs to say how to resume.
    if (!resumeHint || err.hint?.includes(resumeHint)) return err;
    return new AwsFailure(err.message, { hint: joinHints(err.hintText, resumeHint), awsName: err.awsName, cause: err.cause ?? err, code: err.code });
  }
  const name = awsErrorName(err) ?? 'Error';
  const message = cleanAwsMessage((err as { message?: string } | undefined)?.message ?? String(err));
  if (CREDENTIAL_ERRORS.has(name) || name.startsWith('ExpiredToken') || /Could not load credentials|credential/i.test(name === 'Error' ? message : '')) {
    const row = catalogueRow(name, message);
    return new AwsFailure(`No usable AWS credentials (${call}: ${row ? `${row.say()}: ${message}` : message})`, { hint: row ? nextStep(row, message) : CREDENTIALS_HINT, awsName: name, cause: err, code: 'CREDENTIALS' });
  }
  // A mistake a person can make (a user that exists, a wrong password, a missing permission…): the catalogue says it.
  const row = catalogueRow(name, message) ?? (/not authorized to perform/i.test(message) ? catalogueRow('AccessDenied', message) : undefined);
  if (row) return new AwsFailure(`${call}: ${row.say()} (${name}: ${message})`, { hint: joinHints(nextStep(row, message), resumeHint), awsName: name, cause: err, code: row.code });
  return new AwsFailure(`${call} failed: ${name}: ${message}`, { hint: resumeHint, awsName: name, cause: err });
}
