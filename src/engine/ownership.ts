import { ExitCode, SecureApiError } from '../errors.js';
import { isOurs, ownerText } from '../resources/refs.js';
import { handlerFor } from '../resources/registry.js';
import type { Ctx } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';

/** A node the state names whose live resource is not this stack's: left alone. */
export interface NotOursNode {
  id: string;
  kind: NodeRecord['kind'];
  label: string;
  /** The node whose tags were read (the node itself, or the one it lives in). */
  owner: string;
  /** Whose the resource is, in words (its tags). */
  whose: string;
  /** The id of the resource whose tags were read (the API id, the function's ARN…). */
  physical: string;
}

export interface OwnershipCheck {
  /** undefined: ours (or gone, or nothing to check); else whose the resource the node names (or lives in) is. */
  (id: string): Promise<Omit<NotOursNode, 'id' | 'kind' | 'label'> | undefined>;
  /** A node this run made or found by its tags: ours by construction, no read needed. */
  trust(id: string): void;
}

/**
 * Before every delete or update (issue 25.4): whose is the live resource a node names? The state is data, not
 * authority: an edited or copied state could name another stack's API or function. A kind AWS tags is asked for its
 * tags (both secure-api tags must be ours: isOurs); a kind without tags follows the node it lives in (its parent, else
 * the first node it depends on, up to a tagged one); a node recorded `adopted` (an existing API or pool the user
 * chose) is the user's by that record. One read of each tagged node per run.
 * Returns undefined when it is ours (or gone: a delete of what is gone does nothing), else whose it is.
 */
export function ownershipCheck(ctx: Ctx, nodes: Record<string, NodeRecord>): OwnershipCheck {
  const read = new Map<string, Promise<string | undefined>>();
  const trusted = new Set<string>();
  const whoseIs = (id: string, r: NodeRecord): Promise<string | undefined> => {
    let p = read.get(id);
    if (!p) {
      p = (async () => {
        const tags = await handlerFor(r.kind).tags!(ctx, r.out, r.spec as never);
        return tags === undefined || isOurs(ctx, tags) ? undefined : ownerText(tags);
      })();
      read.set(id, p);
    }
    return p;
  };
  const walk = async (id: string, visited: string[]) => {
    const seen = new Set<string>();
    for (let cur: string | undefined = id; cur !== undefined && !seen.has(cur);) {
      seen.add(cur);
      const r: NodeRecord | undefined = nodes[cur];
      if (!r || trusted.has(cur)) return undefined;
      const h = handlerFor(r.kind);
      // Adopted only on a kind that is adopted (its delete puts back what we changed): an edited `owned` on a kind
      // whose delete deletes is read like any other.
      if (r.owned === 'adopted' && h.adopted === true) return undefined;
      visited.push(cur);
      if (h.tags) {
        // No ids recorded: nothing is acted on by id (a look-up by `find` adopts only what carries our tags).
        if (Object.keys(r.out).length === 0) return undefined;
        const whose = await whoseIs(cur, r);
        return whose === undefined ? undefined : { owner: cur, whose, physical: Object.values(r.out)[0] ?? '' };
      }
      cur = homeOf(r, nodes);
    }
    return undefined;
  };
  const check = async (id: string) => {
    const visited: string[] = [];
    const whose = await walk(id, visited);
    if (whose) return whose;
    // Ours by tags, but do the ids recorded name one resource (the one delete and update act on)? An edited state
    // could pair our function's ARN with another's name, or our function with a permission on another's.
    for (const cur of visited) {
      const r = nodes[cur]!;
      const unmatched = handlerFor(r.kind).unmatched?.(r.spec as never, r.out, nodes);
      if (unmatched !== undefined) return { owner: cur, whose: unmatched, physical: Object.values(r.out)[0] ?? '' };
    }
    return undefined;
  };
  return Object.assign(check, { trust: (id: string) => { trusted.add(id); } });
}

/** The node a node lives in: its parent, else the first recorded node it depends on (a domain's pool, a function's role). */
export function homeOf(n: { parent?: string | undefined; deps: readonly string[] }, nodes: Record<string, NodeRecord>): string | undefined {
  return n.parent ?? n.deps.find((d) => nodes[d] !== undefined);
}

const describe = (n: NotOursNode) => `${n.kind} ${n.label} (${n.owner === n.id ? '' : `in ${n.owner} `}${n.physical}): ${n.whose}`;

/** The state named resources that are not this stack's: nothing of theirs was changed (exit 1). */
export class NotThisStacks extends SecureApiError {
  constructor(stack: string, readonly nodes: NotOursNode[], done: string) {
    super('NOT_OURS', `${done}; left alone ${nodes.length} resource${nodes.length === 1 ? '' : 's'} the state names that ${nodes.length === 1 ? 'is' : 'are'} not stack ${stack}'s (nothing of theirs was changed): ${nodes.map(describe).join('; ')}`, {
      exitCode: ExitCode.aws,
      hint: `The state file names another stack's resources (edited, or copied from another stack). secure-api changes only what carries both its tags (secure-api:stack=${stack} and this state's id) or what the state records as adopted. This stack's own resources are found by those tags: \`secure-api status --orphans --stack ${stack}\`.`,
    });
  }
}
