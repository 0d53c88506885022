import { StackConfigSchema } from '../config/schema.js';
import { checkStageName } from '../config/validators.js';
import { invokeBaseUrl } from '../state/outputs.js';
import { checkWith, type WizardSession } from './session.js';

const descriptionCheck = checkWith(StackConfigSchema.shape.stage.unwrap().shape.description);

const onOff = (v: unknown): string => (v === true ? 'on' : 'off');
const throttleText = (v: unknown): string => {
  const t = v as { rateLimit?: number; burstLimit?: number } | null | undefined;
  return t ? `${t.rateLimit ?? '?'} requests/s, burst ${t.burstLimit ?? '?'}` : 'none (the account limits)';
};

/**
 * The stage's settings (issue 25.6), off unless chosen: X-Ray tracing, default method throttling, access logging. Off is left out
 * of the answers (a stage of yours keeps what it has), but said over a recorded "on", which it turns off.
 */
async function askStageSettings(s: WizardSession): Promise<void> {
  if (!s.given('stage.tracing', 'X-Ray tracing', onOff)) {
    const on = await s.prompter.confirm({ message: 'Trace requests with AWS X-Ray? (X-Ray bills traces beyond its free tier)', default: s.recordedOr<unknown>('stage.tracing', false) === true });
    // Off is said only over a recorded "on" (an unchanged stack stays "No changes.").
    if (on) s.draft.set('stage.tracing', true);
    else if (s.recordedOr<unknown>('stage.tracing', undefined) === true) s.draft.set('stage.tracing', false);
  }
  await askThrottle(s);
  await askAccessLog(s);
}

async function askThrottle(s: WizardSession): Promise<void> {
  if (s.given('stage.throttle', 'Default throttling', throttleText)) return;
  const recorded = s.recordedOr<{ rateLimit: number; burstLimit: number } | null | undefined>('stage.throttle', undefined);
  const on = await s.prompter.confirm({
    message: 'Throttle every method of the stage? (requests above the limit get 429 Too Many Requests; without it, only the account limits apply)',
    default: !!recorded,
  });
  if (!on) {
    if (recorded) s.draft.set('stage.throttle', null);
    return;
  }
  s.draft.set('stage.throttle', {
    rateLimit: await s.prompter.number({ message: 'Requests per second, steady (1 to 10000)', default: recorded?.rateLimit ?? 100, min: 1, max: 10000 }),
    burstLimit: await s.prompter.number({ message: 'Burst: requests at once above that (1 to 5000)', default: recorded?.burstLimit ?? 200, min: 1, max: 5000 }),
  });
}

const accessLogText = (v: unknown): string => {
  const a = v as { retentionDays?: number } | null | undefined;
  return a ? `on, kept ${a.retentionDays ?? 30} days` : 'off';
};

async function askAccessLog(s: WizardSession): Promise<void> {
  if (s.given('stage.accessLog', 'Access log', accessLogText)) return;
  const recorded = s.recordedOr<{ retentionDays?: number } | null | undefined>('stage.accessLog', undefined);
  const on = await s.prompter.confirm({
    message: 'Log every request to CloudWatch Logs, in a log group of its own? (API Gateway needs its CloudWatch role in the account settings)',
    default: !!recorded,
  });
  if (!on) {
    if (recorded) s.draft.set('stage.accessLog', null);
    return;
  }
  const retentionDays = await s.prompter.select<number>({
    message: 'Keep the access log for',
    choices: [7, 14, 30, 90, 365, 3653].map((d) => ({ name: `${d} days`, value: d })),
    default: recorded?.retentionDays ?? 30,
  });
  s.draft.set('stage.accessLog', { ...recorded, retentionDays });
}

/** Step 5 of 6 · Deploy: the stage the API is deployed into, after the authorizer is attached. */
export async function stepDeploy(s: WizardSession): Promise<void> {
  // An API of yours is deployed into its own stage (step 2 chose it): nothing new is made, and the stage keeps its
  // description and variables (a CreateDeployment into an existing stage sets neither), so none is asked.
  const theirs = s.draft.has('existingApi.id') && s.draft.has('stage.name');
  if (theirs) {
    s.heading(5, 'Deploy', `Deploy the API into its stage ${String(s.draft.get('stage.name'))}, after the authorizer is attached, so it takes effect at once. `
      + 'The stage keeps its description and variables; destroy deploys it again as it was.');
  } else {
    s.heading(5, 'Deploy', 'Deploy the API: create a new stage, providing a name and stage description. '
      + 'The deployment comes after the authorizer is attached, so it takes effect at once.');
  }
  const stage = await s.askText('stage.name', 'Stage name', { default: 'dev', validate: (v) => checkStageName(v.trim()) });
  if (!theirs) await s.askText('stage.description', 'Stage description (optional)', { default: '', validate: descriptionCheck, optional: true });
  await askStageSettings(s);
  const region = String(s.draft.get('region') ?? s.deps.defaultRegion);
  // The id when it is known (an API of yours, or a recorded stack's); API_ID only for an API not yet created.
  const existingId = (s.draft.get('existingApi') as { id?: string } | undefined)?.id;
  const stack = s.draft.get('stack');
  const apiId = existingId ?? (typeof stack === 'string' ? s.deps.existing?.(stack)?.apiId : undefined) ?? 'API_ID';
  s.note(`Invoke URL: ${invokeBaseUrl({ region, endpointUrl: s.deps.endpointUrl }, apiId, stage)}`);
}
