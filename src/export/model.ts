/**
 * What an infrastructure-as-code export is made of (issue 22): the stack's nodes as the state records them, and the
 * values each exporter renders. A value that names another node's output is a `Ref`, so Terraform and the CDK write a
 * reference (`aws_api_gateway_rest_api.api.id`, `api.ref`) where the other node is exported, and the live id where
 * it is not (the user's own API or pool, which stays theirs).
 */
import type { SpecByKind } from '../plan/specs.js';
import type { Out, ResourceKind } from '../resources/types.js';

/** One node of the stack as the state records it: what secure-api applied (`spec`) and the ids AWS gave (`out`). */
export interface ExportNode<K extends ResourceKind = ResourceKind> {
  id: string;
  kind: K;
  spec: SpecByKind[K];
  out: Out;
  label: string;
}

/** Another node's output, by the key its handler records it under (`apiId`, `userPoolArn`…). */
export class Ref {
  constructor(readonly node: string, readonly key: string, readonly literal: string) {}
}

/** A string made of literal parts and references (an ARN around an id). */
export class Join {
  constructor(readonly parts: ReadonlyArray<string | Ref>) {}
}

/** A secret the export never holds: a sensitive Terraform variable, a NoEcho CloudFormation parameter. */
export class Secret {
  constructor(readonly name: string, readonly description: string) {}
}

export type Value = string | number | boolean | Ref | Join | Secret | Value[] | { [key: string]: Value | undefined };

/** A nested Terraform block (`password_policy { … }`), as opposed to a map attribute (`tags = { … }`). */
export class TfBlock {
  constructor(readonly body: TfBody) {}
}
/** A Terraform expression written as is (`jsonencode(…)`, `filebase64sha256(…)`). */
export class TfRaw {
  constructor(readonly text: string) {}
}
export type TfValue = Value | TfBlock | TfBlock[] | TfRaw;
export type TfBody = { [attr: string]: TfValue | undefined };

export interface TfResource {
  type: string;
  /** Unique within the type; made from the node id. */
  name: string;
  body: TfBody;
  /** The id `terraform import` takes for this type, in the provider's documented format. */
  importId: string;
  /** How other resources reference this node's outputs: out key → attribute (only on a node's first resource). */
  refs?: Record<string, string>;
  /** What must exist first beyond what references already say: every resource of a node, or one address. */
  dependsOn?: Array<{ node: string } | { address: string }>;
  lifecycle?: { preventDestroy?: true; createBeforeDestroy?: true };
}

export interface CfnResource {
  /** Logical id in the template (CDK construct id at the stack's top level). */
  logicalId: string;
  type: string;
  properties: Record<string, Value | undefined>;
  /**
   * The identifier `cdk import --resource-mapping` takes (the type's primary identifier properties), or why the
   * type cannot be imported and what to do about it.
   */
  import: { identifier: Record<string, string> } | { unsupported: string };
  /** How other resources reference this node's outputs: out key → 'Ref' or a GetAtt attribute. */
  refs?: Record<string, string>;
  /** Node ids whose resources must exist first. */
  dependsOn?: string[];
  /** Keep the resource when it leaves the stack (its data would be lost otherwise). */
  retain?: true;
}

/** Account facts the export needs for ARNs it writes out. */
export interface ExportTarget {
  stack: string;
  region: string;
  account: string;
  partition: string;
}

/** Lets a kind's export name other nodes' outputs. */
export interface ExportCtx extends ExportTarget {
  node(id: string): ExportNode | undefined;
  ref(node: string, key: string): Ref;
  nodesOf<K extends ResourceKind>(kind: K): Array<ExportNode<K>>;
  /** The node's Terraform name, unique in the stack (every resource of the node shares it). */
  tfName(id: string): string;
  /** The node's CloudFormation logical id, unique in the stack. */
  logicalId(id: string): string;
}

/**
 * Each resource kind's export, declared once: its Terraform resources and its CloudFormation resources (the CDK
 * app), or `theirs` for a resource of the user's that the export leaves out and only refers to by id.
 */
export type KindExport<K extends ResourceKind> =
  | {
    owner: 'ours';
    terraform(n: ExportNode<K>, x: ExportCtx): TfResource[];
    cloudformation(n: ExportNode<K>, x: ExportCtx): CfnResource[];
  }
  | {
    owner: 'theirs';
    /** One line for the export's notes: what this is, and who manages it. */
    note(n: ExportNode<K>): string;
  };

export type KindExports = { [K in ResourceKind]: KindExport<K> };
