/**
 * Permanent AWS errors (a denied permission, a domain prefix someone else holds, a quota) stop the run at once: the
 * call is not retried, nothing new starts, and the message carries AWS's own words, the permission to grant when AWS
 * names it, and how to resume or destroy. The state stays exact; with the cause removed, init resumes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { DESTROY, INIT, STACK, destroyAndExpectNothingLeft, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('permanent-errors');
let s: Scenario | undefined;
afterEach(() => s?.restore());

const RESUME = '(with the flags or --config it had) to resume';
const denied = (action: string, resource: string) =>
  `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;

describe('a denied permission', () => {
  it.each([
    ['CreateRole', 'AccessDenied', 'iam:CreateRole', 'arn:aws:iam::123456789012:role/secure-api/demo-fn-role'],
    ['CreateRestApi', 'AccessDeniedException', 'apigateway:POST', 'arn:aws:apigateway:us-east-1::/restapis'],
    ['CreateUserPool', 'AccessDeniedException', 'cognito-idp:CreateUserPool', '*'],
    ['CreateFunction', 'AccessDeniedException', 'iam:PassRole', 'arn:aws:iam::123456789012:role/secure-api/demo-fn-role'],
  ])('on %s (%s): exit 1 at once, AWS\'s message, "Grant %s", the resume hint; then resume and destroy', async (command, error, action, resource) => {
    s = scenario();
    const message = denied(action, resource);
    const rule = s.fake.inject({ command, error, message });
    const r = await s.run(INIT);
    figures.runs++;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(`Grant ${action} to these credentials (\`secure-api policy --stack demo --region us-east-1 --account 123456789012\` prints the minimal policy)`);
    expect(r.stderr).toContain(RESUME);
    expect(rule.applied, 'not retried').toBe(1);
    expect(s.fake.count(command), 'one attempt').toBe(1);
    // Nothing starts after the failure (what was in flight may still finish).
    const lines = r.stderr.split('\n');
    const failedAt = lines.findIndex((l) => l.startsWith('✗ '));
    expect(failedAt).toBeGreaterThan(0);
    expect(lines.slice(failedAt).filter((l) => l.startsWith('… creating')), 'started after the failure').toEqual([]);
    s.expectExact();
    const resumed = await s.run(INIT);
    expect(resumed.code, resumed.stderr).toBe(0);
    s.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `${command} denied`);
    figures.runs += 2;
    figures.faults++;
    figures.cases++;
  });

  it('on DeleteUserPool during destroy: exit 1, the permission named, destroy again finishes', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const message = denied('cognito-idp:DeleteUserPool', 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/x');
    s.fake.inject({ command: 'DeleteUserPool', error: 'AccessDeniedException', message });
    const d = await s.run(DESTROY);
    expect(d.code, d.stderr).toBe(1);
    expect(d.stderr).toContain(message);
    expect(d.stderr).toContain('Grant cognito-idp:DeleteUserPool to these credentials');
    expect(d.stderr).toContain(`Run \`secure-api destroy --stack ${STACK}\` again`);
    s.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'DeleteUserPool denied');
    figures.runs += 3;
    figures.faults++;
    figures.cases++;
  });

  it('a denial without the action named still says how to find it', async () => {
    s = scenario();
    s.fake.inject({ command: 'CreateUserPool', error: 'AccessDeniedException', message: 'Access denied' });
    const r = await s.run(INIT);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('AccessDeniedException: Access denied');
    expect(r.stderr).toContain('Grant the missing permission (`secure-api policy --stack demo --region us-east-1 --account 123456789012` prints the minimal policy)');
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'a bare denial');
    figures.runs += 2;
    figures.faults++;
    figures.cases++;
  });
});

describe('a domain prefix someone else holds', () => {
  it('exit 1 at once: the prefix named, pick another, the state saved; destroy leaves nothing', async () => {
    s = scenario({ takenDomainPrefixes: ['demo-login'] });
    const r = await s.run(INIT);
    figures.runs++;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/The hosted UI domain prefix "demo-login" is already taken/);
    expect(r.stderr).toMatch(/Pick another with `--domain-prefix NAME`/);
    expect(r.stderr).toMatch(/The state is saved/);
    expect(r.stderr).toContain(`secure-api destroy --stack ${STACK}`);
    expect(s.fake.count('CreateUserPoolDomain')).toBe(1);
    s.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'a taken domain prefix');
    // With another prefix, a new init goes through.
    const other = await s.run(INIT.map((a) => (a === 'demo-login' ? 'demo-login-2' : a)));
    expect(other.code, other.stderr).toBe(0);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'another prefix');
    figures.runs += 4;
    figures.faults++;
    figures.cases++;
  });
});

describe('a quota', () => {
  it.each([
    ['CreateUserPool', 'LimitExceededException', 'The user pool limit has been exceeded for this account.'],
    ['CreateRole', 'LimitExceededException', 'Cannot exceed quota for RolesPerAccount: 1000'],
    ['CreateFunction', 'CodeStorageExceededException', 'Code storage limit exceeded.'],
  ])('%s answering %s: exit 1 at once with AWS\'s message and the resume hint', async (command, error, message) => {
    s = scenario();
    const rule = s.fake.inject({ command, error, message });
    const r = await s.run(INIT);
    figures.runs++;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${error}: ${message}`);
    expect(r.stderr).toContain(RESUME);
    expect(rule.applied).toBe(1);
    s.expectExact();
    expect((await s.run(INIT)).code).toBe(0);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `${command} ${error}`);
    figures.runs += 2;
    figures.faults++;
    figures.cases++;
  });
});
