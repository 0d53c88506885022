import { expect } from 'vitest';
import type { AwsFake } from '../fakes/aws-fake.js';
import type { StateFile } from '../../src/state/schema.js';

/** Top-level things AWS bills or keeps: none may exist without the state naming it, and none named may be gone. */
const TRACKED = new Set(['rest-api', 'user-pool', 'user-pool-domain', 'function', 'role']);

/** The state names exactly what exists in the fake (for the tracked kinds, and every method of our API), beside what was there before. */
export function expectStateMatchesFake(state: StateFile | undefined, fake: AwsFake, preexisting: ReadonlySet<string> = new Set()): void {
  // What the user had before (ids or names in `preexisting`) is theirs: the state need not name it.
  const live = fake.resources().filter((r) => TRACKED.has(r.type) && !preexisting.has(r.id) && !preexisting.has(r.name));
  const named = new Set<string>();
  for (const r of Object.values(state?.nodes ?? {})) {
    for (const v of Object.values(r.out)) named.add(v);
  }
  for (const r of live) {
    expect(named.has(r.id) || named.has(r.name), `${r.type} ${r.name} (${r.id}) exists but the state does not name it`).toBe(true);
  }
  const liveIds = new Set(fake.resources().flatMap((r) => [r.id, r.name]));
  for (const [id, r] of Object.entries(state?.nodes ?? {})) {
    const key = r.out.apiId ?? r.out.userPoolId ?? r.out.domain ?? r.out.functionName ?? r.out.roleName;
    if (key && ['rest-api', 'user-pool', 'user-pool-domain', 'lambda-function', 'iam-role'].includes(r.kind)) {
      expect(liveIds.has(key), `the state names ${id} (${key}) but it does not exist`).toBe(true);
    }
  }
}

/** No duplicates: at most one of each top-level thing per name. */
export function expectNoDuplicates(fake: AwsFake): void {
  const seen = new Map<string, number>();
  for (const r of fake.resources().filter((x) => TRACKED.has(x.type) || x.type === 'user-pool-client' || x.type === 'authorizer' || x.type === 'resource')) {
    const key = `${r.type}:${r.parent ?? ''}:${r.name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const dups = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  expect(dups, 'duplicated resources').toEqual([]);
}
