/**
 * The Postman export of a confidential client, run by newman against the fake's data plane, whose Cognito enforces
 * SECRET_HASH as Cognito does (cognito-local does not): the secret pasted into client_secret is what makes the
 * collection's sign-in work, and without it Cognito's own refusal shows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { startFakeDataPlane, type FakeDataPlane } from '../fakes/data-plane.js';
import { runSecureApi, tempDir } from '../support/harness.js';
import { stackOutputsSchema } from '../../src/state/outputs-schema.js';

let fake: AwsFake;
let plane: FakeDataPlane;
let cwd: string;
beforeAll(async () => {
  fake = installAwsFake({ lambdaAssumeFailures: 0, deleteRestApiWindowMs: 0 });
  plane = await startFakeDataPlane(fake);
  cwd = tempDir();
});
afterAll(async () => {
  await plane.close();
  fake.restore();
});

const run = (argv: string[], tty = false) => runSecureApi([...argv, '--endpoint-url', plane.url], { cwd, dataPlane: false, tty, ...(tty ? { env: { CI: 'false' } } : {}) });
type Env = { values: Array<{ key: string; value: string; type: string }> };
const newmanRun = (collection: unknown, environment: Env) =>
  new Promise<NewmanRunSummary>((ok, fail) => newman.run({ collection, environment }, (err, s) => (err ? fail(err) : ok(s))));

describe('Postman export of a confidential client, against the fake', () => {
  it('signs in once the secret the printed command reads is pasted, and the with-token calls pass', async () => {
    // The collection's password sign-in needs ALLOW_USER_PASSWORD_AUTH, off by default (issue 25): this client opts in.
    writeFileSync(join(cwd, 'flows.json'), JSON.stringify({ appClient: { authFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] } }));
    const init = await run(['init', '--yes', '--no-verify', '--stack', 'demo', '--region', 'eu-north-1', '--app-client', 'confidential', '--config', join(cwd, 'flows.json'), '--json']);
    expect(init.code, init.stderr).toBe(0);
    const { userPoolId, userPoolClientId } = stackOutputsSchema.parse(JSON.parse(init.stdout)).ids;
    const exp = await run(['export', 'postman', '--stack', 'demo', '--out', join(cwd, 'exp')]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stderr).toContain(`aws cognito-idp describe-user-pool-client --user-pool-id ${userPoolId} --client-id ${userPoolClientId} --region eu-north-1 --endpoint-url ${plane.url} --query UserPoolClient.ClientSecret --output text`);
    // What that command does: DescribeUserPoolClient, here over the data plane's Cognito protocol.
    const described = await fetch(`${plane.url}/`, {
      method: 'POST', headers: { 'X-Amz-Target': 'AWSCognitoIdentityProviderService.DescribeUserPoolClient', 'Content-Type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ UserPoolId: userPoolId, ClientId: userPoolClientId }),
    });
    const secret = ((await described.json()) as { UserPoolClient: { ClientSecret: string } }).UserPoolClient.ClientSecret;
    expect(secret.length).toBeGreaterThan(20);
    // A generated password is shown on a terminal only (issue 25.7).
    const add = await run(['users', 'add', 'postman@example.com', '--stack', 'demo'], true);
    const password = /Password: (\S+)/.exec(add.stdout)?.[1] ?? '';

    // A stage just deployed answers a bare 403 Forbidden for a moment (the fake models it): let it settle first.
    const invokeUrl = stackOutputsSchema.parse(JSON.parse(init.stdout)).urls.invoke ?? '';
    for (let i = 0; i < 5 && (await fetch(`${invokeUrl}/items`)).status === 403; i++);
    const collection: unknown = JSON.parse(readFileSync(join(cwd, 'exp', 'demo.postman_collection.json'), 'utf8'));
    const fill = (values: Record<string, string>): Env => {
      const env = JSON.parse(readFileSync(join(cwd, 'exp', 'demo.postman_environment.json'), 'utf8')) as Env;
      env.values = env.values.map((v) => (v.key in values ? { ...v, value: values[v.key] ?? '' } : v));
      return env;
    };
    const good = await newmanRun(collection, fill({ username: 'postman@example.com', password, client_secret: secret }));
    expect(good.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.message}`)).toEqual([]);
    // sign in; GET and POST /items without and with the token; two preflights.
    expect(good.run.stats.requests.total).toBe(1 + 2 + 2 + 2);

    const noSecret = await newmanRun(collection, fill({ username: 'postman@example.com', password }));
    expect(noSecret.run.failures.map((f) => f.source?.name)).toEqual(['sign in (USER_PASSWORD_AUTH) → id_token', 'GET /items with id token', 'POST /items with id token']);
    const wrong = await newmanRun(collection, fill({ username: 'postman@example.com', password, client_secret: 'not-the-secret' }));
    expect(wrong.run.failures[0]?.source?.name).toBe('sign in (USER_PASSWORD_AUTH) → id_token');
  });
});
