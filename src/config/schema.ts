import { z } from 'zod';
import {
  HTTP_METHODS, checkCallbackUrl, checkDomainPrefix, checkEmail, checkHeaderName, checkHttpUrl, checkLambdaArn,
  checkRegion, checkResourceName, checkResourcePath, checkSesIdentityArn, checkStackName, checkStageName, checkUserTag, MAX_USER_TAGS,
} from './validators.js';
import { checkScope } from './scopes.js';
import { checkGroupName } from './groups.js';

/** Turn a validator (message | undefined) into a zod refinement. */
const by = (check: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const msg = check(v);
    if (msg) ctx.addIssue({ code: 'custom', message: msg });
  });
const named = (what: string, max = 64) => by((v) => checkResourceName(v, what, max));

export const IntegrationSchema = z.discriminatedUnion('type', [
  /** The sample Lambda this tool creates. */
  z.object({ type: z.literal('sample-lambda') }).strict(),
  /** A Lambda function that already exists; it is never deleted by `destroy`. */
  z.object({ type: z.literal('lambda'), arn: by(checkLambdaArn) }).strict(),
  /** HTTP_PROXY to an endpoint. */
  z.object({ type: z.literal('http'), url: by((v) => checkHttpUrl(v)) }).strict(),
  /** MOCK integration answering 200 with a fixed JSON body. */
  z.object({ type: z.literal('mock') }).strict(),
]);
export type Integration = z.infer<typeof IntegrationSchema>;

export const RouteSchema = z.object({
  path: by(checkResourcePath),
  methods: z.array(z.enum(HTTP_METHODS)).min(1, 'a route needs at least one method'),
  /** @default { type: 'sample-lambda' } */
  integration: IntegrationSchema.default({ type: 'sample-lambda' }),
  /** A public route has no authorizer. @default false */
  public: z.boolean().default(false),
  /**
   * Only members of one of these Cognito groups may call the route (the `cognito:groups` claim). API Gateway's Cognito
   * authorizer checks the token, never groups, so the sample function enforces it (403 to anyone else): only on
   * sample-lambda routes. Each group is made in the pool (on an existing pool, one of that name is used as it is).
   */
  groups: z.array(by(checkGroupName)).min(1, 'groups needs at least one group name').optional(),
}).strict().superRefine((r, ctx) => {
  if (!r.groups) return;
  if (r.public) ctx.addIssue({ code: 'custom', path: ['groups'], message: `route ${r.path} is public and restricted to groups ${r.groups.join(', ')}: a public route has no token to read groups from` });
  else if (r.integration.type !== 'sample-lambda') {
    ctx.addIssue({ code: 'custom', path: ['groups'], message: `route ${r.path} (${r.integration.type} integration) cannot be restricted to groups: API Gateway's Cognito authorizer checks the token, not group membership, and only secure-api's sample function enforces cognito:groups. Use --authorizer-scopes, or check the cognito:groups claim (requestContext.authorizer.claims) in your own backend` });
  }
});
export type Route = z.infer<typeof RouteSchema>;

export const IdentityProviderSchema = z.object({
  type: z.enum(['Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple', 'OIDC']),
  /** Provider name in the pool; defaults to the type (OIDC: "OIDC"). */
  name: z.string().regex(/^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u, 'identity provider name must be 3 to 32 characters, not starting with "_"').max(32).optional(),
  clientId: z.string().min(1),
  /** Environment variable holding the client secret (never stored). @default SECURE_API_IDP_<TYPE>_SECRET */
  clientSecretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'clientSecretEnv must be an environment variable name').optional(),
  scopes: z.array(z.string().min(1)).optional(),
  /** OIDC only: the issuer URL. */
  issuer: by((v) => checkHttpUrl(v, { allowHttp: false })).optional(),
  /** SignInWithApple only. */
  teamId: z.string().optional(),
  keyId: z.string().optional(),
}).strict().superRefine((v, ctx) => {
  if (v.type === 'OIDC' && !v.issuer) ctx.addIssue({ code: 'custom', message: 'an OIDC identity provider needs "issuer"', path: ['issuer'] });
  if (v.type === 'SignInWithApple' && (!v.teamId || !v.keyId)) ctx.addIssue({ code: 'custom', message: 'Sign in with Apple needs "teamId" and "keyId"' });
});
export type IdentityProviderConfig = z.infer<typeof IdentityProviderSchema>;

export const PasswordPolicySchema = z.object({
  minLength: z.number().int().min(6, 'password minimum length must be 6 to 99').max(99, 'password minimum length must be 6 to 99').default(8),
  requireNumbers: z.boolean().default(true),
  requireSymbols: z.boolean().default(true),
  requireUppercase: z.boolean().default(true),
  requireLowercase: z.boolean().default(true),
  /** Days a temporary password stays valid. @default 7 */
  temporaryPasswordValidityDays: z.number().int().min(1).max(365).default(7),
}).strict();

export const EmailSchema = z.discriminatedUnion('type', [
  /** Cognito's own sender: at most 50 emails a day, for development. */
  z.object({ type: z.literal('COGNITO_DEFAULT') }).strict(),
  z.object({
    type: z.literal('SES'),
    /** SES identity ARN of the verified from address or domain. */
    sourceArn: by(checkSesIdentityArn),
    from: z.string().min(3),
    configurationSet: z.string().min(1).optional(),
    replyTo: by(checkEmail).optional(),
  }).strict(),
]);

export const UserPoolSchema = z.object({
  /** @default `<stack>-users` */
  name: named('user pool name', 128).optional(),
  /** What users sign in with. Cannot change after creation. @default ['email'] */
  signInIdentifiers: z.array(z.enum(['username', 'email', 'phone'])).min(1).default(['email']),
  passwordPolicy: PasswordPolicySchema.default(PasswordPolicySchema.parse({})),
  mfa: z.object({
    mode: z.enum(['OFF', 'OPTIONAL', 'ON']).default('OFF'),
    totp: z.boolean().default(true),
    sms: z.boolean().default(false),
    /** IAM role Cognito assumes to send SMS through SNS: needed for SMS MFA, phone sign-in and phone recovery. */
    smsRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'smsRoleArn must be an IAM role ARN').optional(),
    smsExternalId: z.string().min(1).optional(),
  }).strict().superRefine((v, ctx) => {
    if (v.mode !== 'OFF' && !v.totp && !v.sms) ctx.addIssue({ code: 'custom', message: 'MFA OPTIONAL or ON needs totp or sms (or both)' });
    if (v.mode !== 'OFF' && v.sms && !v.smsRoleArn) ctx.addIssue({ code: 'custom', message: 'SMS MFA needs an SNS role: set userPool.mfa.smsRoleArn' });
  }).default({ mode: 'OFF', totp: true, sms: false }),
  email: EmailSchema.default({ type: 'COGNITO_DEFAULT' }),
  accountRecovery: z.enum(['verified_email', 'verified_phone_number', 'admin_only']).default('verified_email'),
  selfSignUp: z.boolean().default(false),
  identityProviders: z.array(IdentityProviderSchema).default([]),
  /**
   * The pool's feature plan. Cognito makes ESSENTIALS when none is given; LITE (the classic hosted UI, no managed
   * login v2, no threat protection) costs least and is all a developer stack needs. @default 'LITE'
   */
  tier: z.enum(['LITE', 'ESSENTIALS', 'PLUS']).default('LITE'),
  /**
   * DeletionProtection: nobody deletes the pool (and every user in it) by mistake, in the console or with the CLI;
   * `secure-api destroy` turns it off on its own pool just before deleting it. A protection turned on by hand stays. @default true
   */
  deletionProtection: z.boolean().default(true),
  /**
   * Threat protection (UserPoolAddOns.AdvancedSecurityMode): AUDIT logs risky sign-ins, ENFORCED also blocks them or
   * asks for MFA. Only the PLUS plan has it. Never lowered by an update unless this says so. @default ENFORCED on PLUS, else OFF
   */
  threatProtection: z.enum(['OFF', 'AUDIT', 'ENFORCED']).optional(),
}).strict().superRefine((v, ctx) => {
  if (v.threatProtection !== undefined && v.threatProtection !== 'OFF' && v.tier !== 'PLUS') {
    ctx.addIssue({ code: 'custom', message: `threat protection ${v.threatProtection} needs the PLUS feature plan (userPool.tier is ${v.tier})`, path: ['threatProtection'] });
  }
});

/** The pool's threat protection: the configured one, or ENFORCED on PLUS (the plan that has it) and OFF elsewhere. */
export function threatProtectionFor(up: { tier: 'LITE' | 'ESSENTIALS' | 'PLUS'; threatProtection?: 'OFF' | 'AUDIT' | 'ENFORCED' | undefined }): 'OFF' | 'AUDIT' | 'ENFORCED' {
  return up.threatProtection ?? (up.tier === 'PLUS' ? 'ENFORCED' : 'OFF');
}

export const HostedUiSchema = z.object({
  enabled: z.boolean().default(true),
  /** Unique per region (`<prefix>.auth.<region>.amazoncognito.com`), so another account may hold it. @default `<stack>-<6 random chars>` */
  domainPrefix: by(checkDomainPrefix).optional(),
  callbackUrls: z.array(by(checkCallbackUrl)).min(1).default(['http://localhost:8765/callback']),
  logoutUrls: z.array(by(checkCallbackUrl)).default(['http://localhost:8765/']),
  scopes: z.array(z.string().min(1)).min(1).default(['openid', 'email', 'profile']),
}).strict();

export const AppClientSchema = z.object({
  /** @default `<stack>-client` */
  name: named('app client name', 128).optional(),
  /** confidential = generated client secret (server-side apps). @default 'public' */
  type: z.enum(['public', 'confidential']).default('public'),
  /**
   * The proof and `secure-api token` sign in with AdminInitiateAuth (IAM-signed), so the public client needs no
   * ALLOW_USER_PASSWORD_AUTH, which would let anyone holding the client id try passwords directly; people sign in on
   * the hosted UI (code flow with PKCE). @default ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']
   */
  authFlows: z.array(z.enum(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH']))
    .default(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
  /** How long tokens stay valid: shorter limits what a stolen token can do. @default Cognito's: 60 min, 60 min, 30 days */
  tokenValidity: z.object({
    accessTokenMinutes: z.number().int().min(5, 'access tokens live 5 to 1440 minutes').max(1440, 'access tokens live 5 to 1440 minutes').default(60),
    idTokenMinutes: z.number().int().min(5, 'id tokens live 5 to 1440 minutes').max(1440, 'id tokens live 5 to 1440 minutes').default(60),
    refreshTokenDays: z.number().int().min(1, 'refresh tokens live 1 to 3650 days').max(3650, 'refresh tokens live 1 to 3650 days').default(30),
  }).strict().default({ accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 }),
  /**
   * Refresh-token rotation: each refresh returns a new refresh token and retires the old one, so a stolen one stops
   * working. Apps must then refresh with GetTokensFromRefreshToken (not REFRESH_TOKEN_AUTH). @default false
   */
  refreshTokenRotation: z.boolean().default(false),
}).strict();

export const AuthorizerSchema = z.object({
  name: named('authorizer name', 128).default('Cognito-authorizer'),
  identityHeader: by(checkHeaderName).default('Authorization'),
  ttlSeconds: z.number().int().min(0).max(3600).default(300),
  /** OAuth scopes required on secured methods; when set, access tokens (not id tokens) are accepted. @default [] */
  scopes: z.array(by(checkScope)).default([]),
  /**
   * With custom scopes (IDENTIFIER/NAME), also make a confidential app client with the client_credentials grant and
   * those scopes: the proof gets its scoped token from it, `secure-api token --machine` prints one. Cognito bills
   * machine-to-machine clients and their token requests. @default true
   */
  machineClient: z.boolean().default(true),
}).strict();

/**
 * The retentions CloudWatch Logs accepts (PutRetentionPolicy, retentionInDays: "Possible values are: 1, 3, 5, 7, 14, 30,
 * 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653").
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const FunctionSchema = z.object({
  /** @default `<stack>-fn-<6 characters of the state id>` */
  name: by((v) => (/^[A-Za-z0-9_-]{1,64}$/.test(v) ? undefined : `function name "${v}" may hold only letters, digits, - and _ (at most 64)`)).optional(),
  runtime: z.enum(['nodejs22.x', 'nodejs20.x']).default('nodejs22.x'),
  memoryMb: z.number().int().min(128).max(10240).default(128),
  timeoutSeconds: z.number().int().min(1).max(29, 'API Gateway waits at most 29 s, so the timeout must be 1 to 29').default(10),
  /** @default `<stack>-fn-role-<6 characters of the state id>` */
  roleName: named('role name', 64).optional(),
  /**
   * Days CloudWatch Logs keeps the function's log events (its group `/aws/lambda/<name>`); one of the values
   * PutRetentionPolicy accepts. @default 30
   */
  logRetentionDays: z.number().int().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `CloudWatch Logs keeps events for one of ${LOG_RETENTION_DAYS.join(', ')} days`,
  }).default(30),
}).strict();

export const ExistingApiSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{10}$/, 'a REST API id is 10 lower-case letters and digits, like a1b2c3d4e5'),
  /** The methods put behind the authorizer. @default every method but OPTIONS */
  secure: z.array(z.object({ path: by(checkResourcePath), methods: z.array(z.enum(HTTP_METHODS)).min(1) }).strict()).optional(),
  /** Paths given an open OPTIONS preflight. @default the secured paths that have none */
  preflights: z.array(by(checkResourcePath)).optional(),
  /** CORS headers added to these gateway responses. @default those the API has not customised */
  gatewayResponses: z.array(z.enum(['DEFAULT_4XX', 'DEFAULT_5XX'])).optional(),
  /** Use the API's authorizer of this name (it checks tokens of the same pool) rather than create one. @default when one exists */
  reuseAuthorizer: z.boolean().optional(),
  /**
   * The open methods the user chose to leave open: the allow-list the watch judges the stage against (any other
   * method served without a token is reported). @default the open methods not secured at the first run
   */
  leaveOpen: z.array(z.object({ path: by(checkResourcePath), methods: z.array(z.enum(HTTP_METHODS)).min(1) }).strict()).optional(),
}).strict();

export const ExistingPoolSchema = z.object({
  id: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'a user pool id looks like us-east-1_AbCdEf123'),
  /** One of its app clients; without it secure-api creates its own. */
  appClientId: z.string().regex(/^[\w+]+$/, 'an app client id holds only letters, digits and +').optional(),
  /** Create a hosted UI domain. @default when the pool has none */
  domain: z.boolean().optional(),
  /**
   * Let our app client on their pool redirect to loopback callback URLs (http://localhost…, for `token --login`).
   * Off by default: a production pool gets no client that sends codes to whatever listens on a developer's port.
   * A loopback `--callback-url` given with `--user-pool-id` sets it. @default false
   */
  localCallback: z.boolean().default(false),
}).strict();

/**
 * Default method throttling of the stage (methodSettings "*\/*"): requests per second and the burst above it. 0 would
 * refuse every request (aws/aws-cdk#10071), and a stage cannot go above the account's limits (10,000 per second, a
 * burst of 5,000 unless AWS raised them: API Gateway developer guide, "Throttle requests to your REST APIs").
 */
export const ThrottleSchema = z.object({
  rateLimit: z.number().gt(0, 'throttle.rateLimit must be more than 0 requests per second (0 refuses every request)')
    .max(10000, 'throttle.rateLimit is at most 10000 requests per second (the account default; a stage cannot go above the account)'),
  burstLimit: z.number().int('throttle.burstLimit is a whole number of requests')
    .min(1, 'throttle.burstLimit must be at least 1 (0 refuses every request)')
    .max(5000, 'throttle.burstLimit is at most 5000 (the account default; a stage cannot go above the account)'),
}).strict();

/** The access log format when none is given: JSON, one line per request, with both request ids. */
export const DEFAULT_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId', extendedRequestId: '$context.extendedRequestId', ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime', httpMethod: '$context.httpMethod', resourcePath: '$context.resourcePath',
  status: '$context.status', responseLength: '$context.responseLength', user: '$context.authorizer.claims.sub',
  authorizerError: '$context.authorizer.error',
});

/**
 * Access logging of the stage into a log group of its own (made and deleted with the stack). The format must hold
 * $context.requestId or $context.extendedRequestId (API Gateway developer guide, "Access log formats"), on one line.
 */
/** Where every access-log group of a stack lives (the operator policy names this prefix). */
export const ACCESS_LOG_PREFIX = '/aws/apigateway/';

export const AccessLogSchema = z.object({
  /** Days CloudWatch Logs keeps the access log; one of the values PutRetentionPolicy accepts. @default 30 */
  retentionDays: z.number().int().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `CloudWatch Logs keeps events for one of ${LOG_RETENTION_DAYS.join(', ')} days`,
  }).default(30),
  /** One line of $context variables. @default JSON with the request ids, caller IP, method, path, status, user (sub) */
  format: z.string().min(1).max(4096)
    .refine((f) => /\$context\.(requestId|extendedRequestId)\b/.test(f), 'stage.accessLog.format must hold $context.requestId or $context.extendedRequestId')
    .refine((f) => !/[\r\n]/.test(f), 'stage.accessLog.format is one line')
    .default(DEFAULT_ACCESS_LOG_FORMAT),
  /**
   * Under /aws/apigateway/: the operator policy grants log-group writes by prefix (src/plan/operator-policy.ts).
   * @default `/aws/apigateway/<stack>-<6 characters of the state id>/<stage>/access`
   */
  logGroupName: z.string().regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, 'a log group name holds letters, digits and . - _ / # (at most 512)')
    .refine((n) => n.startsWith(ACCESS_LOG_PREFIX) && n.length > ACCESS_LOG_PREFIX.length, `stage.accessLog.logGroupName must start with ${ACCESS_LOG_PREFIX} (the operator policy lets secure-api write only its own log groups' prefixes)`).optional(),
}).strict();

export const StageSchema = z.object({
  name: by(checkStageName).default('dev'),
  description: z.string().max(1024).default(''),
  /** AWS X-Ray tracing of the stage's requests (tracingEnabled). Off: the stage is left as it is. @default false */
  tracing: z.boolean().optional(),
  /** Default method throttling (every method of the stage); null or absent: none set by secure-api. @default none */
  throttle: ThrottleSchema.nullable().optional(),
  /** Access logging into a log group with a retention; null or absent: none set by secure-api. @default none */
  accessLog: AccessLogSchema.nullable().optional(),
}).strict();

export const StackConfigSchema = z.object({
  stack: by(checkStackName).default('secure-api'),
  region: by(checkRegion).optional(),
  api: z.object({
    name: named('API name', 128).optional(),
    description: z.string().max(1024).default('Secured by secure-api: Cognito user pool authorizer'),
    endpointType: z.enum(['REGIONAL', 'EDGE']).default('REGIONAL'),
  }).strict().default({ description: 'Secured by secure-api: Cognito user pool authorizer', endpointType: 'REGIONAL' }),
  routes: z.array(RouteSchema).min(1, 'at least one route is needed').default([{ path: '/items', methods: ['GET', 'POST'], integration: { type: 'sample-lambda' }, public: false }]),
  function: FunctionSchema.default(FunctionSchema.parse({})),
  userPool: UserPoolSchema.default(UserPoolSchema.parse({})),
  hostedUi: HostedUiSchema.default(HostedUiSchema.parse({})),
  appClient: AppClientSchema.default(AppClientSchema.parse({})),
  authorizer: AuthorizerSchema.default(AuthorizerSchema.parse({})),
  cors: z.object({ allowOrigin: z.string().min(1).default('*') }).strict().default({ allowOrigin: '*' }),
  stage: StageSchema.default({ name: 'dev', description: '' }),
  /**
   * Secure a REST API that already exists instead of creating one (init --api-id). The missing keys are filled from
   * the API itself (src/commands/existing-discovery.ts) before the plan is made; `routes` then lists its methods.
   */
  existingApi: ExistingApiSchema.optional(),
  /** Use a user pool that already exists (init --user-pool-id); its settings are read, never changed. */
  existingPool: ExistingPoolSchema.optional(),
  /** Extra tags on the API, the pool, the sample function and its role (secure-api's own are always added); changed in place. */
  tags: z.record(z.string(), z.string()).superRefine((tags, ctx) => {
    for (const [k, v] of Object.entries(tags)) {
      const msg = checkUserTag(k, v);
      if (msg) ctx.addIssue({ code: 'custom', message: msg, path: [k] });
    }
    const n = Object.keys(tags).length;
    if (n > MAX_USER_TAGS) ctx.addIssue({ code: 'custom', message: `${n} tags: AWS allows 50 on a resource, and secure-api's own take 2 (at most ${MAX_USER_TAGS})` });
  }).default({}),
}).strict();

export type StackConfigInput = z.input<typeof StackConfigSchema>;
export type ParsedStackConfig = z.output<typeof StackConfigSchema>;

/** A config with every default filled in, names derived from the stack included. */
export interface StackConfig extends Omit<ParsedStackConfig, 'region' | 'api' | 'function' | 'userPool' | 'hostedUi' | 'appClient' | 'stage'> {
  region: string;
  stage: Omit<ParsedStackConfig['stage'], 'accessLog'> & { accessLog?: (z.output<typeof AccessLogSchema> & { logGroupName: string }) | null | undefined };
  api: ParsedStackConfig['api'] & { name: string };
  function: ParsedStackConfig['function'] & { name: string; roleName: string };
  userPool: ParsedStackConfig['userPool'] & { name: string };
  hostedUi: ParsedStackConfig['hostedUi'] & { domainPrefix: string };
  appClient: ParsedStackConfig['appClient'] & { name: string };
}
