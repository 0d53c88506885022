import { defaultRegion } from '../aws/region.js';
import { countOf } from '../ui/count.js';
import type { AwsClients } from '../aws/clients.js';
import { noteReach, reachStack } from '../commands/stack-session.js';
import { accountOf, checkCommon, endpointOf, makeClients, makeCtx, makeUi, type CommandEnv, type CommonOptions, type Ui } from '../commands/env.js';
import { CheckFailed, ExitCode, UsageError } from '../errors.js';
import { STACK_TAG, STATE_ID_TAG } from '../resources/refs.js';
import { openBackend } from '../commands/state-backend.js';
import { table } from '../ui/tables.js';
import { findOrphans, stateIdsOf, type Orphan } from './find.js';
import { removeOrphans } from './remove.js';

export interface OrphanOptions extends CommonOptions {
  yes?: boolean | undefined;
  /** Remove what carries this secure-api:state-id (the lost state's, as `status --orphans` shows it). */
  stateId?: string | undefined;
}

/** Whose an orphan is, for a person: this state's, another state's of the same stack name, or made before state ids. */
function ownerCell(o: Orphan, stateId: string | undefined): string {
  if (!o.stateId) return 'no state id (made before state version 2)';
  if (stateId === undefined) return `state ${o.stateId}`;
  return o.stateId === stateId ? `this state (${o.stateId})` : `another state: ${o.stateId}`;
}

function rows(orphans: Orphan[], stateId: string | undefined, recorded?: (o: Orphan) => boolean): string[][] {
  return orphans.map((o) => [o.kind, o.name, o.id === o.name ? '' : o.id, ownerCell(o, stateId), ...(recorded ? [recorded(o) ? 'recorded' : 'not in the state file'] : [])]);
}

function where(o: CommonOptions, env: CommandEnv): { region: string; endpointUrl: string | undefined } {
  return { region: o.region ?? defaultRegion(env.env, o.profile).region, endpointUrl: endpointOf(o, env.env) };
}

const tagText = (stack: string) => `${STACK_TAG}=${stack}`;

/** The destroy --orphans command(s) for these state ids ('' = resources made before state ids). */
export function orphanRemoval(stack: string, stateIds: string[], reach = ''): string {
  return stateIds.map((id) => `\`secure-api destroy --stack ${stack}${reach} --orphans${id ? ` --state-id ${id}` : ''} --yes\``).join(' or ');
}

/**
 * `destroy --stack NAME --orphans`: the state file is lost, so find what carries the stack's tag (reads only), list it,
 * and after confirmation (--yes) delete it — a pool's domain before the pool, functions before their roles.
 */
export async function runDestroyOrphans(o: OrphanOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  if (!o.stack) throw new UsageError('--orphans needs --stack NAME: the stack whose tag to look for', `Resources are found by their tag ${STACK_TAG}=NAME.`, 'NO_STACK');
  const stack = o.stack;
  const backend = await openBackend(o, env);
  const path = backend.where(stack);
  if (await backend.read(stack).catch((err: unknown) => { if ((err as { code?: string }).code === 'BAD_STATE') return true; throw err; })) {
    throw new UsageError(`the state file ${path} exists: destroy --orphans is for a stack whose state file is lost`,
      `Run \`secure-api destroy --stack ${stack}${backend.args}\` (it removes what the state names). If that file is damaged, move it away first.`, 'HAS_STATE');
  }
  const ui = await makeUi(env, o.json);
  const interactive = env.stdin.isTTY === true && env.stderr.isTTY === true && ui.mode !== 'json';
  // Nothing unattended without --yes, and nothing called before that is settled.
  if (!o.yes && !interactive) {
    throw new UsageError(`destroy --orphans deletes what is tagged ${tagText(stack)} without a state file, and there is no terminal to confirm on`,
      `Pass --yes to delete. \`secure-api status --orphans --stack ${stack}${backend.args}\` lists what would go.`, 'NO_TTY');
  }
  const { region, endpointUrl } = where(o, env);
  noteReach(env, { stack, backend, region });
  const clients = makeClients(env, { region, profile: o.profile, endpointUrl }, ui.reporter);
  const account = await accountOf(clients);
  const session = await backend.open(stack, 'destroy --orphans');
  try {
    const found = await findOrphans(clients, stack);
    // Only what carries the named state id (or, without --state-id, no state id at all): a stack of the same name
    // made by someone else's state is never touched.
    const orphans = found.filter((x) => (x.stateId ?? '') === (o.stateId ?? ''));
    const others = found.filter((x) => !orphans.includes(x));
    const otherIds = stateIdsOf(others).filter(Boolean);
    const spared = otherIds.length
      ? `Left alone: ${others.length} resource${others.length > 1 ? 's' : ''} of ${otherIds.length > 1 ? 'other states' : 'another state'} (${otherIds.join(', ')}). `
        + `If one is yours, run \`secure-api destroy --stack ${stack}${backend.args} --orphans --state-id ID\`, or \`secure-api init --stack ${stack}${backend.args} --adopt\` to take it back.`
      : undefined;
    if (!orphans.length) {
      if (ui.mode === 'json') ui.json({ stack, region, account, orphans: [], removed: 0, leftAlone: others });
      else ui.out(`Nothing tagged ${tagText(stack)}${o.stateId ? ` and ${STATE_ID_TAG}=${o.stateId}` : ' without a state id'} in ${account} / ${region}: nothing to destroy.`);
      if (spared) ui.reporter.info(spared);
      return 0;
    }
    ui.reporter.info(`Tagged ${tagText(stack)} in ${account} / ${region}, with no state file:`);
    ui.reporter.info(table(['resource', 'name', 'id', 'made by'], rows(orphans, o.stateId), ui.c, env.stderr.columns));
    if (spared) ui.reporter.info(spared);
    if (!o.yes) {
      const ok = await (await env.prompter()).confirm({ message: `Delete ${orphans.length === 1 ? 'this resource' : `these ${orphans.length} resources`}? This cannot be undone.`, default: false });
      if (!ok) {
        ui.reporter.info('Nothing was deleted.');
        return 0;
      }
    }
    const ctx = makeCtx(env, clients, { region, account, stack, owner: { stateId: o.stateId ?? '', legacyTags: !o.stateId }, reach: backend.args }, ui.reporter);
    try {
      await removeOrphans(ctx, orphans, ui.reporter.event, env.signal);
    } finally {
      ui.reporter.stop();
    }
    if (ui.mode === 'json') ui.json({ stack, region, account, orphans, removed: orphans.length, leftAlone: others });
    else ui.out(`Removed ${countOf(orphans.length, 'resource')} tagged ${tagText(stack)} (with them the API's methods and stage, the pool's clients and users).`);
    return 0;
  } finally {
    await session.end();
  }
}

/**
 * `status --orphans`: what carries the stack's tag in AWS, and whether the state file (if any) records it.
 * Exit 0 when everything found is recorded, 3 when something is not (an orphan to remove).
 */
export async function runStatusOrphans(o: CommonOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const backend = await openBackend(o, env);
  const stacks = o.stack ? [] : await backend.list();
  const stack = o.stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (!stack) throw new UsageError('--orphans needs --stack NAME: the stack whose tag to look for', `Resources are found by their tag ${STACK_TAG}=NAME.`, 'NO_STACK');
  const state = await backend.read(stack);
  const ui: Ui = await makeUi(env, o.json);
  // With a state file, its target (account, region, endpoint) is checked first; without one, the flags say where.
  let region: string;
  let clients: AwsClients;
  let account: string;
  noteReach(env, { stack, backend, region: state?.region ?? where(o, env).region, account: state?.account });
  if (state) ({ target: { region }, clients, account } = await reachStack(o, env, state, ui.reporter));
  else {
    const w = where(o, env);
    region = w.region;
    clients = makeClients(env, { region, profile: o.profile, endpointUrl: w.endpointUrl }, ui.reporter);
    account = await accountOf(clients);
  }
  const orphans = await findOrphans(clients, stack);
  const ids = new Set(Object.values(state?.nodes ?? {}).flatMap((n) => Object.values(n.out)));
  const recorded = (x: Orphan) => ids.has(x.id);
  // With a state file, another state's stack of the same name is not ours to call an orphan (nor to remove).
  const mine = (x: Orphan) => !state || x.stateId === state.stateId || (state.legacyTags === true && !x.stateId);
  const unrecorded = orphans.filter((x) => mine(x) && !recorded(x));
  if (ui.mode === 'json') {
    ui.json({ stack, region, account, stateFile: state ? backend.where(stack) : null, stateId: state?.stateId ?? null,
      orphans: orphans.map((x) => ({ ...x, recorded: recorded(x), thisState: state !== undefined && x.stateId === state.stateId })) });
  } else if (!orphans.length) {
    ui.out(`Nothing tagged ${tagText(stack)} in ${account} / ${region}.`);
  } else {
    ui.out(`Tagged ${tagText(stack)} in ${account} / ${region}${state ? '' : ' (no state file)'}:`);
    ui.out(table(['resource', 'name', 'id', 'made by', 'state file'], rows(orphans, state?.stateId, recorded), ui.c, env.stdout.columns));
  }
  if (unrecorded.length) {
    throw new CheckFailed(`${unrecorded.length} resource${unrecorded.length > 1 ? 's are' : ' is'} tagged ${tagText(stack)} but not in a state file`, ExitCode.drift,
      state ? `They are not part of the recorded stack: remove them in the console, or after \`secure-api destroy --stack ${stack}${backend.args}\` with \`secure-api destroy --stack ${stack}${backend.args} --orphans --yes\`.`
        : `Remove them with ${orphanRemoval(stack, stateIdsOf(unrecorded), backend.args)}, or take them back into a new state with \`secure-api init --stack ${stack}${backend.args} --adopt\`.`);
  }
  return 0;
}
