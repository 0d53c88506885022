import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { countOf } from '../ui/count.js';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { NotThisStacks, ownershipCheck, type NotOursNode } from '../engine/ownership.js';
import { handlerFor } from '../resources/registry.js';
import type { ResourceKind } from '../resources/types.js';
import { NonInteractivePrompter } from '../ui/prompter.js';
import { commonOptionsSchema } from './common-options.js';
import { checkCommon, makeCtx, makeUi, type CommandEnv } from './env.js';
import { reachStack } from './stack-session.js';
import { loadStack } from './stack-state.js';
import { openBackend } from './state-backend.js';

/**
 * A copy of a state kept before the state is removed (forget; destroy when it left something alone), mode 0600:
 * beside a local state (<state-dir>/<sub>/), else under .secure-api/<sub>/ in the working directory. Returns its path.
 */
export function keepStateCopy(backend: { kind: string; location: string }, env: Pick<CommandEnv, 'now' | 'cwd'>, sub: string, stack: string, state: unknown): string {
  const stamp = new Date(env.now()).toISOString().replace(/[:.]/g, '-');
  const dir = backend.kind === 'local' ? join(backend.location, sub) : resolve(env.cwd, '.secure-api', sub);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const copy = join(dir, `${stack}.${stamp}.json`);
  writeFileSync(copy, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  chmodSync(copy, 0o600);
  return copy;
}

export const forgetOptionsSchema = commonOptionsSchema.extend({ yes: z.boolean().optional() });
export type ForgetOptions = z.infer<typeof forgetOptionsSchema>;

/**
 * `secure-api forget`: end secure-api's management of a stack without deleting anything. secure-api's own tags come
 * off what it made (so no later `destroy --orphans` or adoption can take those resources), a copy of the state is
 * kept, the state is removed, and the user is told who owns what now. Tags come off first: a run stopped half way
 * still has its state, and running forget again finishes (removing a tag that is gone is done).
 */
export async function runForget(o: ForgetOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const backend = await openBackend(o, env, (m) => ui.reporter.warn(m));
  const { stack, state } = await loadStack(o, env, backend);
  // A node still being created, updated or deleted may be a resource whose ids the state never got: its tags would
  // stay, and forgetting the state would leave it to no one. Finish (or destroy) first.
  const unsettled = Object.entries(state.nodes).filter(([, n]) => n.status !== 'created').map(([id, n]) => `${id} (${n.status})`);
  if (unsettled.length > 0) {
    throw new UsageError(`stack "${stack}" has work under way: ${unsettled.join(', ')}; forgetting it now could leave a resource secure-api made to no one`,
      `Finish it with \`secure-api init --stack ${stack}${backend.args}\` (or remove it with \`secure-api destroy --stack ${stack}${backend.args}\`), then forget it.`, 'STACK_UNFINISHED');
  }
  if (!o.yes) {
    const interactive = env.stdin.isTTY === true && env.stderr.isTTY === true && ui.mode !== 'json';
    const prompter = interactive ? await env.prompter() : new NonInteractivePrompter('secure-api forget');
    const ok = await prompter.confirm({ message: `Stop managing stack ${stack}? Nothing is deleted; secure-api takes its tags off and forgets the stack, and cannot destroy it afterwards.`, default: false });
    if (!ok) throw new UsageError('nothing forgotten', undefined, 'CANCELLED');
  }
  const region = state.region;
  // The state's target (account, region, endpoint), checked first: exit 2 elsewhere, nothing read or changed.
  const { clients, account } = await reachStack(o, env, state, ui.reporter);
  const session = await backend.open(stack, 'forget');
  const released: Array<{ node: string; kind: ResourceKind; label: string; ids: Record<string, string> }> = [];
  const leftAlone: NotOursNode[] = [];
  let copy: string;
  try {
    const current = session.state ?? state;
    const ctx = makeCtx(env, clients, { region, account, stack, owner: current }, ui.reporter);
    // issue 25.4: the state is data, not authority. A tagged resource is released only when it carries this stack's
    // tags (the check destroy makes): an edited state naming another stack's pool or function must not strip theirs.
    const notOurs = ownershipCheck(ctx, current.nodes);
    for (const [id, n] of Object.entries(current.nodes)) {
      // The user's own resources (an existing API or pool) never carried secure-api's tags.
      if (n.owned === 'adopted') continue;
      const whose = await notOurs(id);
      if (whose) {
        leftAlone.push({ id, kind: n.kind, label: n.label, ...whose });
        continue;
      }
      const release = handlerFor(n.kind).release;
      if (release && Object.keys(n.out).length > 0) await release(ctx, n.spec as never, n.out);
      released.push({ node: id, kind: n.kind, label: n.label, ids: n.out });
    }
    copy = keepStateCopy(backend, env, 'forgotten', stack, current);
    await session.remove();
  } finally {
    await session.end();
  }
  if (leftAlone.length) {
    throw new NotThisStacks(stack, leftAlone, `Stack ${stack} forgotten: secure-api's tags removed from ${countOf(released.length, 'resource')}, state file deleted (a copy: ${copy})`);
  }
  const adopted = Object.entries(state.nodes).filter(([, n]) => n.owned === 'adopted').map(([id, n]) => ({ node: id, kind: n.kind, label: n.label, ids: n.out }));
  if (ui.mode === 'json') {
    ui.json({ stack, forgotten: true, stateCopy: copy, released, changedOnYours: adopted });
    return 0;
  }
  ui.out(`Stack ${stack} is no longer managed by secure-api. Nothing was deleted.`);
  ui.out(`Yours now (secure-api's tags removed, your own tags kept): ${countOf(released.length, 'resource')}, e.g. ${released.slice(0, 4).map((r) => r.label).join(', ')}${released.length > 4 ? ', …' : ''}.`);
  if (adopted.length) ui.out(`Left as secure-api changed them, and yours as before: ${adopted.map((r) => r.label).join(', ')}.`);
  ui.out(`A copy of the state: ${copy}`);
  ui.reporter.info('Manage them from your infrastructure code: the files of `secure-api export terraform` or `secure-api export cdk` import them as they are.');
  return 0;
}
