import type { WizardSession } from './session.js';

/** Step 6 of 6 · Test: prove the API right after deploying (a run option, --verify / --no-verify, not a config key). */
export async function stepTest(s: WizardSession): Promise<boolean> {
  s.heading(6, 'Test', 'Test the API: without the Authorization token the answer is "Unauthorized"; '
    + 'with the id_token of a user of the pool, the call succeeds.');
  let verify: boolean;
  if (s.deps.verify !== undefined) {
    verify = s.deps.verify;
    s.deps.say(s.style.dim(`✔ Test it after deploying ${verify ? 'yes' : 'no'} (given)`));
  } else {
    verify = await s.prompter.confirm({ message: 'Test it after deploying, with a temporary user?', default: true });
  }
  const stack = String(s.draft.get('stack'));
  if (!verify) s.note(`No test now. Prove it later with \`${s.deps.env.SECURE_API_COMMAND ?? 'secure-api'} verify --stack ${stack}\`.`);
  else s.note('Right after deploying, a temporary user signs in; every secured route must answer 401 without a token and 2xx with its id token. The user is removed afterwards.');
  return verify;
}
