import { hostedUiOrigin } from '../aws/region.js';
import { defaultDomainPrefix, idpSecretEnv, randomSuffix } from '../config/resolve.js';
import type { IdentityProviderConfig } from '../config/schema.js';
import { checkCallbackUrl, checkDomainPrefix, checkHttpUrl, checkResourceName } from '../config/validators.js';
import type { WizardSession } from './session.js';

type IdpType = IdentityProviderConfig['type'];
const IDP_NAMES: Record<IdpType, string> = {
  Google: 'Google', Facebook: 'Facebook', LoginWithAmazon: 'Login with Amazon', SignInWithApple: 'Sign in with Apple', OIDC: 'OIDC provider',
};
const required = (what: string) => (v: string) => (v.trim() ? undefined : `${what} is required`);

/**
 * The secret goes into the environment variable the IdP's clientSecretEnv names, for this process only:
 * never into the config, the state file or --save-config.
 */
async function askSecret(s: WizardSession, idp: IdentityProviderConfig): Promise<void> {
  const envName = idpSecretEnv(idp);
  const what = idp.type === 'SignInWithApple' ? 'private key' : 'client secret';
  if (s.deps.env[envName]) {
    const use = await s.prompter.confirm({ message: `Use the ${IDP_NAMES[idp.type]} ${what} already in $${envName}?`, default: true });
    if (use) return;
  }
  const secret = await s.prompter.password({ message: `${IDP_NAMES[idp.type]} ${what} (hidden, never saved)`, validate: required(`the ${what}`) });
  s.deps.env[envName] = secret;
  s.note(`The ${what} is in $${envName} for this run only. To re-run with --yes, set ${envName} in your shell first.`);
}

async function askIdp(s: WizardSession, type: IdpType): Promise<IdentityProviderConfig> {
  const name = IDP_NAMES[type];
  const idp: IdentityProviderConfig = { type, clientId: (await s.prompter.input({ message: `${name}: client id`, validate: required('the client id') })).trim() };
  if (type === 'OIDC') idp.issuer = (await s.prompter.input({ message: 'OIDC issuer URL (https)', validate: (v) => checkHttpUrl(v.trim(), { allowHttp: false }) })).trim();
  if (type === 'SignInWithApple') {
    idp.teamId = (await s.prompter.input({ message: 'Apple team id', validate: required('the team id') })).trim();
    idp.keyId = (await s.prompter.input({ message: 'Apple key id', validate: required('the key id') })).trim();
  }
  return idp;
}

/** Federated identity providers: none by default; each with its client id and a hidden secret. */
export async function askIdentityProviders(s: WizardSession): Promise<void> {
  const key = 'userPool.identityProviders';
  const given = await s.givenOrKept(key, 'Federated identity providers', (v) => (v as IdentityProviderConfig[]).map((i) => i.name ?? i.type).join(', ') || 'none');
  if (!given) {
    if (s.draft.get('hostedUi.enabled') === false) {
      s.note('No federated identity providers: they sign in through the hosted UI, which is off.');
      s.answerDefault(key, []);
      return;
    }
    const types = await s.prompter.checkbox<IdpType>({
      message: 'Federated identity providers (none is fine)',
      choices: (Object.keys(IDP_NAMES) as IdpType[]).map((t) => ({ name: IDP_NAMES[t], value: t })),
    });
    // An empty selection shows as a blank answer: say what it means.
    if (!types.length) s.note('None: users sign in with the pool\'s own accounts.');
    const idps: IdentityProviderConfig[] = [];
    for (const t of types) idps.push(await askIdp(s, t));
    if (idps.length) s.draft.set(key, idps);
    else s.answerDefault(key, []);
  }
  // Given or answered, a provider without its secret would fail half-way through creation: ask now.
  for (const idp of (s.draft.get(key) as IdentityProviderConfig[] | undefined) ?? []) await askSecret(s, idp);
}

/** A comma-separated list of callback or sign-out URLs, each checked as the config file checks it. */
async function askUrls(s: WizardSession, key: string, message: string, def: string[]): Promise<void> {
  if (s.given(key, message, (v) => (v as string[]).join(', '))) return;
  const split = (v: string) => v.split(/[\s,]+/).filter(Boolean);
  const answer = await s.prompter.input({
    message, default: s.recordedOr<string[]>(key, def).join(', '),
    validate: (v) => (split(v).length ? split(v).map((u) => checkCallbackUrl(u)).find((e) => e !== undefined) : 'give at least one URL'),
  });
  s.draft.set(key, split(answer));
}

/** The hosted UI: its domain prefix, then where it sends users back after sign-in and sign-out. */
export async function askHostedUi(s: WizardSession): Promise<void> {
  if (!await askDomain(s)) return;
  await askUrls(s, 'hostedUi.callbackUrls', 'Callback URLs after sign-in (comma-separated)', ['http://localhost:8765/callback']);
  await askUrls(s, 'hostedUi.logoutUrls', 'Sign-out URLs (comma-separated)', ['http://localhost:8765/']);
}

/** The hosted UI and its domain prefix: format always, availability when there are credentials. False: no hosted UI. */
async function askDomain(s: WizardSession): Promise<boolean> {
  const idps = (s.draft.get('userPool.identityProviders') as unknown[] | undefined) ?? [];
  if (!s.draft.has('hostedUi.enabled') && (idps.length || s.draft.has('hostedUi.domainPrefix'))) {
    // Federated sign-in needs it, or a domain prefix was given: the hosted UI is on without asking.
    s.draft.set('hostedUi.enabled', true);
    if (idps.length) s.note('Hosted UI: on (federated sign-in goes through it).');
  } else if (!await s.askConfirm('hostedUi.enabled', 'Use the hosted UI (Cognito\'s sign-in pages)?', true)) return false;
  const stack = String(s.draft.get('stack'));
  const region = String(s.draft.get('region') ?? s.deps.defaultRegion);
  let retries = 0;
  const suggest = (): string => {
    // The derived suffix first (the one --yes would use); a fresh random one once that prefix is taken.
    const suffix = s.deps.suffix && retries++ === 0 ? s.deps.suffix(stack) : randomSuffix();
    return defaultDomainPrefix(stack, suffix);
  };
  let suggestion = suggest();
  for (;;) {
    const prefix = await s.askText('hostedUi.domainPrefix', 'Hosted UI domain prefix', {
      default: suggestion, validate: (v) => checkDomainPrefix(v.trim()),
    });
    if (s.recorded?.get('hostedUi.domainPrefix') === prefix) {
      s.note(`https://${prefix}.auth.${region}.amazoncognito.com is this stack's own domain: kept.`);
      return true;
    }
    const lookups = s.lookups;
    if (!lookups) {
      s.note('Format checked. Availability is not checked without AWS credentials: creating the domain will say if it is taken.');
      return true;
    }
    try {
      if (!await lookups.domainTaken(region, prefix)) {
        s.note(`${hostedUiOrigin(prefix, region)} is free (format checked; availability checked with DescribeUserPoolDomain).`);
        return true;
      }
      s.warn(`The domain prefix ${prefix} is taken in ${region} (prefixes are unique per region, across all accounts): choose another.`);
      s.draft.set('hostedUi.domainPrefix', undefined);
      suggestion = suggest();
    } catch (err) {
      s.note(`Format checked; availability could not be (${(err as Error).message}).`);
      return true;
    }
  }
}

/** The initial app client: public, or confidential with a secret. */
export async function askAppClient(s: WizardSession): Promise<void> {
  const stack = String(s.draft.get('stack'));
  await s.askSelect('appClient.type', 'App client type', [
    { name: 'Public client', value: 'public', description: 'No secret: browser and mobile apps' },
    { name: 'Confidential client', value: 'confidential', description: 'With a client secret: server-side apps' },
  ], 'public');
  await s.askText('appClient.name', 'App client name', { default: `${stack}-client`, validate: (v) => checkResourceName(v.trim(), 'app client name', 128) });
  await askTokens(s);
}

/** How long tokens live, and refresh-token rotation: shorter limits what a stolen token can do. */
async function askTokens(s: WizardSession): Promise<void> {
  const shown = (v: unknown): string => {
    const t = v as { accessTokenMinutes?: number; idTokenMinutes?: number; refreshTokenDays?: number };
    return `access ${t.accessTokenMinutes ?? 60} min, id ${t.idTokenMinutes ?? 60} min, refresh ${t.refreshTokenDays ?? 30} days`;
  };
  if (!await s.givenOrKept('appClient.tokenValidity', 'Token lifetimes', shown)) {
    const custom = await s.prompter.select<boolean>({
      message: 'Token lifetimes',
      choices: [
        { name: 'Cognito defaults', value: false, description: 'Access and id tokens 60 minutes, refresh tokens 30 days' },
        { name: 'Custom', value: true, description: 'Shorter lifetimes limit what a stolen token can do' },
      ],
      default: false,
    });
    const def = { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 };
    if (!custom) s.answerDefault('appClient.tokenValidity', def);
    else {
      s.draft.set('appClient.tokenValidity', {
        accessTokenMinutes: await s.prompter.number({ message: 'Access token lifetime in minutes (5 to 1440)', default: 60, min: 5, max: 1440 }),
        idTokenMinutes: await s.prompter.number({ message: 'Id token lifetime in minutes (5 to 1440)', default: 60, min: 5, max: 1440 }),
        refreshTokenDays: await s.prompter.number({ message: 'Refresh token lifetime in days (1 to 3650)', default: 30, min: 1, max: 3650 }),
      });
    }
  }
  await s.askConfirm('appClient.refreshTokenRotation',
    'Rotate refresh tokens? (each refresh returns a new one and retires the old; apps must refresh with GetTokensFromRefreshToken)', false);
}
