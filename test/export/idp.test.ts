/**
 * Every federated provider type exported as its live settings, field by field, with its secret (a client secret,
 * Apple's private key) a sensitive variable / NoEcho parameter and its value in no file.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, DescribeIdentityProviderCommand } from '@aws-sdk/client-cognito-identity-provider';
import { parse } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

let fake: AwsFake;
let cwd: string;
const clock = new VirtualClock();
beforeAll(() => {
  fake = installAwsFake({ lambdaAssumeFailures: 0, deleteRestApiWindowMs: 0, clock });
  cwd = tempDir();
});
afterAll(() => fake.restore());

const IDPS = [
  { type: 'Google', clientId: 'g.apps.example' },
  { type: 'Facebook', clientId: '1234567890' },
  { type: 'LoginWithAmazon', clientId: 'amzn1.application-oa2-client.test' },
  { type: 'SignInWithApple', clientId: 'com.example.signin', teamId: 'TEAMID1234', keyId: 'KEYID12345' },
  { type: 'OIDC', name: 'Corp', clientId: 'oidc-client', issuer: 'https://login.example.com' },
];
/** Fictional secrets, one per provider, each looked for in every exported file. */
const SECRETS: Record<string, string> = {
  SECURE_API_IDP_GOOGLE_SECRET: 'fictional-google-secret-000111',
  SECURE_API_IDP_FACEBOOK_SECRET: 'fictional-facebook-secret-000222',
  SECURE_API_IDP_LOGINWITHAMAZON_SECRET: 'fictional-amazon-secret-000333',
  SECURE_API_IDP_SIGNINWITHAPPLE_SECRET: 'fictional-apple-private-key-000444',
  SECURE_API_IDP_CORP_SECRET: 'fictional-oidc-secret-000555',
};
const run = (argv: string[]) => runSecureApi(argv, { cwd, clock, env: SECRETS });
const allFiles = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? allFiles(join(dir, f)) : [join(dir, f)]));

describe('export of identity providers', () => {
  it('each provider type: the live provider details, the secret a sensitive variable (Terraform) and a NoEcho parameter (CDK), in no file', async () => {
    writeFileSync(join(cwd, 'idps.json'), JSON.stringify({ stack: 'idps', userPool: { identityProviders: IDPS } }));
    const init = await run(['init', '--yes', '--no-verify', '--config', 'idps.json']);
    expect(init.code, init.stderr).toBe(0);
    expect((await run(['export', 'terraform', '--stack', 'idps', '--out', 'tf'])).code).toBe(0);
    expect((await run(['export', 'cdk', '--stack', 'idps', '--out', 'cdk'])).code).toBe(0);
    for (const f of [...allFiles(join(cwd, 'tf')), ...allFiles(join(cwd, 'cdk'))]) {
      const text = readFileSync(f);
      for (const secret of Object.values(SECRETS)) expect(text.includes(Buffer.from(secret)), `${secret} in ${f}`).toBe(false);
    }
    const main = await parse('main.tf', readFileSync(join(cwd, 'tf', 'main.tf'), 'utf8')) as { resource: Record<string, Record<string, Array<Record<string, unknown>>>> };
    const vars = await parse('variables.tf', readFileSync(join(cwd, 'tf', 'variables.tf'), 'utf8')) as { variable: Record<string, Array<{ sensitive?: boolean }>> };
    const state = JSON.parse(readFileSync(join(cwd, '.secure-api', 'idps.json'), 'utf8')) as { nodes: Record<string, { out: Record<string, string> }> };
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
    const stack = readFileSync(join(cwd, 'cdk', 'lib', 'stack.ts'), 'utf8');
    for (const idp of IDPS) {
      const name = idp.name ?? idp.type;
      const live = (await cognito.send(new DescribeIdentityProviderCommand({ UserPoolId: state.nodes.pool!.out.userPoolId, ProviderName: name }))).IdentityProvider!;
      const tf = main.resource.aws_cognito_identity_provider![name.toLowerCase()]![0]!;
      const secretKey = idp.type === 'SignInWithApple' ? 'private_key' : 'client_secret';
      const variable = `${name.toLowerCase()}_${secretKey}`;
      const { [secretKey]: secret, ...rest } = live.ProviderDetails ?? {};
      expect(secret, name).toBe(SECRETS[`SECURE_API_IDP_${name.toUpperCase()}_SECRET`]);
      expect([name, tf.provider_details]).toEqual([name, { ...rest, [secretKey]: `\${var.${variable}}` }]);
      expect([name, tf.provider_type, tf.provider_name, tf.attribute_mapping]).toEqual([name, live.ProviderType, live.ProviderName, live.AttributeMapping]);
      expect(vars.variable[variable]?.[0]?.sensitive, variable).toBe(true);
      const param = variable.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
      expect(stack).toContain(`new CfnParameter(this, "${param}", {\n      type: 'String',\n      noEcho: true,`);
    }
  });
});
