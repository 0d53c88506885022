import { planLive } from '../engine/plan-live.js';
import { UsageError } from '../errors.js';
import { planJson, planReport, renderPlan } from '../status/plan-render.js';
import { makeCtx, makeUi, type CommandEnv } from './env.js';
import { reachStack } from './stack-session.js';
import { initOptionsFrom } from './init-options.js';
import { prepareInit } from '../usecases/resolve-init.js';

/** Exit code for "changes or drift pending", the same as status's "not as recorded". */
const PENDING = 3;

/**
 * `secure-api plan`: what `init` with the same flags would do to the live stack, read live, changing nothing.
 * Exit 0 when there is nothing to do, 3 when changes or drift are pending.
 */
export async function runPlanCommand(opts: Record<string, unknown>, env: CommandEnv): Promise<number> {
  const o = initOptionsFrom(opts);
  const prepared = await prepareInit(o, env);
  const { existing, path } = prepared;
  let { config, plan } = prepared;
  if (!existing) {
    throw new UsageError(`no stack "${config.stack}" recorded (${path})`, `Run \`secure-api init\` to create it; \`secure-api init --dry-run\` shows what it would create. Lost its state file? \`secure-api status --orphans --stack ${config.stack}${prepared.backend.args}\` lists what AWS holds tagged with it.`, 'NO_STACK');
  }
  if (config.existingApi || config.existingPool) {
    // The same completion as init's (the API's methods checked, --secure-add / --secure-remove applied), read only.
    const { withExisting } = await import('./init-existing.js');
    ({ config, plan } = await withExisting(prepared.input, config, existing, o, env, prepared.resolve));
  }
  if (existing.region !== config.region) throw new UsageError(`stack "${config.stack}" exists in ${existing.region}, not ${config.region}`, `Use --region ${existing.region}.`);
  const ui = await makeUi(env, o.json);
  // The state's account, region and endpoint, checked first (exit 2): a plan read elsewhere would show everything missing.
  const { clients, account } = await reachStack(o, env, existing, ui.reporter);
  const ctx = makeCtx(env, clients, { region: config.region, account, stack: config.stack, owner: existing }, ui.reporter);
  const live = await planLive(plan, { ctx, store: { state: existing } });
  const report = planReport(existing, live.changes, live.poolUsers);
  if (ui.mode === 'json') ui.json(planJson(report, existing, path, false));
  else ui.out(renderPlan(report, ui.c, `--stack ${config.stack}${prepared.backend.args}`));
  return report.empty && report.drifted === 0 ? 0 : PENDING;
}
