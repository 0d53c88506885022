import { UsageError } from '../errors.js';
import { parseRouteFlag } from './flags.js';
import type { Integration, Route } from './schema.js';
import { checkHttpUrl, checkLambdaArn, type HttpMethod } from './validators.js';

/*
 * One route at a time (issue 21): the recorded route list with one route added or removed. Every other route keeps
 * its methods, integration and protection exactly as recorded; the result is a whole list that init applies.
 */

/** A route as the config file holds it, integration and protection filled in. */
export type RecordedRoute = Pick<Route, 'path' | 'methods'> & { integration?: Integration | undefined; public?: boolean | undefined; groups?: string[] | undefined };

/** Where a function name (not an ARN) lives: the stack's own account and region. */
export interface FunctionHome { partition: string; region: string; account: string }

/**
 * `--integration lambda | function:NAME_OR_ARN | http:URL | mock` as a config integration. `lambda` is the sample
 * function secure-api makes; `function:` names one that exists (a bare name is taken in the stack's account and region).
 */
export function parseIntegrationFlag(value: string, home: FunctionHome): Integration {
  const v = value.trim();
  const lower = v.toLowerCase();
  if (lower === 'lambda' || lower === 'sample-lambda') return { type: 'sample-lambda' };
  if (lower === 'mock') return { type: 'mock' };
  if (lower.startsWith('http:') && !lower.startsWith('http://')) {
    const url = v.slice('http:'.length);
    const err = checkHttpUrl(url);
    if (err) throw new UsageError(`--integration ${value}: ${err}`, 'Give the endpoint as http:https://example.com/items.');
    return { type: 'http', url };
  }
  if (lower.startsWith('http://') || lower.startsWith('https://')) {
    throw new UsageError(`--integration "${value}": write an HTTP endpoint as http:URL, like http:${v}`);
  }
  if (lower.startsWith('function:')) {
    const ref = v.slice('function:'.length);
    const arn = ref.startsWith('arn:') ? ref : `arn:${home.partition}:lambda:${home.region}:${home.account}:function:${ref}`;
    const err = checkLambdaArn(arn);
    if (err) throw new UsageError(`--integration ${value}: ${ref.startsWith('arn:') ? err : `"${ref}" is not a Lambda function name (letters, digits, - and _, at most 64)`}`);
    return { type: 'lambda', arn };
  }
  throw new UsageError(`--integration "${value}" is not one of lambda, function:NAME_OR_ARN, http:URL, mock`,
    '`lambda` is the sample function secure-api makes; `function:my-fn` an existing one; `http:https://…` an HTTP proxy; `mock` a fixed answer.');
}

/** One path, written with or without a trailing slash. */
const samePath = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

const sameIntegration = (a: Integration | undefined, b: Integration | undefined): boolean =>
  JSON.stringify(a ?? { type: 'sample-lambda' }) === JSON.stringify(b ?? { type: 'sample-lambda' });

const label = (methods: readonly string[], path: string): string => `${methods.join(',')} ${path}`;

/** The recorded routes as one line each, for messages. */
export const routesText = (routes: readonly RecordedRoute[]): string => routes.map((r) => label(r.methods, r.path)).join('; ');

/**
 * The routes with "METHODS /path" added. A method the path already has is refused (remove it first: a change to one
 * route is never a silent change of another's integration). Methods join the entry of the same path, integration and
 * protection when there is one; else a new entry is added.
 */
export function addRoute(routes: readonly RecordedRoute[], spec: string, o: { public: boolean; integration: Integration; groups?: string[] | undefined }): RecordedRoute[] {
  const { methods, path } = parseRouteFlag(spec, 'routes add');
  for (const r of routes) {
    if (!samePath(r.path, path)) continue;
    const taken = methods.filter((m) => r.methods.includes(m));
    if (taken.length) {
      throw new UsageError(`route ${label(taken, r.path)} exists already`,
        (cmd) => `Remove it first (\`${cmd(`routes remove "${label(r.methods, r.path)}"`)}\`), or edit the whole list: \`${cmd('show --json')} > stack.json\`, then \`${cmd('init --config stack.json')}\`.`, 'ROUTE_EXISTS');
    }
  }
  const out = routes.map((r) => ({ ...r, methods: [...r.methods] }));
  const groups = o.groups?.length ? [...new Set(o.groups)] : undefined;
  const into = out.find((r) => samePath(r.path, path) && Boolean(r.public) === o.public && sameIntegration(r.integration, o.integration)
    && JSON.stringify(r.groups ?? null) === JSON.stringify(groups ?? null));
  if (into) into.methods.push(...methods);
  else out.push({ path, methods, integration: o.integration, public: o.public, ...(groups ? { groups } : {}) });
  return out;
}

/** The routes without "METHODS /path"; every method named must be recorded, and at least one route must stay. */
export function removeRoute(routes: readonly RecordedRoute[], spec: string): RecordedRoute[] {
  const { methods, path } = parseRouteFlag(spec, 'routes remove');
  const missing = methods.filter((m) => !routes.some((r) => samePath(r.path, path) && r.methods.includes(m)));
  if (missing.length) {
    throw new UsageError(`no route ${label(missing, path)} in this stack`, (cmd) => `Its routes: ${routesText(routes)}. \`${cmd('routes list')}\` shows them.`, 'NO_ROUTE');
  }
  const out: RecordedRoute[] = [];
  for (const r of routes) {
    const keep = samePath(r.path, path) ? r.methods.filter((m) => !methods.includes(m as HttpMethod)) : [...r.methods];
    if (keep.length) out.push({ ...r, methods: keep });
  }
  if (!out.length) {
    throw new UsageError(`${label(methods, path)} is the stack's last route, and a stack needs one`,
      (cmd) => `Add another route first (\`${cmd('routes add "GET /health" --public')}\`), or remove the whole stack with \`${cmd('destroy')}\`.`, 'LAST_ROUTE');
  }
  return out;
}

/**
 * Routes given as flags (`--route`, `--public-route`: the whole list) keep the integration recorded for the same path
 * and method: repeating a route must not turn its mock, HTTP proxy or function into the sample Lambda. A route whose
 * methods were answered by different integrations is split, one entry per integration.
 */
export function keepRecordedIntegrations(given: readonly RecordedRoute[], recorded: readonly RecordedRoute[]): RecordedRoute[] {
  return given.flatMap((r) => {
    if (r.integration && (r.groups || r.public)) return [r];
    const split = new Map<string, RecordedRoute>();
    for (const m of r.methods) {
      const rec = recorded.find((x) => samePath(x.path, r.path) && x.methods.includes(m));
      const integration = r.integration ?? rec?.integration;
      // A secured route repeated without --route-group keeps the groups it was restricted to: leaving a flag out
      // never opens a route to every signed-in user.
      const groups = r.groups ?? (!r.public && !rec?.public ? rec?.groups : undefined);
      const key = JSON.stringify([integration ?? null, groups ?? null]);
      const g = split.get(key);
      if (g) g.methods.push(m);
      else split.set(key, { ...r, methods: [m], ...(integration ? { integration } : {}), ...(groups ? { groups } : {}) });
    }
    return [...split.values()];
  });
}

/**
 * `--route-group "METHODS /path=GROUP[,GROUP]"` on the route list: the methods named are restricted to those groups
 * (split off their route when it has other methods). Every method named must be one of a route of the list.
 */
export function applyRouteGroups(routes: readonly RecordedRoute[], specs: readonly string[]): RecordedRoute[] {
  let out = routes.map((r) => ({ ...r, methods: [...r.methods] }));
  for (const spec of specs) {
    const cut = spec.lastIndexOf('=');
    if (cut < 0) throw new UsageError(`--route-group "${spec}" must be METHODS /path=GROUP[,GROUP], like "GET /admin=admins"`);
    const { methods, path } = parseRouteFlag(spec.slice(0, cut), '--route-group');
    const groups = [...new Set(spec.slice(cut + 1).split(',').map((g) => g.trim()).filter(Boolean))];
    if (!groups.length) throw new UsageError(`--route-group "${spec}" names no group`, 'Write it as "GET /admin=admins" (several: "GET /admin=admins,ops": a member of any one may call it).');
    const next: RecordedRoute[] = [];
    const missing = new Set(methods);
    for (const r of out) {
      const hit = samePath(r.path, path) ? r.methods.filter((m) => missing.has(m)) : [];
      if (!hit.length) {
        next.push(r);
        continue;
      }
      hit.forEach((m) => missing.delete(m));
      const rest = r.methods.filter((m) => !hit.includes(m));
      if (rest.length) next.push({ ...r, methods: rest });
      next.push({ ...r, methods: hit, groups });
    }
    if (missing.size) {
      throw new UsageError(`--route-group "${spec}": no route ${label([...missing], path)} to restrict`, (cmd) => `Give it with --route "${label([...missing], path)}" too (or add it: \`${cmd(`routes add "${label([...missing], path)}" --group ${groups[0]}`)}\`).`, 'NO_SUCH_ROUTE');
    }
    out = next;
  }
  return out;
}
