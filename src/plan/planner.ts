import { isTagField, pendingTagFields } from '../resources/tags.js';
import type { ResourceKind } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';
import type { ChangeAction, ChangePlan, DriftChange, FieldChange, ResourceChange } from './changes.js';
import { fieldChanges } from './field-diff.js';
import type { AnyPlanNode, Plan } from './specs.js';

/** What the live read of a recorded node found (as engine.readAll gives it), reduced to what the planner needs. */
export type LiveRead =
  | { state: 'present' }
  | { state: 'missing' }
  | { state: 'drifted'; drift: DriftChange[] }
  | { state: 'error'; message: string };

/** What a kind says about changes, as data next to its handler (terraform's RequiresReplace). */
export interface KindTraits {
  /** Spec fields AWS never changes in place: a change to one replaces the resource. */
  immutable: readonly string[];
  /** The handler can update in place; without it any change replaces. */
  updatable: boolean;
  /** It publishes its parent (a deployment of the API): see ResourceHandler.publishes. */
  publishes?: boolean | undefined;
  /** Drift paths an update cannot put back (ResourceHandler.unrepairable). */
  unrepairable?: readonly string[] | undefined;
}

export interface PlannerInput {
  desired: Plan;
  /** The state's nodes, as recorded. */
  recorded: Record<string, NodeRecord>;
  /** Live reads by node id; absent: not read (plan from the state alone). */
  live?: ReadonlyMap<string, LiveRead> | undefined;
  traits: (kind: ResourceKind) => KindTraits;
}

const change = (n: { id: string; kind: ResourceKind; label: string }, action: ChangeAction, reason: string, fields: FieldChange[] = [], drift: DriftChange[] = []): ResourceChange =>
  ({ id: n.id, kind: n.kind, label: n.label, action, reason, fields, drift });

const paths = (fields: FieldChange[]) => fields.map((f) => f.path).join(', ');

/** One node that is in the configuration: terraform's getAction over (desired, recorded, live). */
function actionFor(n: AnyPlanNode, r: NodeRecord | undefined, live: LiveRead | undefined, t: KindTraits): ResourceChange {
  if (!r) return change(n, 'create', 'not in the state yet');
  if (r.status === 'creating') {
    return { ...change(n, 'create', 'an interrupted run journaled it: looked up first, created only if absent'), resumes: 'creating' };
  }
  const fields = fieldChanges(r.spec, n.spec, t.immutable);
  if (r.status === 'deleting') return { ...change(n, 'replace', 'an interrupted run was deleting it: deleted, then made again', fields), resumes: 'deleting' };
  if (live?.state === 'missing') return change(n, 'create', 'deleted outside secure-api: made again', fields, [{ path: 'exists', before: true, after: false }]);
  const drift = live?.state === 'drifted' ? live.drift : live?.state === 'error' ? [{ path: 'read', before: null, after: live.message }] : [];
  const forced = fields.filter((f) => f.forcesReplace);
  if (forced.length) return change(n, 'replace', `${paths(forced)} cannot change in place (requires replacement)`, fields, drift);
  if (fields.length && !t.updatable) return change(n, 'replace', `a ${n.kind} has no in-place update`, fields, drift);
  if (r.status === 'updating') {
    const resumed = [...fields, ...pendingTagFields(r.pending, n.spec, fields)];
    return { ...change(n, 'update', 'an interrupted run was updating it: the update is applied again', resumed, drift), resumes: 'updating' };
  }
  if (fields.length) return change(n, 'update', `${paths(fields)} changed`, fields, drift);
  if (live?.state === 'drifted') {
    const repairable = live.drift.filter((d) => !(t.unrepairable ?? []).includes(d.path));
    if (t.updatable && !repairable.length) return change(n, 'no-op', 'changed outside secure-api in a way only a change of configuration settles (see status)', [], drift);
    return t.updatable
      ? change(n, 'update', 'changed outside secure-api: put back as recorded', [], drift)
      : change(n, 'no-op', 'changed outside secure-api; secure-api cannot put this kind back in place', [], drift);
  }
  return change(n, 'no-op', live?.state === 'error' ? 'could not be read' : 'as recorded', [], drift);
}

/** A node whose physical id changes (replaced, or made again): what depends on it must follow. */
const newIdentity = (c: ResourceChange | undefined, recorded: Record<string, NodeRecord>) =>
  c !== undefined && (c.action === 'replace' || (c.action === 'create' && recorded[c.id]?.status === 'created'));

/**
 * The change plan: each desired node's action, then each recorded node no longer wanted as a delete. Pure: the
 * same three inputs always give the same plan. A replaced (or re-made) node drags its children along (replaced
 * with it) and has its dependents updated to its new id; any change under the REST API means a new deployment.
 */
export function planChanges({ desired, recorded, live, traits }: PlannerInput): ChangePlan {
  const byId = new Map<string, ResourceChange>();
  for (const n of desired.nodes) byId.set(n.id, actionFor(n, recorded[n.id], live?.get(n.id), traits(n.kind)));

  // Follow replacements down the edges until nothing more changes (the plan is small: a few passes at most).
  for (let changed = true; changed;) {
    changed = false;
    for (const n of desired.nodes) {
      const c = byId.get(n.id)!;
      if (c.action !== 'no-op' && c.action !== 'update') continue;
      const moved = n.deps.find((d) => newIdentity(byId.get(d), recorded));
      if (!moved) continue;
      const t = traits(n.kind);
      if (n.parent === moved || !t.updatable) {
        byId.set(n.id, { ...c, action: 'replace', reason: `${moved} is replaced, and this ${n.kind} goes with it` });
      } else if (c.action === 'no-op') {
        byId.set(n.id, { ...c, action: 'update', reason: `${moved} gets a new id: it is wired in` });
      } else continue;
      changed = true;
    }
  }

  const deletes: ResourceChange[] = Object.entries(recorded).filter(([id]) => !byId.has(id)).map(([id, r]) => ({
    ...change({ id, kind: r.kind, label: r.label }, 'delete', 'no longer in the configuration'),
    ...(r.status === 'deleting' ? { resumes: 'deleting' as const } : {}),
  }));

  // Method, authorizer and CORS changes are served only through a new deployment: exactly one per publisher (the
  // node with the `publishes` trait), after them all. What it publishes is its parent and everything under it.
  const parentOf = (id: string) => desired.nodes.find((n) => n.id === id)?.parent ?? recorded[id]?.parent;
  // Tags are not served: the API's tags changed (and nothing else) publish nothing.
  const tagsOnly = (c: ResourceChange) => c.action === 'update' && c.fields.length + c.drift.length > 0 && [...c.fields, ...c.drift].every(isTagField);
  for (const publisher of desired.nodes.filter((n) => traits(n.kind).publishes)) {
    const served = (c: ResourceChange) => c.id !== publisher.id && !traits(c.kind).publishes
      && publisher.parent !== undefined && (c.id === publisher.parent || parentOf(c.id) === publisher.parent);
    const changed = [...byId.values(), ...deletes].some((c) => c.action !== 'no-op' && served(c) && !tagsOnly(c));
    const dc = byId.get(publisher.id);
    if (dc && changed && dc.action === 'no-op') {
      byId.set(dc.id, { ...dc, action: 'update', reason: 'the API changed: a new deployment publishes it, and the stage is pointed at it' });
    }
  }
  return { changes: [...desired.nodes.map((n) => byId.get(n.id)!), ...deletes] };
}
