/**
 * Call budgets (correctness, never timing): a clean init makes exactly the plan's calls, destroy only the top-level
 * deletes, status only reads, and API Gateway never sees more than four calls at once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rootDeleteCalls } from '../../src/plan/calls.js';
import type { ResourceKind } from '../../src/resources/types.js';
import { trackInFlight, type InFlight } from '../../bench/in-process.js';
import { installAwsFake, type AwsFake, type FakeCall } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

const STACK = 'perf';
const METHODS4 = 'GET,POST,PUT,DELETE';
const FIVE_BY_FOUR = ['/items', '/orders', '/users', '/reports', '/settings'].flatMap((p) => ['--route', `${METHODS4} ${p}`]);
/** Flags, and optionally a --config file's contents. */
const SHAPES: Record<string, { flags: string[]; config?: object }> = {
  'the default stack (1 resource × 2 methods)': { flags: [] },
  '1 resource × 4 methods': { flags: ['--route', `${METHODS4} /items`] },
  '5 resources × 4 methods': { flags: FIVE_BY_FOUR },
  'nested paths, a public mock route, an HTTP route, no hosted UI': {
    flags: ['--no-hosted-ui'],
    config: {
      routes: [
        { path: '/shop/{id}/items', methods: ['GET', 'POST'] },
        { path: '/health', methods: ['GET'], public: true, integration: { type: 'mock' } },
        { path: '/proxy', methods: ['GET'], integration: { type: 'http', url: 'https://example.com/' } },
      ],
    },
  },
};

/** The plan's service prefixes are IAM's spelling; the fake names Cognito 'cognito' and the tagging API 'tagging'. */
const IAM_PREFIX: Partial<Record<string, string>> = { cognito: 'cognito-idp', tagging: 'tag' };
const spell = (c: FakeCall) => `${IAM_PREFIX[c.service] ?? c.service}:${c.command}`;
const sorted = (xs: string[]) => [...xs].sort();
const READ = /^(Get|List|Describe)/;

let fake: AwsFake | undefined;
let inFlight: InFlight | undefined;
afterEach(() => {
  inFlight?.restore();
  inFlight = undefined;
  fake?.restore();
  fake = undefined;
});

interface Setup { fake: AwsFake; cwd: string; flags: string[]; run: (argv: string[]) => ReturnType<typeof runSecureApi> }

function setUp(shape: { flags: string[]; config?: object }, latencyMs = 0): Setup {
  const clock = new VirtualClock();
  // No refusals and Active at the first read: the calls a clean run makes, no more.
  fake = installAwsFake({ clock, lambdaAssumeFailures: 0, lambdaActiveAfterReads: 0, deleteRestApiWindowMs: 0 });
  fake.setLatency(latencyMs);
  const cwd = tempDir();
  const flags = [...shape.flags];
  if (shape.config) {
    writeFileSync(join(cwd, 'stack.json'), JSON.stringify(shape.config));
    flags.push('--config', 'stack.json');
  }
  return { fake, cwd, flags, run: (argv) => runSecureApi(argv, { cwd, clock }) };
}

async function planned(run: (argv: string[]) => ReturnType<typeof runSecureApi>, flags: string[]): Promise<{ calls: string[]; kinds: ResourceKind[]; checks: string[] }> {
  const dry = await run(['init', '--dry-run', '--json', '--stack', STACK, ...flags]);
  expect(dry.code, dry.stderr).toBe(0);
  const doc = JSON.parse(dry.stdout) as { nodes: Array<{ kind: ResourceKind; calls: string[] }>; ownershipChecks: string[] };
  return { calls: ['sts:GetCallerIdentity', ...doc.ownershipChecks, ...doc.nodes.flatMap((n) => n.calls)], kinds: doc.nodes.map((n) => n.kind), checks: doc.ownershipChecks };
}

describe.each(Object.entries(SHAPES))('%s', (_name, shape) => {
  it('a clean init makes exactly the plan\'s calls: no read repeated, one AddPermission, no GetResources', async () => {
    const { fake, run, flags } = setUp(shape);
    const plan = await planned(run, flags);
    const r = await run(['init', '--yes', '--no-verify', '--stack', STACK, ...flags]);
    expect(r.code, r.stderr).toBe(0);
    expect(sorted(fake.calls.map(spell))).toEqual(sorted(plan.calls));
    // The only reads: who am I, the ownership checks (is a name taken, is the stack already there?), and the one
    // poll of the new function (Active at the first read here).
    const reads = fake.calls.filter((c) => READ.test(c.command)).map(spell);
    expect(reads.filter((c) => c !== 'sts:GetCallerIdentity' && c !== 'lambda:GetFunctionConfiguration' && !plan.checks.includes(c))).toEqual([]);
    // GetFunctionConfiguration twice, of two states: the name check (answered 404; GetFunction would also hand out a
    // code URL, so the operator policy grants it on secure-api's functions only) and the poll of the new function.
    const nameCheck = plan.checks.includes('lambda:GetFunctionConfiguration') ? 1 : 0;
    expect(reads.length).toBe(new Set(reads).size + nameCheck);
    // CreateRestApi answers the root resource id: no lookup for it.
    expect(fake.count('GetResources', 'apigateway')).toBe(0);
    // One wildcard statement for our function, however many routes and methods use it.
    expect(plan.kinds.filter((k) => k === 'lambda-permission')).toHaveLength(1);
    expect(fake.count('AddPermission')).toBe(1);
  });

  it('destroy makes only the top-level deletes; status only reads', async () => {
    const { fake, run, flags, cwd } = setUp(shape);
    expect((await run(['init', '--yes', '--no-verify', '--stack', STACK, ...flags])).code).toBe(0);
    const state = JSON.parse(readFileSync(join(cwd, '.secure-api', `${STACK}.json`), 'utf8')) as { nodes: Record<string, { kind: ResourceKind; parent?: string }> };

    fake.calls.length = 0;
    const st = await run(['status', '--stack', STACK, '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(fake.calls.length).toBeGreaterThan(0);
    expect(fake.calls.filter((c) => !READ.test(c.command)).map(spell)).toEqual([]);

    fake.calls.length = 0;
    const d = await run(['destroy', '--yes', '--stack', STACK]);
    expect(d.code, d.stderr).toBe(0);
    // The account check, then one delete per top-level resource (its tag read first, as its handler declares): an
    // API's children and a pool's clients go with it.
    const expected = ['sts:GetCallerIdentity', ...Object.values(state.nodes).flatMap((n) => (n.parent ? [] : rootDeleteCalls(n.kind)))];
    // Deleting a domain is asynchronous: DescribeUserPoolDomain until it is gone before the pool may go (the fake's
    // default keeps it DELETING for 2 describes, so 3 looks).
    if (state.nodes.domain) expected.push(...Array<string>(3).fill('cognito-idp:DescribeUserPoolDomain'));
    expect(sorted(fake.calls.map(spell))).toEqual(sorted(expected));
    expect(fake.resources()).toEqual([]);
  });
});

describe('quotas', () => {
  it('one API Gateway write in flight per REST API, while other services overlap it (5 × 4, with latency)', async () => {
    const { run } = setUp({ flags: FIVE_BY_FOUR }, 5);
    inFlight = trackInFlight();
    const r = await run(['init', '--yes', '--no-verify', '--stack', STACK, ...FIVE_BY_FOUR]);
    expect(r.code, r.stderr).toBe(0);
    // A clean init reads nothing from API Gateway and writes to one API: AWS serializes those writes
    // ("concurrent modification"), so one at a time is the most it can take.
    expect(inFlight.peak.apigateway).toBe(1);
    expect(inFlight.peak.apigateway + inFlight.peak.cognito + inFlight.peak.iam, 'independent work of other services overlaps').toBeGreaterThan(1);
  });
});
