/**
 * The operator policy `secure-api policy` prints: the actions of the call list (src/plan/permissions.ts), each on the
 * narrowest resource AWS lets a policy name, with the tag conditions each service evaluates (issue 25.1):
 * - a create must carry secure-api's tags (`aws:RequestTag`), and every other write acts only on a resource that
 *   carries them (`aws:ResourceTag`): API Gateway children inherit the REST API's tags for ABAC ("API Gateway
 *   resources that can be tagged"); Cognito user pools, Lambda functions and IAM roles are tagged themselves;
 * - `--stack X` asks for X's tag values (and its state id), and with X's state at hand names its ARNs;
 * - user-admin actions only on a pool of the stack (or the existing pool named); `lambda:AddPermission` and
 *   `lambda:RemovePermission` only for `lambda:Principal` = apigateway.amazonaws.com;
 * - what is left on `*` or without a tag condition is in WIDE_GRANTS, each with the AWS reason.
 */
import { ACCESS_LOG_PREFIX } from '../config/schema.js';
import { handlerFor } from '../resources/registry.js';
import { RESOURCE_KINDS, type PolicyNameList, type ResourceHandler, type ResourceKind } from '../resources/types.js';
import { COMMAND_CALLS, STATE_BUCKET_CREATE, callCatalogue, existingPoolKinds, iamActionsFor, kindCalls, managedPolicies } from './permissions.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument { Version: '2012-10-17'; Statement: PolicyStatement[] }

/** What the policy is scoped to: every secure-api stack (no `stack`), or one, with what its state records. */
export interface PolicyScope {
  /** The stack's name: the value `secure-api:stack` must have. Absent: any secure-api stack (the tag must be there). */
  stack?: string | undefined;
  /** Its state's id (`secure-api:state-id`); absent without a state, or for a state made before state ids. */
  stateId?: string | undefined;
  /** REST APIs the stack made (tagged), by id. */
  apiIds?: string[] | undefined;
  /** User pools the stack made (tagged), by id. */
  userPoolIds?: string[] | undefined;
  /** The stack's own function and role names. */
  functionNames?: string[] | undefined;
  roleNames?: string[] | undefined;
  /** The stack's own CloudWatch Logs log groups, by name. */
  logGroupNames?: string[] | undefined;
  /** Functions of the user's that API Gateway is allowed to invoke (AddPermission targets), by name. */
  targetFunctionNames?: string[] | undefined;
  /** An existing REST API (`--api-id`) or pool (`--user-pool-id`) secure-api works on: untagged, named here. */
  existingApiIds?: string[] | undefined;
  existingUserPoolIds?: string[] | undefined;
}

/** secure-api's two ownership tags (src/resources/refs.ts; not imported: that module loads the API Gateway SDK). */
export const POLICY_TAGS = { stack: 'secure-api:stack', stateId: 'secure-api:state-id' } as const;
const STACK_TAG = POLICY_TAGS.stack;
const STATE_ID_TAG = POLICY_TAGS.stateId;

/** The service principal of Cognito's SES sending role. */
const COGNITO_EMAIL_SERVICE = 'email.cognito-idp.amazonaws.com';

/**
 * Each grant that names no particular resource, or no tag condition, and why AWS leaves no narrower one
 * (the Service Authorization Reference's resource types and condition keys of each action).
 */
/** The log group names secure-api makes, by prefix: the sample function's (Lambda's own) and the stage's access log. */
export const STACK_LOG_GROUP_PREFIXES = ['/aws/lambda/', ACCESS_LOG_PREFIX] as const;

export const WIDE_GRANTS: Array<{ sid: string; reason: string }> = [
  { sid: 'CognitoCreatePool', reason: 'CreateUserPool names no resource (a new pool has no id yet): Resource "*", allowed only with secure-api\'s tags in the request. Its tag-on-create (cognito-idp:TagResource, like lambda:TagResource and iam:TagRole beside CreateFunction and CreateRole) is authorized on the request\'s tags alone: AWS has no key that tells a create from a later tagging, so a holder of this policy could tag an untagged pool (or a function, or a role under /secure-api/) as secure-api\'s. For a CI role, prefer `policy --stack NAME` run beside the stack\'s state: its pool, function and role are named by id' },
  { sid: 'CognitoAccountReads', reason: 'ListUserPools and DescribeUserPoolDomain name no pool (a domain prefix is looked up account-wide)' },
  { sid: 'LambdaList', reason: 'ListFunctions names no function (the wizard lists yours to pick one)' },
  { sid: 'AccountAndTagSearch', reason: 'iam:ListRoles, tag:GetResources and sts:GetCallerIdentity name no resource (the search for a lost stack\'s tagged resources; the account check)' },
  { sid: 'ApiGatewayListApis', reason: 'GET /restapis lists every REST API of the region (the ownership check reads their tags); a list, no API\'s settings. GET /account reads whether the account has its CloudWatch role before access logging is turned on (never changed: no PATCH /account)' },
  { sid: 'ApiGatewayUsagePlanReads', reason: 'GET /usageplans, /usageplans/*/keys and /apikeys/*: usage plans and API keys belong to no REST API (no tag of the stack to scope them by); read by verify only when the stage serves a method with apiKeyRequired, to send a key of a plan bound to the stage (GetApiKey includeValue reads key values: leave it out if no secured method requires a key, and such methods show as not proven). Never written' },
  { sid: 'ApiGatewayReadApis', reason: 'reads (GET) of any REST API, without a tag condition: the wizard and --api-id read an API you pick before it is secured (generic policy only)' },
  { sid: 'CognitoReadPools', reason: 'DescribeUserPool and ListUserPoolClients on any pool: the wizard and --user-pool-id read a pool you pick (generic policy only; no users, no client secrets)' },
  { sid: 'LambdaReadByName', reason: 'GetFunctionConfiguration, ListTags and GetPolicy without a tag condition: whether a name is free or ours is read before the function is ours, and the invoke permission is read on your own functions' },
  { sid: 'IamReadRoles', reason: 'GetRole, ListRoleTags and ListAttachedRolePolicies without a tag condition: whether a role name is free or ours is read before the role is ours, and a role that does not exist is looked up as role/NAME (no path); reads only' },
  { sid: 'PassFunctionRoleToLambda', reason: 'iam:PassRole of a role under /secure-api/ (by name with --stack and a state), only to lambda.amazonaws.com; no tag condition is relied on for PassRole' },
  { sid: 'LogsDescribeGroups', reason: 'DescribeLogGroups is authorized on the account\'s groups and takes no aws:ResourceTag condition (CloudWatch Logs API reference, DescribeLogGroups); it lists names and retentions, no log events' },
  { sid: 'LogsReadTagsByName', reason: 'ListTagsForResource without a tag condition: whose a group is (ours, or the one Lambda made for our function before the stack named it) is read before it is ours; tags only, no log events' },
  { sid: 'LogsCreateGroup', reason: 'CreateLogGroup and its tag-on-create (logs:TagResource) are authorized on the request\'s tags alone, like CognitoCreatePool: without `--stack` a holder could tag an untagged group under /aws/lambda/ or /aws/apigateway/ (another function\'s logs, another API\'s access log) as secure-api\'s, and then delete it or shorten its retention (LogsStackGroups). Never any other group (CloudTrail, VPC flow logs): the prefixes are all it names. With `policy --stack` the groups are named one by one' },
  { sid: 'LambdaInvokePermission', reason: 'Add/RemovePermission on your own functions (untagged), so no tag condition: only for the principal apigateway.amazonaws.com' },
];

const conditionOnTags = (key: 'aws:RequestTag' | 'aws:ResourceTag', scope: PolicyScope): PolicyStatement['Condition'] => {
  if (scope.stack === undefined) return { Null: { [`${key}/${STACK_TAG}`]: 'false' } };
  return { StringEquals: { [`${key}/${STACK_TAG}`]: scope.stack, ...(scope.stateId ? { [`${key}/${STATE_ID_TAG}`]: scope.stateId } : {}) } };
};

/**
 * The cognito-idp actions a secure-api stack may take on an existing pool of yours: the calls of the kinds its plan puts
 * in that pool (an app client, a domain, resource servers, groups; the adopted pool's reads), and verify's and users'
 * test user. Never the calls of a pool of secure-api's own: no update, delete or tag of theirs.
 */
function existingPoolActions(): string[] {
  const calls = [...existingPoolKinds().flatMap((k) => Object.values(kindCalls(k)).flat()), ...COMMAND_CALLS.verify, ...COMMAND_CALLS.users];
  return [...new Set(calls.filter((c) => c.startsWith('cognito-idp:')).flatMap(iamActionsFor))].sort();
}

/** Every IAM action the call list needs (S3 apart: the state's statements name them). */
function neededActions(): Set<string> {
  const actions = new Set<string>();
  for (const call of callCatalogue().keys()) if (!call.startsWith('s3:')) for (const a of iamActionsFor(call)) actions.add(a);
  // Tagging at creation is authorized as a tagging action too (IAM CreateRole with Tags, Lambda, Cognito).
  for (const a of ['iam:TagRole', 'lambda:TagResource', 'cognito-idp:TagResource', 'logs:TagResource']) actions.add(a);
  return actions;
}

/**
 * The least-privilege policy: exactly the actions the calls need, on the stack's resources (by tag, and by ARN
 * where the state names them), never on someone else's.
 */
export function minimalPolicy(o: {
  region?: string | undefined; account?: string | undefined; partition?: string | undefined;
  /** `--state s3://BUCKET/PREFIX`: the S3 actions on that bucket and exactly the state and lock keys under PREFIX. */
  state?: { bucket: string; prefix: string; createBucket?: boolean | undefined } | undefined;
  scope?: PolicyScope | undefined;
} = {}): PolicyDocument {
  const region = o.region ?? '*';
  const account = o.account ?? '*';
  const p = o.partition ?? 'aws';
  const scope = o.scope ?? {};
  const generic = scope.stack === undefined;
  const actions = neededActions();
  const has = (a: string) => actions.has(a);
  const pick = (prefix: string, f: (a: string) => boolean = () => true) => [...actions].filter((a) => a.startsWith(prefix) && f(a)).sort();
  const among = (list: string[]) => list.filter(has).sort();
  const resourceTags = conditionOnTags('aws:ResourceTag', scope);
  const requestTags = conditionOnTags('aws:RequestTag', scope);
  const ids = (list: string[] | undefined) => (list && list.length > 0 ? list : undefined);

  const gw = `arn:${p}:apigateway:${region}::`;
  const apiPaths = ids(scope.apiIds)?.flatMap((id) => [`${gw}/restapis/${id}`, `${gw}/restapis/${id}/*`]) ?? [`${gw}/restapis/*`];
  const pool = (id: string) => `arn:${p}:cognito-idp:${region}:${account}:userpool/${id}`;
  const fn = (name: string) => `arn:${p}:lambda:${region}:${account}:function:${name}`;
  const role = (name: string) => `arn:${p}:iam::${account}:role/secure-api/${name}`;
  const functions = ids(scope.functionNames)?.map(fn) ?? fn('*');
  const roles = ids(scope.roleNames)?.map(role) ?? role('*');
  // Most CloudWatch Logs actions are authorized on the group's ARN with a trailing `:*`, the tagging ones on the ARN
  // without it (CloudWatch Logs API reference, LogGroup: arn / logGroupArn): a group named by name needs both.
  const logGroup = (name: string) => `arn:${p}:logs:${region}:${account}:log-group:${name}`;
  // Without names, only the prefixes secure-api's groups live under (the sample function's, the stage's access log):
  // never a way to tag, then delete or shorten, a CloudTrail or VPC flow log group.
  const logGroups = ids(scope.logGroupNames)?.flatMap((n) => [logGroup(n), `${logGroup(n)}:*`]) ?? STACK_LOG_GROUP_PREFIXES.map((x) => logGroup(`${x}*`));
  // GetRole by name on a role that does not exist yet is authorized on `role/NAME`: no path to show.
  const roleLookups = ids(scope.roleNames)?.flatMap((n) => [role(n), `arn:${p}:iam::${account}:role/${n}`]) ?? `arn:${p}:iam::${account}:role/*`;
  const readFunctions = scope.functionNames || scope.targetFunctionNames
    ? [...new Set([...(scope.functionNames ?? []), ...(scope.targetFunctionNames ?? [])])].map(fn) : fn('*');

  const userAdmin = (a: string) => /^cognito-idp:(Admin|ListUsers)/.test(a);
  const cognitoAccount = ['cognito-idp:ListUserPools', 'cognito-idp:DescribeUserPoolDomain'];
  const permissionActions = ['lambda:AddPermission', 'lambda:RemovePermission'];
  const roleReads = ['iam:GetRole', 'iam:ListRoleTags', 'iam:ListAttachedRolePolicies'];
  const fnReads = ['lambda:GetFunctionConfiguration', 'lambda:ListTags', 'lambda:GetPolicy'];

  const statements: PolicyStatement[] = [
    // ── API Gateway: authorized by HTTP verb on the resource path ("Control access to a REST API with IAM permissions").
    { Sid: 'ApiGatewayCreateApi', Effect: 'Allow', Action: among(['apigateway:POST']), Resource: `${gw}/restapis`, Condition: requestTags },
    { Sid: 'ApiGatewayListApis', Effect: 'Allow', Action: among(['apigateway:GET']), Resource: [`${gw}/restapis`, `${gw}/account`] },
    { Sid: 'ApiGatewayUsagePlanReads', Effect: 'Allow', Action: among(['apigateway:GET']), Resource: [`${gw}/usageplans`, `${gw}/usageplans/*/keys`, `${gw}/apikeys/*`] },
    {
      Sid: 'ApiGatewayStackApis', Effect: 'Allow', Action: pick('apigateway:'),
      Resource: [...apiPaths, `${gw}/tags/*`], Condition: resourceTags,
    },
    ...(generic ? [{ Sid: 'ApiGatewayReadApis', Effect: 'Allow' as const, Action: among(['apigateway:GET']), Resource: `${gw}/restapis/*` }] : []),
    // Your API itself is only read (GetRestApi): secure-api never updates nor deletes it; its writes go below it.
    ...(ids(scope.existingApiIds) ? [{
      Sid: 'ApiGatewayExistingApiRead', Effect: 'Allow' as const, Action: among(['apigateway:GET']),
      Resource: scope.existingApiIds!.map((id) => `${gw}/restapis/${id}`),
    }, {
      Sid: 'ApiGatewayExistingApi', Effect: 'Allow' as const, Action: pick('apigateway:'),
      Resource: scope.existingApiIds!.map((id) => `${gw}/restapis/${id}/*`),
    }] : []),
    // ── Cognito user pools.
    { Sid: 'CognitoCreatePool', Effect: 'Allow', Action: among(['cognito-idp:CreateUserPool', 'cognito-idp:TagResource']), Resource: '*', Condition: requestTags },
    { Sid: 'CognitoAccountReads', Effect: 'Allow', Action: among(cognitoAccount), Resource: '*' },
    {
      Sid: 'CognitoStackPools', Effect: 'Allow', Action: pick('cognito-idp:', (a) => a !== 'cognito-idp:CreateUserPool' && !cognitoAccount.includes(a)),
      Resource: ids(scope.userPoolIds)?.map(pool) ?? pool('*'), Condition: resourceTags,
    },
    ...(generic ? [{ Sid: 'CognitoReadPools', Effect: 'Allow' as const, Action: among(['cognito-idp:DescribeUserPool', 'cognito-idp:ListUserPoolClients']), Resource: pool('*') }] : []),
    ...(ids(scope.existingUserPoolIds) ? [{
      Sid: 'CognitoExistingPool', Effect: 'Allow' as const, Action: existingPoolActions(), Resource: scope.existingUserPoolIds!.map(pool),
    }] : []),
    // ── Lambda.
    { Sid: 'LambdaCreateFunction', Effect: 'Allow', Action: among(['lambda:CreateFunction', 'lambda:TagResource']), Resource: functions, Condition: requestTags },
    { Sid: 'LambdaList', Effect: 'Allow', Action: among(['lambda:ListFunctions']), Resource: '*' },
    { Sid: 'LambdaReadByName', Effect: 'Allow', Action: among(fnReads), Resource: readFunctions },
    {
      Sid: 'LambdaStackFunctions', Effect: 'Allow',
      Action: pick('lambda:', (a) => !['lambda:CreateFunction', 'lambda:ListFunctions', 'lambda:GetPolicy', ...permissionActions].includes(a)),
      Resource: functions, Condition: resourceTags,
    },
    {
      // Lambda's own condition key for the principal a permission names ("Fine-tuning the Resources and Conditions
      // sections of policies"): never a permission for another account or service.
      Sid: 'LambdaInvokePermission', Effect: 'Allow', Action: among(permissionActions), Resource: readFunctions,
      Condition: { StringEquals: { 'lambda:Principal': 'apigateway.amazonaws.com' } },
    },
    // ── CloudWatch Logs: the stack's log groups (the sample function's, with a retention).
    { Sid: 'LogsCreateGroup', Effect: 'Allow', Action: among(['logs:CreateLogGroup', 'logs:TagResource']), Resource: logGroups, Condition: requestTags },
    { Sid: 'LogsDescribeGroups', Effect: 'Allow', Action: among(['logs:DescribeLogGroups']), Resource: logGroup('*') },
    { Sid: 'LogsReadTagsByName', Effect: 'Allow', Action: among(['logs:ListTagsForResource']), Resource: logGroups },
    {
      Sid: 'LogsStackGroups', Effect: 'Allow',
      Action: pick('logs:', (a) => !['logs:CreateLogGroup', 'logs:DescribeLogGroups', 'logs:ListTagsForResource'].includes(a)),
      Resource: logGroups, Condition: resourceTags,
    },
    // ── IAM: roles under /secure-api/ only.
    { Sid: 'IamCreateRole', Effect: 'Allow', Action: among(['iam:CreateRole', 'iam:TagRole']), Resource: roles, Condition: requestTags },
    { Sid: 'IamReadRoles', Effect: 'Allow', Action: among(roleReads), Resource: roleLookups },
    {
      Sid: 'IamStackRoles', Effect: 'Allow',
      Action: pick('iam:', (a) => !['iam:CreateRole', 'iam:ListRoles', 'iam:AttachRolePolicy', ...roleReads].includes(a)),
      Resource: roles, Condition: resourceTags,
    },
    {
      // Only the managed policies the plan attaches: never a way to hand a role (and through it Lambda) more rights.
      Sid: 'AttachOnlyTheExecutionPolicy', Effect: 'Allow', Action: among(['iam:AttachRolePolicy']), Resource: roles,
      Condition: { ...resourceTags, ArnEquals: { 'iam:PolicyARN': managedPolicies(p) } },
    },
    {
      Sid: 'PassFunctionRoleToLambda', Effect: 'Allow', Action: ['iam:PassRole'], Resource: roles,
      Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    },
    {
      // SES email (EmailSendingAccount DEVELOPER): Cognito creates its service-linked role
      // AWSServiceRoleForAmazonCognitoIdpEmailService with the caller's rights ("Using service-linked roles for Amazon
      // Cognito"); only that role, only for that service.
      Sid: 'CognitoSesServiceLinkedRole', Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole'],
      Resource: `arn:${p}:iam::${account}:role/aws-service-role/${COGNITO_EMAIL_SERVICE}/AWSServiceRoleForAmazonCognitoIdpEmailService`,
      Condition: { StringEquals: { 'iam:AWSServiceName': COGNITO_EMAIL_SERVICE } },
    },
    { Sid: 'AccountAndTagSearch', Effect: 'Allow', Action: pick('', (a) => a === 'iam:ListRoles' || a.startsWith('tag:') || a.startsWith('sts:')), Resource: '*' },
  ];
  if (o.state) statements.push(...stateStatements(p, o.state));
  const covered = new Set(statements.flatMap((s) => s.Action));
  const left = [...actions].filter((a) => !covered.has(a));
  if (left.length) throw new Error(`internal: no statement for ${left.join(', ')}`);
  const out = statements.filter((s) => s.Action.length > 0);
  if (out.some((s) => s.Action.some(userAdmin) && s.Condition === undefined && s.Sid !== 'CognitoExistingPool')) throw new Error('internal: user-admin actions without the stack\'s pool');
  return { Version: '2012-10-17', Statement: out };
}

/**
 * The S3 statements of a shared state: ListBucket on the bucket (without it a missing state answers 403, not 404
 * NoSuchKey; Terraform's S3 backend asks the same), the object actions on `PREFIX/*.json` and `PREFIX/*.lock` only
 * (a conditional delete with an ETag needs GetObject too), and with --create-bucket what makes the bucket.
 */
function stateStatements(p: string, st: { bucket: string; prefix: string; createBucket?: boolean | undefined }): PolicyStatement[] {
  const bucket = `arn:${p}:s3:::${st.bucket}`;
  const keys = (ext: string) => `${bucket}/${st.prefix ? `${st.prefix}/` : ''}*.${ext}`;
  const objectActions = ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'];
  return [
    { Sid: 'StateBucket', Effect: 'Allow', Action: ['s3:GetBucketVersioning', 's3:ListBucket'], Resource: bucket },
    { Sid: 'StateObjects', Effect: 'Allow', Action: objectActions, Resource: [keys('json'), keys('lock')] },
    ...(st.createBucket
      ? [{ Sid: 'StateBucketCreate', Effect: 'Allow' as const, Action: STATE_BUCKET_CREATE.flatMap(iamActionsFor).sort(), Resource: bucket }]
      : []),
  ];
}

/** What a stack's state records, as a policy scope: its tag values, and the ids and names of what it made or uses. */
export function policyScopeOf(state: {
  stack: string; stateId: string; legacyTags?: boolean | undefined;
  nodes: Record<string, { kind: string; out: Record<string, string>; spec?: unknown }>;
}): PolicyScope {
  const scope: Record<PolicyNameList, string[]> = {
    apiIds: [], userPoolIds: [], functionNames: [], roleNames: [], logGroupNames: [], targetFunctionNames: [], existingApiIds: [], existingUserPoolIds: [],
  };
  // Each kind names its own ids (its handler's policyNames); a record of a kind this version does not know names none.
  for (const n of Object.values(state.nodes)) {
    if (!(RESOURCE_KINDS as readonly string[]).includes(n.kind)) continue;
    const names = (handlerFor(n.kind as ResourceKind) as ResourceHandler<unknown>).policyNames?.(n.spec, n.out) ?? {};
    for (const [list, v] of Object.entries(names) as Array<[PolicyNameList, string | undefined]>) if (v && !scope[list].includes(v)) scope[list].push(v);
  }
  const some = (l: string[]) => (l.length > 0 ? l.sort() : undefined);
  return {
    stack: state.stack, stateId: state.legacyTags ? undefined : state.stateId,
    apiIds: some(scope.apiIds), userPoolIds: some(scope.userPoolIds), functionNames: some(scope.functionNames), roleNames: some(scope.roleNames), logGroupNames: some(scope.logGroupNames),
    targetFunctionNames: some(scope.targetFunctionNames), existingApiIds: some(scope.existingApiIds), existingUserPoolIds: some(scope.existingUserPoolIds),
  };
}
