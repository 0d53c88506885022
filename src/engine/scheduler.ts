/**
 * Run tasks over a dependency graph: each starts as soon as all its dependencies have finished, so
 * independent branches overlap. The first failure (or an abort) stops new starts; tasks in flight are
 * allowed to finish, then the first error is thrown.
 */
export async function runGraph(
  ids: string[],
  depsOf: (id: string) => string[],
  work: (id: string) => Promise<void>,
  opts: { signal?: AbortSignal | undefined; onAbort?: () => Error } = {},
): Promise<void> {
  const pending = new Set(ids);
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  let failure: unknown;
  let failed = false;
  const known = new Set(ids);
  const ready = (id: string) => depsOf(id).every((d) => done.has(d) || !known.has(d));

  while (pending.size || running.size) {
    const stopping = failed || opts.signal?.aborted === true;
    if (!stopping) {
      for (const id of [...pending]) {
        if (!ready(id)) continue;
        pending.delete(id);
        const p = work(id).then(
          () => { done.add(id); },
          (err: unknown) => {
            if (!failed) { failed = true; failure = err; }
          },
        ).finally(() => running.delete(id));
        running.set(id, p);
      }
    }
    if (!running.size) {
      if (stopping || failed) break;
      if (pending.size) throw new Error(`dependency cycle or unknown dependency among: ${[...pending].join(', ')}`);
      break;
    }
    let onAbort: (() => void) | undefined;
    const abort = opts.signal && !stopping
      ? new Promise<void>((resolve) => { onAbort = () => resolve(); opts.signal!.addEventListener('abort', onAbort, { once: true }); })
      : undefined;
    try {
      await Promise.race([...running.values(), ...(abort ? [abort] : [])]);
    } finally {
      if (onAbort) opts.signal!.removeEventListener('abort', onAbort);
    }
  }
  if (failed) throw failure;
  if (opts.signal?.aborted && (pending.size || done.size < ids.length)) {
    throw opts.onAbort ? opts.onAbort() : new Error('aborted');
  }
}
