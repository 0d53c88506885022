import type { DriftChange } from '../plan/changes.js';
import {
  CreateUserPoolClientCommand, DeleteUserPoolClientCommand, DescribeUserPoolClientCommand, ListUserPoolClientsCommand,
  type CreateUserPoolClientCommandInput, type ExplicitAuthFlowsType, type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SpecByKind } from '../plan/specs.js';
import { createOrFind } from './create-or-find.js';
import { ignoreNotFound, undefinedIfNotFound, userPoolIdOf } from './refs.js';
import type { ResourceHandler } from './types.js';
import { updateUserPoolClient } from './cognito-updates.js';

type Spec = SpecByKind['user-pool-client'];

/** The CreateUserPoolClient request for a spec (pure, so the mapping is tested on its own). */
export function createUserPoolClientInput(spec: Spec, userPoolId: string): CreateUserPoolClientCommandInput {
  const oauth = spec.oauth;
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

/** The hosted UI needs the client's OAuth settings: the code flow, the scopes and the callback URL it redirects to. */
export function oauthDrift(spec: Spec, client: UserPoolClientType): DriftChange[] {
  const oauth = spec.oauth;
  if (!oauth) return [];
  if (!client.AllowedOAuthFlowsUserPoolClient) return [{ path: 'oauth.enabled', before: true, after: false }];
  const lacking = (path: string, want: string[], have: string[] | undefined): DriftChange[] =>
    (want.some((w) => !(have ?? []).includes(w)) ? [{ path, before: want, after: have ?? [] }] : []);
  return [
    ...lacking('oauth.flows', oauth.flows.length > 0 ? oauth.flows : ['code'], client.AllowedOAuthFlows),
    ...lacking('oauth.scopes', oauth.scopes, client.AllowedOAuthScopes),
    ...lacking('oauth.callbackUrls', oauth.callbackUrls, client.CallbackURLs),
  ];
}

/**
 * The app client users sign in through. Its secret (when generated) is never returned from here and
 * never stored: whoever needs it (SECRET_HASH in verify/) reads it from Cognito at that moment.
 */
export const userPoolClientHandler: ResourceHandler<Spec> = {
  kind: 'user-pool-client',
  service: 'cognito',
  immutable: ['generateSecret'],
  update: (ctx, want, out, deps) => updateUserPoolClient(ctx, want, out, deps),

  async create(ctx, spec, deps) {
    // Not idempotent: after a lost answer, look for it by its name in our pool before making another.
    return createOrFind(ctx, { what: `app client ${spec.name}`, service: 'cognito', command: 'CreateUserPoolClientCommand' }, async () => {
      const res = await ctx.clients.cognito.send(new CreateUserPoolClientCommand(createUserPoolClientInput(spec, userPoolIdOf(deps))));
      const clientId = res.UserPoolClient?.ClientId;
      if (!clientId) throw new Error(`CreateUserPoolClient returned no client id for ${spec.name}`);
      return { clientId };
    }, () => userPoolClientHandler.find(ctx, spec, deps));
  },

  async find(ctx, spec, deps) {
    const userPoolId = userPoolIdOf(deps);
    let token: string | undefined;
    do {
      const page = await ctx.clients.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: token }));
      const hit = page.UserPoolClients?.find((c) => c.ClientName === spec.name);
      if (hit?.ClientId) return { clientId: hit.ClientId };
      token = page.NextToken;
    } while (token);
    return undefined;
  },

  async read(ctx, spec, out, deps) {
    const res = await undefinedIfNotFound(ctx.clients.cognito.send(new DescribeUserPoolClientCommand({
      UserPoolId: userPoolIdOf(deps), ClientId: out.clientId,
    })));
    const client = res?.UserPoolClient;
    if (!client) return { state: 'missing' };
    const drift: DriftChange[] = [];
    const flows = new Set<string>(client.ExplicitAuthFlows ?? []);
    const missing = spec.authFlows.filter((f) => !flows.has(f));
    if (missing.length > 0) drift.push({ path: 'authFlows', before: spec.authFlows, after: [...flows] });
    // Only whether a secret exists is looked at; its value is never kept.
    if (Boolean(client.ClientSecret) !== spec.generateSecret) drift.push({ path: 'generateSecret', before: spec.generateSecret, after: Boolean(client.ClientSecret) });
    const idps = new Set(client.SupportedIdentityProviders ?? []);
    const missingIdps = spec.supportedIdentityProviders.filter((p) => !idps.has(p));
    if (missingIdps.length > 0) drift.push({ path: 'supportedIdentityProviders', before: spec.supportedIdentityProviders, after: [...idps] });
    drift.push(...oauthDrift(spec, client));
    return drift.length > 0 ? { state: 'drifted', drift, out } : { state: 'present', out };
  },

  async delete(ctx, _spec, out, deps) {
    await ignoreNotFound(ctx.clients.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolIdOf(deps), ClientId: out.clientId })));
  },
};
