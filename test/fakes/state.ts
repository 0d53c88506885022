import type { Authorizer, GatewayResponse, Method, MethodSetting } from '@aws-sdk/client-api-gateway';
import type {
  AttributeType, CreateUserPoolRequest, CustomDomainConfigType, EmailMfaConfigType, IdentityProviderType,
  SmsMfaConfigType, SoftwareTokenMfaConfigType, UserPoolClientType, UserPoolMfaType, UserStatusType, WebAuthnConfigurationType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Tag as IamTag } from '@aws-sdk/client-iam';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';

/**
 * The fake's whole memory. Plain JSON only (dates are epoch milliseconds), so `dump()` / `load()` round-trip it
 * and a CLI run in one process can continue in the next.
 */
export interface FakeState {
  version: 1;
  account: string;
  region: string;
  /** State of the seeded id generator, so ids stay unique and repeatable across dump/load. */
  rng: number;
  apigateway: {
    apis: Record<string, ApiRecord>;
    /** Fake-clock time of the last DeleteRestApi that was let through (AWS allows about one per 30 s). */
    lastDeleteRestApiAt?: number;
    /** The account's API Gateway settings in this region (GetAccount / UpdateAccount); absent: never set. */
    account?: { cloudwatchRoleArn?: string };
    /** API keys and usage plans (apigateway-keys.ts); absent in memories saved before them. */
    apiKeys?: Record<string, ApiKeyRecord>;
    usagePlans?: Record<string, UsagePlanRecord>;
  };
  cognito: {
    pools: Record<string, PoolRecord>;
    /** Prefix (or custom domain) → domain. Global across the fake, as domain prefixes are across AWS. */
    domains: Record<string, DomainRecord>;
  };
  lambda: { functions: Record<string, FunctionRecord> };
  iam: { roles: Record<string, RoleRecord> };
  /** Absent in dumps made before the fake had S3. */
  s3?: S3State;
  /** CloudWatch Logs (logs.ts); absent in dumps made before the fake had it. */
  logs?: { groups: Record<string, LogGroupRecord> };
  /**
   * The other (account, region) pairs calls reached, keyed `account/region`: each its own memory (an account's
   * resources are invisible from another account and, but for IAM, from another region). IAM is per account: it
   * lives in the account's partition for the fake's default region. S3 stays here (one global namespace).
   */
  partitions?: Record<string, FakeState>;
}

// ── S3 ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface S3State {
  buckets: Record<string, BucketRecord>;
  /** Counter behind version ids (not the shared id generator, so other ids stay as they were). */
  versionSeq: number;
}

export interface BucketRecord {
  name: string;
  region: string;
  createdAt: number;
  /** Unset until PutBucketVersioning. */
  versioning?: 'Enabled' | 'Suspended';
  publicAccessBlock: boolean;
  /** The bucket policy (JSON) PutBucketPolicy set; absent: none. */
  policy?: string;
  /** Current version of each key. */
  objects: Record<string, S3ObjectRecord>;
  /** Noncurrent versions, oldest first (only while versioning is Enabled). */
  versions: Record<string, S3ObjectRecord[]>;
}

export interface S3ObjectRecord {
  body: string;
  etag: string;
  lastModified: number;
  sse: string;
  contentType: string;
  versionId?: string;
}

// ── API Gateway ────────────────────────────────────────────────────────────────────────────────────────────

export interface ApiRecord {
  id: string;
  name: string;
  description?: string;
  version?: string;
  createdDate: number;
  rootResourceId: string;
  endpointConfiguration: { types: string[] };
  apiKeySource: string;
  disableExecuteApiEndpoint: boolean;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  policy?: string;
  tags: Record<string, string>;
  resources: Record<string, ResourceRecord>;
  authorizers: Record<string, Authorizer>;
  deployments: Record<string, DeploymentRecord>;
  stages: Record<string, StageRecord>;
  /** Only the customised ones; the rest answer with AWS's defaults. */
  gatewayResponses: Record<string, GatewayResponse>;
}

export interface ResourceRecord {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  /** httpMethod → Method, with methodResponses and methodIntegration (and its integrationResponses) inside. */
  methods: Record<string, Method>;
}

export interface DeploymentRecord {
  id: string;
  description?: string;
  createdDate: number;
  /** What was deployed: path → httpMethod → Method, copied at CreateDeployment (lets tests prove deploy-after-attach). */
  snapshot: Record<string, Record<string, Method>>;
}

export interface StageRecord {
  stageName: string;
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  tracingEnabled?: boolean;
  /** "{resourcePath}/{httpMethod}" ("*\/*": every method) → its settings, as GetStage answers them. */
  methodSettings?: Record<string, MethodSetting>;
  accessLogSettings?: { destinationArn?: string; format?: string };
  /** A canary release: percentTraffic of the stage's requests go to deploymentId (the stage's own deploymentId serves the rest). */
  canarySettings?: { deploymentId: string; percentTraffic: number; stageVariableOverrides?: Record<string, string>; useStageCache?: boolean };
  createdDate: number;
  lastUpdatedDate: number;
  tags: Record<string, string>;
}

// ── Cognito ────────────────────────────────────────────────────────────────────────────────────────────────

/** The pool's settings as given to CreateUserPool / UpdateUserPool (minus name and tags, kept apart). */
export type PoolConfig = Omit<CreateUserPoolRequest, 'PoolName' | 'UserPoolTags'>;

export interface PoolRecord {
  Id: string;
  Name: string;
  Arn: string;
  CreationDate: number;
  LastModifiedDate: number;
  config: PoolConfig;
  tags: Record<string, string>;
  /** Every MFA mode the pool has had, in order (CreateUserPool, UpdateUserPool, SetUserPoolMfaConfig): tests assert it never dropped. */
  mfaTimeline?: UserPoolMfaType[];
  mfa: {
    MfaConfiguration: UserPoolMfaType;
    SmsMfaConfiguration?: SmsMfaConfigType;
    SoftwareTokenMfaConfiguration?: SoftwareTokenMfaConfigType;
    EmailMfaConfiguration?: EmailMfaConfigType;
    WebAuthnConfiguration?: WebAuthnConfigurationType;
  };
  clients: Record<string, ClientRecord>;
  idps: Record<string, IdpRecord>;
  users: Record<string, UserRecord>;
  /** Resource servers by identifier: the custom scopes clients may name. Absent in dumps made before the fake had them. */
  resourceServers?: Record<string, ResourceServerRecord>;
  /** Groups by name, with their members (usernames). Absent in dumps made before the fake had them. */
  groups?: Record<string, GroupRecord>;
  /** Open sign-in sessions (challenges awaiting an answer), by session string. Absent in older dumps. */
  sessions?: Record<string, AuthSessionRecord>;
  /** The prefix (or custom domain) when one is attached. */
  domain?: string;
}

export type ClientRecord = Omit<UserPoolClientType, 'CreationDate' | 'LastModifiedDate'> & {
  ClientId: string;
  CreationDate: number;
  LastModifiedDate: number;
};

export interface GroupRecord {
  GroupName: string;
  UserPoolId: string;
  Description?: string;
  Precedence?: number;
  CreationDate: number;
  LastModifiedDate: number;
  /** Usernames of the members. */
  members: string[];
}

export interface ResourceServerRecord {
  UserPoolId: string;
  Identifier: string;
  Name: string;
  Scopes: Array<{ ScopeName: string; ScopeDescription: string }>;
}

/** A challenge Cognito is waiting on: who, through which client, until when; for MFA_SETUP the secret once associated. */
export interface AuthSessionRecord {
  username: string;
  clientId: string;
  challenge: 'MFA_SETUP' | 'SOFTWARE_TOKEN_MFA' | 'NEW_PASSWORD_REQUIRED';
  expiresAt: number;
  /** AssociateSoftwareToken's secret, then VerifySoftwareToken's verdict. */
  secret?: string;
  verified?: boolean;
}

export type IdpRecord = Omit<IdentityProviderType, 'CreationDate' | 'LastModifiedDate'> & {
  ProviderName: string;
  CreationDate: number;
  LastModifiedDate: number;
};

export interface UserRecord {
  Username: string;
  Attributes: AttributeType[];
  Enabled: boolean;
  UserStatus: UserStatusType;
  UserCreateDate: number;
  UserLastModifiedDate: number;
  /** Kept so a test can assert what was set; this is a fake, never a real secret store. */
  password?: string;
  /** The user's software token (TOTP) secret, base32, once VerifySoftwareToken accepted a code for it. */
  softwareToken?: string;
  /** The last TOTP step a code was accepted for (a code is not accepted twice). */
  lastTotpStep?: number;
}

export interface DomainRecord {
  Domain: string;
  UserPoolId: string;
  CloudFrontDistribution: string;
  Version: string;
  ManagedLoginVersion: number;
  CustomDomainConfig?: CustomDomainConfigType;
  /** DescribeUserPoolDomain calls answered so far (Status is CREATING for the first few, when configured). */
  describes: number;
  /** Set by DeleteUserPoolDomain: DescribeUserPoolDomain calls still answered DELETING before the domain is gone. */
  deletingLeft?: number;
}

// ── Lambda ─────────────────────────────────────────────────────────────────────────────────────────────────

export interface FunctionRecord {
  configuration: FunctionConfiguration;
  tags: Record<string, string>;
  /** GetFunction / GetFunctionConfiguration reads so far: Pending turns Active after `lambdaActiveAfterReads`. */
  reads: number;
  /** Resource-policy statements, in IAM policy form. */
  statements: PolicyStatement[];
  /** The deployment package, base64. */
  zipBase64?: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: { Service: string } | { AWS: string } | '*';
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

// ── IAM ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface RoleRecord {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: number;
  /** As given (JSON); GetRole answers it URL-encoded, as IAM does. */
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags: IamTag[];
  /** Managed policy ARNs attached. */
  attached: string[];
  /** CreateFunction calls naming this role that will still be refused with "cannot be assumed". */
  assumeFailuresLeft: number;
}

export function emptyState(account: string, region: string, seed: number): FakeState {
  return {
    version: 1,
    account,
    region,
    rng: seed >>> 0,
    apigateway: { apis: {} },
    cognito: { pools: {}, domains: {} },
    lambda: { functions: {} },
    iam: { roles: {} },
    s3: { buckets: {}, versionSeq: 0 },
    logs: { groups: {} },
  };
}

/** An API key (API_ApiKey): its value is returned only to GetApiKey with includeValue. */
export interface ApiKeyRecord { id: string; name?: string | undefined; value: string; enabled: boolean; createdDate: number }
/** A usage plan (API_UsagePlan): the API stages it is bound to, and the keys it holds (CreateUsagePlanKey). */
export interface UsagePlanRecord { id: string; name: string; apiStages: Array<{ apiId: string; stage: string }>; keyIds: string[] }

/** A CloudWatch Logs log group and its events. */
export interface LogGroupRecord {
  logGroupName: string;
  /** Without the trailing `:*` (LogGroup.logGroupArn). */
  arn: string;
  creationTime: number;
  /** Absent: the events never expire. */
  retentionInDays?: number;
  tags: Record<string, string>;
  events: Array<{ timestamp: number; ingestionTime: number; message: string; logStreamName: string; eventId: string }>;
  nextEventId: number;
}
