import * as apigateway from '@aws-sdk/client-api-gateway';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as cognito from '@aws-sdk/client-cognito-identity-provider';
import * as iam from '@aws-sdk/client-iam';
import * as lambda from '@aws-sdk/client-lambda';
import * as s3 from '@aws-sdk/client-s3';
import * as tagging from '@aws-sdk/client-resource-groups-tagging-api';
import * as sts from '@aws-sdk/client-sts';

export type ServiceName = 'apigateway' | 'cognito' | 'lambda' | 'iam' | 'sts' | 'tagging' | 's3' | 'logs';
export const SERVICES: readonly ServiceName[] = ['apigateway', 'cognito', 'lambda', 'iam', 'sts', 'tagging', 's3', 'logs'];

type ServiceException = apigateway.APIGatewayServiceException;
type BaseCtor = new (options: { name: string; $fault: 'client' | 'server'; $metadata: object; message?: string }) => ServiceException;
type ModeledCtor = new (options: { message: string; $metadata: object }) => ServiceException;

const BASES: Record<ServiceName, BaseCtor> = {
  apigateway: apigateway.APIGatewayServiceException,
  cognito: cognito.CognitoIdentityProviderServiceException,
  lambda: lambda.LambdaServiceException,
  iam: iam.IAMServiceException,
  sts: sts.STSServiceException,
  tagging: tagging.ResourceGroupsTaggingAPIServiceException,
  s3: s3.S3ServiceException as unknown as BaseCtor,
  logs: logs.CloudWatchLogsServiceException,
};

/** Every modeled exception class a client package exports, by its `name` (e.g. NotFoundException). */
function modeled(ns: Record<string, unknown>, base: BaseCtor): Map<string, ModeledCtor> {
  const out = new Map<string, ModeledCtor>();
  for (const [key, value] of Object.entries(ns)) {
    if (typeof value === 'function' && value !== base && value.prototype instanceof base) out.set(key, value as ModeledCtor);
  }
  return out;
}

const CLASSES: Record<ServiceName, Map<string, ModeledCtor>> = {
  apigateway: modeled(apigateway, BASES.apigateway),
  cognito: modeled(cognito, BASES.cognito),
  lambda: modeled(lambda, BASES.lambda),
  iam: modeled(iam, BASES.iam),
  sts: modeled(sts, BASES.sts),
  tagging: modeled(tagging, BASES.tagging),
  s3: modeled(s3, BASES.s3),
  logs: modeled(logs, BASES.logs),
};

/** HTTP status each service answers an error with (AWS's documented codes; 400 when not listed). */
const STATUS: Record<ServiceName, Record<string, number>> = {
  apigateway: {
    NotFoundException: 404, ConflictException: 409, TooManyRequestsException: 429, LimitExceededException: 429,
    UnauthorizedException: 401, ServiceUnavailableException: 503,
  },
  cognito: {
    ResourceNotFoundException: 404, UserNotFoundException: 404, NotAuthorizedException: 403, TooManyRequestsException: 429,
    InternalErrorException: 500, ConcurrentModificationException: 409,
  },
  lambda: {
    ResourceNotFoundException: 404, ResourceConflictException: 409, TooManyRequestsException: 429, ServiceException: 500,
    PreconditionFailedException: 412, ResourceInUseException: 400,
  },
  iam: {
    NoSuchEntityException: 404, EntityAlreadyExistsException: 409, DeleteConflictException: 409, LimitExceededException: 409,
    ConcurrentModificationException: 409, ServiceFailureException: 500, UnmodifiableEntityException: 400,
  },
  sts: {},
  tagging: { InternalServiceException: 500 },
  // CloudWatch Logs answers its client errors with 400 (its API reference, Common Errors), ServiceUnavailable 500.
  logs: { ServiceUnavailableException: 500 },
  // S3 error responses (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
  s3: {
    NoSuchBucket: 404, NoSuchKey: 404, NotFound: 404, PreconditionFailed: 412, ConditionalRequestConflict: 409, BucketAlreadyOwnedByYou: 409,
    BucketAlreadyExists: 409, AccessDenied: 403, NoSuchBucketPolicy: 404, SlowDown: 503, InternalError: 500, NoSuchPublicAccessBlockConfiguration: 404,
  },
};

/** The throttling error each service answers with. */
export const THROTTLE_NAME: Record<ServiceName, string> = {
  apigateway: 'TooManyRequestsException',
  cognito: 'TooManyRequestsException',
  lambda: 'TooManyRequestsException',
  iam: 'Throttling',
  sts: 'Throttling',
  tagging: 'ThrottledException',
  s3: 'SlowDown',
  logs: 'ThrottlingException',
};

const SERVER_FAULTS = new Set([
  'ServiceUnavailableException', 'InternalErrorException', 'ServiceException', 'ServiceFailureException',
  'InternalServiceException', 'InternalFailure', 'ServiceUnavailable',
]);

export interface AwsErrorExtras {
  /** Seconds, as AWS sends them in the `Retry-After` header. */
  retryAfterSeconds?: number;
  status?: number;
}

/**
 * An error shaped like the SDK's own: the modeled exception class of that service when there is one (so `instanceof`
 * works), else the service's base exception with that `name`; `$fault`, `$metadata.httpStatusCode` and `$response`.
 */
export function awsError(service: ServiceName, name: string, message: string, extras: AwsErrorExtras = {}): Error {
  const status = extras.status ?? STATUS[service][name] ?? (SERVER_FAULTS.has(name) ? 500 : 400);
  const $metadata = { httpStatusCode: status, requestId: 'fake-error', attempts: 1, totalRetryDelay: 0 };
  const Ctor = CLASSES[service].get(name);
  const fault: 'client' | 'server' = status >= 500 ? 'server' : 'client';
  const err = Ctor ? new Ctor({ message, $metadata }) : new BASES[service]({ name, $fault: fault, $metadata, message });
  err.$metadata = $metadata;
  const headers: Record<string, string> = { 'x-amzn-errortype': name, 'x-amzn-requestid': 'fake-error' };
  if (extras.retryAfterSeconds !== undefined) headers['retry-after'] = String(extras.retryAfterSeconds);
  err.$response = { statusCode: status, headers, body: undefined };
  if (name === THROTTLE_NAME[service] || (service === 'apigateway' && name === 'LimitExceededException')) {
    err.$retryable = { throttling: true };
  }
  return err;
}

/** Thrown for a command the fake does not implement: loud, never retried. */
export function notImplemented(service: ServiceName, command: string): Error {
  const err = new Error(`aws fake: ${service} ${command} is not implemented (add it under test/fakes/)`);
  err.name = 'NotImplementedByFake';
  return err;
}
