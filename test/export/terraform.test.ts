/**
 * `export terraform` on live stacks made by the CLI against the fake: the HCL is parsed by a maintained parser
 * (@cdktf/hcl2json), every resource has one import block whose id is in the provider's documented format and names a
 * live resource, resources reference each other rather than holding live ids, the settings are the live ones, and no
 * secret or secure-api tag is written.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { DescribeUserPoolClientCommand, DescribeUserPoolCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { resolvesLive, TF_IMPORT_FORMAT } from './live-ids.js';
import { IDP_SECRET, LIVE } from './stacks.js';

let fake: AwsFake;
let cwd: string;
const clock = new VirtualClock();
beforeAll(() => {
  fake = installAwsFake({ lambdaAssumeFailures: 0, deleteRestApiWindowMs: 0, clock });
  cwd = tempDir();
});
afterAll(() => fake.restore());

const run = (argv: string[]) => runSecureApi(argv, { cwd, clock, env: { SECURE_API_IDP_GOOGLE_SECRET: IDP_SECRET } });

type Hcl = { resource?: Record<string, Record<string, Array<Record<string, unknown>>>>; import?: Array<{ to: string; id: string }>; variable?: Record<string, Array<Record<string, unknown>>> };

async function exportTf(stack: string, dir: string) {
  const res = await run(['export', 'terraform', '--stack', stack, '--out', dir, '--json']);
  expect(res.code, `${res.stderr}${res.stdout}`).toBe(0);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const main = await parse('main.tf', read('main.tf')) as Hcl;
  const imports = await parse('imports.tf', read('imports.tf')) as Hcl;
  const versions = await parse('versions.tf', read('versions.tf')) as Record<string, unknown>;
  return { json: JSON.parse(res.stdout) as { imports: Array<{ address: string; id: string }>; notes: string[]; variables: string[] }, main, imports, versions, read };
}

const allFiles = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? allFiles(join(dir, f)) : [join(dir, f)]));
const addresses = (h: Hcl): string[] => Object.entries(h.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
const one = (h: Hcl, address: string): Record<string, unknown> => {
  const [type = '', name = ''] = address.split('.');
  const r = h.resource?.[type]?.[name]?.[0];
  if (!r) throw new Error(`no ${address}`);
  return r;
};
const block = (r: Record<string, unknown>, name: string): Record<string, unknown> => ((r[name] as Array<Record<string, unknown>>)[0] ?? {});

describe('export terraform', () => {
  let stateIds: Record<string, Record<string, string>>;
  beforeAll(async () => {
    writeFileSync(join(cwd, 'live.json'), JSON.stringify(LIVE));
    const init = await run(['init', '--yes', '--no-verify', '--config', 'live.json']);
    expect(init.code, init.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(cwd, '.secure-api', 'live.json'), 'utf8')) as { nodes: Record<string, { out: Record<string, string> }> };
    stateIds = Object.fromEntries(Object.entries(state.nodes).map(([id, n]) => [id, n.out]));
  });

  it('writes an import block for every resource and none for anything else, each id in the provider\'s format and naming a live resource', async () => {
    const { main, imports, json } = await exportTf('live', join(cwd, 'tf'));
    const declared = addresses(main).sort();
    const targets = (imports.import ?? []).map((i) => i.to.replace(/^\$\{|\}$/g, '')).sort();
    expect(targets).toEqual(declared);
    expect(new Set(targets).size).toBe(targets.length);
    expect(json.imports.map((i) => i.address).sort()).toEqual(declared);
    // Every kind of resource the stack has is there (a route with a MOCK integration brings its responses).
    expect(new Set(declared.map((a) => a.split('.')[0]))).toEqual(new Set(Object.keys(TF_IMPORT_FORMAT)));
    for (const i of imports.import ?? []) {
      const type = i.to.replace(/^\$\{|\}$/g, '').split('.')[0] ?? '';
      expect(i.id, `${i.to}`).toMatch(TF_IMPORT_FORMAT[type]!);
      expect(await resolvesLive(type, i.id, 'us-east-1', clock), `${i.to} = ${i.id}`).toBe(true);
    }
  });

  it('a route restricted to a group: the group in the pool, and the function\'s SECURE_API_ROUTE_GROUPS as live', async () => {
    const { main } = await exportTf('live', join(cwd, 'tf-groups'));
    const groups = Object.values(main.resource?.aws_cognito_user_group ?? {}).map((r) => r[0]!);
    expect(groups).toEqual([expect.objectContaining({ name: 'admins', description: expect.stringMatching(/^Made by secure-api for the stack live/) })]);
    const fn = Object.values(main.resource?.aws_lambda_function ?? {})[0]![0]!;
    const live = Object.values(fake.state.lambda.functions)[0]!.configuration.Environment?.Variables ?? {};
    expect(block(fn, 'environment').variables).toEqual(live);
    expect(live.SECURE_API_ROUTE_GROUPS).toBe('{"GET /admin":["admins"]}');
  });

  it('references other resources instead of writing their live ids into main.tf', async () => {
    const { read } = await exportTf('live', join(cwd, 'tf'));
    const main = read('main.tf');
    const ids = ['apiId', 'rootResourceId', 'resourceId', 'authorizerId', 'deploymentId', 'userPoolId', 'userPoolArn', 'clientId', 'functionArn', 'roleArn'];
    const live = Object.values(stateIds).flatMap((out) => ids.map((k) => out[k]).filter((v): v is string => Boolean(v)));
    expect(live.length).toBeGreaterThan(10);
    for (const id of live) expect(main, id).not.toContain(id);
    // (terraform fmt's alignment: any run of spaces before the "=")
    expect(main).toMatch(/rest_api_id +=  ?aws_api_gateway_rest_api\.api\.id/);
    expect(main).toMatch(/provider_arns +=  ?\[aws_cognito_user_pool\.pool\.arn\]/);
    expect(main).toMatch(/supported_identity_providers +=  ?\["COGNITO", aws_cognito_identity_provider\.google\.provider_name\]/);
  });

  it('holds the live settings of the pool and the client, every field it writes', async () => {
    const { main } = await exportTf('live', join(cwd, 'tf'));
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
    const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: stateIds.pool!.userPoolId }))).UserPool!;
    const p = one(main, 'aws_cognito_user_pool.pool');
    const pw = pool.Policies!.PasswordPolicy!;
    expect(block(p, 'password_policy')).toEqual({
      minimum_length: pw.MinimumLength, require_numbers: pw.RequireNumbers, require_symbols: pw.RequireSymbols, require_uppercase: pw.RequireUppercase,
      require_lowercase: pw.RequireLowercase, temporary_password_validity_days: pw.TemporaryPasswordValidityDays,
    });
    expect(block(p, 'password_policy').minimum_length).toBe(14);
    expect(p.name).toBe(pool.Name);
    // The stage's settings: tracing on the stage, throttling as method settings on every method.
    expect(one(main, 'aws_api_gateway_stage.deployment').xray_tracing_enabled).toBe(true);
    const throttle = one(main, 'aws_api_gateway_method_settings.throttle');
    expect([throttle.method_path, block(throttle, 'settings')]).toEqual(['*/*', { throttling_rate_limit: 100, throttling_burst_limit: 200 }]);
    expect(p.mfa_configuration).toBe(pool.MfaConfiguration);
    expect(p.mfa_configuration).toBe('ON');
    expect(block(p, 'software_token_mfa_configuration')).toEqual({ enabled: true });
    expect(p.username_attributes).toEqual(pool.UsernameAttributes);
    expect(p.auto_verified_attributes).toEqual(pool.AutoVerifiedAttributes);
    expect(block(p, 'admin_create_user_config')).toEqual({ allow_admin_create_user_only: pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly });
    expect(block(p, 'email_configuration')).toEqual({ email_sending_account: pool.EmailConfiguration?.EmailSendingAccount });
    expect(block(block(p, 'account_recovery_setting'), 'recovery_mechanism')).toEqual({ name: 'verified_email', priority: 1 });
    expect(p.user_pool_tier).toBe(pool.UserPoolTier);
    expect(p.deletion_protection).toBe(pool.DeletionProtection);
    // The user's tags, not secure-api's (forget removes those; the new owner's plan then sees no change).
    expect(p.tags).toEqual({ team: 'payments' });
    expect(Object.keys(pool.UserPoolTags ?? {})).toContain('secure-api:stack');
    expect(block(p, 'lifecycle')).toEqual({ prevent_destroy: true });

    const client = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: stateIds.pool!.userPoolId, ClientId: stateIds.client!.clientId }))).UserPoolClient!;
    const c = one(main, 'aws_cognito_user_pool_client.client');
    expect({
      name: c.name, generate_secret: c.generate_secret, explicit_auth_flows: c.explicit_auth_flows, prevent_user_existence_errors: c.prevent_user_existence_errors,
      enable_token_revocation: c.enable_token_revocation, allowed_oauth_flows_user_pool_client: c.allowed_oauth_flows_user_pool_client,
      allowed_oauth_flows: c.allowed_oauth_flows, allowed_oauth_scopes: c.allowed_oauth_scopes, callback_urls: c.callback_urls, logout_urls: c.logout_urls,
      access_token_validity: c.access_token_validity, id_token_validity: c.id_token_validity, refresh_token_validity: c.refresh_token_validity,
      token_validity_units: block(c, 'token_validity_units'),
    }).toEqual({
      name: client.ClientName, generate_secret: Boolean(client.ClientSecret), explicit_auth_flows: client.ExplicitAuthFlows, prevent_user_existence_errors: client.PreventUserExistenceErrors,
      enable_token_revocation: client.EnableTokenRevocation, allowed_oauth_flows_user_pool_client: client.AllowedOAuthFlowsUserPoolClient,
      allowed_oauth_flows: client.AllowedOAuthFlows, allowed_oauth_scopes: client.AllowedOAuthScopes, callback_urls: client.CallbackURLs, logout_urls: client.LogoutURLs,
      access_token_validity: client.AccessTokenValidity, id_token_validity: client.IdTokenValidity, refresh_token_validity: client.RefreshTokenValidity,
      token_validity_units: { access_token: client.TokenValidityUnits?.AccessToken, id_token: client.TokenValidityUnits?.IdToken, refresh_token: client.TokenValidityUnits?.RefreshToken },
    });
    expect(c.generate_secret).toBe(true);
  });

  it('a PLUS pool with threat protection, SES email, SMS and TOTP MFA, username with an email alias: every pool field as live', async () => {
    const plus = {
      stack: 'plus', routes: [{ path: '/items', methods: ['GET'] }],
      userPool: {
        tier: 'PLUS', threatProtection: 'AUDIT', signInIdentifiers: ['username', 'email'],
        email: { type: 'SES', sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com', from: 'no-reply@example.com', replyTo: 'help@example.com' },
        mfa: { mode: 'OPTIONAL', totp: true, sms: true, smsRoleArn: 'arn:aws:iam::123456789012:role/service-role/cognito-sms', smsExternalId: 'ext-plus' },
      },
    };
    writeFileSync(join(cwd, 'plus.json'), JSON.stringify(plus));
    const init = await run(['init', '--yes', '--no-verify', '--config', 'plus.json']);
    expect(init.code, init.stderr).toBe(0);
    const { main } = await exportTf('plus', join(cwd, 'tf-plus'));
    const state = JSON.parse(readFileSync(join(cwd, '.secure-api', 'plus.json'), 'utf8')) as { nodes: Record<string, { out: Record<string, string> }> };
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
    const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: state.nodes.pool!.out.userPoolId }))).UserPool!;
    const p = one(main, 'aws_cognito_user_pool.pool');
    expect({
      tier: p.user_pool_tier, alias: p.alias_attributes, verified: p.auto_verified_attributes, mfa: p.mfa_configuration, deletion: p.deletion_protection,
      addOns: block(p, 'user_pool_add_ons'), sms: block(p, 'sms_configuration'), email: block(p, 'email_configuration'),
    }).toEqual({
      tier: pool.UserPoolTier, alias: pool.AliasAttributes, verified: pool.AutoVerifiedAttributes, mfa: pool.MfaConfiguration, deletion: pool.DeletionProtection,
      addOns: { advanced_security_mode: pool.UserPoolAddOns?.AdvancedSecurityMode },
      sms: { sns_caller_arn: pool.SmsConfiguration?.SnsCallerArn, external_id: pool.SmsConfiguration?.ExternalId },
      email: {
        email_sending_account: pool.EmailConfiguration?.EmailSendingAccount, source_arn: pool.EmailConfiguration?.SourceArn,
        from_email_address: pool.EmailConfiguration?.From, reply_to_email_address: pool.EmailConfiguration?.ReplyToEmailAddress,
      },
    });
    expect([p.user_pool_tier, block(p, 'user_pool_add_ons').advanced_security_mode, p.deletion_protection]).toEqual(['PLUS', 'AUDIT', 'ACTIVE']);
    expect(block(p, 'software_token_mfa_configuration')).toEqual({ enabled: true });
  });

  it('puts the secured methods behind the authorizer, leaves the public one and the preflights open, and maps path parameters', async () => {
    const { main } = await exportTf('live', join(cwd, 'tf'));
    const m = (name: string) => one(main, `aws_api_gateway_method.${name}`);
    for (const name of ['get_items', 'post_items', 'get_items_id', 'delete_items_id', 'get_proxy_name', 'post_mocked']) {
      expect([name, m(name).authorization, m(name).authorizer_id]).toEqual([name, 'COGNITO_USER_POOLS', '${aws_api_gateway_authorizer.authorizer.id}']);
    }
    for (const name of ['get_health', 'options_items', 'options_items_id', 'options_health']) expect([name, m(name).authorization, m(name).authorizer_id]).toEqual([name, 'NONE', undefined]);
    expect(m('get_items_id').request_parameters).toEqual({ 'method.request.path.id': true });
    const proxy = one(main, 'aws_api_gateway_integration.get_proxy_name');
    expect([proxy.type, proxy.uri, proxy.integration_http_method, proxy.request_parameters])
      .toEqual(['HTTP_PROXY', 'https://backend.example.com/proxy/{name}', 'GET', { 'integration.request.path.name': 'method.request.path.name' }]);
    expect(one(main, 'aws_api_gateway_integration.get_items').uri)
      .toBe('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${aws_lambda_function.function.arn}/invocations');
    expect(one(main, 'aws_api_gateway_integration_response.options_items').response_parameters).toMatchObject({ 'method.response.header.Access-Control-Allow-Methods': "'GET,POST,OPTIONS'" });
  });

  it('never writes a secret: the IdP secret is a sensitive variable, the client secret stays in AWS', async () => {
    const dir = join(cwd, 'tf');
    const { main, json, read } = await exportTf('live', dir);
    for (const f of allFiles(dir)) expect(readFileSync(f).includes(Buffer.from(IDP_SECRET)), f).toBe(false);
    expect(json.variables).toEqual(['google_client_secret']);
    const vars = await parse('variables.tf', read('variables.tf')) as Hcl;
    expect(vars.variable?.google_client_secret?.[0]).toMatchObject({ sensitive: true, type: '${string}' });
    expect((one(main, 'aws_cognito_identity_provider.google').provider_details as Record<string, string>).client_secret).toBe('${var.google_client_secret}');
    expect(read('main.tf')).not.toMatch(/client_secret\s*=\s*"/);
    expect(read('main.tf')).not.toMatch(/secure-api:(stack|state-id)/);
  });

  it('writes main.tf as terraform fmt does: the "=" of consecutive attributes aligned', async () => {
    const { read } = await exportTf('live', join(cwd, 'tf'));
    const lines = read('main.tf').split('\n');
    const attr = /^( +)([A-Za-z_"][^=]*?)( +)= /;
    for (let i = 1; i < lines.length; i++) {
      const [a, b] = [attr.exec(lines[i - 1]!), attr.exec(lines[i]!)];
      // Two attribute lines in a row at one depth: their "=" in one column, one space after the longest key.
      if (a && b && a[1] === b[1]) expect([i, lines[i - 1]!.indexOf(' = '), lines[i]!.indexOf(' = ')]).toEqual([i, lines[i]!.indexOf(' = '), lines[i - 1]!.indexOf(' = ')]);
      if (b) expect(b[3] === ' ' || lines[i - 1]!.match(attr) !== null || lines[i + 1]?.match(attr) !== null, lines[i]).toBe(true);
    }
    expect(read('main.tf')).toContain('  function_name    = "live-fn-');
  });

  it('pins the provider and Terraform versions import blocks need, and ships the function\'s package byte for byte', async () => {
    const dir = join(cwd, 'tf');
    const { versions } = await exportTf('live', dir);
    expect(versions).toMatchObject({ terraform: [{ required_version: '>= 1.5.0', required_providers: [{ aws: { source: 'hashicorp/aws', version: '>= 6.0, < 7.0' } }] }], provider: { aws: [{ region: 'us-east-1' }] } });
    const { buildSampleFunctionZip } = await import('../../src/resources/sample-function.js');
    expect(Buffer.from(readFileSync(join(dir, 'function.zip'))).equals(Buffer.from(buildSampleFunctionZip()))).toBe(true);
  });

  it('refuses to overwrite a file of the user\'s (exit 2, nothing written), and writes the same export again', async () => {
    const dir = join(cwd, 'tf-mine');
    await exportTf('live', dir);
    expect((await run(['export', 'terraform', '--stack', 'live', '--out', dir])).code).toBe(0);
    writeFileSync(join(dir, 'main.tf'), '# mine\n');
    const res = await run(['export', 'terraform', '--stack', 'live', '--out', dir]);
    expect([res.code, res.stderr]).toEqual([2, expect.stringContaining('overwrites nothing')]);
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe('# mine\n');
  });
});
