import type { DriftChange } from '../../src/plan/changes.js';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { StateFile } from '../../src/state/schema.js';
import { buildReport } from '../../src/status/report.js';
import { fitColumns, renderReport, renderStackList, wrapText } from '../../src/status/render.js';
import { statusReportSchema } from '../../src/status/schema.js';
import type { NodeStatus } from '../../src/engine/engine.js';

const c = new Chalk({ level: 0 });
const at = '2026-01-01T00:00:00.000Z';

/** A small stack as init records it: API, pool, authorizer, one secured method, the stage. */
function state(): StateFile {
  const node = (kind: StateFile['nodes'][string]['kind'], label: string, out: Record<string, string>, spec: unknown = {}) =>
    ({ kind, status: 'created' as const, out, label, deps: [], spec, updatedAt: at });
  return {
    version: 3, stateId: 'test-state-id', stack: 'demo', region: 'eu-west-1', account: '123456789012', createdAt: at, updatedAt: at, complete: true,
    config: { routes: [{ path: '/items', methods: ['GET'] }], stage: { name: 'dev' }, hostedUi: { enabled: false } },
    nodes: {
      api: node('rest-api', 'demo-api', { apiId: 'a1b2c3d4e5', rootResourceId: 'root' }),
      pool: node('user-pool', 'demo-users', { userPoolId: 'eu-west-1_AbCdEfGhI', userPoolArn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI' }),
      client: node('user-pool-client', 'demo-client', { clientId: '1example23456789abcdefghij' }),
      authorizer: node('authorizer', 'Cognito-authorizer', { authorizerId: 'auth01' }),
      'method:GET /items': node('api-method', 'GET /items', { resourceId: 'res001', httpMethod: 'GET' },
        { path: '/items', resourceNode: 'resource:/items', httpMethod: 'GET', integration: { type: 'mock' }, authorizerNode: 'authorizer', authorizationScopes: [], pathParams: [], corsOrigin: '*' }),
      deployment: node('deployment', 'stage dev', { deploymentId: 'dep001', stageName: 'dev' }),
    },
  };
}

function live(drift: Record<string, DriftChange[]>): NodeStatus[] {
  return Object.entries(state().nodes).map(([id, n]) => ({
    id, kind: n.kind, label: n.label, status: n.status, out: n.out,
    observed: drift[id] ? { state: 'drifted' as const, drift: drift[id] } : { state: 'present' as const },
  }));
}

const report = (drift: Record<string, DriftChange[]>) => buildReport({
  state: state(), stateFile: '/home/me/project/.secure-api/demo.json', stackArgs: '--stack demo',
  live: { results: live(drift), notes: [], checkedAt: at },
});

describe('the status table', () => {
  const drifted = report({
    'method:GET /items': [{ path: 'authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE', context: { expectedAuthorizer: 'auth01' } }],
    deployment: [
      { path: 'stage.deploymentId', before: 'dep001', after: 'zz9999', context: { stage: 'dev', order: ' (zz9999 made 2026-01-02T00:00:00Z, after ours at 2026-01-01T00:00:00Z)' } },
      { path: 'served.authorizationType', before: 'COGNITO_USER_POOLS', after: 'NONE', context: { method: 'GET /items' } },
    ],
  });

  it('is a valid report: drifted rows, the route served open, fixes', () => {
    expect(statusReportSchema.parse(drifted)).toEqual(drifted);
    expect(drifted.ok).toBe(false);
    expect(drifted.urls.routes).toEqual([{ method: 'GET', path: '/items', url: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev/items', secured: true, state: 'drifted', servedOpen: true }]);
  });

  for (const width of [60, 80, 100, 140]) {
    it(`fits a ${width}-column terminal, never cutting an id`, () => {
      const text = renderReport(drifted, c, width);
      const tableLines = text.split('\n').filter((l) => /^[┌│├└]/.test(l));
      expect(tableLines.length).toBeGreaterThan(6);
      for (const l of tableLines) expect(l.length, l).toBeLessThanOrEqual(width);
      expect(text).not.toContain('…');
      // Ids may wrap at a narrow width but are all there.
      const flat = tableLines.join('').replace(/[│\s]/g, '');
      for (const id of ['eu-west-1_AbCdEfGhI', '1example23456789abcdefghij', 'res001GET', 'a1b2c3d4e5']) expect(flat).toContain(id);
    });
  }

  it('reads as a user would want at 60 columns', () => {
    expect(renderReport(drifted, c, 60)).toMatchInlineSnapshot(`
      "Stack demo · account 123456789012 · eu-west-1
      ✗ NOT SECURED: GET /items answers without a token
      Created 2026-01-01T00:00:00.000Z · state file /home/me/project/.secure-api/demo.json
      Checked live at 2026-01-01T00:00:00.000Z: 6 resources, 4 present, 2 drifted.

      ┌──────────────────────────────┬───────────────────────────┐
      │ resource / id                │ state                     │
      ├──────────────────────────────┼───────────────────────────┤
      │ REST API demo-api            │ ✓ present                 │
      │ a1b2c3d4e5                   │                           │
      │ user pool demo-users         │ ✓ present                 │
      │ eu-west-1_AbCdEfGhI          │                           │
      │ app client demo-client       │ ✓ present                 │
      │ 1example23456789abcdefghij   │                           │
      │ authorizer                   │ ✓ present                 │
      │ Cognito-authorizer           │                           │
      │ auth01                       │                           │
      │ method GET /items            │ ✗ drifted                 │
      │ res001 GET                   │ - authorizationType is    │
      │                              │   NONE, expected          │
      │                              │   COGNITO_USER_POOLS with │
      │                              │   authorizer auth01       │
      │ stage dev                    │ ✗ drifted                 │
      │ dev → dep001                 │ - stage dev now points at │
      │                              │   deployment zz9999, not  │
      │                              │   dep001 (zz9999 made     │
      │                              │   2026-01-02T00:00:00Z,   │
      │                              │   after ours at           │
      │                              │   2026-01-01T00:00:00Z)   │
      │                              │ - GET /items is served    │
      │                              │   with NONE (no token     │
      │                              │   needed); secure-api     │
      │                              │   deployed it with        │
      │                              │   COGNITO_USER_POOLS      │
      └──────────────────────────────┴───────────────────────────┘

      To fix (2):
      ✗ stage dev: anyone can call the methods named without a token
        Point stage dev back at deployment dep001, the one secure-api made and verified: that closes GET /items at once. Or run \`secure-api init --stack demo\` to repair (it shows the plan first).
          aws apigateway update-stage --rest-api-id a1b2c3d4e5 --stage-name dev --patch-operations op=replace,path=/deploymentId,value=dep001 --region eu-west-1
      ✗ method GET /items: the stage serves it without the authorizer right now: anyone can call it without a token
        Put GET /items back behind authorizer auth01. Do not redeploy before this: a new deployment would publish the change. Or run \`secure-api init --stack demo\` to repair (it shows the plan first).
          aws apigateway update-method --rest-api-id a1b2c3d4e5 --resource-id res001 --http-method GET --patch-operations op=replace,path=/authorizationType,value=COGNITO_USER_POOLS op=replace,path=/authorizerId,value=auth01 --region eu-west-1

      Invoke URL  https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev
        GET    https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev/items  (OPEN: no token needed)
      JWKS  https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI/.well-known/jwks.json
      Send the id token in the Authorization header (an access token is refused unless scopes are set).

      Next:
        # what init would put back, read live
        secure-api plan --stack demo
        # repair it as recorded (shows the plan, then asks)
        secure-api init --stack demo
        # check again once fixed
        secure-api status --stack demo"
    `);
  });

  it('lists several stacks', () => {
    const text = renderStackList({ stateDir: '/p/.secure-api', stacks: [
      { stack: 'demo', region: 'eu-west-1', createdAt: at, resources: 15, complete: true, error: null },
      { stack: 'broken', region: null, createdAt: null, resources: 0, complete: false, error: 'not valid JSON' },
    ] }, c, 60);
    expect(text).toContain('2 stacks in /p/.secure-api:');
    expect(text).toMatch(/│ demo +│ eu-west-1 +│ 2026-01-01 00:00 UTC +│ 15 +│/);
    expect(text).toMatch(/│ broken +│ \? +│ \? +│ unreadable │/);
    expect(text).toContain('✗ broken: not valid JSON');
    // One stack (an S3 prefix with one state, listed without --stack): "1 stack", not "1 stacks" (issue 23.8).
    expect(renderStackList({ stateDir: 's3://b/p', stacks: [{ stack: 'demo', region: 'eu-west-1', createdAt: at, resources: 15, complete: true, error: null }] }, c, 60))
      .toContain('1 stack in s3://b/p:');
  });
});

describe('layout helpers', () => {
  it('wrapText breaks at spaces, cuts only words longer than a line, and indents bullets', () => {
    expect(wrapText('alpha beta gamma', 10)).toBe('alpha beta\ngamma');
    expect(wrapText('arn:aws:execute-api:eu-west-1:123456789012:abc/*/*/*', 20)).toBe('arn:aws:execute-api:\neu-west-1:1234567890\n12:abc/*/*/*');
    expect(wrapText('- one two three four', 10)).toBe('- one two\n  three\n  four');
  });

  it('fitColumns keeps natural widths when they fit, else shares the width', () => {
    expect(fitColumns([['a', 'b']], 80, [0.5, 0.5])).toBeUndefined();
    const w = fitColumns([['x'.repeat(50), 'y'.repeat(80)]], 60, [0.5, 0.5], [30])!;
    expect(w.reduce((a, b) => a + b, 0) + 3).toBe(60);
    expect(w[0]).toBe(30);
  });
});
