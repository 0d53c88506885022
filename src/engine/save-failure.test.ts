/**
 * Issue 18.5: a save that fails in a failure path never replaces the AWS error. The first cause stays the error
 * (its message, code, exit code); the save failure is reported beside it (`also`, typed STATE_WRITE); node-fail is
 * emitted; and a save that fails before an update call is a typed, reported error, never UNEXPECTED.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { ExitCode, SecureApiError, StateWriteFailed } from '../errors.js';
import { errorJson } from '../program.js';
import { buildPlan } from '../plan/build.js';
import type { AnyPlanNode } from '../plan/specs.js';
import type { StateWriter } from '../state/backend.js';
import type { NodeRecord, StateFile } from '../state/schema.js';
import { installAwsFake, type AwsFake } from '../../test/fakes/aws-fake.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import { apply, destroy } from './engine.js';
import type { EngineEvent } from './events.js';

let fake: AwsFake | undefined;
afterEach(() => fake?.restore());

const api = buildPlan(resolveConfig({ stack: 'demo' }, { defaultRegion: 'eu-west-1', suffix: () => 'abc123' })).nodes.find((n) => n.id === 'api')! as AnyPlanNode;

/** A state backend whose saves work `good` times, then fail as a full disk does. */
function failingStore(nodes: Record<string, NodeRecord>, good: number): StateWriter & { saves: number } {
  const state = { nodes } as unknown as StateFile;
  return {
    state,
    saves: 0,
    save() {
      if (++this.saves > good) throw new StateWriteFailed('/tmp/x/.secure-api/demo.json', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    },
  };
}

const recorded = (status: NodeRecord['status'], out: Record<string, string>): NodeRecord =>
  ({ kind: 'rest-api', status, out, label: api.label, deps: [], spec: api.spec, updatedAt: '2026-01-01T00:00:00Z' });

async function caught(p: Promise<unknown>): Promise<SecureApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SecureApiError);
    return err as SecureApiError;
  }
  throw new Error('expected the run to fail');
}

describe('a save that fails in the failure path (issue 18.5)', () => {
  it('create: the AWS error stays the error (exit 1), the save failure is reported beside it as STATE_WRITE, node-fail is emitted', async () => {
    fake = installAwsFake();
    fake.inject({ command: 'CreateRestApi', error: 'BadRequestException', message: 'Invalid API name (injected)' });
    const store = failingStore({}, 1);
    const events: EngineEvent[] = [];
    const err = await caught(apply({ nodes: [api] }, { ctx: testCtx(), store, emit: (e) => events.push(e) }, { changes: [{ id: 'api', kind: 'rest-api', label: api.label, action: 'create', reason: 'new', fields: [], drift: [] }] }));
    expect(store.saves, 'the journal save worked; the one after the failure did not').toBe(2);
    expect(err.code).toBe('AWS');
    expect(err.exitCode).toBe(ExitCode.aws);
    expect(err.message).toMatch(/rest-api .* failed: BadRequestException: Invalid API name \(injected\)/);
    expect(err.also.map((a) => [a.code, a.message])).toEqual([['STATE_WRITE', 'the state could not be saved to /tmp/x/.secure-api/demo.json: ENOSPC: no space left on device, write']]);
    expect(errorJson(err).error.also).toEqual([expect.objectContaining({ code: 'STATE_WRITE' })]);
    expect(events.filter((e) => e.type === 'node-fail')).toEqual([expect.objectContaining({ id: 'api', message: err.message })]);
  });

  it('destroy: the AWS error of the delete stays the error, the save failure beside it, node-fail emitted', async () => {
    fake = installAwsFake();
    fake.inject({ command: 'DeleteRestApi', error: 'BadRequestException', message: 'Active stages pointing to this deployment (injected)' });
    const store = failingStore({ api: recorded('created', { apiId: 'a1b2c3', rootResourceId: 'r00t' }) }, 1);
    const events: EngineEvent[] = [];
    const err = await caught(destroy({ ctx: testCtx(), store, emit: (e) => events.push(e) }));
    expect(store.saves).toBe(2);
    expect(err.code).toBe('AWS');
    expect(err.message).toMatch(/deleting rest-api .* failed: BadRequestException: Active stages pointing to this deployment \(injected\)/);
    expect(err.also.map((a) => a.code)).toEqual(['STATE_WRITE']);
    expect(events.filter((e) => e.type === 'node-fail')).toEqual([expect.objectContaining({ id: 'api', verb: 'delete', message: err.message })]);
  });

  it('update: the journal save before the call fails: a typed STATE_WRITE error (exit 1) with node-fail, no call made, never UNEXPECTED', async () => {
    fake = installAwsFake();
    const store = failingStore({ api: recorded('created', { apiId: 'a1b2c3', rootResourceId: 'r00t' }) }, 0);
    const events: EngineEvent[] = [];
    const want = { ...api, spec: { ...(api.spec as object), description: 'changed' } } as AnyPlanNode;
    const err = await caught(apply({ nodes: [want] }, { ctx: testCtx(), store, emit: (e) => events.push(e) }, { changes: [{ id: 'api', kind: 'rest-api', label: api.label, action: 'update', reason: 'changed', fields: [{ path: 'description', before: 'x', after: 'changed', forcesReplace: false }], drift: [] }] }));
    expect(err).toBeInstanceOf(StateWriteFailed);
    expect(errorJson(err).error.code).toBe('STATE_WRITE');
    expect(err.exitCode).toBe(ExitCode.aws);
    expect(fake.calls.filter((c) => c.command === 'UpdateRestApi')).toEqual([]);
    expect(events.filter((e) => e.type === 'node-fail')).toEqual([expect.objectContaining({ id: 'api', verb: 'update' })]);
  });
});
