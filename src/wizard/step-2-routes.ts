import { checkGroupName } from '../config/groups.js';
import type { Integration, Route } from '../config/schema.js';
import { checkHttpUrl, checkLambdaArn, checkResourcePath, type HttpMethod } from '../config/validators.js';
import { SecureApiError } from '../errors.js';
import type { Choice } from '../ui/prompter.js';
import type { WizardSession } from './session.js';

/** The methods offered, in the walkthrough's order: the same list --route and the config file take. */
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'ANY'];
const TYPED_ARN = '(type an ARN)';

export const routeLabel = (r: { methods: string[]; path: string }): string => `${r.methods.join(',')} ${r.path}`;

async function askLambda(s: WizardSession, region: string): Promise<Integration> {
  const lookups = s.lookups;
  if (lookups) {
    try {
      const fns = await lookups.listFunctions(region);
      if (fns.length) {
        const arn = await s.prompter.select<string>({
          message: `Lambda function (in ${region})`,
          choices: [...fns.map((f) => ({ name: f.name, value: f.arn })), { name: 'Another function: type its ARN', value: TYPED_ARN }],
        });
        if (arn !== TYPED_ARN) return { type: 'lambda', arn };
      } else s.note(`No Lambda functions in ${region}: type the ARN of one elsewhere.`);
    } catch (err) {
      s.note(`Could not list the account's functions (${(err as Error).message}): type an ARN.`);
    }
  }
  const arn = await s.prompter.input({ message: 'Lambda function ARN', validate: checkLambdaArn });
  return { type: 'lambda', arn: arn.trim() };
}

async function askIntegration(s: WizardSession, region: string): Promise<Integration> {
  type Kind = Integration['type'];
  const kinds: Array<Choice<Kind>> = [
    { name: 'New sample Lambda', value: 'sample-lambda', description: 'A small Node.js function, created and removed with the stack' },
    { name: 'Existing Lambda', value: 'lambda', description: 'Pick one of the account\'s functions, or type its ARN' },
    { name: 'HTTP endpoint', value: 'http', description: 'HTTP proxy to a URL' },
    { name: 'Mock', value: 'mock', description: 'API Gateway itself answers 200 with a fixed body' },
  ];
  const kind = await s.prompter.select<Kind>({ message: 'Integration', choices: kinds, default: 'sample-lambda' });
  switch (kind) {
    case 'lambda': return askLambda(s, region);
    case 'http': return { type: 'http', url: (await s.prompter.input({ message: 'Endpoint URL', validate: (v) => checkHttpUrl(v.trim()) })).trim() };
    case 'mock': return { type: 'mock' };
    default: return { type: 'sample-lambda' };
  }
}

/** One resource path with its methods, integration and protection. */
async function askRoute(s: WizardSession, previous: Route | undefined, region: string): Promise<Route> {
  const first = previous === undefined;
  // The next resource suggested under the one just made (/orders → /orders/{id}), not a fixed /items/{id}.
  const under = previous?.path.replace(/\/+$/, '') ?? '';
  const next = /\/\{[^}]+\}$/.test(under) ? `${under}/details` : `${under}/{id}`;
  const path = (await s.prompter.input({
    message: 'Resource path (e.g. /items/{id})',
    default: first ? '/items' : next,
    validate: (v) => checkResourcePath(v.trim()),
  })).trim();
  const methods = await s.prompter.checkbox<HttpMethod>({
    message: `Methods on ${path}`,
    choices: METHODS.map((m) => ({ name: m, value: m, checked: first ? m === 'GET' || m === 'POST' : m === 'GET' })),
    validate: (v) => (v.length ? undefined : 'choose at least one method (space selects)'),
  });
  const integration = await askIntegration(s, region);
  const isPublic = await s.prompter.select<boolean>({
    message: `Who may call ${path}?`,
    choices: [
      { name: 'Secured', value: false, description: 'Only with a token from the user pool (the Cognito authorizer)' },
      { name: 'Public', value: true, description: 'Anyone, no token' },
    ],
    default: false,
  });
  // Optional: only members of some Cognito groups. The authorizer checks the token, not groups: the sample function
  // does (403 to anyone else), so it is asked only for the routes it answers.
  if (isPublic || integration.type !== 'sample-lambda') return { path, methods, integration, public: isPublic };
  const v = await s.prompter.input({
    message: `Only members of these Cognito groups may call ${path}? (comma separated; Enter: any signed-in user)`, default: '',
    validate: (x) => x.split(',').map((g) => g.trim()).filter(Boolean).map(checkGroupName).find(Boolean),
  });
  const groups = [...new Set(v.split(',').map((g) => g.trim()).filter(Boolean))];
  return { path, methods, integration, public: isPublic, ...(groups.length ? { groups } : {}) };
}

/** Step 2 of 6 · Resources and methods: a loop of path, methods, integration, secured or public. */
export async function stepRoutes(s: WizardSession): Promise<void> {
  s.heading(2, 'Resources and methods', 'Create a resource, then methods inside it (GET, POST, …), each with an integration: '
    + 'a Lambda function, an HTTP endpoint, or a mock.');
  if (await s.givenOrKept('routes', 'Routes', (v) => (v as Route[]).map(routeLabel).join('; '))) return;
  const region = String(s.draft.get('region') ?? s.deps.defaultRegion);
  const routes: Route[] = [];
  for (;;) {
    const route = await askRoute(s, routes.at(-1), region);
    // The same checks as --route and the config file: a method twice on one path, two {param} names at one place.
    try {
      s.deps.resolve({ routes: [...routes, route], hostedUi: { enabled: false } });
    } catch (err) {
      if (!(err instanceof SecureApiError)) throw err;
      s.warn(`${err.message}: enter that resource again.`);
      continue;
    }
    routes.push(route);
    if (!await s.prompter.confirm({ message: 'Add another resource?', default: false })) break;
  }
  s.draft.set('routes', routes);
}
