import type { Route } from '../config/schema.js';
import { checkHeaderName, checkResourceName } from '../config/validators.js';
import { checkScope, customScopes } from '../config/scopes.js';
import { routeLabel } from './step-2-routes.js';
import type { WizardSession } from './session.js';

/** The scope every Cognito access token carries, so `secure-api token` can produce a token the API accepts. */
const DEFAULT_ACCESS_SCOPE = 'aws.cognito.signin.user.admin';

type RouteInput = Omit<Route, 'public' | 'integration'> & { public?: boolean; integration?: unknown };

/** Which routes the authorizer protects: asked only for routes whose protection flags/--config left open. */
async function askProtected(s: WizardSession): Promise<void> {
  const routes = (s.draft.get('routes') as RouteInput[] | undefined) ?? [];
  const open = routes.filter((r) => r.public === undefined);
  if (open.length) {
    const secured = await s.prompter.checkbox<number>({
      message: 'Which routes does the authorizer protect? (unchecked ones are public)',
      choices: open.map((r) => ({ name: routeLabel(r), value: routes.indexOf(r), checked: true })),
    });
    s.draft.set('routes', routes.map((r, i) => (r.public === undefined ? { ...r, public: !secured.includes(i) } : r)));
  }
  const now = (s.draft.get('routes') as RouteInput[] | undefined) ?? [];
  // An existing API: the methods chosen in step 2 are the ones it protects (routes are its own, not ours).
  const existing = s.draft.get('existingApi.secure') as Array<{ path: string; methods: string[] }> | undefined;
  if (!now.length) {
    if (existing?.length) s.note(`It protects ${existing.map((r) => `${r.methods.join(',')} ${r.path}`).join('; ')}.`);
    return;
  }
  const pub = now.filter((r) => r.public === true).map(routeLabel);
  s.note(`It protects ${now.filter((r) => r.public !== true).map(routeLabel).join('; ')}${pub.length ? `; public: ${pub.join('; ')}` : ''}.`);
}

async function askToken(s: WizardSession): Promise<void> {
  const key = 'authorizer.scopes';
  if (await s.givenOrKept(key, 'Token', (v) => ((v as string[]).length ? `access token with scopes ${(v as string[]).join(' ')}` : 'id token'))) return;
  const access = await s.prompter.select<boolean>({
    message: 'Which token must callers send?',
    choices: [
      { name: 'ID token', value: false, description: 'What the hosted UI and `secure-api token` give; the walkthrough\'s choice' },
      { name: 'Access token', value: true, description: 'With OAuth scopes every secured method requires' },
    ],
    default: false,
  });
  if (!access) {
    s.draft.set(key, []);
    return;
  }
  const scopes = await s.prompter.input({
    message: 'Scopes (space or comma separated; your own as IDENTIFIER/NAME, like orders/read)', default: DEFAULT_ACCESS_SCOPE,
    validate: (v) => {
      const list = v.split(/[\s,]+/).filter(Boolean);
      return list.length ? list.map(checkScope).find(Boolean) : 'give at least one scope';
    },
  });
  s.draft.set(key, scopes.split(/[\s,]+/).filter(Boolean));
}

/** With custom scopes: a resource server defines them, and a machine client (client credentials) can prove them. */
async function askMachineClient(s: WizardSession): Promise<void> {
  const custom = customScopes((s.draft.get('authorizer.scopes') as string[] | undefined) ?? []);
  if (!custom.length) return;
  s.note(`A resource server on the pool defines ${custom.join(', ')}. Only the OAuth token endpoint issues tokens with them: `
    + 'a machine client (client credentials, a secret read from Cognito when needed, never stored) lets verify prove these methods '
    + 'unattended and `secure-api token --machine` print such a token. Cognito bills machine-to-machine clients and their token requests; '
    + 'without one, these methods are proven by hand (`secure-api token --login --access`).');
  await s.askConfirm('authorizer.machineClient', 'Add a machine client for these scopes?', true);
}

/** Step 4 of 6 · Authorizer: name, identity source header, what it protects, which token. */
export async function stepAuthorizer(s: WizardSession, secured: boolean): Promise<void> {
  s.heading(4, 'Authorizer', 'Integrate the Cognito user pool with the API gateway: a Cognito authorizer on the methods, '
    + 'so every call must carry a token from the pool.');
  if (!secured) {
    s.note('Skipped: every route is public, so no authorizer is needed.');
    return;
  }
  await s.askText('authorizer.name', 'Authorizer name', { default: 'Cognito-authorizer', validate: (v) => checkResourceName(v.trim(), 'authorizer name', 128) });
  await s.askText('authorizer.identityHeader', 'Identity source header', { default: 'Authorization', validate: (v) => checkHeaderName(v.trim()) });
  await askProtected(s);
  await askToken(s);
  await askMachineClient(s);
}
