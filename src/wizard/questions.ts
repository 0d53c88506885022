import { threatProtectionFor, type StackConfig, type StackConfigInput } from '../config/schema.js';
import { Draft } from './draft.js';

/** One wizard question: the config key that answers it, and the init flag when there is one. */
export interface Question {
  step: number;
  /** Dotted config-file key ("userPool.mfa.mode"); run options (verify) have none. */
  key?: string;
  flag?: string;
  label: string;
  /** The answer --yes takes, shown in the refusal. */
  default: (c: StackConfig) => string;
  /** Whether the question comes up at all for these answers. @default always */
  applies?: (d: Draft) => boolean;
  /** Whether flags/config answered it. @default the key is present */
  answered?: (d: Draft, run: { verify?: boolean | undefined }) => boolean;
}

const secured = (d: Draft): boolean => {
  const routes = d.get('routes') as Array<{ public?: boolean }> | undefined;
  return !routes || routes.some((r) => r.public !== true);
};
const hostedUiOn = (d: Draft): boolean => secured(d) && d.get('hostedUi.enabled') !== false;

/** Every question the wizard may ask, in its order. The no-TTY refusal and the tests read this table. */
export const QUESTIONS: Question[] = [
  { step: 1, key: 'stack', flag: '--stack <name>', label: 'stack name', default: (c) => c.stack },
  { step: 1, key: 'region', flag: '--region <region>', label: 'AWS region', default: (c) => c.region },
  { step: 1, key: 'api.name', flag: '--api-name <name>', label: 'API name', default: (c) => c.api.name },
  { step: 1, key: 'api.description', flag: '--api-description <text>', label: 'API description', default: (c) => JSON.stringify(c.api.description) },
  { step: 1, key: 'api.endpointType', flag: '--endpoint-type <type>', label: 'endpoint type: REGIONAL or EDGE', default: (c) => c.api.endpointType },
  { step: 2, key: 'routes', flag: '--route <"METHODS /path">', label: 'resources, methods, integration', default: (c) => c.routes.map((r) => `${r.methods.join(',')} ${r.path}`).join('; ') + ', sample Lambda' },
  { step: 3, key: 'userPool.name', flag: '--user-pool-name <name>', label: 'user pool name', default: (c) => c.userPool.name, applies: secured },
  { step: 3, key: 'userPool.signInIdentifiers', flag: '--sign-in <list>', label: 'sign-in options: username, email, phone', default: (c) => c.userPool.signInIdentifiers.join(','), applies: secured },
  { step: 3, key: 'userPool.passwordPolicy', flag: '--password-min-length <n>', label: 'password policy', default: () => 'Cognito\'s, 8+ characters of every kind', applies: secured },
  { step: 3, key: 'userPool.mfa.mode', flag: '--mfa <mode>', label: 'MFA: off, optional or required', default: (c) => c.userPool.mfa.mode.toLowerCase(), applies: secured },
  { step: 3, key: 'userPool.email', flag: '--email <cognito|ses>', label: 'message delivery; SES also needs --email-from, --ses-identity-arn', default: () => 'cognito, 50 emails a day (SES: its sandbox delivers only to verified addresses)', applies: secured },
  { step: 3, key: 'userPool.selfSignUp', flag: '--self-sign-up / --no-self-sign-up', label: 'self sign-up', default: (c) => (c.userPool.selfSignUp ? 'on' : 'off'), applies: secured },
  { step: 3, key: 'userPool.accountRecovery', flag: '--account-recovery <how>', label: 'account recovery: email, phone or admin', default: (c) => ({ verified_email: 'email', verified_phone_number: 'phone', admin_only: 'admin' })[c.userPool.accountRecovery], applies: secured },
  { step: 3, key: 'userPool.deletionProtection', flag: '--deletion-protection / --no-deletion-protection', label: 'deletion protection', default: (c) => (c.userPool.deletionProtection ? 'on' : 'off'), applies: secured },
  { step: 3, key: 'userPool.threatProtection', flag: '--threat-protection <mode>', label: 'threat protection (PLUS plan): off, audit or enforced', default: (c) => threatProtectionFor(c.userPool).toLowerCase(),
    applies: (d) => secured(d) && d.get('userPool.tier') === 'PLUS' },
  { step: 3, key: 'userPool.identityProviders', label: 'federated identity providers (a --config key)', default: () => 'none', applies: hostedUiOn },
  { step: 3, key: 'hostedUi.enabled', flag: '--hosted-ui / --no-hosted-ui', label: 'hosted UI', default: () => 'on', applies: secured,
    answered: (d) => d.has('hostedUi.enabled') || d.has('hostedUi.domainPrefix') || ((d.get('userPool.identityProviders') as unknown[] | undefined)?.length ?? 0) > 0 },
  { step: 3, key: 'hostedUi.domainPrefix', flag: '--domain-prefix <prefix>', label: 'hosted UI domain prefix', default: (c) => c.hostedUi.domainPrefix, applies: hostedUiOn },
  { step: 3, key: 'hostedUi.callbackUrls', flag: '--callback-url <url>', label: 'hosted UI callback URLs', default: (c) => c.hostedUi.callbackUrls.join(','), applies: hostedUiOn },
  { step: 3, key: 'hostedUi.logoutUrls', flag: '--logout-url <url>', label: 'hosted UI sign-out URLs', default: (c) => c.hostedUi.logoutUrls.join(','), applies: hostedUiOn },
  { step: 3, key: 'appClient.type', flag: '--app-client <type>', label: 'app client type: public or confidential', default: (c) => c.appClient.type, applies: secured },
  { step: 3, key: 'appClient.name', flag: '--app-client-name <name>', label: 'app client name', default: (c) => c.appClient.name, applies: secured },
  { step: 3, key: 'appClient.tokenValidity', flag: '--access-token-minutes, --id-token-minutes, --refresh-token-days', label: 'token lifetimes',
    default: (c) => `${c.appClient.tokenValidity.accessTokenMinutes} min, ${c.appClient.tokenValidity.idTokenMinutes} min, ${c.appClient.tokenValidity.refreshTokenDays} days`, applies: secured },
  { step: 3, key: 'appClient.refreshTokenRotation', flag: '--refresh-token-rotation / --no-refresh-token-rotation', label: 'refresh-token rotation', default: (c) => (c.appClient.refreshTokenRotation ? 'on' : 'off'), applies: secured },
  { step: 4, key: 'authorizer.name', flag: '--authorizer-name <name>', label: 'authorizer name', default: (c) => c.authorizer.name, applies: secured },
  { step: 4, key: 'authorizer.identityHeader', flag: '--identity-header <header>', label: 'identity source header', default: (c) => c.authorizer.identityHeader, applies: secured },
  { step: 4, key: 'routes[].public', flag: '--public-route <"METHODS /path">', label: 'which routes the authorizer protects (the others: --public-route)', default: () => 'all of them',
    applies: (d) => d.has('routes') && secured(d), answered: (d) => ((d.get('routes') as Array<{ public?: boolean }> | undefined) ?? []).every((r) => r.public !== undefined) },
  { step: 4, key: 'authorizer.scopes', flag: '--authorizer-scopes <list>', label: 'id token, or access token with these scopes', default: () => 'id token', applies: secured },
  { step: 5, key: 'stage.name', flag: '--stage <name>', label: 'stage name', default: (c) => c.stage.name },
  { step: 5, key: 'stage.description', flag: '--stage-description <text>', label: 'stage description', default: () => 'none' },
  { step: 5, key: 'stage.tracing', flag: '--tracing / --no-tracing', label: 'X-Ray tracing of the stage', default: (c) => (c.stage.tracing ? 'on' : 'off') },
  { step: 5, key: 'stage.throttle', flag: '--throttle <RATE,BURST> / --no-throttle', label: 'default throttling of every method', default: (c) => (c.stage.throttle ? `${c.stage.throttle.rateLimit}/s, burst ${c.stage.throttle.burstLimit}` : 'none (the account limits)') },
  { step: 5, key: 'stage.accessLog', flag: '--access-log-retention <days> / --no-access-log', label: 'access log into a log group of its own', default: (c) => (c.stage.accessLog ? `kept ${c.stage.accessLog.retentionDays} days` : 'off') },
  { step: 6, flag: '--verify / --no-verify', label: 'test user and 401/200 proof after deploying', default: () => 'yes', answered: (_d, run) => run.verify !== undefined },
];

/**
 * The base of "Change this stack": the recorded configuration, under the answers (which merge over it as flags do,
 * so whatever no question asked this time stays as recorded: tags, the function's memory, the client's flows, a
 * hosted UI setting step 3 skipped). The API and the pool sources are the exception: a recorded existing API or pool
 * is kept only while the answers still name the same one (its chosen methods, its app client, its domain).
 */
export function recordedBase(recorded: StackConfigInput, answers: StackConfigInput): StackConfigInput {
  const base = structuredClone(recorded) as Record<string, unknown>;
  const idOf = (c: unknown, key: string) => ((c as Record<string, { id?: unknown } | undefined>)[key])?.id;
  for (const key of ['existingApi', 'existingPool']) if (idOf(recorded, key) === undefined || idOf(recorded, key) !== idOf(answers, key)) delete base[key];
  return base as StackConfigInput;
}

/** The questions flags and --config left open, with the default --yes would take for each. */
export function missingAnswers(known: StackConfigInput, config: StackConfig, run: { verify?: boolean | undefined } = {}): Array<{ question: Question; default: string }> {
  const d = new Draft(known);
  return QUESTIONS
    .filter((q) => (q.applies ?? (() => true))(d))
    .filter((q) => !(q.answered ? q.answered(d, run) : q.key !== undefined && d.has(q.key)))
    .map((q) => ({ question: q, default: q.default(config) }));
}

/** The refusal's body: one line per missing answer, its flag (or config key) first. */
export function missingAnswersText(missing: Array<{ question: Question; default: string }>): string {
  const names = missing.map((m) => m.question.flag ?? m.question.key ?? '');
  const width = Math.min(32, Math.max(...names.map((n) => n.length)));
  return missing.map((m, i) => `  ${names[i]!.padEnd(width)}  ${m.question.label}; default: ${m.default}`).join('\n');
}
