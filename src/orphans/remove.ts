import { toAwsFailure } from '../aws/errors.js';
import type { EventSink } from '../engine/events.js';
import { runGraph } from '../engine/scheduler.js';
import { Interrupted } from '../errors.js';
import { handlerFor } from '../resources/registry.js';
import type { Ctx, Out, Outputs, ResourceHandler } from '../resources/types.js';
import type { Orphan } from './find.js';

/** The outputs each handler's delete reads, built from what the tag search found (no state file to read them from). */
function outputsFor(o: Orphan): { out: Out; deps: Outputs } {
  switch (o.kind) {
    case 'rest-api': return { out: { apiId: o.id }, deps: {} };
    case 'user-pool-domain': return { out: { domain: o.id }, deps: { pool: { userPoolId: o.userPoolId ?? '' } } };
    case 'user-pool': return { out: { userPoolId: o.id }, deps: {} };
    case 'lambda-function': return { out: { functionName: o.id }, deps: {} };
    case 'iam-role': return { out: { roleName: o.id }, deps: {} };
  }
}

const keyOf = (o: Orphan) => `${o.kind}:${o.id}`;

/**
 * Delete what `findOrphans` found, with the handlers `destroy` uses (so "not found" is done, a role's policies are
 * detached first, DeleteRestApi is paced): a pool's domain before the pool, functions before roles, the rest at once.
 */
export async function removeOrphans(ctx: Ctx, orphans: Orphan[], emit: EventSink, signal?: AbortSignal): Promise<void> {
  const again = `Run \`secure-api destroy --stack ${ctx.stack}${ctx.reach ?? ''} --orphans --yes\` again: it finds what is left.`;
  const interrupted = () => new Interrupted('Interrupted: no new deletions were started.', again);
  const byKey = new Map(orphans.map((o) => [keyOf(o), o]));
  const depsOf = (key: string): string[] => {
    const o = byKey.get(key);
    if (o?.kind === 'user-pool') return orphans.filter((d) => d.kind === 'user-pool-domain' && d.userPoolId === o.id).map(keyOf);
    if (o?.kind === 'iam-role') return orphans.filter((f) => f.kind === 'lambda-function').map(keyOf);
    return [];
  };
  const work = async (key: string): Promise<void> => {
    const o = byKey.get(key)!;
    const started = ctx.now();
    emit({ type: 'node-start', id: key, kind: o.kind, label: o.name, verb: 'delete' });
    const { out, deps } = outputsFor(o);
    try {
      await (handlerFor(o.kind) as ResourceHandler<unknown>).delete(ctx, {}, out, deps);
    } catch (err) {
      const failure = signal?.aborted ? interrupted() : toAwsFailure(err, `deleting ${o.kind} ${o.name}`, again);
      emit({ type: 'node-fail', id: key, kind: o.kind, label: o.name, verb: 'delete', message: failure.message });
      throw failure;
    }
    emit({ type: 'node-done', id: key, kind: o.kind, label: o.name, verb: 'delete', out, ms: ctx.now() - started });
  };
  await runGraph([...byKey.keys()], depsOf, work, { signal, onAbort: interrupted });
}
