import { mergeConfig } from '../config/flags.js';
import { Interrupted } from '../errors.js';
import { canonicalJson } from '../plan/field-diff.js';
import type { StackConfigInput } from '../config/schema.js';
import { showBanner } from './banner.js';
import { Draft } from './draft.js';
import { recordedBase } from './questions.js';
import { WizardSession } from './session.js';
import { wrap } from './text.js';
import { stepApi } from './step-1-api.js';
import { stepRoutes } from './step-2-routes.js';
import { stepUserPool } from './step-3-user-pool.js';
import { stepAuthorizer } from './step-4-authorizer.js';
import { stepDeploy } from './step-5-deploy.js';
import { stepTest } from './step-6-test.js';
import { stepExistingMethods } from './step-existing.js';
import type { WizardDeps, WizardResult } from './types.js';

/** Some route needs the user pool and the authorizer (routes not yet answered will default to secured). */
function anySecured(draft: Draft): boolean {
  const routes = draft.get('routes') as Array<{ public?: boolean }> | undefined;
  return !routes || routes.some((r) => r.public !== true);
}

/**
 * The walkthrough's six steps as questions. Asks only what `known` (flags and --config) leaves open; Enter at
 * every prompt gives exactly the `init --yes` configuration. Returns every answer as config keys; a recorded
 * stack the user chose to resume or keep comes back as its recorded configuration.
 */
/** Ctrl-C during the questions: the answers given so far (as config keys), so the host can keep them. */
export class WizardInterrupted extends Interrupted {
  constructor(readonly partial: StackConfigInput, cause: Interrupted) {
    super(cause.message, cause.hint);
  }
}

export async function runWizard(known: StackConfigInput, deps: WizardDeps): Promise<WizardResult> {
  const s = new WizardSession(deps, new Draft(known));
  try {
    return await askAll(s, known, deps);
  } catch (err) {
    // Answers were given (the draft holds more than flags and --config did): hand them back with the interrupt.
    if (err instanceof Interrupted && !(err instanceof WizardInterrupted) && canonicalJson(s.draft.input()) !== canonicalJson(known)) {
      throw new WizardInterrupted(s.draft.input(), err);
    }
    throw err;
  }
}

async function askAll(s: WizardSession, known: StackConfigInput, deps: WizardDeps): Promise<WizardResult> {
  await showBanner(s, { stack: known.stack, region: known.region });
  const reuse = await stepApi(s);
  if (reuse) {
    deps.say(s.style.dim(reuse.choice === 'resume' ? `\nResuming ${reuse.stack.stack} with its recorded answers.` : `\nKeeping ${reuse.stack.stack} as it is.`));
    return { input: reuse.stack.config as StackConfigInput, verify: deps.verify ?? true, reused: reuse.choice };
  }
  if (s.draft.has('existingApi.id')) await stepExistingMethods(s);
  else await stepRoutes(s);
  const secured = anySecured(s.draft);
  await stepUserPool(s, secured);
  await stepAuthorizer(s, secured);
  await stepDeploy(s);
  const verify = await stepTest(s);
  // Changing a recorded stack: what no question asked stays as recorded (a tag, the function's memory…), not a default.
  const answers = s.draft.input();
  const input = s.recorded ? mergeConfig(recordedBase(s.recorded.input(), answers), answers) as StackConfigInput : answers;
  // The answers pass the same validation as --config; a mistake surfaces here, before the plan.
  deps.resolve(input);
  if (!s.noCredentials) {
    const lead = planLead(Boolean(s.recorded), s.draft.has('existingApi.id') || s.draft.has('existingPool.id'));
    deps.say(`\n${s.style.bold(s.style.cyan('The plan'))}\n${s.style.dim(wrap(lead, s.width))}`);
  }
  return { input, verify };
}

/** The line above the plan: on an API or pool of yours, not "Nothing exists yet" (most of it does). */
export function planLead(recorded: boolean, usesYours: boolean): string {
  if (recorded) return 'What changes on the live stack, read from AWS now.';
  return usesYours
    ? 'What is created, and what of yours it uses or changes (destroy puts back what it changes).'
    : 'Every resource to create, and what must exist first. Nothing exists yet.';
}
