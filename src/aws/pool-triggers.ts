import type { LambdaConfigType } from '@aws-sdk/client-cognito-identity-provider';

/*
 * The pool's Lambda triggers a secure-api user sets off (issue 25.7). Which trigger runs for which call, from the
 * Cognito developer guide's "Lambda trigger sources" table (cognito-user-pools-working-with-lambda-triggers):
 * - AdminCreateUser: pre sign-up (PreSignUp_AdminCreateUser); custom message / custom sender
 *   (CustomMessage_AdminCreateUser) only for the invitation it sends, and we send none (MessageAction SUPPRESS);
 * - AdminInitiateAuth with a password: pre authentication (PreAuthentication_Authentication), post authentication
 *   (PostAuthentication_Authentication) and pre token generation (TokenGeneration_Authentication); migrate user
 *   (UserMigration_Authentication) only for a user the pool does not have, and ours exists;
 * - AdminSetUserPassword, AdminAddUserToGroup, AdminDeleteUser: no trigger source of the table names them.
 * A trigger is your code: it may write to a database, send a welcome email, refuse the user or call another
 * system, so a test user on your pool is never made without saying which of them run.
 */
const FIRED: ReadonlyArray<{ key: keyof LambdaConfigType; name: string; source: string }> = [
  { key: 'PreSignUp', name: 'pre sign-up', source: 'PreSignUp_AdminCreateUser' },
  { key: 'PreAuthentication', name: 'pre authentication', source: 'PreAuthentication_Authentication' },
  { key: 'PostAuthentication', name: 'post authentication', source: 'PostAuthentication_Authentication' },
  { key: 'PreTokenGeneration', name: 'pre token generation', source: 'TokenGeneration_Authentication' },
];

export interface FiredTrigger {
  /** The LambdaConfig key (PreSignUp…). */
  trigger: string;
  /** The event's triggerSource. */
  source: string;
  /** The function's ARN. */
  functionArn: string;
}

/** The triggers a new user, signed in with a password and removed again, sets off on a pool with this LambdaConfig. */
export function triggersFired(config: LambdaConfigType | undefined): FiredTrigger[] {
  const out: FiredTrigger[] = [];
  for (const t of FIRED) {
    // PreTokenGenerationConfig (trigger event version V2/V3) replaces the plain PreTokenGeneration ARN when set.
    const arn = t.key === 'PreTokenGeneration' ? config?.PreTokenGenerationConfig?.LambdaArn ?? config?.PreTokenGeneration : config?.[t.key];
    if (typeof arn === 'string' && arn) out.push({ trigger: t.key, source: t.source, functionArn: arn });
  }
  return out;
}

const functionName = (arn: string): string => /:function:([^:]+)/.exec(arn)?.[1] ?? arn;

/** "PreSignUp (fn-a), PreAuthentication (fn-b)": the triggers and the functions they run. */
export function triggersText(fired: readonly FiredTrigger[]): string {
  return fired.map((f) => `${f.trigger} (${functionName(f.functionArn)})`).join(', ');
}
