import type { HttpMethod } from '../config/validators.js';
import type { UserTags } from '../resources/tags.js';
import type { ResourceKind } from '../resources/types.js';

/**
 * The spec each kind of node carries. Specs name their dependencies by node id (e.g. `resourceNode`),
 * and the handler reads that dependency's outputs from `deps[nodeId]`. The REST API is always node 'api',
 * the user pool always node 'pool'.
 */
/** What a stage must serve: methods keyed "GET /orders"; `secured` behind the Cognito authorizer, `open` served without a token on purpose. */
export interface ServedPolicy { secured: string[]; open: string[] }

export interface SpecByKind {
  /**
   * `tags` (on the role, the function, the API and the pool): the user's own tags, present only when the configuration
   * has some; secure-api's (secure-api:stack, secure-api:state-id) are added by the handler and never in a spec.
   */
  'iam-role': { roleName: string; path: string; managedPolicyArns: string[]; description: string; tags?: UserTags };
  /**
   * A CloudWatch Logs log group of ours with a retention (issue 25.7): the sample function's `/aws/lambda/<name>`, made
   * before the function first runs (Lambda would otherwise make it itself, kept forever).
   */
  'log-group': {
    logGroupName: string;
    /** PutRetentionPolicy's retentionInDays (one of LOG_RETENTION_DAYS). */
    retentionInDays: number;
    /**
   * The group a service writes to and creates itself when it is missing (Lambda, on a function's first run): one found
   * untagged under this name is adopted, since only our function writes there. Absent: one that exists is someone else's.
     */
    createdByService?: 'lambda' | undefined;
    tags?: UserTags;
  };
  'lambda-function': {
    functionName: string; runtime: string; memoryMb: number; timeoutSeconds: number;
    handler: string; description: string; roleNode: string;
    /** Access-Control-Allow-Origin the sample answers with. */
    corsOrigin: string;
    /**
     * The routes restricted to Cognito groups (`GET /admin` → ['admins']), which the sample enforces (SECURE_API_ROUTE_GROUPS);
     * present only when some route names groups. Then the function must run this version's code: its hash is compared too.
     */
    routeGroups?: Record<string, string[]> | undefined;
    tags?: UserTags;
  };
  /** AddPermission for apigateway.amazonaws.com, SourceArn scoped to this API. */
  'lambda-permission': {
    statementId: string;
    /** Our function's node id, or an existing function's ARN. */
    function: { node: string } | { arn: string };
    /** `METHOD/path` (executeApiPath): the SourceArn names this method only, on any stage. Absent: the whole API. */
    sourcePath?: string | undefined;
  };
  'rest-api': { name: string; description: string; endpointType: 'REGIONAL' | 'EDGE'; tags?: UserTags };
  /** One path segment; the parent is the API root ('api') or another api-resource node. */
  'api-resource': { path: string; pathPart: string; parentNode: string };
  'api-method': {
    path: string;
    /** 'api' for the root path "/", otherwise an api-resource node id. */
    resourceNode: string;
    httpMethod: HttpMethod;
    integration:
      /** Our function by node id (and name, so its ARN is known before it exists), or an existing function's ARN. */
      | { type: 'lambda'; function: { node: string; name?: string | undefined } | { arn: string } }
      | { type: 'http'; url: string }
      | { type: 'mock' };
    /** Absent: a public method (authorizationType NONE). */
    authorizerNode?: string;
    authorizationScopes: string[];
    /** Path parameter names ({id} → id), mapped through for HTTP integrations. */
    pathParams: string[];
    corsOrigin: string;
  };
  /** OPTIONS with a MOCK integration answering the CORS headers; never behind the authorizer. */
  'cors-preflight': { path: string; resourceNode: string; allowMethods: string[]; allowOrigin: string; allowHeaders: string[] };
  'gateway-response': { responseType: 'DEFAULT_4XX' | 'DEFAULT_5XX'; allowOrigin: string; allowHeaders: string[] };
  'authorizer': { name: string; identityHeader: string; ttlSeconds: number; poolNode: string };
  /**
   * CreateDeployment into the stage (creating the stage). `policy`: what every stage must serve, judged on what it
   * serves (src/resources/stage-policy.ts): the routes' secured methods behind the authorizer, and no method open but
   * the public routes'. Absent in states made before it (their read compares deployments).
   */
  'deployment': { stageName: string; stageDescription: string; description: string; policy?: ServedPolicy };
  /**
   * One setting switched on for a stage (ours, or the user's when asked): UpdateStage after the stage exists. What the
   * stage had before is captured (prior) and put back when the setting leaves the configuration or the stack goes;
   * a setting left off is no node, so the stage keeps what it has. `setting` says which field the node holds.
   */
  'stage-setting': {
    stageName: string;
    setting: 'tracing' | 'throttle' | 'access-log';
    /** X-Ray tracing (tracingEnabled). */
    tracing?: boolean | undefined;
    /** Default method throttling: methodSettings "*\/*" throttlingRateLimit / throttlingBurstLimit. */
    throttle?: { rateLimit: number; burstLimit: number } | undefined;
    /** Access logging (accessLogSettings) into our log group (its node: the ARN is its output `logGroupArn`), in this format. */
    accessLog?: { logGroupNode: string; format: string } | undefined;
  };
  'user-pool': {
    name: string;
    signInIdentifiers: Array<'username' | 'email' | 'phone'>;
    passwordPolicy: {
      minLength: number; requireNumbers: boolean; requireSymbols: boolean; requireUppercase: boolean;
      requireLowercase: boolean; temporaryPasswordValidityDays: number;
    };
    mfa: { mode: 'OFF' | 'OPTIONAL' | 'ON'; totp: boolean; sms: boolean; smsRoleArn?: string | undefined; smsExternalId?: string | undefined };
    email:
      | { type: 'COGNITO_DEFAULT' }
      | { type: 'SES'; sourceArn: string; from: string; configurationSet?: string | undefined; replyTo?: string | undefined };
    accountRecovery: 'verified_email' | 'verified_phone_number' | 'admin_only';
    selfSignUp: boolean;
    /** The feature plan (UserPoolTier). */
    tier: 'LITE' | 'ESSENTIALS' | 'PLUS';
    /** DeletionProtection; absent in states made before it was a setting (those pools were made INACTIVE). */
    deletionProtection?: 'ACTIVE' | 'INACTIVE' | undefined;
    /** Threat protection (UserPoolAddOns.AdvancedSecurityMode), PLUS only; absent in older states (OFF). */
    threatProtection?: 'OFF' | 'AUDIT' | 'ENFORCED' | undefined;
    tags?: UserTags;
  };
  'identity-provider': {
    providerName: string;
    providerType: 'Google' | 'Facebook' | 'LoginWithAmazon' | 'SignInWithApple' | 'OIDC';
    clientId: string;
    /** Environment variable the secret is read from at create time; the secret itself is never in a spec. */
    clientSecretEnv: string;
    scopes: string[];
    issuer?: string | undefined;
    teamId?: string | undefined;
    keyId?: string | undefined;
  };
  /**
   * A Cognito group a route is restricted to (CreateGroup). Groups have no tags: one is ours when its description is the
   * one secure-api gives (it names the stack); on the user's pool a group of that name already there is used as it is.
   */
  'user-pool-group': { groupName: string; description: string };
  /** A resource server defining the custom scopes `identifier/<scope>` (CreateResourceServer); `name` marks it as ours. */
  'resource-server': { identifier: string; name: string; scopes: string[] };
  'user-pool-client': {
    name: string;
    generateSecret: boolean;
    authFlows: string[];
    /** Identity providers the client may use: 'COGNITO' plus each federated provider's name. */
    supportedIdentityProviders: string[];
    /** Token lifetimes; absent in older states (Cognito's defaults: 60 min, 60 min, 30 days). */
    tokenValidity?: { accessTokenMinutes: number; idTokenMinutes: number; refreshTokenDays: number } | undefined;
    /** Refresh-token rotation (RefreshTokenRotation.Feature); absent in older states (off). */
    refreshTokenRotation?: boolean | undefined;
    /** OAuth settings for the hosted UI; absent when the hosted UI is off. */
    oauth?: { callbackUrls: string[]; logoutUrls: string[]; scopes: string[]; flows: Array<'code' | 'implicit' | 'client_credentials'> } | undefined;
  };
  /** managedLoginVersion 1 is the classic hosted UI (the walkthrough's, and the only one LITE allows); 2 managed login. */
  'user-pool-domain': { domainPrefix: string; managedLoginVersion: 1 | 2 };
  // ── What already exists (src/plan/build-existing.ts) ──
  /** The user's REST API: checked, its root read; never changed or deleted. */
  'existing-rest-api': { apiId: string; name: string };
  /** One of its resources, found by path. */
  'existing-api-resource': { path: string };
  /** Its stage we deploy into; destroy redeploys it once everything is put back. */
  'existing-stage': { stageName: string; description: string };
  /** An authorizer of the chosen pool already on the API, reused by name. */
  'existing-authorizer': { name: string; poolNode: string };
  /** One of its methods put behind our authorizer (UpdateMethod; the integration is untouched); destroy puts the prior authorization back. */
  'secured-method': { path: string; resourceNode: string; httpMethod: HttpMethod; authorizerNode: string; authorizationScopes: string[] };
  /**
   * CreateDeployment into the existing stage; the stage itself is theirs. `policy`: what the stage must serve — the
   * secured methods behind the authorizer, and no method open but those the user chose to leave open ("GET /orders").
   * Absent in states made before it (their read falls back to comparing deployments).
   */
  'stage-redeploy': { stageName: string; description: string; policy?: ServedPolicy };
  /** The user's user pool: read, never changed or deleted (nor its users). */
  'existing-user-pool': { userPoolId: string; name: string };
  /** An app client of theirs in it (--app-client-id). */
  'existing-user-pool-client': { clientId: string };
}

export interface PlanNode<K extends ResourceKind = ResourceKind> {
  /** Stable id: 'api', 'pool', 'resource:/items', 'method:GET /items', … */
  id: string;
  kind: K;
  spec: SpecByKind[K];
  /** Node ids that must be created first. */
  deps: string[];
  /** Deleting this node also deletes this one (API Gateway children with the API, clients with the pool). */
  parent?: string | undefined;
  /** Human name shown in tables: the AWS name or path. */
  label: string;
}

export type AnyPlanNode = { [K in ResourceKind]: PlanNode<K> }[ResourceKind];

export interface Plan {
  nodes: AnyPlanNode[];
}
