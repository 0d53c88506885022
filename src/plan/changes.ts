import type { ResourceKind } from '../resources/types.js';

/** The closed set of things a plan can do to one node (terraform's plans.Action). */
export const CHANGE_ACTIONS = ['create', 'update', 'replace', 'delete', 'no-op'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** The glyph each action is shown with, as terraform plan and cdk diff show them. */
export const ACTION_GLYPH: Record<ChangeAction, string> = { create: '+', update: '~', replace: '-/+', delete: '-', 'no-op': ' ' };

/** One field that differs: `path` is dotted into the spec ('passwordPolicy.minLength'); arrays compare whole. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
  /** AWS cannot change this field in place: the resource is replaced. */
  forcesReplace: boolean;
}

/**
 * One field a live read found changed outside secure-api (terraform's "changed outside"): `before` is what
 * secure-api recorded or expects, `after` what AWS holds now (null: absent). Code switches on `path`; `context`
 * only carries names the sentence needs (a stage, a method) and is never matched. See ./drift-text.ts for wording.
 */
export interface DriftChange {
  path: string;
  before: unknown;
  after: unknown;
  context?: Record<string, string>;
}

/** What the plan does to one node, and why (the reason is for the reader only; code switches on `action`). */
export interface ResourceChange {
  id: string;
  kind: ResourceKind;
  label: string;
  action: ChangeAction;
  reason: string;
  /** Spec fields that differ between what is recorded and what is wanted. */
  fields: FieldChange[];
  /** Found changed outside secure-api by the live read (put back by the update). */
  drift: DriftChange[];
  /** A journaled step of an earlier run that stopped is finished by this one. */
  resumes?: 'creating' | 'updating' | 'deleting' | undefined;
}

export interface ChangePlan {
  changes: ResourceChange[];
}

export interface ChangeCounts { add: number; change: number; replace: number; delete: number }

export function countChanges(plan: ChangePlan): ChangeCounts {
  const n = (a: ChangeAction) => plan.changes.filter((c) => c.action === a).length;
  return { add: n('create'), change: n('update'), replace: n('replace'), delete: n('delete') };
}

/** Nothing to create, update, replace or delete. */
export function isEmptyPlan(plan: ChangePlan): boolean {
  return plan.changes.every((c) => c.action === 'no-op');
}

/** "2 to add, 1 to change, 0 to replace, 0 to delete." */
export function summaryLine(plan: ChangePlan): string {
  const c = countChanges(plan);
  return `${c.add} to add, ${c.change} to change, ${c.replace} to replace, ${c.delete} to delete.`;
}

/**
 * The change plan replaces or deletes the user pool: either way its users go with it. (A configuration with only
 * public routes needs no pool, so the planner deletes it: that must be guarded exactly like a replacement.)
 */
export function removesUserPool(changes: ChangePlan): boolean {
  return changes.changes.some((c) => c.kind === 'user-pool' && (c.action === 'replace' || c.action === 'delete') && c.resumes !== 'deleting');
}
