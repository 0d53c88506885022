import type { StackConfigInput } from '../config/schema.js';

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The answers so far, as a config-file object addressed by dotted keys ("userPool.mfa.mode"). It starts as
 * what flags and --config said; a question is asked only when its key is still missing.
 */
export class Draft {
  private readonly tree: Tree;

  constructor(known: StackConfigInput | Tree = {}) {
    this.tree = structuredClone(known) as Tree;
  }

  get(key: string): unknown {
    let node: unknown = this.tree;
    for (const part of key.split('.')) {
      if (!isTree(node)) return undefined;
      node = node[part];
    }
    return node;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: unknown): void {
    const parts = key.split('.');
    const last = parts.pop()!;
    let node = this.tree;
    for (const part of parts) {
      const next = node[part];
      if (!isTree(next)) node[part] = {};
      node = node[part] as Tree;
    }
    if (value === undefined) delete node[last];
    else node[last] = value;
  }

  /** A copy, as the config input resolveConfig validates. */
  input(): StackConfigInput {
    return structuredClone(this.tree) as StackConfigInput;
  }
}
