import { authText, defaultSecured, poolSettingsText } from '../config/existing.js';
import type { HttpMethod } from '../config/validators.js';
import type { Choice } from '../ui/prompter.js';
import type { WizardSession } from './session.js';
import { askHostedUi } from './step-3-sign-in.js';

/*
 * The wizard's "what already exists" paths (issue 12): step 1 offers the account's REST APIs, step 2 becomes a
 * checklist of the chosen API's methods, step 3 offers the account's user pools. Only with working credentials.
 */

const NEW = '(new)';
const region = (s: WizardSession): string => String(s.draft.get('region') ?? s.deps.defaultRegion);

/** Step 1: "Create a new API or secure an existing one?". True when an existing API was chosen. */
export async function askApiSource(s: WizardSession): Promise<boolean> {
  if (s.draft.has('existingApi.id')) return s.given('existingApi.id', 'Existing REST API to secure');
  const list = s.lookups?.listRestApis;
  if (!list || s.draft.has('api.name')) return false;
  const apis = await list(region(s)).catch(() => []);
  if (!apis.length) return false;
  const choices: Array<Choice<string>> = [
    { name: 'Create a new API', value: NEW },
    ...apis.map((a) => ({ name: `Secure ${a.name} (${a.id})`, value: a.id, description: `${a.endpointTypes.join(',') || 'REGIONAL'} · stages: ${a.stages.join(', ') || 'none'}` })),
  ];
  // Changing a recorded stack: the API it secures is the default, as every recorded answer is.
  const def = s.recordedAmong('existingApi.id', apis.map((a) => a.id), NEW);
  const picked = await s.prompter.select<string>({ message: 'Create a new API or secure an existing one?', choices, default: def });
  if (picked === NEW) return false;
  s.draft.set('existingApi.id', picked);
  return true;
}

/** Step 2 for an existing API: which methods to put behind the authorizer, the preflights, and the stage. */
export async function stepExistingMethods(s: WizardSession): Promise<void> {
  s.heading(2, 'Resources and methods', 'Choose the methods of your API to put behind the Cognito authorizer. Their integrations stay as they are.');
  const id = String(s.draft.get('existingApi.id'));
  const api = await s.lookups?.describeRestApi?.(region(s), id);
  if (!api) {
    s.note(`REST API ${id} will be read when the plan is made.`);
    return;
  }
  const candidates = api.methods.filter((m) => m.method !== 'OPTIONS');
  // Checked: the methods a recorded stack secures (they are no longer open), else the open ones.
  const recordedSecure = s.recordedOr<Array<{ path: string; methods: string[] }> | undefined>('existingApi.secure', undefined);
  const open = new Set(recordedSecure
    ? recordedSecure.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`))
    : defaultSecured(api).map((m) => `${m.method} ${m.path}`));
  if (!s.draft.has('existingApi.secure')) {
    const picked = await s.prompter.checkbox<string>({
      message: 'Methods to secure (current authorization shown)',
      choices: candidates.map((m) => ({ name: `${m.method} ${m.path} — ${authText(m)}`, value: `${m.method} ${m.path}`, checked: open.has(`${m.method} ${m.path}`) })),
      validate: (v) => (v.length ? undefined : 'choose at least one method'),
    });
    const byPath = new Map<string, HttpMethod[]>();
    for (const key of picked) {
      const [method, path] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
      byPath.set(path, [...(byPath.get(path) ?? []), method as HttpMethod]);
    }
    s.draft.set('existingApi.secure', [...byPath].map(([path, methods]) => ({ path, methods })));
    const left = candidates.filter((m) => !picked.includes(`${m.method} ${m.path}`));
    if (left.length) s.note(`Left as they are: ${left.map((m) => `${m.method} ${m.path} (${authText(m)})`).join(', ')}.`);
  }
  const secure = s.draft.get('existingApi.secure') as Array<{ path: string }>;
  const lacking = [...new Set(secure.map((x) => x.path))].filter((p) => !api.methods.some((m) => m.path === p && (m.method === 'OPTIONS' || m.method === 'ANY')));
  if (lacking.length && !s.draft.has('existingApi.preflights')) {
    const add = await s.prompter.confirm({ message: `Add open OPTIONS preflights (CORS) to ${lacking.join(', ')}, and CORS headers to error responses?`, default: true });
    if (!add) {
      s.draft.set('existingApi.preflights', []);
      s.draft.set('existingApi.gatewayResponses', []);
    }
  }
  const stages = api.stages.map((x) => x.name);
  if (!s.draft.has('stage.name') && stages.length > 1) {
    const def = s.recordedAmong('stage.name', stages, stages[0]!);
    s.draft.set('stage.name', await s.prompter.select<string>({ message: 'Stage to deploy', choices: stages.map((n) => ({ name: n, value: n })), default: def }));
  } else if (!s.draft.has('stage.name') && stages.length === 1) {
    s.draft.set('stage.name', stages[0]!);
  }
}

/** Step 3: "Create a new user pool or use an existing one?". True when an existing pool was chosen (the rest of step 3 is its). */
export async function askPoolSource(s: WizardSession): Promise<boolean> {
  const list = s.lookups?.listUserPools;
  let id = s.draft.get('existingPool.id') as string | undefined;
  if (id === undefined) {
    if (!list || s.draft.has('userPool.name')) return false;
    const pools = await list(region(s)).catch(() => []);
    if (!pools.length) return false;
    const picked = await s.prompter.select<string>({
      message: 'Create a new user pool or use an existing one?',
      choices: [{ name: 'Create a new user pool', value: NEW }, ...pools.map((p) => ({ name: `Use ${p.name} (${p.id})`, value: p.id }))],
      default: s.recordedAmong('existingPool.id', pools.map((p) => p.id), NEW),
    });
    if (picked === NEW) return false;
    id = picked;
    s.draft.set('existingPool.id', id);
  } else {
    s.given('existingPool.id', 'Existing user pool');
  }
  const pool = await s.lookups?.describeUserPool?.(region(s), id);
  if (pool) {
    s.note(`${pool.name} has ${pool.users} user${pool.users === 1 ? '' : 's'}. Taken from the pool, unchanged: ${poolSettingsText(pool)}. secure-api adds its own app client${pool.domain ? '' : ' and a hosted UI domain'}, and never deletes the pool or its users.`);
    if (!pool.domain) await askHostedUi(s);
  }
  return true;
}
