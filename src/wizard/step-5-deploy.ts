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
  s.note(`Invoke URL: ${invokeBaseUrl({ region, endpointUrl: s.deps.endpointUrl }, 'API_ID', stage)}`);
}
