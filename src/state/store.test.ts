import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alsoFailed, AwsFailure, StateWriteFailed, UsageError } from '../errors.js';
import { renderError } from '../ui/render-error.js';
import { readState, StateStore } from './store.js';
import { CONFIG_HISTORY, STATE_VERSION, recordConfig, type StateFile } from './schema.js';

const dir = () => mkdtempSync(join(tmpdir(), 'state-'));
const state = (): StateFile => ({ version: STATE_VERSION, stateId: 'test-state-id', stack: 's', region: 'us-east-1', account: '123456789012', createdAt: 'x', updatedAt: 'x', complete: false, config: {}, nodes: {} });

describe('state file', () => {
  it('is written atomically with mode 0600 and the previous version kept as .bak', () => {
    const path = join(dir(), 's.json');
    const store = new StateStore(path, state());
    store.save();
    store.state.complete = true;
    store.save();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readState(path)?.complete).toBe(true);
    expect(JSON.parse(readFileSync(`${path}.bak`, 'utf8')).complete).toBe(false);
  });

  it.each([
    ['truncated', '{"version":1,"stack":'],
    ['a future version', JSON.stringify({ ...state(), version: 99 })],
    ['a wrong shape', JSON.stringify({ ...state(), nodes: { a: { kind: 'nonsense', status: 'created' } } })],
  ])('refuses %s with exit 2 and leaves it untouched', (_what, text) => {
    const path = join(dir(), 's.json');
    writeFileSync(path, text);
    expect(() => readState(path)).toThrow(UsageError);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('a save that cannot be written (issue 18.5)', () => {
  it('is a typed STATE_WRITE error (exit 1) naming the file and the cause, never a bare fs error', () => {
    const path = join(dir(), 's.json');
    // The path taken by a directory with something in it: the rename fails, whoever runs it (root included).
    mkdirSync(join(path, 'x'), { recursive: true });
    const store = new StateStore(path, { nodes: {} } as unknown as StateFile);
    let err: unknown;
    try { store.save(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StateWriteFailed);
    expect(err).toMatchObject({ code: 'STATE_WRITE', exitCode: 1 });
    expect((err as Error).message).toMatch(new RegExp(`^the state could not be saved to ${path}: E[A-Z]+`));
  });

  it('reported beside the first cause: the AWS error first, then "Also:" with its hint', () => {
    const first = new AwsFailure('creating user-pool demo failed: InternalErrorException: boom', { hint: 'Re-run init.' });
    alsoFailed(first, new StateWriteFailed('/s.json', new Error('ENOSPC')));
    alsoFailed(first, new StateWriteFailed('/s.json', new Error('ENOSPC')));
    let text = '';
    renderError({ write: (t: string) => { text += t; return true; } } as unknown as NodeJS.WritableStream, first, {});
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Error: creating user-pool demo failed: InternalErrorException: boom', 'Re-run init.', 'Also: the state could not be saved to /s.json: ENOSPC',
    ]);
    expect(first.also).toHaveLength(1);
  });
});

describe('state file versions', () => {
  it('reads a version-2 file as version 3: the API, pool, function and role specs get the configuration\'s tags (they were made with them)', () => {
    const path = join(dir(), 's.json');
    const node = (kind: string, spec: Record<string, unknown>, status = 'created', pending?: Record<string, unknown>) =>
      ({ kind, status, out: {}, label: kind, deps: [], spec, updatedAt: 'x', ...(pending ? { pending } : {}) });
    const v2 = {
      version: 2, stateId: 'sid', stack: 's', region: 'us-east-1', account: '123456789012', createdAt: 'x', updatedAt: 'x', complete: false,
      config: { tags: { team: 'b' } }, history: [{ replacedAt: 'x', config: { tags: { team: 'a' } } }],
      nodes: {
        api: node('rest-api', { name: 'n' }), method: node('api-method', { path: '/x' }),
        pool: node('user-pool', { name: 'p' }, 'updating', { name: 'p' }),
      },
    };
    writeFileSync(path, JSON.stringify(v2));
    const s = readState(path)!;
    expect(s.version).toBe(3);
    expect(s.nodes.api!.spec).toEqual({ name: 'n', tags: { team: 'b' } });
    expect(s.nodes.method!.spec).toEqual({ path: '/x' });
    // Being updated: it had the tags of the configuration before, and is being given the current one's.
    expect(s.nodes.pool!.spec).toEqual({ name: 'p', tags: { team: 'a' } });
    expect(s.nodes.pool!.pending).toEqual({ name: 'p', tags: { team: 'b' } });
  });

  it('reads a version-1 file as the current version: a new state id, legacyTags (its resources carry only the stack tag), no history', () => {
    const path = join(dir(), 's.json');
    const v1 = { version: 1, stack: 's', region: 'us-east-1', account: '123456789012', createdAt: 'x', updatedAt: 'x', complete: true, config: {},
      nodes: { api: { kind: 'rest-api', status: 'created', out: { apiId: 'a1' }, label: 'api', deps: [], updatedAt: 'x' } } };
    writeFileSync(path, JSON.stringify(v1));
    const s = readState(path)!;
    expect(s.version).toBe(3);
    expect(s.stateId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.legacyTags).toBe(true);
    expect(s.nodes.api!.out).toEqual({ apiId: 'a1' });
    expect(s.nodes.api!.owned).toBeUndefined();
    // The file itself is not rewritten by reading it.
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
  });

  it('keeps the configurations it replaces, at most CONFIG_HISTORY, oldest first', () => {
    const s = state();
    s.config = { n: 0 };
    for (let n = 1; n <= CONFIG_HISTORY + 2; n++) recordConfig(s, { n }, `t${n}`);
    expect(s.history!.map((h) => h.config.n)).toEqual([2, 3, 4, 5, 6]);
    expect(s.history!.at(-1)!.replacedAt).toBe(`t${CONFIG_HISTORY + 2}`);
    recordConfig(s, { n: CONFIG_HISTORY + 2 }, 'same');
    expect(s.history!.length).toBe(CONFIG_HISTORY);
  });
});
