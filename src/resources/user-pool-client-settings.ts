/**
 * An app client's settings, both ways: the request built from a spec, and the live client read back as the same
 * settings (observeClient), so drift is settingsDrift(clientSettings(spec), observeClient(live)). Sets (flows, scopes,
 * URLs, providers) are compared whole: an added callback URL is drift as much as a missing one (issue 25.3). Pure.
 */
import type {
  CreateUserPoolClientCommandInput, ExplicitAuthFlowsType, TimeUnitsType, UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DriftChange } from '../plan/changes.js';
import type { SpecByKind } from '../plan/specs.js';
import { asSet, settingsDrift } from './settings-drift.js';

type Spec = SpecByKind['user-pool-client'];

/** Cognito's own defaults, what a client made before these were settings has (CreateUserPoolClient, API reference). */
export const DEFAULT_TOKEN_VALIDITY = { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 } as const;

const tokenValidityOf = (spec: Spec) => spec.tokenValidity ?? DEFAULT_TOKEN_VALIDITY;

/** The CreateUserPoolClient request for a spec (pure, so the mapping is tested on its own). */
export function createUserPoolClientInput(spec: Spec, userPoolId: string): CreateUserPoolClientCommandInput {
  const oauth = spec.oauth;
  const tv = tokenValidityOf(spec);
  return {
    UserPoolId: userPoolId,
    ClientName: spec.name,
    GenerateSecret: spec.generateSecret,
    // The config schema only admits Cognito's flow names.
    ExplicitAuthFlows: spec.authFlows as ExplicitAuthFlowsType[],
    SupportedIdentityProviders: spec.supportedIdentityProviders,
    // Sign-in errors do not reveal whether a user exists.
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
    AccessTokenValidity: tv.accessTokenMinutes,
    IdTokenValidity: tv.idTokenMinutes,
    RefreshTokenValidity: tv.refreshTokenDays,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    ...(spec.refreshTokenRotation ? { RefreshTokenRotation: { Feature: 'ENABLED' } } : {}),
    ...(oauth
      ? {
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: oauth.flows.length > 0 ? oauth.flows : ['code'],
        AllowedOAuthScopes: oauth.scopes,
        // A machine client (client_credentials) redirects nowhere: no URLs at all.
        ...(oauth.callbackUrls.length > 0 ? { CallbackURLs: oauth.callbackUrls } : {}),
        ...(oauth.logoutUrls.length > 0 ? { LogoutURLs: oauth.logoutUrls } : {}),
      }
      : {}),
  };
}

/** The settings a spec asks the client to hold, in the shape observeClient reads them back (paths are the spec's). */
export function clientSettings(spec: Spec) {
  const oauth = spec.oauth;
  return {
    name: spec.name,
    authFlows: asSet(spec.authFlows),
    supportedIdentityProviders: asSet(spec.supportedIdentityProviders),
    preventUserExistenceErrors: 'ENABLED' as string | undefined,
    enableTokenRevocation: true as boolean | undefined,
    tokenValidity: { ...tokenValidityOf(spec) } as Record<string, number | undefined>,
    refreshTokenRotation: spec.refreshTokenRotation ?? false,
    oauth: {
      enabled: oauth !== undefined,
      flows: asSet(oauth ? (oauth.flows.length > 0 ? oauth.flows : ['code']) : []),
      scopes: asSet(oauth?.scopes),
      callbackUrls: asSet(oauth?.callbackUrls),
      logoutUrls: asSet(oauth?.logoutUrls),
    },
  };
}
export type ClientSettings = ReturnType<typeof clientSettings>;

const MINUTES: Record<TimeUnitsType, number> = { seconds: 1 / 60, minutes: 1, hours: 60, days: 24 * 60 };

/** A validity in the unit the spec counts it in; absent value or unit: Cognito's default for that token. */
function inUnit(value: number | undefined, unit: TimeUnitsType | undefined, defaultUnit: TimeUnitsType, want: 'minutes' | 'days'): number | undefined {
  if (value === undefined) return undefined;
  const minutes = value * MINUTES[unit ?? defaultUnit];
  return want === 'days' ? minutes / MINUTES.days : minutes;
}

/** The live client read back as settings (DescribeUserPoolClient). Its secret is write-only: never read, never compared. */
export function observeClient(c: UserPoolClientType): ClientSettings {
  const units = c.TokenValidityUnits;
  return {
    name: c.ClientName ?? '',
    authFlows: asSet(c.ExplicitAuthFlows),
    supportedIdentityProviders: asSet(c.SupportedIdentityProviders),
    preventUserExistenceErrors: c.PreventUserExistenceErrors,
    enableTokenRevocation: c.EnableTokenRevocation,
    tokenValidity: {
      // Access and id tokens count in hours and refresh tokens in days unless TokenValidityUnits says otherwise.
      accessTokenMinutes: inUnit(c.AccessTokenValidity, units?.AccessToken, 'hours', 'minutes') ?? DEFAULT_TOKEN_VALIDITY.accessTokenMinutes,
      idTokenMinutes: inUnit(c.IdTokenValidity, units?.IdToken, 'hours', 'minutes') ?? DEFAULT_TOKEN_VALIDITY.idTokenMinutes,
      refreshTokenDays: inUnit(c.RefreshTokenValidity, units?.RefreshToken, 'days', 'days') ?? DEFAULT_TOKEN_VALIDITY.refreshTokenDays,
    },
    refreshTokenRotation: c.RefreshTokenRotation?.Feature === 'ENABLED',
    oauth: {
      enabled: c.AllowedOAuthFlowsUserPoolClient === true,
      flows: asSet(c.AllowedOAuthFlows),
      scopes: asSet(c.AllowedOAuthScopes),
      callbackUrls: asSet(c.CallbackURLs),
      logoutUrls: asSet(c.LogoutURLs),
    },
  };
}

/** What the live client has other than the spec's settings: what status reports, and the update puts back. */
export function clientDrift(spec: Spec, client: UserPoolClientType): DriftChange[] {
  return settingsDrift(clientSettings(spec), observeClient(client));
}
