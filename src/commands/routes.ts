import { z } from 'zod';
import { partitionOf } from '../aws/region.js';
import { addRoute, parseIntegrationFlag, removeRoute, type RecordedRoute } from '../config/routes-edit.js';
import type { Integration } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { stackOutputs } from '../state/outputs.js';
import { integrationText } from '../ui/plan-summary.js';
import { table } from '../ui/tables.js';
import { commonOptionsSchema } from './common-options.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import { initOptionsSchema } from './init-options.js';
import { runInit } from './init.js';
import { loadStack } from './stack-state.js';

export const routesOptionsSchema = commonOptionsSchema.extend({
  public: z.boolean().optional(),
  integration: z.string().optional(),
  group: z.array(z.string()).optional(),
  yes: z.boolean().optional(),
  verify: z.boolean().optional(),
  allowReplace: z.array(z.string()).optional(),
});
export type RoutesOptions = z.infer<typeof routesOptionsSchema>;

const recordedRoutes = (config: Record<string, unknown>): RecordedRoute[] => (Array.isArray(config.routes) ? config.routes as RecordedRoute[] : []);

/** `routes list`: the recorded routes, one line per method, with their protection, integration and URL. No AWS call. */
export async function runRoutesList(o: RoutesOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const loaded = await loadStack(o, env);
  const urls = stackOutputs(loaded.state, loaded.path).routes;
  const rows = recordedRoutes(loaded.state.config).flatMap((r) => r.methods.map((method) => {
    const integration: Integration = r.integration ?? { type: 'sample-lambda' };
    return {
      method, path: r.path, public: r.public === true, ...(r.groups?.length ? { groups: r.groups } : {}), integration,
      url: urls.find((u) => u.method === method && u.path === r.path)?.url ?? null,
    };
  }));
  if (ui.mode === 'json') {
    ui.json({ stack: loaded.stack, routes: rows });
    return 0;
  }
  // The invoke URL once, above: each route's URL is it followed by the path, and a column of URLs wraps at 80.
  const invoke = stackOutputs(loaded.state, loaded.path).invokeUrl;
  ui.out(`${ui.c.bold('Invoke URL')}  ${invoke ?? '(not deployed yet)'}`);
  ui.out(table(['method', 'path', 'access', 'answered by'],
    rows.map((r) => [r.method, r.path, r.public ? ui.c.yellow('public') : r.groups ? `members of ${r.groups.join(' or ')}` : 'secured', integrationText(r.integration)]), ui.c, env.stdout.columns));
  return 0;
}

/**
 * `routes add|remove "METHODS /path"`: the recorded route list with that one change, applied as any change is (init's
 * plan, its confirmation or --yes, and the proof). Every other route is left exactly as recorded.
 */
export async function runRoutesChange(action: 'add' | 'remove', spec: string, o: RoutesOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const loaded = await loadStack(o, env);
  const { state } = loaded;
  // An API of yours keeps its own resources and integrations: secure-api only chooses which methods are secured.
  if (state.config.existingApi !== undefined) {
    throw new UsageError(`stack "${loaded.stack}" secures a REST API of yours: its routes are yours to add or remove, secure-api only puts methods behind the authorizer`,
      `Secure one more of its methods with \`secure-api init --stack ${loaded.stack}${loaded.backend?.args ?? ''} --secure-add "${spec}"\`, or open one again with \`--secure-remove\`.`, 'EXISTING_API');
  }
  const before = recordedRoutes(state.config);
  const routes = action === 'add'
    ? addRoute(before, spec, {
      public: o.public === true,
      integration: o.integration === undefined ? { type: 'sample-lambda' } : parseIntegrationFlag(o.integration, { partition: partitionOf(state.region), region: state.region, account: state.account }),
      groups: o.group,
    })
    : removeRoute(before, spec);
  const { public: _p, integration: _i, group: _g, ...rest } = o;
  return runInit(initOptionsSchema.parse({ ...rest, stack: loaded.stack, flagConfig: { routes } }), env);
}
