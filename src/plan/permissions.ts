/**
 * Every AWS call secure-api makes, and the least-privilege IAM policy that allows exactly those: the one source
 * `secure-api policy` prints. What each handler method calls is declared by the handler (its `calls`,
 * src/resources/declared-calls.ts); what each command adds besides is listed here.
 * Tests keep it honest: every SDK command imported under src/ must be listed, and every call a full run sends
 * against the fake must map to an action of the policy.
 */
import { resolveConfig } from '../config/resolve.js';
import type { StackConfigInput } from '../config/schema.js';
import { METHODS, mayCall, type MethodName } from '../resources/declared-calls.js';
import { RESOURCE_KINDS, type ResourceKind } from '../resources/types.js';
import { buildPlan } from './build.js';
import { handlerFor } from '../resources/registry.js';
import { callsOf } from './calls.js';

/** What the calls are for: the commands a role granted this policy can run. */
export type Purpose = 'init' | 'status' | 'destroy' | 'verify' | 'users' | 'orphans' | 'state' | 'forget' | 'logs';

/** Every call a kind's handler declares, by method (src/resources/declared-calls.ts). */
export function kindCalls(kind: ResourceKind): Record<MethodName, string[]> {
  const c = callsOf(kind);
  return Object.fromEntries(METHODS.map((m) => [m, mayCall(c[m])])) as Record<MethodName, string[]>;
}

/**
 * The commands each handler method serves: create (and what an adopted node reads first) and update in init; find
 * on resume (init) and for what a killed run was creating (destroy); the name check before init's first create; read in status; the tag read before every
 * delete, update and release, and in status; delete in destroy, --orphans, and init when the configuration drops a
 * node; release in forget.
 */
const PURPOSES_OF: Record<MethodName, Purpose[]> = {
  create: ['init'], capturePrior: ['init'], preview: ['init'], update: ['init'], nameTaken: ['init'],
  find: ['init', 'destroy'],
  read: ['status'],
  tags: ['init', 'destroy', 'status', 'forget'],
  delete: ['destroy', 'orphans', 'init'],
  release: ['forget'],
};

/** The calls `--create-bucket` adds. */
export const STATE_BUCKET_CREATE = ['s3:CreateBucket', 's3:PutPublicAccessBlock', 's3:PutBucketVersioning', 's3:PutBucketPolicy'];

/** What each command calls besides the handlers. */
export const COMMAND_CALLS: Record<Purpose, string[]> = {
  // The account (proves the credentials); the wizard's look-ups (existing functions, a free domain prefix, pools).
  // With no state file, the search for the stack's tagged resources (src/orphans/find.ts), read-only; --api-id /
  // --user-pool-id (and the wizard's lists of them) read what exists first. The name checks before the first create
  // are the handlers' (`nameTaken`).
  init: [
    'sts:GetCallerIdentity', 'lambda:ListFunctions', 'cognito-idp:DescribeUserPoolDomain',
    'iam:ListRoleTags', 'apigateway:GetRestApis', 'cognito-idp:ListUserPools', 'cognito-idp:DescribeUserPool',
    'tag:GetResources', 'iam:ListRoles',
    'apigateway:GetRestApi', 'apigateway:GetResources', 'apigateway:GetStages', 'apigateway:GetAuthorizers',
    'apigateway:GetGatewayResponses', 'cognito-idp:ListUserPoolClients',
    // Access logging turned on: the account's CloudWatch role is read first (src/resources/stage-access-log.ts).
    'apigateway:GetAccount',
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
    // Routes restricted to groups: the test user is put in the group for its second sign-in, then taken out again.
    'cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminRemoveUserFromGroup',
    // Methods the stage serves with apiKeyRequired: a key of a usage plan bound to the stage (src/verify/api-key.ts).
    'apigateway:GetStage', 'apigateway:GetDeployment', 'apigateway:GetRestApi', 'apigateway:GetUsagePlans', 'apigateway:GetUsagePlanKeys', 'apigateway:GetApiKey',
  ],
  users: [
    'cognito-idp:ListUsers', 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminGetUser',
    'cognito-idp:AdminDeleteUser', 'cognito-idp:DescribeUserPool', 'cognito-idp:DescribeUserPoolClient',
    // users add --group: the new user joins a group of the stack.
    'cognito-idp:AdminAddUserToGroup',
  ],
  // `secure-api logs`: the account check, then the function's log events.
  logs: ['sts:GetCallerIdentity', 'logs:FilterLogEvents'],
  // --orphans: the search by tag, then the handlers' deletes.
  orphans: ['sts:GetCallerIdentity', 'tag:GetResources', 'apigateway:GetRestApis', 'iam:ListRoles', 'iam:ListRoleTags', 'cognito-idp:DescribeUserPool'],
  // forget: the account check; then each tagged kind's tags are read (the ownership check, src/engine/ownership.ts:
  // only what carries this stack's tags is released) and its release takes them off (the handlers' `tags`, `release`).
  forget: ['sts:GetCallerIdentity'],
  // --state s3://…: the bucket's versioning, the stacks under the prefix, each stack's state and lock; the caller
  // named in the lock; --create-bucket makes the bucket (src/state/s3-backend.ts).
  state: [
    's3:GetBucketVersioning', 's3:ListObjectsV2', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 'sts:GetCallerIdentity',
    ...STATE_BUCKET_CREATE,
  ],
};

/** Public Cognito calls: signed by the SDK, but no IAM permission is evaluated for them. */
export const NO_PERMISSION_NEEDED = new Set(['cognito-idp:InitiateAuth', 'cognito-idp:RespondToAuthChallenge', 'cognito-idp:AssociateSoftwareToken', 'cognito-idp:VerifySoftwareToken']);

/** A stack with every kind of node a new stack makes (the managed policies its roles get are read from it). */
const EVERY_KIND: StackConfigInput = {
  stack: 'policy',
  // Every stage setting (a node each).
  stage: { tracing: true, throttle: { rateLimit: 50, burstLimit: 100 } },
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

/**
 * The kinds a stack puts in (or reads of) a user pool of yours (`--user-pool-id`), as its plan holds them: the adopted
 * pool, our app client or theirs, a domain, resource servers for custom scopes, groups the routes name.
 */
export function existingPoolKinds(): ResourceKind[] {
  const withPool = (existingPool: StackConfigInput['existingPool']) => buildPlan(resolveConfig({
    ...EVERY_KIND, existingPool, routes: [{ path: '/items', methods: ['GET'], groups: ['admins'] }],
  }, { defaultRegion: 'us-east-1', suffix: () => 'policy' })).nodes.map((n) => n.kind).filter((k) => handlerFor(k).service === 'cognito');
  return [...new Set([...withPool({ id: 'us-east-1_Policy', domain: true }), ...withPool({ id: 'us-east-1_Policy', appClientId: 'policyclient' })])].sort();
}

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
  for (const kind of RESOURCE_KINDS) {
    const c = callsOf(kind);
    for (const m of METHODS) add(mayCall(c[m]), ...PURPOSES_OF[m]);
  }
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
