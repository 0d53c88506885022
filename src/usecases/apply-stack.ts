/**
 * Apply, the step of the create-or-change use case that writes: under the stack's lock, refuse a stale plan, record
 * the configuration being applied, run the change plan (or a new stack's creates) and mark the stack complete.
 */
import type { StackConfig } from '../config/schema.js';
import { apply } from '../engine/engine.js';
import { ExitCode, SecureApiError } from '../errors.js';
import type { ChangePlan } from '../plan/changes.js';
import type { Plan } from '../plan/specs.js';
import type { Ctx } from '../resources/types.js';
import type { StateBackend } from '../state/backend.js';
import { STATE_VERSION, recordConfig, type NodeRecord, type StateFile } from '../state/schema.js';
import type { Reporter } from '../ui/reporter.js';
import type { StateOwner } from '../commands/env.js';

export interface ApplyStackInput {
  backend: StateBackend;
  config: StackConfig;
  plan: Plan;
  /** The state the plan was read from (undefined: a new stack). */
  existing: StateFile | undefined;
  owner: StateOwner;
  account: string;
  endpointUrl: string | undefined;
  profile: string | undefined;
  /** A lost state's resources taken back (journaled `creating`, found by `find`). */
  adopted: Record<string, NodeRecord> | undefined;
  /** The change plan decided on a recorded stack; undefined: the engine plans from the state alone. */
  changes: ChangePlan | undefined;
  ctx: Ctx;
  reporter: Reporter;
  now: () => number;
  signal: AbortSignal;
}

/** Apply the plan under the lock; `then` runs with the lock still held (init's proof) and its answer is returned. */
export async function applyStack<T>(a: ApplyStackInput, then: (state: StateFile, startedAt: string) => Promise<T>): Promise<T> {
  const { config, owner, reporter: r } = a;
  const session = await a.backend.open(config.stack, 'init');
  try {
    // Re-read under the lock: another run may have written it since.
    const current = session.state;
    // Was it written by another run since the plan was read (compared before the save below stamps a new updatedAt)?
    // Then the plan, and the configuration it applies (the recorded one, with this run's flags over it), are stale:
    // applying them would undo the other run's change. Refused before any call, as Terraform refuses a stale plan.
    if (session.state?.updatedAt !== a.existing?.updatedAt) {
      throw new SecureApiError('STALE_PLAN', session.state
        ? `Stack ${config.stack} was changed by another run since this plan was read (its state was saved at ${session.state.updatedAt}): nothing was changed.`
        : `Stack ${config.stack} was removed by another run since this plan was read: nothing was changed.`,
      { hint: `Run \`secure-api init --stack ${config.stack}${a.backend.args}\` again: it plans from what the state says now.`, exitCode: ExitCode.aws });
    }
    const now = new Date(a.now()).toISOString();
    const state: StateFile = current ?? {
      version: STATE_VERSION, stateId: owner.stateId, stack: config.stack, region: config.region, account: a.account, createdAt: now, updatedAt: now, complete: false,
      config: config as unknown as Record<string, unknown>, history: [], nodes: a.adopted ?? {}, ...(owner.legacyTags ? { legacyTags: true } : {}),
      ...(a.endpointUrl ? { endpointUrl: a.endpointUrl } : {}), ...(a.profile ? { profile: a.profile } : {}),
    };
    // The configuration being applied is recorded first (the one it replaces goes to the history): a run that
    // stops is resumed by a plain `init`, which takes the recorded configuration as its base.
    recordConfig(state, config as unknown as Record<string, unknown>, now);
    const store = session.writer(state, () => new Date(a.now()));
    await store.save();
    r.restartClock();
    r.info(`${current ? (current.complete ? 'Changing' : 'Resuming') : a.adopted ? 'Resuming' : 'Creating'} stack ${config.stack} in ${a.account} / ${config.region}`);
    try {
      // The plan read live before the lock (a new stack has none: the engine plans its creates).
      await apply(a.plan, { ctx: a.ctx, store, emit: r.event, signal: a.signal }, a.changes);
    } finally {
      r.stop();
    }
    state.complete = true;
    await store.save();
    return await then(state, now);
  } finally {
    await session.end();
  }
}
