import { z } from 'zod';
import { commonOptionsSchema } from './common-options.js';
import { destroy } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { NonInteractivePrompter } from '../ui/prompter.js';
import { checkCommon, makeCtx, makeUi, type CommandEnv } from './env.js';
import { reachStack } from './stack-session.js';
import { confirmDestroy, poolUserCount } from './destroy-confirm.js';
import { loadStack } from './stack-state.js';
import { openBackend } from './state-backend.js';

export const destroyOptionsSchema = commonOptionsSchema.extend({
  yes: z.boolean().optional(),
  /** No state file: find the stack's resources by tag and remove them (src/orphans). */
  orphans: z.boolean().optional(),
  /** With --orphans: the lost state's id; only what carries it is removed. */
  stateId: z.string().min(1).optional(),
});
export type DestroyOptions = z.infer<typeof destroyOptionsSchema>;

export async function runDestroy(o: DestroyOptions, env: CommandEnv): Promise<number> {
  if (o.stateId !== undefined && !o.orphans) throw new UsageError('--state-id goes with --orphans', 'With a state file, `secure-api destroy` removes what it records, which is this state\'s own.');
  if (o.orphans) {
    const { runDestroyOrphans } = await import('../orphans/orphans-command.js');
    return runDestroyOrphans(o, env);
  }
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const backend = await openBackend(o, env, (m) => ui.reporter.warn(m));
  if (o.stack && !await backend.read(o.stack)) {
    // Idempotent: a stack already destroyed (or never made) leaves nothing to do.
    if (ui.mode === 'json') ui.json({ stack: o.stack, destroyed: 0, remaining: 0 });
    else ui.out(`No stack ${o.stack} in ${backend.location}: nothing to destroy.`);
    return 0;
  }
  const { stack, path, state } = await loadStack(o, env, backend);
  const interactive = env.stdin.isTTY === true && env.stderr.isTTY === true && ui.mode !== 'json';
  const region = state.region;
  const prompter = o.yes ? undefined : interactive ? await env.prompter() : new NonInteractivePrompter('secure-api destroy');
  // Refused before any AWS call when the confirmation cannot be asked.
  if (prompter && !prompter.interactive) await prompter.confirm({ message: `Destroy stack ${stack}?` });
  // First call: the credentials must reach the state's account (else exit 2, nothing read or deleted there).
  const { clients, account } = await reachStack(o, env, state, ui.reporter);
  // issue 12: a stack on the user's own API or pool deletes only ours, puts back what it changed, keeps theirs.
  const { destroyScope, scopeText } = await import('./destroy-keeps.js');
  const scope = Object.values(state.nodes).some((r) => r.owned === 'adopted') ? await destroyScope(state, clients) : undefined;
  if (prompter) {
    const users = prompter.interactive ? await poolUserCount(clients, state) : undefined;
    await confirmDestroy({ prompter, ui, state, users, columns: env.stderr.columns, scope: scope ? { deleted: scope.deleted, text: scopeText(scope) } : undefined });
  }
  // Elapsed times count from here, not from when the question was asked.
  ui.reporter.restartClock();
  const session = await backend.open(stack, 'destroy');
  try {
    const current = session.state ?? state;
    const store = session.writer(current, () => new Date(env.now()));
    const ctx = makeCtx(env, clients, { region, account, stack, owner: current, reach: backend.args }, ui.reporter);
    const count = Object.keys(current.nodes).length;
    // What destroy may leave alone is dropped from the state it saves: the records as read, for the copy below.
    const before = structuredClone(current.nodes);
    let leftAlone: Awaited<ReturnType<typeof destroy>>;
    try {
      leftAlone = await destroy({ ctx, store, emit: ui.reporter.event, signal: env.signal });
    } finally {
      ui.reporter.stop();
    }
    // issue 25.4: what the state named that is not this stack's was not touched, and is never this stack's to record;
    // but it may be ours with its tags wiped by hand, so its records are kept in a copy (written before the state
    // is removed) rather than only in the error text. Keeping them in the saved state instead would leave a state
    // that names another stack's resources, which every later run would refuse again.
    const copy = leftAlone.length
      ? (await import('./forget.js')).keepStateCopy(backend, env, 'left-alone', stack,
        { ...current, nodes: Object.fromEntries(leftAlone.flatMap((n) => (before[n.id] ? [[n.id, before[n.id]]] : []))) })
      : undefined;
    await session.remove();
    if (leftAlone.length) {
      const { NotThisStacks } = await import('../engine/ownership.js');
      throw new NotThisStacks(stack, leftAlone, `Stack ${stack} destroyed: ${count - leftAlone.length} resources removed, state file deleted (what was left alone is recorded in ${copy})`);
    }
    if (ui.mode === 'json') ui.json({ stack, region, destroyed: scope?.deleted ?? count, stateFile: path, remaining: 0, ...(scope ? { restored: scope.restored, kept: scope.kept } : {}) });
    else ui.out(scope ? `Stack ${stack} destroyed: ${scope.deleted} resources removed${scopeText(scope)}; state file deleted.` : `Stack ${stack} destroyed: ${count} resources removed, state file deleted.`);
    return 0;
  } finally {
    await session.end();
  }
}
