import type {
  CreateIdentityProviderCommandInput, CreateIdentityProviderCommandOutput, CreateUserPoolClientCommandInput,
  CreateUserPoolClientCommandOutput, DeleteIdentityProviderCommandInput, DeleteUserPoolClientCommandInput,
  DescribeIdentityProviderCommandInput, DescribeIdentityProviderCommandOutput, DescribeUserPoolClientCommandInput,
  DescribeUserPoolClientCommandOutput, IdentityProviderType, ListIdentityProvidersCommandInput, ListIdentityProvidersCommandOutput,
  ListUserPoolClientsCommandInput, ListUserPoolClientsCommandOutput, UpdateIdentityProviderCommandInput,
  UpdateIdentityProviderCommandOutput, UpdateUserPoolClientCommandInput,
  UpdateUserPoolClientCommandOutput, UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoPage, fail, getPool } from './cognito-pools.js';
import { scopeDefined } from './cognito-resource-servers.js';
import { LOWER_ALNUM, compact, copy, date, randomString, uniqueId, type Ctx, type Handlers, type Out } from './core.js';
import type { ClientRecord, IdpRecord, PoolRecord } from './state.js';

const PROVIDER_TYPES = new Set(['SAML', 'Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple', 'OIDC']);
/** The attribute Cognito maps to `username` when the mapping does not say. */
const USERNAME_SOURCE: Record<string, string> = { Google: 'sub', OIDC: 'sub', SignInWithApple: 'sub', Facebook: 'id', LoginWithAmazon: 'user_id' };
const STANDARD_SCOPES = new Set(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']);
const DEFAULT_AUTH_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'] as const;

function idpOut(p: IdpRecord): IdentityProviderType {
  return { ...copy(p), CreationDate: date(p.CreationDate), LastModifiedDate: date(p.LastModifiedDate) };
}

function clientOut(c: ClientRecord): UserPoolClientType {
  return { ...copy(c), CreationDate: date(c.CreationDate), LastModifiedDate: date(c.LastModifiedDate) };
}

function getClient(ctx: Ctx, poolId: string | undefined, clientId: string | undefined): { pool: PoolRecord; client: ClientRecord } {
  const pool = getPool(ctx, poolId);
  const client = pool.clients[clientId ?? ''];
  if (!client) fail('ResourceNotFoundException', `User pool client ${clientId ?? ''} does not exist.`);
  return { pool, client };
}

type ClientSettings = Omit<CreateUserPoolClientCommandInput, 'UserPoolId' | 'GenerateSecret' | 'ClientSecret'>;

function validateUrl(kind: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail('InvalidParameterException', `Invalid ${kind}: ${url}`);
  }
  const local = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1';
  if (parsed.protocol === 'http:' && !local) fail('InvalidParameterException', `${kind} must use HTTPS unless it points to localhost: ${url}`);
  if (parsed.hash) fail('InvalidParameterException', `${kind} must not contain a fragment: ${url}`);
}

/** The checks Cognito makes on a client's settings (Create and Update alike). */
function validateClient(pool: PoolRecord, c: ClientSettings, hasSecret: boolean): void {
  for (const p of c.SupportedIdentityProviders ?? []) {
    if (p !== 'COGNITO' && !pool.idps[p]) fail('InvalidParameterException', `The provider ${p} does not exist for User Pool ${pool.Id}`);
  }
  for (const u of c.CallbackURLs ?? []) validateUrl('CallbackURL', u);
  for (const u of c.LogoutURLs ?? []) validateUrl('LogoutURL', u);
  if (c.DefaultRedirectURI !== undefined && !(c.CallbackURLs ?? []).includes(c.DefaultRedirectURI)) {
    fail('InvalidParameterException', 'DefaultRedirectURI must be one of the CallbackURLs.');
  }
  const flows = c.ExplicitAuthFlows ?? [];
  if (flows.some((f) => f.startsWith('ALLOW_')) && flows.some((f) => !f.startsWith('ALLOW_'))) {
    fail('InvalidParameterException', 'ExplicitAuthFlows can not have both legacy and ALLOW_ prefixed values.');
  }
  // Given flows must allow refreshing tokens: "REFRESH_TOKEN_AUTH should always be allowed." (aws-cdk #7625).
  if (flows.some((f) => f.startsWith('ALLOW_')) && !flows.includes('ALLOW_REFRESH_TOKEN_AUTH')) {
    fail('InvalidParameterException', 'REFRESH_TOKEN_AUTH should always be allowed.');
  }
  // A custom scope must be defined by a resource server of the pool first: "ScopeDoesNotExistException: Invalid scope
  // requested" (aws-cdk #10676; API_CreateUserPoolClient, AllowedOAuthScopes).
  for (const scope of c.AllowedOAuthScopes ?? []) {
    if (!STANDARD_SCOPES.has(scope) && !scopeDefined(pool, scope)) fail('ScopeDoesNotExistException', `Invalid scope requested: ${scope}`);
  }
  if (!c.AllowedOAuthFlowsUserPoolClient) return;
  const oauth = c.AllowedOAuthFlows ?? [];
  if (oauth.length === 0) fail('InvalidParameterException', 'AllowedOAuthFlows are required when AllowedOAuthFlowsUserPoolClient is true.');
  if (!c.AllowedOAuthScopes?.length) fail('InvalidParameterException', 'AllowedOAuthScopes are required when AllowedOAuthFlowsUserPoolClient is true.');
  // "client_credentials: Issue the access token from the /oauth2/token endpoint directly to a non-person user using a
  // combination of the client ID and client secret" (UserPoolClientType.AllowedOAuthFlows, Cognito API reference).
  if (oauth.includes('client_credentials')) {
    if (!hasSecret) fail('InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.');
    if (oauth.length > 1) fail('InvalidOAuthFlowException', 'client_credentials flow can not be selected with other flows.');
  } else {
    if (!c.CallbackURLs?.length) fail('InvalidParameterException', 'CallbackURLs are required for the code and implicit OAuth flows.');
    if (!c.SupportedIdentityProviders?.length) fail('InvalidParameterException', 'SupportedIdentityProviders are required for the code and implicit OAuth flows.');
  }
}

/** A client's stored settings: what was given, with Cognito's defaults for the rest. */
function settings(c: ClientSettings): Omit<ClientRecord, 'ClientId' | 'UserPoolId' | 'CreationDate' | 'LastModifiedDate'> {
  return compact({
    ...copy(c),
    RefreshTokenValidity: c.RefreshTokenValidity ?? 30,
    TokenValidityUnits: copy(c.TokenValidityUnits) ?? { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' },
    ExplicitAuthFlows: c.ExplicitAuthFlows ? [...c.ExplicitAuthFlows] : [...DEFAULT_AUTH_FLOWS],
    AllowedOAuthFlowsUserPoolClient: c.AllowedOAuthFlowsUserPoolClient ?? false,
    PreventUserExistenceErrors: c.PreventUserExistenceErrors ?? 'ENABLED',
    EnableTokenRevocation: c.EnableTokenRevocation ?? true,
    EnablePropagateAdditionalUserContextData: c.EnablePropagateAdditionalUserContextData ?? false,
    AuthSessionValidity: c.AuthSessionValidity ?? 3,
  });
}

export const clientHandlers: Handlers = {
  CreateIdentityProvider(ctx, input: CreateIdentityProviderCommandInput): Out<CreateIdentityProviderCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const name = input.ProviderName ?? '';
    const type = input.ProviderType ?? '';
    if (!/^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u.test(name) || name.length > 32) {
      fail('InvalidParameterException', `Invalid provider name: ${name}`);
    }
    if (!PROVIDER_TYPES.has(type)) fail('InvalidParameterException', `Invalid provider type: ${type}`);
    // A social provider is named exactly as its type; only OIDC and SAML names are free:
    // "Provider NameOfGP cannot be of type Google." (aws-cli #3179, terraform-provider-aws #4822).
    if (type !== 'OIDC' && type !== 'SAML' && name !== type) fail('InvalidParameterException', `Provider ${name} cannot be of type ${type}.`);
    if (pool.idps[name] || name === 'COGNITO') fail('DuplicateProviderException', `A provider with the name ${name} already exists in this user pool.`);
    const details = input.ProviderDetails ?? {};
    if (type === 'SAML' ? !details.MetadataURL && !details.MetadataFile : !details.client_id) {
      fail('InvalidParameterException', type === 'SAML' ? 'MetadataURL or MetadataFile is required for a SAML provider.' : `client_id is required for a ${type} provider.`);
    }
    if (type !== 'SAML' && type !== 'SignInWithApple' && !details.authorize_scopes) {
      fail('InvalidParameterException', `authorize_scopes is required for a ${type} provider.`);
    }
    const mapping = { ...input.AttributeMapping };
    const usernameSource = USERNAME_SOURCE[type];
    if (usernameSource !== undefined && mapping.username === undefined) mapping.username = usernameSource;
    const now = ctx.now();
    const idp: IdpRecord = compact({
      UserPoolId: pool.Id, ProviderName: name, ProviderType: input.ProviderType, ProviderDetails: { ...details },
      AttributeMapping: mapping, IdpIdentifiers: copy(input.IdpIdentifiers), CreationDate: now, LastModifiedDate: now,
    });
    pool.idps[name] = idp;
    return { IdentityProvider: idpOut(idp) };
  },

  DescribeIdentityProvider(ctx, input: DescribeIdentityProviderCommandInput): Out<DescribeIdentityProviderCommandOutput> {
    const idp = getPool(ctx, input.UserPoolId).idps[input.ProviderName ?? ''];
    if (!idp) fail('ResourceNotFoundException', `Identity provider ${input.ProviderName ?? ''} does not exist.`);
    return { IdentityProvider: idpOut(idp) };
  },

  ListIdentityProviders(ctx, input: ListIdentityProvidersCommandInput): Out<ListIdentityProvidersCommandOutput> {
    const all = Object.values(getPool(ctx, input.UserPoolId).idps).map((p) => ({
      ProviderName: p.ProviderName, ProviderType: p.ProviderType, CreationDate: date(p.CreationDate), LastModifiedDate: date(p.LastModifiedDate),
    }));
    const p = cognitoPage(all, input.NextToken, input.MaxResults);
    return compact({ Providers: p.items, NextToken: p.next });
  },

  /**
   * ProviderDetails and AttributeMapping, when given, replace the stored ones whole; name and type never change
   * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateIdentityProvider.html).
   */
  UpdateIdentityProvider(ctx, input: UpdateIdentityProviderCommandInput): Out<UpdateIdentityProviderCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const idp = pool.idps[input.ProviderName ?? ''];
    if (!idp) fail('ResourceNotFoundException', `Identity provider ${input.ProviderName ?? ''} does not exist.`);
    const details = input.ProviderDetails ?? idp.ProviderDetails ?? {};
    if (idp.ProviderType !== 'SAML' && !details.client_id) fail('InvalidParameterException', `client_id is required for a ${idp.ProviderType ?? ''} provider.`);
    const mapping = input.AttributeMapping ? { ...input.AttributeMapping } : { ...idp.AttributeMapping };
    const usernameSource = USERNAME_SOURCE[idp.ProviderType ?? ''];
    if (usernameSource !== undefined && mapping.username === undefined) mapping.username = usernameSource;
    const updated: IdpRecord = compact({ ...idp, ProviderDetails: { ...details }, AttributeMapping: mapping, LastModifiedDate: ctx.now() });
    pool.idps[idp.ProviderName ?? ''] = updated;
    return { IdentityProvider: idpOut(updated) };
  },

  DeleteIdentityProvider(ctx, input: DeleteIdentityProviderCommandInput): object {
    const pool = getPool(ctx, input.UserPoolId);
    if (!pool.idps[input.ProviderName ?? '']) fail('ResourceNotFoundException', `Identity provider ${input.ProviderName ?? ''} does not exist.`);
    delete pool.idps[input.ProviderName ?? ''];
    return {};
  },

  CreateUserPoolClient(ctx, input: CreateUserPoolClientCommandInput): Out<CreateUserPoolClientCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    if (!input.ClientName) fail('InvalidParameterException', "1 validation error detected: Value null at 'clientName' failed to satisfy constraint: Member must not be null");
    const { UserPoolId: _pool, GenerateSecret, ClientSecret, ...rest } = input;
    const hasSecret = GenerateSecret === true || ClientSecret !== undefined;
    validateClient(pool, rest, hasSecret);
    const s = ctx.state;
    const now = ctx.now();
    const client: ClientRecord = compact({
      UserPoolId: pool.Id, ClientId: uniqueId(s, pool.clients, () => randomString(s, 26, LOWER_ALNUM)),
      ClientSecret: ClientSecret ?? (GenerateSecret ? randomString(s, 51, LOWER_ALNUM) : undefined),
      ...settings(rest), CreationDate: now, LastModifiedDate: now,
    });
    pool.clients[client.ClientId] = client;
    return { UserPoolClient: clientOut(client) };
  },

  DescribeUserPoolClient(ctx, input: DescribeUserPoolClientCommandInput): Out<DescribeUserPoolClientCommandOutput> {
    return { UserPoolClient: clientOut(getClient(ctx, input.UserPoolId, input.ClientId).client) };
  },

  ListUserPoolClients(ctx, input: ListUserPoolClientsCommandInput): Out<ListUserPoolClientsCommandOutput> {
    const pool = getPool(ctx, input.UserPoolId);
    const all = Object.values(pool.clients).map((c) => ({ ClientId: c.ClientId, UserPoolId: pool.Id, ClientName: c.ClientName }));
    const p = cognitoPage(all, input.NextToken, input.MaxResults);
    return compact({ UserPoolClients: p.items, NextToken: p.next });
  },

  /** Like AWS, settings not given are reset to their defaults; the id, secret and creation date stay. */
  UpdateUserPoolClient(ctx, input: UpdateUserPoolClientCommandInput): Out<UpdateUserPoolClientCommandOutput> {
    const { pool, client } = getClient(ctx, input.UserPoolId, input.ClientId);
    const { UserPoolId: _pool, ClientId: _id, ...rest } = input;
    const next: ClientSettings = { ...rest, ClientName: rest.ClientName ?? client.ClientName };
    validateClient(pool, next, client.ClientSecret !== undefined);
    const updated: ClientRecord = compact({
      UserPoolId: pool.Id, ClientId: client.ClientId, ClientSecret: client.ClientSecret, ...settings(next),
      CreationDate: client.CreationDate, LastModifiedDate: ctx.now(),
    });
    pool.clients[client.ClientId] = updated;
    return { UserPoolClient: clientOut(updated) };
  },

  DeleteUserPoolClient(ctx, input: DeleteUserPoolClientCommandInput): object {
    const { pool, client } = getClient(ctx, input.UserPoolId, input.ClientId);
    delete pool.clients[client.ClientId];
    return {};
  },
};
