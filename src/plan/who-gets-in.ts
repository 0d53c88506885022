/**
 * Who can call the secured routes (issue 25.5), said wherever "secured" is said: the plan and the verify verdict.
 * A Cognito authorizer lets in a valid token of the pool, whoever got it:
 * - with self sign-up on, anyone can `SignUp` with the app client id (a public client's id is in the hosted-UI URL),
 *   confirm, sign in and call the routes;
 * - the authorizer checks the token's issuer (the pool), not its audience: an id token of any app client of the pool
 *   is accepted ("Integrate a REST API with an Amazon Cognito user pool": the authorizer names user pools, not clients).
 */
export interface Access {
  /** The pool lets anyone create an account (AllowAdminCreateUserOnly false); undefined: not known yet. */
  selfSignUp: boolean | undefined;
  /** The pool is one of yours (--user-pool-id), with apps of its own. */
  existingPool: boolean;
  /** The routes only members of some groups may call (routes[].groups). @default [] */
  restricted?: ReadonlyArray<{ path: string; methods: readonly string[]; groups?: readonly string[] | undefined }>;
}

export function whoGetsIn(a: Access): string[] {
  const lines = [
    a.selfSignUp === true
      ? 'Who gets in: anyone. Self sign-up is on: anyone can create an account with the app client id (it is in the hosted-UI URL) and call these routes. --no-self-sign-up lets in only the users you add.'
      : a.selfSignUp === false
        ? 'Who gets in: only the users you add (the users add command, or AdminCreateUser): self sign-up is off.'
        : 'Who gets in: the users of your pool. Whether anyone may sign up is the pool\'s own setting (verify reports it).',
    a.existingPool
      ? 'The authorizer accepts an id token from any app client of the pool, your other apps\' clients included, not only this stack\'s.'
      : 'The authorizer accepts an id token from any app client of the pool, not only this stack\'s.',
  ];
  for (const r of a.restricted ?? []) {
    if (!r.groups?.length) continue;
    lines.push(`${r.methods.join(', ')} ${r.path}: only members of group${r.groups.length === 1 ? '' : 's'} ${r.groups.join(' or ')} (the sample function checks cognito:groups and answers 403 to anyone else; the authorizer cannot).`);
  }
  return lines;
}
