import { GetDeploymentCommand, GetStagesCommand, type Deployment, type Stage } from '@aws-sdk/client-api-gateway';
import type { DriftChange } from '../plan/changes.js';
import type { ServedPolicy, SpecByKind } from '../plan/specs.js';
import type { ApiSummary } from './deployment.js';
import { restApiIdOf, undefinedIfNotFound } from './refs.js';
import type { Ctx, Observed, Out, Outputs } from './types.js';

/*
 * The watch over someone's API (issue 23.3, 25.2): a policy judged on what each stage serves, not on which
 * deployment it points at. The owners deploy their API as they always did; that is not drift as long as every
 * method the stack secures is served behind the Cognito authorizer, on every stage, and no method is served open
 * but those the user chose to leave open. GetDeployment's apiSummary (embed=apisummary) is what a stage serves:
 * per path and verb, its authorizationType and apiKeyRequired
 * (https://docs.aws.amazon.com/apigateway/latest/api/API_GetDeployment.html).
 */

export type StagePolicy = ServedPolicy;

/** Drift paths a redeploy cannot put back: the configuration decides (--secure-add, --secure-remove), or the stage is another. */
export const POLICY_ONLY_PATHS = ['served.openMethod', 'otherStage.authorizationType', 'served.unchecked', 'canary.authorizationType'] as const;

const COGNITO = 'COGNITO_USER_POOLS';
/** A deployment's time as the drift text shows it (to the second), or 'an unknown time'. */
export const when = (d: Date | undefined): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : 'an unknown time');

/** What one stage serves, judged against the policy. `ours`: the stage this stack deploys (others are only checked for the secured methods). */
export function judgeServed(policy: StagePolicy, summary: ApiSummary, at: { stage: string; deployment: string; made: string; ours: boolean; canary?: string }): DriftChange[] {
  const out: DriftChange[] = [];
  const secured = new Set(policy.secured);
  const open = new Set(policy.open);
  const where = { stage: at.stage, deployment: at.deployment, made: at.made, ...(at.canary ? { canary: at.canary } : {}) };
  for (const [path, methods] of Object.entries(summary)) {
    for (const [verb, snap] of Object.entries(methods)) {
      const method = `${verb} ${path}`;
      const auth = snap.authorizationType ?? 'NONE';
      const context = { method, ...where };
      if (secured.has(method)) {
        if (at.ours && auth !== COGNITO) out.push({ path: 'served.authorizationType', before: COGNITO, after: auth, context });
        // Another stage serving a secured method with their own authorizer is secured by them; open is what matters.
        if (!at.ours && auth === 'NONE') out.push({ path: 'otherStage.authorizationType', before: COGNITO, after: auth, context });
      } else if (at.ours && auth === 'NONE' && verb !== 'OPTIONS' && !open.has(method)) {
        out.push({ path: 'served.openMethod', before: null, after: 'NONE', context });
      }
    }
  }
  // A secured method the stage does not serve answers 403 "Missing Authentication Token": not open, but not the stack either.
  if (at.ours) {
    for (const method of policy.secured) {
      const [verb = '', path = ''] = method.split(' ');
      if (!summary[path]?.[verb]) out.push({ path: 'served.authorizationType', before: COGNITO, after: null, context: { method, ...where } });
    }
  }
  return out;
}

async function withSummary(ctx: Ctx, restApiId: string, deploymentId: string | undefined): Promise<Deployment | undefined> {
  if (!deploymentId) return undefined;
  return undefinedIfNotFound(ctx.clients.apigateway.send(new GetDeploymentCommand({ restApiId, deploymentId, embed: ['apisummary'] })));
}

/** What the stage the stack deploys serves, as judgeStages read it (for comparisons beyond the policy). */
export interface OurStage { deploymentId: string; summary: ApiSummary }

/**
 * Every stage of the API, each judged on the deployment it serves. A deployment read without its apiSummary is said
 * (served.unchecked), never skipped: status cannot vouch for what it did not see. `missing`: the stage is gone.
 */
export async function judgeStages(ctx: Ctx, restApiId: string, stageName: string, policy: StagePolicy): Promise<{ missing: true } | { missing: false; drift: DriftChange[]; ours?: OurStage }> {
  const stages: Stage[] = (await undefinedIfNotFound(ctx.clients.apigateway.send(new GetStagesCommand({ restApiId }))))?.item ?? [];
  if (!stages.some((s) => s.stageName === stageName)) return { missing: true };
  const served = new Map<string, Promise<Deployment | undefined>>();
  const deploymentOf = (id: string) => served.get(id) ?? served.set(id, withSummary(ctx, restApiId, id)).get(id)!;
  const drift: DriftChange[] = [];
  let ours: OurStage | undefined;
  for (const st of [...stages].sort((a, b) => Number(b.stageName === stageName) - Number(a.stageName === stageName))) {
    const isOurs = st.stageName === stageName;
    // A canary serves its deployment to part of the stage's requests (canary-release.html): judged like the stage's own.
    const canaryId = st.canarySettings?.deploymentId;
    const served = [
      ...(st.deploymentId ? [{ id: st.deploymentId }] : []),
      ...(canaryId && canaryId !== st.deploymentId ? [{ id: canaryId, canary: `${st.canarySettings?.percentTraffic ?? 0}%` }] : []),
    ];
    for (const { id, canary } of served) {
      const d = await deploymentOf(id);
      const at = { stage: st.stageName ?? '?', deployment: id, made: when(d?.createdDate), ours: isOurs, ...(canary ? { canary } : {}) };
      if (!d?.apiSummary) {
        drift.push({ path: 'served.unchecked', before: null, after: id, context: { stage: at.stage, deployment: id, ...(canary ? { canary } : {}) } });
        continue;
      }
      if (isOurs && !canary) ours = { deploymentId: id, summary: d.apiSummary };
      const judged = judgeServed(policy, d.apiSummary, at);
      // What a canary serves is its own finding: a redeploy cannot reach it (API Gateway refuses a plain deployment
      // into a stage with a canary), and a secured method it does not serve is not open.
      drift.push(...(canary && isOurs ? judged.filter((x) => x.after !== null).map((x) => ({ ...x, path: 'canary.authorizationType' })) : judged));
    }
  }
  return { missing: false, drift, ...(ours ? { ours } : {}) };
}

/** The stage-redeploy's read: the policy over every stage of their API. */
export async function readStagePolicy(ctx: Ctx, spec: SpecByKind['stage-redeploy'] & { policy: StagePolicy }, out: Out, deps: Outputs): Promise<Observed> {
  const judged = await judgeStages(ctx, restApiIdOf(deps), out.stageName ?? spec.stageName, spec.policy);
  if (judged.missing) return { state: 'missing' };
  return judged.drift.length ? { state: 'drifted', drift: judged.drift, out } : { state: 'present', out };
}
