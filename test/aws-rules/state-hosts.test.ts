/**
 * The state file is data, not authority, for where tokens and secrets go: an API id, pool domain prefix, stage or
 * region edited so that the URL built from it points at another host (`evil.example#`, `evil.example/x?`) is refused
 * with exit 2 naming the field, before the machine client's secret is read and before any request leaves.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateFile } from '../../src/state/schema.js';
import { readState } from '../../src/state/store.js';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake;
let clock: VirtualClock;
let cwd: string;
const statePath = () => join(cwd, '.secure-api', 'scoped.json');
// On AWS itself (no endpoint): the URLs are built from the state's ids.
const run = (argv: string[]) => runSecureApi([...argv, '--stack', 'scoped'], { cwd, clock, dataPlane: false });
const edit = (change: (s: StateFile) => void) => {
  const s = readState(statePath())!;
  change(s);
  writeFileSync(statePath(), JSON.stringify(s));
};

beforeEach(async () => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock, deleteRestApiWindowMs: 0 });
  cwd = tempDir('secure-api-hosts-');
  const made = await run(['init', '--yes', '--no-verify', '--route', 'GET /orders', '--authorizer-scopes', 'orders/read']);
  expect(made.code, made.stderr).toBe(0);
});
afterEach(() => {
  vi.unstubAllGlobals();
  fake?.restore();
});

const cases: Array<[string, (s: StateFile) => void, string]> = [
  ['an API id ending in #', (s) => { s.nodes.api!.out.apiId = 'evil.example#'; }, 'nodes.api.out.apiId'],
  ['a domain prefix with a path and query', (s) => { s.nodes.domain!.out.domain = 'evil.example/x?'; }, 'nodes.domain.out.domain'],
  ['a region with a host in it', (s) => { s.region = 'evil.example/x?'; }, 'region'],
  ['a stage name with a host in it', (s) => { s.nodes.deployment!.out.stageName = '@evil.example'; }, 'nodes.deployment.out.stageName'],
];

describe('a state edited so that a URL built from it leaves AWS', () => {
  for (const [name, change, field] of cases) {
    // Commands that send a request, and commands that only print URLs built from the state (no AWS call): a printed
    // URL is pasted into curl with a token, so it is refused the same way.
    for (const argv of [['token', '--machine'], ['verify'], ['token', '--login'], ['show', '--outputs'], ['show', '--outputs', '--json'], ['routes', 'list'], ['status', '--offline']]) {
      it(`${argv.join(' ')}: ${name} → exit 2 naming ${field}, nothing sent`, async () => {
        edit(change);
        const sent = vi.fn(async () => new Response('{}', { status: 500 }));
        vi.stubGlobal('fetch', sent);
        const from = fake.calls.length;
        const r = await run(argv);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr + r.stdout).toContain(field);
        expect(sent).not.toHaveBeenCalled();
        expect(fake.calls.slice(from).map((c) => c.command)).not.toContain('DescribeUserPoolClient');
      });
    }
  }
});
