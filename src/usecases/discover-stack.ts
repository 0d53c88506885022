/**
 * Discover, the step of the create-or-change use case that reads AWS before anything is written: reach the target
 * (a recorded stack's account and endpoint checked first), look for a lost state's resources (adopt them or refuse),
 * and find the names AWS keeps unique that this run would take. Reads only.
 */
import type { AwsClients } from '../aws/clients.js';
import { partitionOf } from '../aws/region.js';
import type { StackConfig, StackConfigInput } from '../config/schema.js';
import { findOrphans, type Orphan } from '../orphans/find.js';
import { adoptedNodes, adoptionOf, lostStateError } from '../orphans/lost-state.js';
import { findNameClashes, type NameClash } from '../orphans/preflight.js';
import { buildPlan } from '../plan/build.js';
import type { Plan } from '../plan/specs.js';
import { STACK_TAG, STATE_ID_TAG } from '../resources/refs.js';
import type { Ctx } from '../resources/types.js';
import type { NodeRecord, StateFile } from '../state/schema.js';
import { countOf } from '../ui/count.js';
import type { Prompter } from '../ui/prompter.js';
import { accountOf, endpointOf, makeClients, makeCtx, type CommandEnv, type StateOwner, type Ui } from '../commands/env.js';
import type { InitOptions } from '../commands/init-options.js';
import { keepAnswers } from '../commands/init-answers.js';
import { checkCaller, noteReach, recordedTarget } from '../commands/stack-session.js';
import type { InitInputs } from './resolve-init.js';

export interface DiscoverInput {
  o: InitOptions;
  env: CommandEnv;
  ui: Ui;
  prompter: Prompter;
  prepared: InitInputs;
  config: StackConfig;
  plan: Plan;
  existing: StateFile | undefined;
  owner: StateOwner;
  input: StackConfigInput;
  /** The wizard asked: a failure to reach AWS keeps its answers in a file. */
  asked: boolean;
}

export interface Discovered {
  clients: AwsClients;
  account: string;
  endpointUrl: string | undefined;
  /** Flags a printed command needs to reach this stack (the state's location). */
  reach: string;
  ctx: Ctx;
  /** The owner, configuration and plan, changed when a lost state's resources are adopted. */
  owner: StateOwner;
  config: StackConfig;
  plan: Plan;
  /** A lost state's resources taken back, journaled `creating` for the engine's `find`. */
  adopted: Record<string, NodeRecord> | undefined;
  /** Names this run would take that are someone else's. */
  clashes: NameClash[];
}

/** The wizard's question when the state file is missing but the stack's resources are not. */
async function askAdopt(prompter: Prompter, stack: string, found: Orphan[]): Promise<boolean> {
  const pick = await prompter.select<'adopt' | 'stop'>({
    message: `No state file for stack ${stack}, but ${countOf(found.length, 'resource')} in AWS ${found.length === 1 ? 'carries' : 'carry'} its tag (a lost state file, or someone else's stack of that name). What now?`,
    choices: [
      { name: 'Adopt them into a new state file (they are mine)', value: 'adopt' },
      { name: 'Stop: I will remove them (destroy --orphans) or choose another stack name', value: 'stop' },
    ],
    default: 'stop',
  });
  return pick === 'adopt';
}

export async function discoverStack(d: DiscoverInput): Promise<Discovered> {
  const { o, env, ui, prompter, prepared, existing, input, asked } = d;
  let { config, plan, owner } = d;
  // A recorded stack is reached where its state says (its endpoint when on this machine), and its account is checked
  // first: credentials for another account would see every recorded id "deleted outside" and make a second stack.
  const endpointUrl = existing ? recordedTarget(o, env, existing).endpointUrl : endpointOf(o, env.env);
  const clients = makeClients(env, { region: config.region, profile: o.profile, endpointUrl }, ui.reporter);
  const account = await (existing ? checkCaller(clients, existing, o.profile) : accountOf(clients))
    .catch((err: unknown) => { throw asked ? keepAnswers(err, { env, ui, plan, config, saveConfig: o.saveConfig }) : err; });
  noteReach(env, { stack: config.stack, backend: prepared.backend, region: config.region, account });
  const at = new Date(env.now()).toISOString();
  let adopted: Record<string, NodeRecord> | undefined;
  // Printed commands carry what this run needed: the state's location, --profile, an endpoint not used unasked.
  const reach = prepared.backend.args;
  const ctxFor = (): Ctx => makeCtx(env, clients, { region: config.region, account, stack: config.stack, owner, reach }, ui.reporter);
  let ctx = ctxFor();
  // Before the first create: every name this run would take must be free or already ours (read calls only).
  let clashes: NameClash[];
  if (!existing) {
    // No state file: what carries this stack's tag is a lost state's stack or someone else's, never a reason for a
    // second one. The names AWS keeps unique are checked meanwhile: one round of reads before the first create.
    const [found, unique] = await Promise.all([findOrphans(clients, config.stack), findNameClashes(ctx, plan, {}, { noneTagged: true })]);
    clashes = unique;
    if (found.length) {
      const adopt = o.adopt === true || (prompter.interactive && await askAdopt(prompter, config.stack, found));
      if (!adopt) throw lostStateError(config.stack, found, reach);
      const a = adoptionOf(config.stack, found, reach);
      owner = { stateId: a.stateId, legacyTags: a.legacyTags || undefined };
      config = prepared.resolveFor(a.domainPrefix ? { ...input, hostedUi: { ...input.hostedUi, domainPrefix: a.domainPrefix } } : input, owner);
      plan = buildPlan(config, partitionOf(config.region));
      adopted = adoptedNodes(plan, at);
      ctx = ctxFor();
      clashes = await findNameClashes(ctx, plan, adopted);
      ui.reporter.info(`Adopting ${countOf(found.length, 'resource')} tagged ${STACK_TAG}=${config.stack}${a.legacyTags ? '' : ` and ${STATE_ID_TAG}=${a.stateId}`} into a new state; what is missing is created.`);
    }
  } else {
    // A recorded stack: no lost-state search; only what it has not created yet (a resume, or a change adding a
    // piece) is checked. Nodes it records as created are skipped, so an unchanged stack makes no call here.
    clashes = await findNameClashes(ctx, plan, existing.nodes);
  }
  return { clients, account, endpointUrl, reach, ctx, owner, config, plan, adopted, clashes };
}
