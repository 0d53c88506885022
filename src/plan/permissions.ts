/**
 * Every AWS call secure-api makes, and the least-privilege IAM policy that allows exactly those: the one source
 * `secure-api policy` prints. Create calls come from createCalls (src/plan/calls.ts) over a plan that holds every
 * kind and variant; the rest (find, read, delete of each handler, and what each command adds) are listed here.
 * Tests keep it honest: every SDK command imported under src/ must be listed, and every call a full run sends
 * against the fake must map to an action of the policy.
 */
import { resolveConfig } from '../config/resolve.js';
import type { StackConfigInput } from '../config/schema.js';
import type { ResourceKind } from '../resources/types.js';
import { buildPlan } from './build.js';
import { UPDATE_CALLS, createCalls } from './calls.js';

/** What the calls are for: the commands a role granted this policy can run. */
export type Purpose = 'init' | 'status' | 'destroy' | 'verify' | 'users' | 'orphans' | 'state' | 'forget' | 'logs';

/**
 * Calls each handler makes besides its create calls, as `service:Action` (IAM's service prefixes). `create` holds
 * only what a create does on its recovery paths (a retried call that had landed, a root id to look up).
 */
export const HANDLER_CALLS: Record<ResourceKind, { create: string[]; find: string[]; read: string[]; delete: string[] }> = {
  'iam-role': {
    create: [],
    find: ['iam:GetRole', 'iam:ListRoleTags', 'iam:ListAttachedRolePolicies', 'iam:AttachRolePolicy'],
    read: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRoleTags'],
    delete: ['iam:ListAttachedRolePolicies', 'iam:DetachRolePolicy', 'iam:DeleteRole'],
  },
  'log-group': {
    // A group already there (Lambda made it for our function before the group was part of the stack): its tags, then ours on it.
    create: ['logs:ListTagsForResource', 'logs:TagResource'],
    find: ['logs:ListTagsForResource', 'logs:DescribeLogGroups', 'logs:PutRetentionPolicy'],
    read: ['logs:DescribeLogGroups', 'logs:ListTagsForResource'],
    delete: ['logs:DeleteLogGroup'],
  },
  'lambda-function': {
    create: ['lambda:GetFunctionConfiguration', 'lambda:ListTags'],
    find: ['lambda:GetFunctionConfiguration', 'lambda:ListTags'],
    read: ['lambda:GetFunction', 'lambda:ListTags'],
    delete: ['lambda:DeleteFunction'],
  },
  'lambda-permission': { create: [], find: ['lambda:GetPolicy'], read: ['lambda:GetPolicy'], delete: ['lambda:RemovePermission'] },
  'rest-api': {
    create: ['apigateway:GetResources'],
    find: ['apigateway:GetRestApis', 'apigateway:GetResources'],
    read: ['apigateway:GetRestApi'],
    delete: ['apigateway:DeleteRestApi'],
  },
  'api-resource': { create: ['apigateway:GetResources'], find: ['apigateway:GetResources'], read: ['apigateway:GetResources'], delete: ['apigateway:DeleteResource'] },
  'api-method': {
    create: [],
    find: ['apigateway:GetMethod', 'apigateway:PutIntegration', 'apigateway:PutMethodResponse', 'apigateway:PutIntegrationResponse'],
    read: ['apigateway:GetResources'],
    delete: ['apigateway:DeleteMethod'],
  },
  'cors-preflight': {
    create: [],
    find: ['apigateway:GetMethod', 'apigateway:PutIntegration', 'apigateway:PutMethodResponse', 'apigateway:PutIntegrationResponse'],
    read: ['apigateway:GetResources'],
    delete: ['apigateway:GetResources', 'apigateway:DeleteMethod'],
  },
  'gateway-response': { create: [], find: [], read: ['apigateway:GetGatewayResponses'], delete: ['apigateway:GetResources', 'apigateway:DeleteGatewayResponse'] },
  'authorizer': { create: [], find: ['apigateway:GetAuthorizers'], read: ['apigateway:GetAuthorizer'], delete: ['apigateway:GetResources', 'apigateway:DeleteAuthorizer'] },
  'deployment': {
    create: [],
    find: ['apigateway:GetStage'],
    read: ['apigateway:GetStage', 'apigateway:GetDeployment', 'apigateway:GetDeployments', 'apigateway:GetResources'],
    delete: ['apigateway:DeleteStage'],
  },
  'user-pool': {
    // After a lost answer, CreateUserPool looks for what it may have made (as find does).
    create: ['cognito-idp:ListUserPools', 'cognito-idp:DescribeUserPool'],
    find: ['cognito-idp:ListUserPools', 'cognito-idp:DescribeUserPool', 'cognito-idp:SetUserPoolMfaConfig'],
    // The MFA factors are only in GetUserPoolMfaConfig.
    read: ['cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig'],
    // Deletion protection is turned off (UpdateUserPool) just before; a domain still being deleted is waited out.
    delete: ['cognito-idp:DeleteUserPool', 'cognito-idp:DescribeUserPool', 'cognito-idp:UpdateUserPool', 'cognito-idp:DescribeUserPoolDomain'],
  },
  'identity-provider': {
    create: [],
    find: ['cognito-idp:DescribeIdentityProvider'],
    read: ['cognito-idp:DescribeIdentityProvider'],
    delete: ['cognito-idp:DeleteIdentityProvider'],
  },
  'resource-server': {
    // A create whose answer was lost finds it by describing it (and brings it to the spec).
    create: ['cognito-idp:DescribeResourceServer', 'cognito-idp:UpdateResourceServer'],
    find: ['cognito-idp:DescribeResourceServer'],
    read: ['cognito-idp:DescribeResourceServer'],
    delete: ['cognito-idp:DeleteResourceServer'],
  },
  'user-pool-client': {
    create: ['cognito-idp:ListUserPoolClients'],
    find: ['cognito-idp:ListUserPoolClients'],
    read: ['cognito-idp:DescribeUserPoolClient'],
    delete: ['cognito-idp:DeleteUserPoolClient'],
  },
  // issue 12: what already exists. Destroy puts back (UpdateMethod, UpdateStage) and never deletes theirs.
  'existing-rest-api': { create: ['apigateway:GetResources'], find: ['apigateway:GetRestApi'], read: ['apigateway:GetRestApi'], delete: [] },
  'existing-api-resource': { create: [], find: ['apigateway:GetResources'], read: ['apigateway:GetResources'], delete: [] },
  'existing-stage': {
    create: [], find: ['apigateway:GetStage'], read: ['apigateway:GetStage'],
    delete: ['apigateway:GetStage', 'apigateway:GetDeployments', 'apigateway:UpdateStage', 'apigateway:CreateDeployment', 'apigateway:GetDeployment', 'apigateway:GetStages', 'apigateway:DeleteDeployment'],
  },
  'existing-authorizer': { create: [], find: ['apigateway:GetAuthorizers'], read: ['apigateway:GetAuthorizer'], delete: [] },
  'secured-method': { create: [], find: ['apigateway:GetMethod'], read: ['apigateway:GetResources'], delete: ['apigateway:GetMethod', 'apigateway:UpdateMethod'] },
  'stage-redeploy': {
    create: [], find: ['apigateway:GetStage', 'apigateway:GetDeployment'],
    read: ['apigateway:GetStage', 'apigateway:GetStages', 'apigateway:GetDeployment', 'apigateway:GetDeployments', 'apigateway:GetResources'], delete: [],
  },
  'existing-user-pool': { create: [], find: ['cognito-idp:DescribeUserPool'], read: ['cognito-idp:DescribeUserPool'], delete: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'] },
  'existing-user-pool-client': { create: [], find: ['cognito-idp:DescribeUserPoolClient'], read: ['cognito-idp:DescribeUserPoolClient'], delete: [] },
  'user-pool-domain': {
    create: ['cognito-idp:DescribeUserPoolDomain'],
    find: ['cognito-idp:DescribeUserPoolDomain'],
    read: ['cognito-idp:DescribeUserPoolDomain'],
    delete: ['cognito-idp:DeleteUserPoolDomain', 'cognito-idp:DescribeUserPoolDomain'],
  },
};

/** The calls `--create-bucket` adds. */
export const STATE_BUCKET_CREATE = ['s3:CreateBucket', 's3:PutPublicAccessBlock', 's3:PutBucketVersioning', 's3:PutBucketPolicy'];

/** What each command calls besides the handlers. */
export const COMMAND_CALLS: Record<Purpose, string[]> = {
  // The account (proves the credentials); the wizard's look-ups (existing functions, a free domain prefix).
  // The ownership pre-flight (src/orphans/preflight.ts: is every name free or ours?) and, with no state file, the
  // search for the stack's tagged resources (src/orphans/find.ts), both read-only; --api-id / --user-pool-id (and the
  // wizard's lists of them) read what exists first.
  init: [
    'sts:GetCallerIdentity', 'lambda:ListFunctions', 'cognito-idp:DescribeUserPoolDomain',
    'iam:GetRole', 'iam:ListRoleTags', 'lambda:GetFunctionConfiguration', 'lambda:ListTags', 'apigateway:GetRestApis', 'cognito-idp:ListUserPools', 'cognito-idp:DescribeUserPool',
    'tag:GetResources', 'iam:ListRoles',
    'apigateway:GetRestApi', 'apigateway:GetResources', 'apigateway:GetStages', 'apigateway:GetAuthorizers',
    'apigateway:GetGatewayResponses', 'cognito-idp:ListUserPoolClients',
  ],
  status: ['sts:GetCallerIdentity'],
  // The pool's live user count, shown before the confirmation (and the kept pool's, on an existing pool).
  destroy: ['sts:GetCallerIdentity', 'cognito-idp:DescribeUserPool', 'cognito-idp:ListUserPoolClients'],
  // Steps 5-6 (also run by init): a temporary user, its tokens, removed afterwards; `token` signs in.
  verify: [
    'cognito-idp:DescribeUserPool', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:AdminCreateUser',
    'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser', 'cognito-idp:InitiateAuth',
    'cognito-idp:AdminInitiateAuth', 'cognito-idp:AdminRespondToAuthChallenge', 'cognito-idp:RespondToAuthChallenge', 'cognito-idp:ListUsers',
    'cognito-idp:AssociateSoftwareToken', 'cognito-idp:VerifySoftwareToken',
  ],
  users: [
    'cognito-idp:ListUsers', 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminGetUser',
    'cognito-idp:AdminDeleteUser', 'cognito-idp:DescribeUserPool', 'cognito-idp:DescribeUserPoolClient',
  ],
  // `secure-api logs`: the account check, then the function's log events.
  logs: ['sts:GetCallerIdentity', 'logs:FilterLogEvents'],
  // --orphans: the search by tag, then the handlers' deletes.
  orphans: ['sts:GetCallerIdentity', 'tag:GetResources', 'apigateway:GetRestApis', 'iam:ListRoles', 'iam:ListRoleTags', 'cognito-idp:DescribeUserPool'],
  // forget: the account check, then each tagged kind's tags are read (the ownership check, src/engine/ownership.ts:
  // only what carries this stack's tags is released) and its release (src/resources/release.ts) takes them off.
  forget: [
    'sts:GetCallerIdentity', 'apigateway:GetRestApi', 'cognito-idp:DescribeUserPool', 'lambda:ListTags', 'iam:ListRoleTags', 'logs:ListTagsForResource',
    'apigateway:UntagResource', 'cognito-idp:UntagResource', 'lambda:UntagResource', 'iam:UntagRole', 'logs:UntagResource',
  ],
  // --state s3://…: the bucket's versioning, the stacks under the prefix, each stack's state and lock; the caller
  // named in the lock; --create-bucket makes the bucket (src/state/s3-backend.ts).
  state: [
    's3:GetBucketVersioning', 's3:ListObjectsV2', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 'sts:GetCallerIdentity',
    ...STATE_BUCKET_CREATE,
  ],
};

/** Public Cognito calls: signed by the SDK, but no IAM permission is evaluated for them. */
export const NO_PERMISSION_NEEDED = new Set(['cognito-idp:InitiateAuth', 'cognito-idp:RespondToAuthChallenge', 'cognito-idp:AssociateSoftwareToken', 'cognito-idp:VerifySoftwareToken']);

/** A stack with every kind of node and every variant createCalls distinguishes (MFA, mock and Lambda methods). */
const EVERY_KIND: StackConfigInput = {
  stack: 'policy',
  routes: [
    { path: '/items/{id}', methods: ['GET'] },
    { path: '/mock', methods: ['GET'], integration: { type: 'mock' }, public: true },
    { path: '/proxy', methods: ['GET'], integration: { type: 'http', url: 'https://example.com' } },
  ],
  userPool: { mfa: { mode: 'OPTIONAL', totp: true }, identityProviders: [{ type: 'Google', clientId: 'x' }] },
  appClient: { type: 'confidential' },
  // A custom scope: its resource server, and the machine client.
  authorizer: { scopes: ['policy/read'] },
};

const everyKindPlan = (partition = 'aws') => buildPlan(resolveConfig(EVERY_KIND, { defaultRegion: 'us-east-1', suffix: () => 'policy' }), partition);

/** The managed policies roles get (AWSLambdaBasicExecutionRole), as the plan names them. */
export function managedPolicies(partition: string): string[] {
  return [...new Set(everyKindPlan(partition).nodes.flatMap((n) => (n.kind === 'iam-role' ? n.spec.managedPolicyArns : [])))];
}

/** Every call, with the commands that make it. */
export function callCatalogue(): Map<string, Set<Purpose>> {
  const out = new Map<string, Set<Purpose>>();
  const add = (calls: string[], ...by: Purpose[]) => {
    for (const c of calls) {
      const set = out.get(c) ?? new Set<Purpose>();
      for (const p of by) set.add(p);
      out.set(c, set);
    }
  };
  for (const n of everyKindPlan().nodes) add(createCalls(n), 'init');
  for (const h of Object.values(HANDLER_CALLS)) {
    add(h.create, 'init');
    // find adopts on resume (init) and looks for what a killed run was creating (destroy).
    add(h.find, 'init', 'destroy');
    add(h.read, 'status');
    add(h.delete, 'destroy', 'orphans');
  }
  // Changing a live stack (init on an existing stack): updates in place, and deletes of what the configuration dropped.
  for (const calls of Object.values(UPDATE_CALLS)) add(calls, 'init');
  for (const h of Object.values(HANDLER_CALLS)) add(h.delete, 'init');
  for (const [purpose, calls] of Object.entries(COMMAND_CALLS) as Array<[Purpose, string[]]>) add(calls, purpose);
  return out;
}

/** API Gateway's control plane is authorized by HTTP verb on the resource path, not by operation name. */
const APIGATEWAY_VERB: Array<[RegExp, string]> = [
  [/^(Create|Import|Test)/, 'POST'],
  [/^(Put|TagResource$)/, 'PUT'],
  [/^(Get)/, 'GET'],
  [/^(Delete|Untag)/, 'DELETE'],
  [/^(Update)/, 'PATCH'],
];

/** S3 calls whose IAM action has another name. */
const S3_ACTION: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket', 's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock' };

/** The IAM action(s) one call needs, e.g. apigateway:CreateRestApi → apigateway:POST; none for public calls. */
export function iamActionsFor(call: string): string[] {
  if (NO_PERMISSION_NEEDED.has(call)) return [];
  const [service, action = ''] = call.split(':');
  if (service === 's3') return [S3_ACTION[call] ?? call];
  if (service === 'apigateway') {
    const verb = APIGATEWAY_VERB.find(([re]) => re.test(action))?.[1];
    if (!verb) throw new Error(`internal: no API Gateway verb for ${call}`);
    return [`apigateway:${verb}`];
  }
  return [call];
}
