import { partitionOf } from '../aws/region.js';
import type { NodeStatus } from '../engine/engine.js';
import type { StackConfig } from '../config/schema.js';
import { buildPlan } from '../plan/build.js';
import type { DriftChange } from '../plan/changes.js';
import { driftText } from '../plan/drift-text.js';
import type { Out, Outputs, ResourceKind } from '../resources/types.js';
import { stackOutputs } from '../state/outputs.js';
import { outputsJson } from '../state/outputs-schema.js';
import type { StateFile } from '../state/schema.js';
import { configHistory } from './plan-render.js';
import { fixFor, impactOf, isServedOpen, rebuildSteps, type FixContext } from './fixes.js';
import type { NextStep, ResourceState, ResourceStatus, RouteStatus, StatusReport } from './schema.js';

/** The id people look for in the console, per kind. */
const PRIMARY_ID: Record<ResourceKind, (o: Out) => string | undefined> = {
  'iam-role': (o) => o.roleName,
  'log-group': (o) => o.logGroupName,
  'lambda-function': (o) => o.functionName,
  'lambda-permission': (o) => o.statementId,
  'rest-api': (o) => o.apiId,
  'api-resource': (o) => o.resourceId,
  'api-method': (o) => (o.resourceId && o.httpMethod ? `${o.resourceId} ${o.httpMethod}` : undefined),
  'cors-preflight': (o) => (o.resourceId ? `${o.resourceId} OPTIONS` : undefined),
  'gateway-response': (o) => o.responseType,
  'authorizer': (o) => o.authorizerId,
  'deployment': (o) => (o.stageName && o.deploymentId ? `${o.stageName} → ${o.deploymentId}` : o.deploymentId),
  'stage-setting': (o) => o.stageName,
  'user-pool': (o) => o.userPoolId,
  'identity-provider': (o) => o.providerName,
  'resource-server': (o) => o.identifier,
  'user-pool-group': (o) => o.groupName,
  'user-pool-client': (o) => o.clientId,
  'user-pool-domain': (o) => o.domain,
  'existing-rest-api': (o) => o.apiId,
  'existing-api-resource': (o) => o.resourceId,
  'existing-stage': (o) => o.stageName,
  'existing-authorizer': (o) => o.authorizerId,
  'secured-method': (o) => (o.resourceId && o.httpMethod ? `${o.resourceId} ${o.httpMethod}` : undefined),
  'stage-redeploy': (o) => (o.stageName && o.deploymentId ? `${o.stageName} → ${o.deploymentId}` : o.deploymentId),
  'existing-user-pool': (o) => o.userPoolId,
  'existing-user-pool-client': (o) => o.clientId,
};

export function physicalIdOf(kind: ResourceKind, out: Out): string {
  return PRIMARY_ID[kind](out) ?? Object.values(out)[0] ?? '';
}

/** What a live read found, as a state and the problems to show. */
interface Judged { state: ResourceState; problems: string[]; drift: DriftChange[] }

function judge(r: NodeStatus): Judged {
  if (r.status !== 'created') return { state: 'unfinished', problems: [`left "${r.status}" by an interrupted run`], drift: [] };
  const ob = r.observed;
  if (ob.state === 'present') return { state: 'present', problems: [], drift: [] };
  if (ob.state === 'missing') return { state: 'missing', problems: ['not found in AWS (deleted outside secure-api?)'], drift: [] };
  if (ob.state === 'drifted') return { state: 'drifted', problems: ob.drift.map(driftText), drift: ob.drift };
  return { state: 'error', problems: [ob.message], drift: [] };
}

/**
 * "GET /items" for each method the stage serves without a token: a deployment other than ours serves it so, or it
 * was opened and the stage not redeployed since. Whether that is wrong (a secured route) is for the caller to say.
 */
function servedOpen(resources: ResourceStatus[]): Set<string> {
  return new Set(resources.flatMap((r) => r.drift).filter(isServedOpen).map((d) => d.context?.method ?? '?'));
}

export interface ReportInput {
  state: StateFile;
  stateFile: string;
  /** `--stack NAME [--state-dir DIR]`, repeated in every command the report suggests. */
  stackArgs: string;
  /** What AWS said, node by node; absent for --offline. */
  live?: { results: NodeStatus[]; notes: string[]; checkedAt: string } | undefined;
}


/** The report status prints, as a table or as JSON: pure, from the state file and the live reads. */
export function buildReport({ state, stateFile, stackArgs, live }: ReportInput): StatusReport {
  const ids: Outputs = Object.fromEntries(Object.entries(state.nodes).map(([id, n]) => [id, n.out]));
  const judged = new Map((live?.results ?? []).map((r) => [r.id, judge(r)]));
  const fx: FixContext = {
    stack: state.stack, region: state.region, account: state.account, partition: partitionOf(state.region), stateFile, stackArgs, ids,
    stateOf: (id) => judged.get(id)?.state,
  };
  const resources: ResourceStatus[] = Object.entries(state.nodes).map(([id, n]) => {
    const j: Judged = judged.get(id) ?? (live ? { state: 'error', problems: ['not read'], drift: [] } : { state: 'unchecked', problems: [], drift: [] });
    return {
      id, kind: n.kind, label: n.label, physicalId: physicalIdOf(n.kind, n.out), ids: { ...n.out }, recorded: n.status,
      state: j.state, problems: j.problems, drift: j.drift, impact: impactOf(n.kind, j.state, j.drift),
      fix: fixFor({ id, kind: n.kind, state: j.state, drift: j.drift, out: n.out, spec: n.spec }, fx),
    };
  });

  const open = servedOpen(resources);
  for (const r of resources) {
    const spec = state.nodes[r.id]?.spec as { path?: string; httpMethod?: string; authorizerNode?: string } | undefined;
    if ((r.kind === 'api-method' || r.kind === 'secured-method') && spec?.authorizerNode && open.has(`${spec.httpMethod ?? ''} ${spec.path ?? ''}`)) {
      r.impact = 'the stage serves it without the authorizer right now: anyone can call it without a token';
    }
  }

  const outputs = stackOutputs(state, stateFile);
  const json = outputsJson(outputs);
  const byId = new Map(resources.map((r) => [r.id, r]));
  const routes: RouteStatus[] = outputs.routes.map((r) => {
    const method = byId.get(`method:${r.method} ${r.path}`);
    // issue 12: a method of an existing API left open is theirs, not a node of ours: nothing of ours to be missing.
    const theirs = !method && !r.secured && state.config.existingApi !== undefined;
    return { ...r, state: method?.state ?? (live && !theirs ? 'missing' : 'unchecked'), servedOpen: r.secured && open.has(`${r.method} ${r.path}`) };
  });

  const count = (s: ResourceState) => resources.filter((r) => r.state === s).length;
  const counts = {
    total: resources.length, present: count('present'), missing: count('missing'), drifted: count('drifted'),
    error: count('error'), unfinished: count('unfinished'), unchecked: count('unchecked'),
  };
  const ok = live ? state.complete && counts.present === counts.total : null;

  const notes = [...(live?.notes ?? [])];
  const leftOpen = (state.config.existingApi as { leaveOpen?: Array<{ path: string; methods: string[] }> } | undefined)?.leaveOpen;
  if (leftOpen) {
    const list = leftOpen.flatMap((s) => s.methods.map((m) => `${m} ${s.path}`));
    notes.push(`Left open by choice (this stack's policy; any other method served without a token is reported): ${list.join(', ') || 'none'}.`);
  }
  const scopes = outputs.methodScopes ?? [];
  const token = outputs.userPoolId
    ? { use: scopes.length > 0 ? 'access' as const : 'id' as const, scopes, machine: Boolean(outputs.machineClientId) }
    : undefined;
  const notMade = state.complete ? [] : notMadeYet(state);
  if (!state.complete) {
    notes.push(notMade.length
      ? `init did not finish: ${notMade.length} resource${notMade.length === 1 ? '' : 's'} not made yet: ${notMade.join(', ')}. Run \`secure-api init ${fx.stackArgs}\` to finish.`
      : `init did not finish. Run \`secure-api init ${fx.stackArgs}\` to finish.`);
  }

  return {
    stack: state.stack, region: state.region, account: state.account, createdAt: state.createdAt, updatedAt: state.updatedAt,
    stateFile, complete: state.complete, ...(notMade.length ? { notMade } : {}), live: Boolean(live), checkedAt: live?.checkedAt ?? null, ok, counts, resources,
    urls: { ...json.urls, routes },
    ids: json.ids,
    ...(token ? { token } : {}),
    notes,
    next: nextSteps(ok, resources, fx, state.complete, token?.machine === true),
    history: configHistory(state),
  };
}

/** The labels of what the recorded configuration plans and the state has no record of (init stopped before them). */
export function notMadeYet(state: StateFile): string[] {
  try {
    const plan = buildPlan(state.config as unknown as StackConfig, partitionOf(state.region));
    return plan.nodes.filter((n) => state.nodes[n.id] === undefined).map((n) => `${n.kind} ${n.label}`);
  } catch {
    // A configuration this version cannot plan (it was validated on read): the rows above are what is known.
    return [];
  }
}

function nextSteps(ok: boolean | null, resources: ResourceStatus[], fx: FixContext, complete: boolean, machine: boolean): NextStep[] {
  const a = fx.stackArgs;
  if (ok === null) return [{ command: `secure-api status ${a}`, why: 'check it against AWS, live' }];
  if (ok) {
    return [
      machine
        ? { command: `secure-api token --machine ${a}`, why: 'an access token with the methods\' scopes (client credentials)' }
        : { command: `secure-api token ${a}`, why: 'an id token, for the Authorization header' },
      { command: `secure-api verify ${a}`, why: 'prove it: 401 without a token, 2xx with one' },
      { command: `secure-api destroy ${a}`, why: 'remove it all' },
    ];
  }
  const steps: NextStep[] = [];
  if (!complete) steps.push({ command: `secure-api init ${a}`, why: 'finish the interrupted init (it resumes where it stopped)' });
  if (resources.some((r) => r.fix?.summary.includes('secure-api init'))) {
    steps.push({ command: `secure-api plan ${a}`, why: 'what init would put back, read live' }, { command: `secure-api init ${a}`, why: 'repair it as recorded (shows the plan, then asks)' });
  }
  if (resources.some((r) => r.fix?.rebuild)) steps.push(...rebuildSteps(fx));
  steps.push({ command: `secure-api status ${a}`, why: 'check again once fixed' });
  // Keep the first of duplicates (the config export appears in both recipes).
  return steps.filter((s, i) => steps.findIndex((t) => t.command === s.command) === i);
}
