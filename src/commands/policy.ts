import { z } from 'zod';
import { partitionOf } from '../aws/region.js';
import { checkRegion, checkStackName } from '../config/validators.js';
import { UsageError } from '../errors.js';
import { minimalPolicy, policyScopeOf, WIDE_GRANTS, type PolicyScope } from '../plan/operator-policy.js';
import { callCatalogue, iamActionsFor, NO_PERMISSION_NEEDED } from '../plan/permissions.js';
import { parseS3Url } from '../state/location.js';
import { readState, stateDir, statePath } from '../state/store.js';
import { makeUi, type CommandEnv } from './env.js';

export const policyOptionsSchema = z.object({
  /** Scope the ARNs to one region. @default every region ("*") */
  region: z.string().optional(),
  /** Scope the ARNs to one account. @default every account ("*") */
  account: z.string().optional(),
  json: z.boolean().optional(),
  /** s3://BUCKET/PREFIX: add the S3 statements of a shared state there. */
  state: z.string().optional(),
  /** With --state: also what --create-bucket calls. */
  createBucket: z.boolean().optional(),
  /** Only this stack: its tag values, and (its local state at hand) the ARNs it records. @default every secure-api stack */
  stack: z.string().optional(),
  /** Where --stack's state file is. @default .secure-api */
  stateDir: z.string().optional(),
  /** An existing REST API / user pool secure-api works on (untagged: named by id). */
  apiId: z.string().optional(),
  userPoolId: z.string().optional(),
});
export type PolicyOptions = z.infer<typeof policyOptionsSchema>;

/**
 * `secure-api policy`: the least-privilege IAM policy for init, status, destroy, verify, users and --orphans, made
 * from the list of calls the code makes. The policy document alone on stdout (redirect it to a file), a note on
 * stderr; --json adds which call needs which action, for which command. No AWS call.
 */
export async function runPolicy(o: PolicyOptions, env: CommandEnv): Promise<number> {
  if (o.region !== undefined) {
    const e = checkRegion(o.region);
    if (e) throw new UsageError(`--region: ${e}`);
  }
  if (o.account !== undefined && !/^\d{12}$/.test(o.account)) throw new UsageError(`--account: "${o.account}" is not a 12-digit AWS account id`);
  let state: { bucket: string; prefix: string; createBucket?: boolean | undefined } | undefined;
  if (o.state !== undefined) {
    const parsed = parseS3Url(o.state);
    if (typeof parsed === 'string') throw new UsageError(`--state: ${parsed}`, 'Give the shared state as s3://BUCKET/PREFIX.');
    state = { ...parsed, createBucket: o.createBucket };
  } else if (o.createBucket) throw new UsageError('--create-bucket needs --state s3://BUCKET/PREFIX');
  if (o.apiId !== undefined && !/^[a-z0-9]{10}$/.test(o.apiId)) throw new UsageError(`--api-id: "${o.apiId}" is not a REST API id (10 lower-case letters and digits)`);
  if (o.userPoolId !== undefined && !/^[\w-]+_[0-9a-zA-Z]+$/.test(o.userPoolId)) throw new UsageError(`--user-pool-id: "${o.userPoolId}" is not a user pool id (REGION_ID)`);
  const { scope, recorded } = stackScope(o, env.cwd);
  const region = o.region ?? recorded?.region;
  const account = o.account ?? recorded?.account;
  const ui = await makeUi(env, o.json);
  const policy = minimalPolicy({ region, account, partition: region ? partitionOf(region) : 'aws', state, scope });
  if (ui.mode === 'json') {
    const calls = [...callCatalogue()].filter(([call]) => state !== undefined || !call.startsWith('s3:')).sort(([a], [b]) => a.localeCompare(b)).map(([call, by]) => ({
      call, actions: iamActionsFor(call), usedBy: [...by].sort(), ...(NO_PERMISSION_NEEDED.has(call) ? { note: 'public Cognito API: no IAM permission is evaluated' } : {}),
    }));
    ui.json({ policy, calls, wideGrants: WIDE_GRANTS.filter((w) => policy.Statement.some((st) => st.Sid === w.sid)) });
    return 0;
  }
  ui.out(JSON.stringify(policy, null, 2));
  const wide = WIDE_GRANTS.filter((w) => policy.Statement.some((st) => st.Sid === w.sid));
  ui.reporter.info([
    '',
    scope.stack === undefined
      ? 'The least privilege to run secure-api init, status, destroy, verify, users and destroy --orphans, on resources tagged secure-api:stack (any stack).'
      : `The least privilege to run secure-api on the stack ${scope.stack} only: resources tagged secure-api:stack=${scope.stack}${scope.stateId ? ` and secure-api:state-id=${scope.stateId}` : ''}${recorded ? `, and the ARNs its state ${recorded.path} records (run it again after a change that replaces the API, the pool, the function or the role)` : ' (no state of it here: the ARNs are named once it has one)'}.`,
    'Not scoped to one resource, and why (AWS names none narrower):',
    ...wide.map((w) => `  ${w.sid}: ${w.reason}`),
    'Save it and attach it to the user or role that runs secure-api, for example:',
    '  secure-api policy > secure-api-policy.json',
    '  aws iam create-policy --policy-name secure-api --policy-document file://secure-api-policy.json',
    'An SMS role (userPool.mfa.smsRoleArn: phone sign-in, phone recovery, SMS MFA) also needs iam:PassRole on it, passed to cognito-idp.amazonaws.com.',
    state ? `The state in s3://${state.bucket}${state.prefix ? `/${state.prefix}` : ''}: its bucket, and only the state (*.json) and lock (*.lock) objects under that prefix.`
      : 'A shared state in S3 (--state s3://BUCKET/PREFIX) needs S3 statements: `secure-api policy --state s3://BUCKET/PREFIX` adds them.',
  ].join('\n'));
  return 0;
}

/** --stack (with its local state, when there is one), --api-id and --user-pool-id as a policy scope. */
function stackScope(o: PolicyOptions, cwd: string | undefined): { scope: PolicyScope; recorded?: { path: string; region: string; account: string } } {
  const named: PolicyScope = {
    ...(o.apiId ? { existingApiIds: [o.apiId] } : {}), ...(o.userPoolId ? { existingUserPoolIds: [o.userPoolId] } : {}),
  };
  if (o.stack === undefined) {
    if (o.stateDir !== undefined) throw new UsageError('--state-dir needs --stack NAME (the stack whose state names the ARNs)');
    return { scope: named };
  }
  const bad = checkStackName(o.stack);
  if (bad) throw new UsageError(`--stack: ${bad}`);
  const path = statePath(stateDir(o.stateDir, cwd), o.stack);
  const state = readState(path);
  if (!state) return { scope: { ...named, stack: o.stack } };
  const fromState = policyScopeOf(state);
  const merge = (a: string[] | undefined, b: string[] | undefined) => (a || b ? [...new Set([...(a ?? []), ...(b ?? [])])].sort() : undefined);
  return {
    scope: { ...fromState, existingApiIds: merge(fromState.existingApiIds, named.existingApiIds), existingUserPoolIds: merge(fromState.existingUserPoolIds, named.existingUserPoolIds) },
    recorded: { path, region: state.region, account: state.account },
  };
}
