import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { checkCognitoRules, withRefreshTokenFlow } from './cognito-rules.js';
import { StackConfigSchema, type StackConfig } from './schema.js';
import { closestKey } from './did-you-mean.js';
import { checkDomainPrefix } from './validators.js';

/** Render zod issues as one message per problem, naming the field as a config-file path. */
export function formatIssues(issues: z.core.$ZodIssue[], source: string, schema: z.ZodType = StackConfigSchema): string {
  const lines = issues.map((i) => {
    const where = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    let msg = i.message;
    if (i.code === 'unrecognized_keys') {
      msg = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => {
        const near = closestKey(schema, i.path, k);
        return `"${k}"${near ? ` (did you mean "${near}"?)` : ''}`;
      }).join(', ')}`;
    }
    if (i.code === 'invalid_value' && 'values' in i) msg = `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`;
    return `  ${where}: ${msg}`;
  });
  return `${source} is not valid:\n${lines.join('\n')}`;
}

/**
 * The letters of a default suffix: no vowels, so a suffix never spells a word, and above all never one of those Cognito
 * refuses in a domain prefix ("aws", "amazon", "cognito" all need an a or an o; see checkDomainPrefix). With a and o
 * drawn, about one derived prefix in 8,700 held "aws" and `init --yes` stopped on a name the user never chose.
 */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxyz0123456789';

const toSuffix = (bytes: Iterable<number>): string => [...bytes].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');

export function randomSuffix(n = 6): string {
  return toSuffix(randomBytes(n));
}

/**
 * The default domain prefix's suffix, derived rather than drawn: the same stack name and salt (init passes the state
 * directory and the machine) give the same six characters, so the prefix `--dry-run` shows is the one `--yes` creates.
 * Neither the account nor the region enters it: changing either does not change the plan's names.
 */
export function derivedSuffix(stack: string, salt: string, n = 6): string {
  return toSuffix(createHash('sha256').update(`${stack}\0${salt}`).digest().subarray(0, n));
}

/**
 * The domain prefix a stack gets when none is given: `<stack>-<suffix>`, or `login-<suffix>` when the stack name
 * itself cannot start one (it holds a word Cognito reserves, such as "my-aws-api"). The wizard suggests the same.
 */
export function defaultDomainPrefix(stack: string, suffix: string): string {
  return checkDomainPrefix(`${stack}-${suffix}`) ? `login-${suffix}` : `${stack}-${suffix}`;
}

export interface ResolveOptions {
  /** Region when neither flag nor file gives one (AWS_REGION, the profile's region…). */
  defaultRegion: string;
  /** The domain prefix already recorded for this stack, so a re-run resolves to the same config. */
  existingDomainPrefix?: string | undefined;
  /** Where the input came from, for messages. @default 'the configuration' */
  source?: string;
  /** The default domain prefix's suffix for a stack. @default randomSuffix */
  suffix?: (stack: string) => string;
  /**
   * Ends the default role and function names (see stateNameSuffix): those names are unique in an account, so two
   * stacks of the same name (two people, two state files) must not share them. Absent: `<stack>-fn`, `<stack>-fn-role`
   * (states made before version 2, whose resources have those names).
   */
  nameSuffix?: string | undefined;
  /** The role and function names already recorded for this stack: a recorded stack keeps its names. */
  existingNames?: { functionName?: string | undefined; roleName?: string | undefined } | undefined;
}

/** Six characters of the state id: short, readable, and different for every state. */
export function stateNameSuffix(stateId: string): string {
  return stateId.replace(/[^a-z0-9]/gi, '').slice(0, 6).toLowerCase();
}

/** Validate and fill every default: the one place a StackConfig is made (flags, --config file and the wizard all end here). */
export function resolveConfig(input: unknown, opts: ResolveOptions): StackConfig {
  const parsed = StackConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error.issues, opts.source ?? 'the configuration'), (cmd) => `docs/configuration.md lists every key; \`${cmd('show --json')}\` prints a stack's recorded configuration.`, 'BAD_CONFIG');
  const c = parsed.data;
  const stack = c.stack;
  const explicitPrefix = c.hostedUi.domainPrefix;
  const domainPrefix = explicitPrefix ?? opts.existingDomainPrefix ?? defaultDomainPrefix(stack, opts.suffix ? opts.suffix(stack) : randomSuffix());
  if (c.hostedUi.enabled) {
    const err = checkDomainPrefix(domainPrefix);
    if (err) throw new UsageError(`${err}${explicitPrefix ? '' : opts.existingDomainPrefix ? ' (recorded for this stack)' : ''}`, 'Choose one with --domain-prefix or hostedUi.domainPrefix, or turn the hosted UI off with --no-hosted-ui.');
  }
  const end = opts.nameSuffix ? `-${opts.nameSuffix}` : '';
  const seen = new Map<string, Set<string>>();
  for (const r of c.routes) {
    const key = r.path.replace(/\{[^}]+\}/g, '{}');
    const methods = seen.get(key) ?? new Set<string>();
    for (const m of r.methods) {
      if (methods.has(m)) throw new UsageError(`route ${m} ${r.path} is given twice`);
      methods.add(m);
    }
    seen.set(key, methods);
  }
  // Two different parameter names at the same position make API Gateway refuse the second resource.
  const paramAt = new Map<string, string>();
  for (const r of c.routes) {
    const segs = r.path.split('/').filter(Boolean);
    segs.forEach((s, i) => {
      if (!s.startsWith('{')) return;
      const parent = '/' + segs.slice(0, i).join('/');
      const prior = paramAt.get(parent);
      if (prior && prior !== s) throw new UsageError(`paths "${parent}/${prior}" and "${parent}/${s}" use different parameter names at the same place; API Gateway allows one`);
      paramAt.set(parent, s);
    });
  }
  // Your API's methods keep their own integrations: no sample function is there to check cognito:groups.
  const grouped = c.routes.filter((r) => r.groups?.length);
  if (c.existingApi && grouped.length) {
    throw new UsageError(`routes of your API (--api-id) cannot be restricted to groups (${grouped.map((r) => `${r.methods.join(',')} ${r.path}`).join('; ')}): API Gateway's Cognito authorizer checks the token, not group membership, and your methods' own backends answer them`,
      'Check the cognito:groups claim (event.requestContext.authorizer.claims) in your backend, or require OAuth scopes with --authorizer-scopes.', 'GROUPS_NEED_SAMPLE');
  }
  if (c.userPool.identityProviders.length && !c.hostedUi.enabled) {
    throw new UsageError('federated identity providers sign in through the hosted UI: turn it on (remove --no-hosted-ui) or remove userPool.identityProviders');
  }
  const idpNames = new Set<string>();
  for (const idp of c.userPool.identityProviders) {
    const n = idp.name ?? idp.type;
    if (idpNames.has(n)) throw new UsageError(`identity provider "${n}" is listed twice`);
    idpNames.add(n);
  }
  if (c.userPool.accountRecovery === 'verified_phone_number' && !c.userPool.signInIdentifiers.includes('phone')) {
    throw new UsageError('account recovery by verified phone needs "phone" among userPool.signInIdentifiers');
  }
  checkCognitoRules(c);
  return {
    ...c,
    stack,
    region: c.region ?? opts.defaultRegion,
    api: { ...c.api, name: c.api.name ?? `${stack}-api` },
    function: {
      ...c.function,
      name: c.function.name ?? opts.existingNames?.functionName ?? `${stack}-fn${end}`,
      roleName: c.function.roleName ?? opts.existingNames?.roleName ?? `${stack}-fn-role${end}`,
    },
    userPool: { ...c.userPool, name: c.userPool.name ?? `${stack}-users` },
    // The access log group's name is unique in the account and region: it ends like the function's (two states, two groups).
    stage: {
      ...c.stage,
      accessLog: c.stage.accessLog && { ...c.stage.accessLog, logGroupName: c.stage.accessLog.logGroupName ?? `/aws/apigateway/${stack}${end}/${c.stage.name}/access` },
    },
    hostedUi: { ...c.hostedUi, domainPrefix },
    appClient: { ...c.appClient, name: c.appClient.name ?? `${stack}-client`, authFlows: withRefreshTokenFlow(c.appClient.authFlows) },
  };
}

/** The environment variable an IdP's secret is read from. */
export function idpSecretEnv(idp: { type: string; name?: string | undefined; clientSecretEnv?: string | undefined }): string {
  return idp.clientSecretEnv ?? `SECURE_API_IDP_${(idp.name ?? idp.type).toUpperCase().replace(/[^A-Z0-9]/g, '_')}_SECRET`;
}
