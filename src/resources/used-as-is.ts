import type { Ctx, Out, Outputs, ResourceHandler } from './types.js';

/**
 * A resource of the user's that a stack uses as it is (their API, one of its resources, an authorizer, a pool, an app
 * client): looked up by what the user named, adopted, never changed. `create` fails when it is gone, `find` looks it
 * up, `read` says present or missing, `delete` leaves it (what we changed on it is undone by the nodes that changed
 * it). A kind that reads more than presence, or has something of ours to remove, gives its own `read` / `delete`.
 */
export function usedAsIsHandler<Spec>(h: {
  kind: ResourceHandler<Spec>['kind'];
  service: ResourceHandler<Spec>['service'];
  /** What names it (an id, a name, a path): another choice is another resource, never an update in place. */
  immutable: readonly string[];
  /** The calls of its lookup (create, find and read all look it up), and of a `read` / `delete` of its own. */
  calls: ResourceHandler<Spec>['calls'];
  /** Its outputs, looked up now; undefined when it is gone. `out`: what was recorded, when `read` asks. */
  lookup(ctx: Ctx, spec: Spec, deps: Outputs, out?: Out): Promise<Out | undefined>;
  /** Why `create` fails when the lookup finds nothing. */
  gone(ctx: Ctx, spec: Spec): string;
} & Partial<Pick<ResourceHandler<Spec>, 'read' | 'delete' | 'policyNames'>>): ResourceHandler<Spec> {
  const { lookup, gone, ...rest } = h;
  return {
    adopted: true,
    async create(ctx, spec, deps) {
      const out = await lookup(ctx, spec, deps);
      if (!out) throw new Error(gone(ctx, spec));
      return out;
    },
    find: (ctx, spec, deps) => lookup(ctx, spec, deps),
    async read(ctx, spec, out, deps) {
      return (await lookup(ctx, spec, deps, out)) ? { state: 'present', out } : { state: 'missing' };
    },
    // Theirs: never deleted.
    async delete() {},
    ...rest,
  };
}
