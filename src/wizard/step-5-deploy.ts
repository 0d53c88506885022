import { StackConfigSchema } from '../config/schema.js';
import { checkStageName } from '../config/validators.js';
import { invokeBaseUrl } from '../state/outputs.js';
import { checkWith, type WizardSession } from './session.js';

const descriptionCheck = checkWith(StackConfigSchema.shape.stage.unwrap().shape.description);

/** Step 5 of 6 · Deploy: the stage the API is deployed into, after the authorizer is attached. */
export async function stepDeploy(s: WizardSession): Promise<void> {
  s.heading(5, 'Deploy', 'Deploy the API: create a new stage, providing a name and stage description. '
    + 'The deployment comes after the authorizer is attached, so it takes effect at once.');
  const stage = await s.askText('stage.name', 'Stage name', { default: 'dev', validate: (v) => checkStageName(v.trim()) });
  await s.askText('stage.description', 'Stage description (optional)', { default: '', validate: descriptionCheck, optional: true });
  const region = String(s.draft.get('region') ?? s.deps.defaultRegion);
  // The id when it is known (an API of yours, or a recorded stack's); API_ID only for an API not yet created.
  const existingId = (s.draft.get('existingApi') as { id?: string } | undefined)?.id;
  const stack = s.draft.get('stack');
  const apiId = existingId ?? (typeof stack === 'string' ? s.deps.existing?.(stack)?.apiId : undefined) ?? 'API_ID';
  s.note(`Invoke URL: ${invokeBaseUrl({ region, endpointUrl: s.deps.endpointUrl }, apiId, stage)}`);
}
