import { GetStagesCommand } from '@aws-sdk/client-api-gateway';
import type { ChangePlan } from '../plan/changes.js';
import { canaryRefusal } from '../config/existing.js';
import { kindTraits } from '../engine/engine.js';
import { outputsOf } from '../engine/run-support.js';
import { restApiIdOf, undefinedIfNotFound } from '../resources/refs.js';
import type { StackConfig } from '../config/schema.js';
import { planLive, planOffline, removesUserPool } from '../engine/plan-live.js';
import { UsageError } from '../errors.js';
import type { Plan } from '../plan/specs.js';
import { handlerFor } from '../resources/registry.js';
import type { Ctx, ResourceHandler } from '../resources/types.js';
import type { StateFile } from '../state/schema.js';
import { planJson, planReport, renderPlan } from '../status/plan-render.js';
import type { ChangePlanReport } from '../status/plan-schema.js';
import type { Prompter } from '../ui/prompter.js';
import type { Ui } from './env.js';

/** Resource kinds whose replacement needs `--allow-replace KIND`: replacing them loses data AWS keeps in them. */
export const GUARDED_REPLACEMENTS = ['user-pool'] as const;

export function checkAllowReplace(values: string[] | undefined): void {
  const bad = (values ?? []).find((v) => !(GUARDED_REPLACEMENTS as readonly string[]).includes(v));
  if (bad !== undefined) throw new UsageError(`--allow-replace: "${bad}" is not one of ${GUARDED_REPLACEMENTS.join(', ')}`);
}

/**
 * Before any AWS call: a configuration that would replace the user pool (a new sign-in identifier, which AWS never
 * changes in place) is refused unless `--allow-replace user-pool` says so, since the pool's users go with it.
 */
export function refuseUnallowedReplacement(plan: Plan, existing: StateFile, allow: string[] | undefined, interactive: boolean): void {
  const offline = planOffline(plan, { state: existing });
  if (!removesUserPool(offline) || allow?.includes('user-pool') || interactive) return;
  const change = offline.changes.find((c) => c.kind === 'user-pool')!;
  if (change.action === 'delete') {
    throw new UsageError(
      `this change deletes the user pool of stack "${existing.stack}" (no secured route is left, so no pool is needed): every user in it would be deleted`,
      (cmd) => `Keep at least one secured route (did a --route or --public-route flag replace the recorded routes? Give every route you want, secured ones included), or add \`--allow-replace user-pool\` if losing every user is what you want. \`${cmd('plan')}\` with the same flags shows the whole change.`,
      'REPLACE_REFUSED',
    );
  }
  throw new UsageError(
    `this change replaces the user pool of stack "${existing.stack}" (${change.fields.filter((f) => f.forcesReplace).map((f) => f.path).join(', ')} cannot change in place): every user in it would be deleted`,
    (cmd) => `Keep the recorded sign-in identifiers, or add \`--allow-replace user-pool\` if losing every user is what you want. \`${cmd('plan')}\` with the same flags shows the whole change.`,
    'REPLACE_REFUSED',
  );
}

/**
 * Before any AWS call: an identity provider that the plan creates, replaces or updates needs its client secret in
 * the environment (UpdateIdentityProvider replaces ProviderDetails whole, secret included).
 */
export function requireChangeSecrets(plan: Plan, existing: StateFile, env: NodeJS.ProcessEnv): void {
  const offline = planOffline(plan, { state: existing });
  const missing = plan.nodes.flatMap((n) => {
    const s = (handlerFor(n.kind) as ResourceHandler<unknown>).secretNeeded?.(n.spec);
    const action = offline.changes.find((c) => c.id === n.id)?.action;
    return s && action && action !== 'no-op' && action !== 'delete' && !env[s.env] ? [s] : [];
  });
  if (!missing.length) return;
  throw new UsageError(missing.map((s) => `changing ${s.what} needs its client secret in the environment variable ${s.env}, which is not set`).join('; '),
    (cmd) => `Set ${missing.map((s) => s.env).join(' and ')} (from your secret store) and run \`${cmd('init')}\` again. Secrets are never written to the state file.`, 'MISSING_SECRET');
}

/**
 * Before any write: a change that deploys a stage which has gained a canary release since is refused, as on someone's
 * API (config/existing.ts withoutCanary): API Gateway refuses a plain CreateDeployment into it ("Non canary deployment
 * not supported on stage … because Canary is enabled", serverless/serverless#11518), which would come last, after
 * every method had changed. The stages are read once (GetStages holds canarySettings), only when a stage is deployed.
 */
export async function refuseCanaryStage(changes: ChangePlan, existing: StateFile, ctx: Ctx): Promise<void> {
  const deploys = changes.changes.filter((c) => kindTraits(c.kind).publishes && c.action === 'update');
  if (!deploys.length) return;
  const restApiId = restApiIdOf(outputsOf(existing.nodes));
  const stages = (await undefinedIfNotFound(ctx.clients.apigateway.send(new GetStagesCommand({ restApiId }))))?.item ?? [];
  for (const c of deploys) {
    const name = existing.nodes[c.id]?.out.stageName;
    const canary = stages.find((s) => s.stageName === name)?.canarySettings;
    if (name && canary) {
      throw canaryRefusal({ id: restApiId, label: `the stack's API (${restApiId})` }, name, canary, 'nothing was changed.');
    }
  }
}

export interface ChangeDecision {
  changes: ChangePlan;
  report: ChangePlanReport;
  /** false: the user said no (nothing was changed). */
  proceed: boolean;
}

/**
 * The plan of an init on an existing stack: read live, show it (stderr), and ask unless --yes. A pool replacement
 * asks again on its own, in red, with No as the default.
 */
export async function decideChanges(
  a: { plan: Plan; existing: StateFile; ctx: Ctx; ui: Ui; prompter: Prompter; yes: boolean | undefined; allowReplace: string[] | undefined; config: StackConfig },
): Promise<ChangeDecision> {
  const live = await planLive(a.plan, { ctx: a.ctx, store: { state: a.existing } });
  await refuseCanaryStage(live.changes, a.existing, a.ctx);
  const report = planReport(a.existing, live.changes, live.poolUsers);
  if (report.empty) return { changes: live.changes, report, proceed: true };
  if (a.ui.mode !== 'json') a.ui.reporter.info(`${renderPlan(report, a.ui.c, `--stack ${a.ctx.stack}${a.ctx.reach ?? ''}`)}\n`);
  const poolGoes = removesUserPool(live.changes);
  if (poolGoes && !a.allowReplace?.includes('user-pool')) {
    // Only reached on a terminal (refuseUnallowedReplacement refused everywhere else): ask, No by default.
    const users = report.userPoolReplacement?.users;
    const ok = await a.prompter.confirm({
      message: a.ui.c.red(`${live.changes.changes.some((c) => c.kind === 'user-pool' && c.action === 'delete') ? 'Delete' : 'Replace'} user pool ${a.config.userPool.name}, deleting ${users === null || users === undefined ? 'all its users' : `its ${users} user${users === 1 ? '' : 's'}`}?`),
      default: false,
    });
    if (!ok) return { changes: live.changes, report, proceed: false };
  }
  if (!a.yes) {
    const message = a.existing.complete ? `Apply these changes to stack ${a.existing.stack}?` : `Resume stack ${a.existing.stack} and make these changes?`;
    const ok = await a.prompter.confirm({ message, default: !poolGoes });
    if (!ok) return { changes: live.changes, report, proceed: false };
  }
  return { changes: live.changes, report, proceed: true };
}

/**
 * `init --dry-run` on a recorded stack: the change plan `plan` prints, made from the state file alone (no credentials,
 * no call), rather than a from-scratch plan of resources that exist already.
 */
export function recordedDryRun(ui: Ui, plan: Plan, existing: StateFile, path: string, reach = ''): void {
  const report = planReport(existing, planOffline(plan, { state: existing }), undefined);
  if (ui.mode === 'json') {
    ui.json(planJson(report, existing, path, true));
    return;
  }
  ui.out(`${ui.c.dim(`Dry run on recorded stack ${existing.stack}: planned from its state file, with no AWS call. \`secure-api plan --stack ${existing.stack}${reach}\` reads it live and shows drift too.`)}\n`);
  ui.out(renderPlan(report, ui.c, `--stack ${existing.stack}${reach}`));
}
