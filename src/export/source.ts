/**
 * The stack as the exports see it: the state's nodes, in a fixed order, with unique names for generated code.
 * No AWS call: the state records what secure-api applied and the ids AWS gave (drift is for `status` to show).
 */
import { partitionOf } from '../aws/region.js';
import { UsageError } from '../errors.js';
import { RESOURCE_KINDS, type ResourceKind } from '../resources/types.js';
import type { StateFile } from '../state/schema.js';
import { KIND_EXPORTS } from './kinds/index.js';
import { Ref, type ExportCtx, type ExportNode } from './model.js';
import { logicalIdOf, tfName, uniqueNames } from './names.js';

export interface ExportSource {
  ctx: ExportCtx;
  /** The nodes secure-api made, which the export holds. */
  ours: ExportNode[];
  /** One line per resource of the user's that the export leaves out. */
  notes: string[];
}

const kindOrder = (k: ResourceKind): number => RESOURCE_KINDS.indexOf(k);

/** `reach`: the flags a printed command needs beside --stack to reach the stack (the backend's args). */
export function exportSource(state: StateFile, reach = ''): ExportSource {
  const unfinished = Object.entries(state.nodes).filter(([, n]) => n.status !== 'created').map(([id, n]) => `${id} (${n.status})`);
  if (!state.complete || unfinished.length > 0) {
    throw new UsageError(`stack "${state.stack}" is not finished${unfinished.length ? `: ${unfinished.join(', ')}` : ''}, so there is nothing settled to export`,
      `Run \`secure-api init --stack ${state.stack}${reach}\` to finish it first.`, 'STACK_UNFINISHED');
  }
  const all: ExportNode[] = Object.entries(state.nodes)
    .map(([id, n]) => ({ id, kind: n.kind, spec: n.spec, out: n.out, label: n.label }) as ExportNode)
    .sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.id.localeCompare(b.id));
  const byId = new Map(all.map((n) => [n.id, n]));
  const tfUnique = uniqueNames('_');
  const cfnUnique = uniqueNames('');
  const tfNames = new Map(all.map((n) => [n.id, tfUnique(tfName(n.id))]));
  const logicalIds = new Map(all.map((n) => [n.id, cfnUnique(logicalIdOf(n.id))]));
  const ctx: ExportCtx = {
    stack: state.stack, region: state.region, account: state.account, partition: partitionOf(state.region),
    node: (id) => byId.get(id),
    ref: (node, key) => new Ref(node, key, byId.get(node)?.out[key] ?? ''),
    nodesOf: <K extends ResourceKind>(kind: K) => all.filter((n): n is ExportNode<K> => n.kind === kind),
    tfName: (id) => tfNames.get(id) ?? tfName(id),
    logicalId: (id) => logicalIds.get(id) ?? logicalIdOf(id),
  };
  const ours: ExportNode[] = [];
  const notes: string[] = [];
  for (const n of all) {
    const e = KIND_EXPORTS[n.kind];
    if (e.owner === 'ours') ours.push(n);
    else notes.push((e.note as (n: ExportNode) => string)(n));
  }
  return { ctx, ours, notes };
}
