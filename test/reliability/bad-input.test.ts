/**
 * The bad-input corpus: names, paths, methods, regions, password policies, domain prefixes, URLs, ARNs, config files,
 * state files and flag combinations. Every case exits 2 with a message naming the problem, shows no stack trace,
 * and makes no AWS call at all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('bad-input');
let s: Scenario | undefined;
afterEach(() => s?.restore());

interface Case {
  name: string;
  argv: string[];
  /** What the message must say. */
  says: RegExp;
  /** Files to write first (relative to the working directory). */
  files?: Record<string, string>;
}

const YES = ['init', '--yes', '--no-verify'];
const at = new Date(0).toISOString();
/** A valid state file of stack `name` in `region`, with `config`. */
const state = (name: string, region = 'us-east-1', config: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, stack: name, region, account: '123456789012', createdAt: at, updatedAt: at, complete: true, config, nodes: {} });
const cfg = (c: unknown) => ({ 'stack.json': JSON.stringify(c) });
const withConfig = (c: unknown): Pick<Case, 'argv' | 'files'> => ({ argv: [...YES, '--config', 'stack.json'], files: cfg(c) });
const route = (extra: Record<string, unknown>) => ({ routes: [{ path: '/items', methods: ['GET'], ...extra }] });

const CASES: Case[] = [
  // ── names ──
  { name: 'stack name with a space', argv: [...YES, '--stack', 'Bad Name'], says: /stack name "Bad Name" must start with a lowercase letter/ },
  { name: 'stack name of one letter', argv: [...YES, '--stack', 'a'], says: /stack name "a" must be 2 to 24 characters/ },
  { name: 'stack name too long', argv: [...YES, '--stack', 'a-very-long-stack-name-indeed'], says: /must be 2 to 24 characters/ },
  { name: 'stack name ending in a hyphen', argv: [...YES, '--stack', 'demo-'], says: /may not end with a hyphen/ },
  { name: 'stack name with two hyphens', argv: [...YES, '--stack', 'de--mo'], says: /hold two in a row/ },
  { name: 'stack name starting with a digit', argv: ['status', '--stack', '1demo'], says: /--stack: stack name "1demo" must start with a lowercase letter/ },
  { name: 'API name with a space', argv: [...YES, '--api-name', 'my api'], says: /--api-name: API name "my api" may hold only letters/ },
  { name: 'user pool name too long', argv: [...YES, '--user-pool-name', 'p'.repeat(129)], says: /--user-pool-name: user pool name ".*" must be 1 to 128 characters/ },
  { name: 'app client name with a slash', argv: [...YES, '--app-client-name', 'client/1'], says: /--app-client-name: app client name "client\/1"/ },
  { name: 'empty authorizer name', argv: [...YES, '--authorizer-name', ''], says: /--authorizer-name: authorizer name "" must be 1 to 128 characters/ },
  { name: 'function name with a dot (config)', ...withConfig({ function: { name: 'my.fn' } }), says: /function\.name: function name "my\.fn" may hold only/ },
  { name: 'role name with a space (config)', ...withConfig({ function: { roleName: 'my role' } }), says: /function\.roleName: role name "my role"/ },
  { name: 'stage name with a space', argv: [...YES, '--stage', 'dev stage'], says: /stage name "dev stage" may hold only letters, digits, - and _/ },
  { name: 'identity header with a space', argv: [...YES, '--identity-header', 'X Auth'], says: /--identity-header: header name "X Auth"/ },
  // ── paths ──
  { name: 'path without a leading slash', argv: [...YES, '--route', 'GET items'], says: /path "items" must start with "\/"/ },
  { name: 'path with an empty segment', argv: [...YES, '--route', 'GET /items//x'], says: /empty path segment/ },
  { name: 'path with a trailing slash', argv: [...YES, '--route', 'GET /items/'], says: /empty path segment \(two slashes in a row, or a trailing slash\)/ },
  { name: 'unclosed {param}', argv: [...YES, '--route', 'GET /items/{id'], says: /path segment "\{id" must be a whole \{param\}/ },
  { name: 'greedy param not last', argv: [...YES, '--route', 'GET /files/{proxy+}/meta'], says: /a greedy \{param\+\} must be the last segment/ },
  { name: 'parameter twice in a path', argv: [...YES, '--route', 'GET /a/{id}/b/{id}'], says: /parameter \{id\} appears twice/ },
  { name: 'illegal character in a path', argv: [...YES, '--route', 'GET /it$ms'], says: /path segment "it\$ms" holds "\$": API Gateway allows only letters, digits and - _ \./ },
  { name: 'a ~ in a path (API Gateway refuses it)', argv: [...YES, '--route', 'GET /~me'], says: /path segment "~me" holds "~": API Gateway allows only letters, digits and - _ \./ },
  { name: 'two parameter names at one place', argv: [...YES, '--route', 'GET /items/{id}', '--route', 'POST /items/{itemId}'], says: /use different parameter names at the same place/ },
  { name: 'route without a path', argv: [...YES, '--route', 'GET'], says: /--route "GET" must be METHODS PATH/ },
  // ── methods ──
  { name: 'unknown method', argv: [...YES, '--route', 'FETCH /items'], says: /method "FETCH" is not one of GET, POST, PUT, PATCH, DELETE, HEAD, ANY/ },
  { name: 'method listed twice', argv: [...YES, '--route', 'GET,GET /items'], says: /a method is listed twice/ },
  { name: 'route given twice', argv: [...YES, '--route', 'GET /items', '--route', 'GET /items'], says: /route GET \/items is given twice/ },
  { name: 'route with no method', argv: [...YES, '--route', ', /items'], says: /a route needs at least one method/ },
  { name: 'method in lower case (config)', ...withConfig({ routes: [{ path: '/items', methods: ['get'] }] }), says: /routes\[0\]\.methods\[0\]: must be one of/ },
  // ── regions ──
  { name: 'unknown region', argv: [...YES, '--region', 'moon-1'], says: /--region: region "moon-1" is not an AWS region name/ },
  { name: 'region in upper case', argv: [...YES, '--region', 'US-EAST-1'], says: /region "US-EAST-1" is not an AWS region name/ },
  { name: 'region with underscores (config)', ...withConfig({ region: 'eu_west_1' }), says: /region: region "eu_west_1" is not an AWS region name/ },
  { name: 'bad region for destroy', argv: ['destroy', '--yes', '--stack', 'demo', '--region', 'us east 1'], says: /--region: region "us east 1"/ },
  { name: 'stack recorded in another region', argv: [...YES, '--stack', 'demo', '--region', 'eu-west-1'], files: { '.secure-api/demo.json': state('demo') }, says: /stack "demo" exists in us-east-1, not eu-west-1/ },
  // ── password policies ──
  { name: 'minimum length 5', argv: [...YES, '--password-min-length', '5'], says: /--password-min-length: "5" must be a whole number from 6 to 99/ },
  { name: 'minimum length 100', argv: [...YES, '--password-min-length', '100'], says: /from 6 to 99/ },
  { name: 'minimum length not a number', argv: [...YES, '--password-min-length', 'twelve'], says: /"twelve" must be a whole number/ },
  { name: 'fractional minimum length (config)', ...withConfig({ userPool: { passwordPolicy: { minLength: 8.5 } } }), says: /userPool\.passwordPolicy\.minLength/ },
  { name: 'temporary password valid 0 days (config)', ...withConfig({ userPool: { passwordPolicy: { temporaryPasswordValidityDays: 0 } } }), says: /passwordPolicy\.temporaryPasswordValidityDays/ },
  { name: 'requireNumbers as a string (config)', ...withConfig({ userPool: { passwordPolicy: { requireNumbers: 'yes' } } }), says: /passwordPolicy\.requireNumbers/ },
  { name: 'MFA with no factor (config)', ...withConfig({ userPool: { mfa: { mode: 'ON', totp: false, sms: false } } }), says: /MFA OPTIONAL or ON needs totp or sms/ },
  { name: 'SMS MFA without a role (config)', ...withConfig({ userPool: { mfa: { mode: 'OPTIONAL', sms: true } } }), says: /SMS MFA needs an SNS role: set userPool\.mfa\.smsRoleArn/ },
  { name: 'phone recovery without phone sign-in (config)', ...withConfig({ userPool: { accountRecovery: 'verified_phone_number' } }), says: /account recovery by verified phone needs "phone"/ },
  { name: 'phone sign-in without an SMS role', argv: [...YES, '--sign-in', 'phone'], says: /phone sign-in needs Cognito to send SMS codes[\s\S]*--sms-role-arn ARN/ },
  { name: 'username and phone sign-in without an SMS role', argv: [...YES, '--sign-in', 'username,phone'], says: /phone sign-in needs Cognito to send SMS codes/ },
  { name: 'phone recovery without an SMS role (config)', ...withConfig({ userPool: { signInIdentifiers: ['phone'], accountRecovery: 'verified_phone_number' } }), says: /needs an IAM role it assumes to publish through Amazon SNS/ },
  { name: 'SMS role that is not a role ARN', argv: [...YES, '--sign-in', 'phone', '--sms-role-arn', 'arn:aws:sns:us-east-1:123456789012:topic'], says: /--sms-role-arn: "arn:aws:sns:us-east-1:123456789012:topic" is not an IAM role ARN/ },
  { name: 'Google IdP with its own name (config)', ...withConfig({ userPool: { identityProviders: [{ type: 'Google', name: 'Gmail', clientId: 'x' }] } }), says: /Cognito names a Google provider "Google"[\s\S]*set it to "Google"/ },
  { name: 'Sign in with Apple under another name (config)', ...withConfig({ userPool: { identityProviders: [{ type: 'SignInWithApple', name: 'Apple', clientId: 'x', teamId: 't', keyId: 'k' }] } }), says: /Cognito names a SignInWithApple provider "SignInWithApple"/ },
  { name: 'unknown user pool tier', argv: [...YES, '--user-pool-tier', 'GOLD'], says: /--user-pool-tier.*GOLD/ },
  { name: 'user pool tier in lower case (config)', ...withConfig({ userPool: { tier: 'lite' } }), says: /userPool\.tier: must be one of "LITE", "ESSENTIALS", "PLUS"/ },
  { name: 'unknown sign-in identifier', argv: [...YES, '--sign-in', 'email,fingerprint'], says: /--sign-in: "fingerprint" is not one of username, email, phone/ },
  // ── domain prefixes ──
  { name: 'prefix containing cognito', argv: [...YES, '--domain-prefix', 'my-cognito-login'], says: /domain prefix "my-cognito-login" may not contain "cognito"/ },
  { name: 'prefix containing aws', argv: [...YES, '--domain-prefix', 'aws-login'], says: /may not contain "aws"/ },
  { name: 'prefix containing amazon', argv: [...YES, '--domain-prefix', 'amazon-login'], says: /may not contain "amazon"/ },
  { name: 'prefix in upper case', argv: [...YES, '--domain-prefix', 'Login'], says: /domain prefix "Login" must be 1 to 63 lowercase letters/ },
  { name: 'prefix starting with a hyphen', argv: [...YES, '--domain-prefix=-login'], says: /domain prefix "-login" must be 1 to 63/ },
  { name: 'prefix of 64 characters', argv: [...YES, '--domain-prefix', 'a'.repeat(64)], says: /must be 1 to 63 lowercase letters/ },
  // ── URLs ──
  { name: 'endpoint that is not a URL', argv: [...YES, '--endpoint-url', 'not a url'], says: /--endpoint-url: "not a url" is not a URL/ },
  { name: 'endpoint with ftp', argv: ['status', '--endpoint-url', 'ftp://example.com'], says: /URL "ftp:\/\/example\.com" must use http or https/ },
  { name: 'plain-http callback (config)', ...withConfig({ hostedUi: { callbackUrls: ['http://example.com/cb'] } }), says: /callback URL "http:\/\/example\.com\/cb" must be https/ },
  { name: 'callback with a fragment (config)', ...withConfig({ hostedUi: { callbackUrls: ['https://example.com/cb#x'] } }), says: /may not contain a fragment/ },
  { name: 'HTTP integration URL (config)', ...withConfig(route({ integration: { type: 'http', url: 'example.com/api' } })), says: /routes\[0\]\.integration\.url: "example\.com\/api" is not a URL/ },
  { name: 'OIDC issuer over http (config)', ...withConfig({ userPool: { identityProviders: [{ type: 'OIDC', clientId: 'c', issuer: 'http://idp.example.com' }] } }), says: /identityProviders\[0\]\.issuer/ },
  { name: 'OIDC without issuer (config)', ...withConfig({ userPool: { identityProviders: [{ type: 'OIDC', clientId: 'c' }] } }), says: /an OIDC identity provider needs "issuer"/ },
  // ── ARNs ──
  { name: 'Lambda ARN with a short account (config)', ...withConfig(route({ integration: { type: 'lambda', arn: 'arn:aws:lambda:us-east-1:123:function:x' } })), says: /is not a Lambda function ARN/ },
  { name: 'Lambda ARN of another service (config)', ...withConfig(route({ integration: { type: 'lambda', arn: 'arn:aws:s3:::bucket' } })), says: /"arn:aws:s3:::bucket" is not a Lambda function ARN/ },
  { name: 'SES identity ARN malformed', argv: [...YES, '--email', 'ses', '--email-from', 'a@example.com', '--ses-identity-arn', 'arn:aws:ses:us-east-1:1:identity'], says: /--ses-identity-arn: .* is not an SES identity ARN/ },
  { name: 'SMS role ARN not a role (config)', ...withConfig({ userPool: { mfa: { mode: 'OPTIONAL', sms: true, smsRoleArn: 'arn:aws:iam::123456789012:user/x' } } }), says: /smsRoleArn must be an IAM role ARN/ },
  // ── email ──
  { name: 'SES without its ARN', argv: [...YES, '--email', 'ses', '--email-from', 'a@example.com'], says: /Amazon SES email needs both --email-from <address> and --ses-identity-arn <arn>/ },
  { name: 'Cognito email with a from address', argv: [...YES, '--email', 'cognito', '--email-from', 'a@example.com'], says: /drop --email-from and --ses-identity-arn/ },
  { name: 'from address that is not an email', argv: [...YES, '--email', 'ses', '--email-from', 'nobody', '--ses-identity-arn', 'arn:aws:ses:us-east-1:123456789012:identity/example.com'], says: /--email-from: "nobody" is not an email address/ },
  // ── config files ──
  { name: 'config file missing', argv: [...YES, '--config', 'missing.json'], says: /cannot read --config missing\.json: no such file/ },
  { name: 'config file not JSON', argv: [...YES, '--config', 'stack.json'], files: { 'stack.json': '{ stack: demo' }, says: /--config stack\.json is not valid JSON/ },
  { name: 'config file holding an array', argv: [...YES, '--config', 'stack.json'], files: { 'stack.json': '[]' }, says: /--config stack\.json must hold a JSON object/ },
  { name: 'config file with an unknown key', ...withConfig({ stack: 'demo', extra: true }), says: /\(top level\): unknown key "extra"/ },
  { name: 'config with no routes', ...withConfig({ routes: [] }), says: /routes: at least one route is needed/ },
  { name: 'config key of the wrong type', argv: [...YES, '--config', 'stack.json', '--stage', 'dev'], files: cfg({ stage: 'dev' }), says: /config key "stage" must be an object/ },
  { name: 'IdP without the hosted UI (config)', ...withConfig({ hostedUi: { enabled: false }, userPool: { identityProviders: [{ type: 'Google', clientId: 'c' }] } }), says: /federated identity providers sign in through the hosted UI/ },
  { name: 'IdP listed twice (config)', ...withConfig({ userPool: { identityProviders: [{ type: 'Google', clientId: 'a' }, { type: 'Google', clientId: 'b' }] } }), says: /identity provider "Google" is listed twice/ },
  { name: 'IdP secret variable not a variable name (config)', ...withConfig({ userPool: { identityProviders: [{ type: 'Google', clientId: 'a', clientSecretEnv: 'my secret' }] } }), says: /clientSecretEnv must be an environment variable name/ },
  { name: 'function timeout over 29 s (config)', ...withConfig({ function: { timeoutSeconds: 60 } }), says: /API Gateway waits at most 29 s/ },
  { name: 'unknown runtime (config)', ...withConfig({ function: { runtime: 'python3.12' } }), says: /function\.runtime: must be one of/ },
  { name: 'authorizer TTL over an hour (config)', ...withConfig({ authorizer: { ttlSeconds: 7200 } }), says: /authorizer\.ttlSeconds/ },
  // ── state files and stacks ──
  { name: 'status of a stack that does not exist', argv: ['status', '--stack', 'nope'], says: /no stack "nope" in/ },
  { name: 'destroy with two stacks and no --stack', argv: ['destroy', '--yes'], files: { '.secure-api/one.json': state('one'), '.secure-api/two.json': state('two') }, says: /2 stacks in .*: one, two; say which with --stack/ },
  { name: 'status with no stack at all', argv: ['status'], says: /no stack in .*[\s\S]*secure-api init/ },
  { name: 'state file that is not JSON', argv: ['destroy', '--yes', '--stack', 'demo'], files: { '.secure-api/demo.json': '{"version": 1, "stack": ' }, says: /the state file .*demo\.json is not valid JSON/ },
  { name: 'state file from a newer secure-api', argv: ['status', '--stack', 'demo'], files: { '.secure-api/demo.json': JSON.stringify({ ...JSON.parse(state('demo')) as object, version: 4 }) }, says: /has version 4; this secure-api reads version 3/ },
  { name: 'state file with a bad node', argv: [...YES, '--stack', 'demo'], files: { '.secure-api/demo.json': JSON.stringify({ ...JSON.parse(state('demo')) as object, nodes: { api: { kind: 'rest-api', status: 'gone', updatedAt: at } } }) }, says: /nodes\.api\.status/ },
  {
    name: 'init that would replace the user pool (and its users) of an existing stack, without --allow-replace',
    argv: [...YES, '--stack', 'demo', '--sign-in', 'username'],
    files: { '.secure-api/demo.json': JSON.stringify({ ...JSON.parse(state('demo', 'us-east-1', { stack: 'demo' })) as object, nodes: { pool: {
      kind: 'user-pool', status: 'created', out: { userPoolId: 'us-east-1_AbCdEfGhI' }, label: 'demo-users', deps: [], updatedAt: at,
      spec: { name: 'demo-users', signInIdentifiers: ['email'] },
    } } }) },
    says: /replaces the user pool of stack "demo" \(signInIdentifiers cannot change in place\)[\s\S]*--allow-replace user-pool/,
  },
  { name: 'init --allow-replace of a kind that needs no permission', argv: [...YES, '--stack', 'demo', '--allow-replace', 'rest-api'], files: { '.secure-api/demo.json': state('demo', 'us-east-1', { stack: 'demo' }) }, says: /--allow-replace: "rest-api" is not one of user-pool/ },
  // ── flags and confirmations ──
  { name: 'unknown option', argv: ['init', '--bogus'], says: /unknown option '--bogus'/ },
  { name: 'app client of an unknown type', argv: [...YES, '--app-client', 'secretive'], says: /argument 'secretive' is invalid\. Allowed choices are public, confidential/ },
  { name: 'MFA mode unknown', argv: [...YES, '--mfa', 'sometimes'], says: /Allowed choices are off, optional, required/ },
  { name: 'endpoint type unknown', argv: [...YES, '--endpoint-type', 'PRIVATE'], says: /Allowed choices are REGIONAL, EDGE/ },
  { name: 'destroy with no terminal and no --yes', argv: ['destroy', '--stack', 'demo'], files: { '.secure-api/demo.json': state('demo') }, says: /no terminal to ask on[\s\S]*--yes/ },
  { name: 'init with no terminal and no --yes', argv: ['init', '--stack', 'demo'], says: /no terminal to ask on/ },
  { name: 'destroy --orphans without --stack', argv: ['destroy', '--orphans', '--yes'], says: /--orphans needs --stack NAME/ },
  { name: 'destroy --orphans with no terminal and no --yes', argv: ['destroy', '--orphans', '--stack', 'demo'], says: /no terminal to confirm on/ },
  { name: 'destroy --orphans while the state file exists', argv: ['destroy', '--orphans', '--yes', '--stack', 'demo'], files: { '.secure-api/demo.json': state('demo') }, says: /destroy --orphans is for a stack whose state file is lost/ },
  { name: 'policy for a bad account', argv: ['policy', '--account', 'me'], says: /--account: "me" is not a 12-digit AWS account id/ },
  { name: 'policy for a bad region', argv: ['policy', '--region', 'mars-1'], says: /--region: region "mars-1"/ },
];

describe(`bad input (${CASES.length} cases): exit 2, the problem named, no AWS call`, () => {
  it('holds at least 50 cases, each named once', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    s = scenario();
    for (const [file, text] of Object.entries(c.files ?? {})) {
      mkdirSync(join(s.cwd, file, '..'), { recursive: true });
      writeFileSync(join(s.cwd, file), text);
    }
    const r = await s.run(c.argv);
    figures.runs++;
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(c.says);
    expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
    expect(s.fake.calls, 'no AWS call').toEqual([]);
    figures.cases++;
    figures.faults++;
  });
});
