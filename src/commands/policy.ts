import { z } from 'zod';
import { partitionOf } from '../aws/region.js';
import { checkRegion } from '../config/validators.js';
import { UsageError } from '../errors.js';
import { callCatalogue, iamActionsFor, minimalPolicy, NO_PERMISSION_NEEDED } from '../plan/permissions.js';
import { parseS3Url } from '../state/location.js';
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
  const ui = await makeUi(env, o.json);
  const policy = minimalPolicy({ region: o.region, account: o.account, partition: o.region ? partitionOf(o.region) : 'aws', state });
  if (ui.mode === 'json') {
    const calls = [...callCatalogue()].filter(([call]) => state !== undefined || !call.startsWith('s3:')).sort(([a], [b]) => a.localeCompare(b)).map(([call, by]) => ({
      call, actions: iamActionsFor(call), usedBy: [...by].sort(), ...(NO_PERMISSION_NEEDED.has(call) ? { note: 'public Cognito API: no IAM permission is evaluated' } : {}),
    }));
    ui.json({ policy, calls });
    return 0;
  }
  ui.out(JSON.stringify(policy, null, 2));
  ui.reporter.info([
    '',
    'The least privilege to run secure-api init, status, destroy, verify, users and destroy --orphans.',
    'Save it and attach it to the user or role that runs secure-api, for example:',
    '  secure-api policy > secure-api-policy.json',
    '  aws iam create-policy --policy-name secure-api --policy-document file://secure-api-policy.json',
    'An SMS role (userPool.mfa.smsRoleArn: phone sign-in, phone recovery, SMS MFA) also needs iam:PassRole on it, passed to cognito-idp.amazonaws.com.',
    state ? `The state in s3://${state.bucket}${state.prefix ? `/${state.prefix}` : ''}: its bucket, and only the state (*.json) and lock (*.lock) objects under that prefix.`
      : 'A shared state in S3 (--state s3://BUCKET/PREFIX) needs S3 statements: `secure-api policy --state s3://BUCKET/PREFIX` adds them.',
  ].join('\n'));
  return 0;
}
