import { StackConfigSchema } from '../config/schema.js';
import { AWS_REGIONS, checkRegion, checkResourceName, checkStackName } from '../config/validators.js';
import type { Choice } from '../ui/prompter.js';
import { Draft } from './draft.js';
import { checkWith, type WizardSession } from './session.js';
import { askApiSource } from './step-existing.js';
import type { ExistingStack } from './types.js';

export const DEFAULT_STACK = 'secure-api';
const OTHER_REGION = '(another region)';

const descriptionCheck = checkWith(StackConfigSchema.shape.api.unwrap().shape.description);

export interface Reuse { choice: 'resume' | 'keep' | 'change'; stack: ExistingStack }

/**
 * A stack name already recorded here: resume it (unfinished), keep it (complete), show it, or pick another
 * name. Returns the stack to reuse, or undefined when the user wants another name.
 */
async function offerExisting(s: WizardSession, ex: ExistingStack): Promise<Reuse | undefined> {
  const { style: c } = s;
  s.warn(`A stack named ${ex.stack} is already recorded here: ${ex.complete ? 'complete' : `unfinished (${ex.resources} resources so far)`}, in ${ex.region}.`);
  for (;;) {
    type Pick = 'resume' | 'keep' | 'change' | 'show' | 'rename';
    const choices: Array<Choice<Pick>> = [
      ex.complete
        ? { name: 'Keep it as it is (print its URLs, create nothing)', value: 'keep' }
        : { name: 'Resume it: create what is missing, with its recorded answers', value: 'resume' },
      { name: 'Change this stack: every question again, its recorded answer pre-filled (Enter keeps it); then the plan', value: 'change' },
      { name: 'Show what it holds', value: 'show' },
      { name: 'Pick another stack name', value: 'rename' },
    ];
    const pick = await s.prompter.select<Pick>({ message: `What should happen to stack ${ex.stack}?`, choices, default: ex.complete ? 'keep' : 'resume' });
    if (pick === 'show') {
      s.deps.say(s.deps.describeExisting?.(ex.stack) ?? c.dim(`(${ex.resources} resources recorded)`));
      continue;
    }
    if (pick === 'rename') return undefined;
    return { choice: pick, stack: ex };
  }
}

/** The stack name, and the existing-state offer when that name is already recorded. */
async function askStack(s: WizardSession): Promise<Reuse | undefined> {
  let suggestion = DEFAULT_STACK;
  for (;;) {
    const stack = await s.askText('stack', 'Stack name', { default: suggestion, validate: checkStackName });
    const ex = s.deps.existing?.(stack);
    if (!ex) return undefined;
    const reuse = await offerExisting(s, ex);
    if (reuse) return reuse;
    s.draft.set('stack', undefined);
    suggestion = freeName(s, stack);
  }
}

/** stack-2, stack-3…: the first name nothing is recorded under. */
function freeName(s: WizardSession, taken: string): string {
  const base = taken.replace(/-\d+$/, '');
  for (let i = 2; i < 100; i++) {
    const name = `${base.slice(0, 24 - String(i).length - 1)}-${i}`;
    if (!s.deps.existing?.(name)) return name;
  }
  return base;
}

async function askRegion(s: WizardSession): Promise<string> {
  const def = s.deps.defaultRegion;
  const regions: string[] = AWS_REGIONS.includes(def as (typeof AWS_REGIONS)[number]) ? [...AWS_REGIONS] : [def, ...AWS_REGIONS];
  const choices: Array<Choice<string>> = [...regions.map((r) => ({ name: r === def && s.deps.regionSource ? `${r}  (${s.deps.regionSource})` : r, value: r })), { name: 'Another region (type it)', value: OTHER_REGION }];
  const picked = await s.askSelect('region', 'AWS region', choices, def);
  if (picked !== OTHER_REGION) return picked;
  s.draft.set('region', undefined);
  return s.askText('region', 'AWS region name', { validate: checkRegion });
}

/** Step 1 of 6 · Create the API: stack name, region, API name, description, endpoint type. */
export async function stepApi(s: WizardSession): Promise<(Reuse & { choice: 'resume' | 'keep' }) | undefined> {
  s.heading(1, 'Create the API', 'Create the API gateway by giving it a suitable name.');
  const reuse = await askStack(s);
  if (reuse && reuse.choice !== 'change') return { ...reuse, choice: reuse.choice };
  if (reuse) {
    // Changing a recorded stack: its answers become the defaults; the region is where the stack lives.
    s.recorded = new Draft(reuse.stack.config);
    s.draft.set('region', reuse.stack.region);
  }
  const stack = String(s.draft.get('stack'));
  await askRegion(s);
  // issue 12: or secure one the account already has.
  if (await askApiSource(s)) return undefined;
  await s.askText('api.name', 'API name', { default: `${stack}-api`, validate: (v) => checkResourceName(v, 'API name', 128) });
  await s.askText('api.description', 'API description', { default: StackConfigSchema.parse({}).api.description, validate: descriptionCheck });
  await s.askSelect('api.endpointType', 'API endpoint type', [
    { name: 'Regional', value: 'REGIONAL', description: 'For clients in the same region' },
    { name: 'Edge-optimized', value: 'EDGE', description: 'Through CloudFront, for clients everywhere' },
  ], 'REGIONAL');
  return undefined;
}
