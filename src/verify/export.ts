import { randomUUID } from 'node:crypto';
import { SAMPLE_PATH_VALUE } from './urls.js';

/** What the exports describe. Nothing secret: the client id, URLs and scopes are public. */
export interface ExportInput {
  stack: string;
  /** The flags the printed `secure-api token` needs beside --stack to reach the stack (StackTarget.reach). */
  reach?: string | undefined;
  /** The stage's invoke URL, no trailing slash. */
  baseUrl: string;
  routes: Array<{ path: string; methods: string[]; public: boolean }>;
  /** Hosted UI OAuth settings, when the stack has a domain. */
  oauth?: {
    /** `https://{domain}.auth.{region}.amazoncognito.com` */
    hostedUiBaseUrl: string;
    clientId: string;
    scopes: string[];
    callbackUrl: string;
  };
  /** The app client, for the "sign in" request (USER_PASSWORD_AUTH, as `secure-api token` does). */
  client?: {
    clientId: string;
    /** A confidential client: its secret goes in the environment's `client_secret`, never in the export. */
    confidential: boolean;
    /** Cognito's endpoint: `https://cognito-idp.{region}.amazonaws.com`, or the --endpoint-url the stack was made with. */
    cognitoUrl: string;
  };
  /** Add a folder of OPTIONS preflight checks. @default true */
  preflight?: boolean;
  /** Sent as Origin by the preflight requests. @default 'https://example.com' */
  origin?: string;
}

interface PostmanKv { key: string; value: string | boolean; type?: string; enabled?: boolean }
interface PostmanEvent { listen: 'test' | 'prerequest'; script: { type: 'text/javascript'; exec: string[] } }
interface PostmanRequestItem {
  name: string;
  request: {
    method: string;
    header: PostmanKv[];
    url: { raw: string; host: string[]; path: string[]; variable?: Array<{ key: string; value: string }> };
    body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' | 'text' } } };
    auth: { type: 'noauth' };
  };
  event: PostmanEvent[];
}
interface PostmanFolder { name: string; description: string; item: PostmanRequestItem[] }

export interface PostmanCollection {
  info: { _postman_id: string; name: string; description: string; schema: string };
  auth?: { type: 'oauth2'; oauth2: PostmanKv[] };
  variable: PostmanKv[];
  item: PostmanFolder[];
}

export interface PostmanEnvironment {
  id: string;
  name: string;
  values: PostmanKv[];
  _postman_variable_scope: 'environment';
}

const SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
const requestMethod = (m: string): string => (m === 'ANY' ? 'GET' : m);
const hasBody = (m: string): boolean => m === 'POST' || m === 'PUT' || m === 'PATCH';

/** `/items/{id}` → Postman path segments `['items', ':id']` plus a sample value per variable. */
function postmanUrl(path: string): PostmanRequestItem['request']['url'] {
  const segments = path.split('/').filter(Boolean);
  const variable: Array<{ key: string; value: string }> = [];
  const parts = segments.map((s) => {
    const m = /^\{([^}+]+)\+?\}$/.exec(s);
    if (!m || !m[1]) return s;
    variable.push({ key: m[1], value: SAMPLE_PATH_VALUE });
    return `:${m[1]}`;
  });
  const url: PostmanRequestItem['request']['url'] = { raw: `{{base_url}}/${parts.join('/')}`, host: ['{{base_url}}'], path: parts };
  if (variable.length) url.variable = variable;
  return url;
}

const test = (lines: string[]): PostmanEvent => ({ listen: 'test', script: { type: 'text/javascript', exec: lines } });

function item(name: string, method: string, path: string, header: PostmanKv[], tests: string[]): PostmanRequestItem {
  const m = requestMethod(method);
  const request: PostmanRequestItem['request'] = { method: m, header: [...header], url: postmanUrl(path), auth: { type: 'noauth' } };
  if (hasBody(m)) {
    request.header.push({ key: 'Content-Type', value: 'application/json' });
    request.body = { mode: 'raw', raw: '{}', options: { raw: { language: 'json' } } };
  }
  return { name, request, event: [test(tests)] };
}

const EXPECT_401 = [
  "pm.test('401 without a valid token', function () { pm.response.to.have.status(401); });",
  "pm.test('the 401 carries CORS headers', function () { pm.response.to.have.header('Access-Control-Allow-Origin'); });",
];
const EXPECT_2XX = (what: string): string[] => [
  `pm.test('2xx ${what}', function () { pm.expect(pm.response.code).to.be.within(200, 299); });`,
];

/** Postman v2.1 collection: "without token" (assert 401), "with token" (assert 2xx, `Authorization: {{id_token}}`), public routes, optional preflights. */
export function buildPostmanCollection(input: ExportInput): PostmanCollection {
  const secured = input.routes.filter((r) => !r.public);
  const pub = input.routes.filter((r) => r.public);
  const each = <T>(routes: ExportInput['routes'], f: (path: string, method: string) => T): T[] => routes.flatMap((r) => r.methods.map((m) => f(r.path, m)));
  const folders: PostmanFolder[] = [
    ...(input.client ? [signInFolder(input.client)] : []),
    {
      name: 'without token',
      description: 'Secured routes called with no Authorization header: API Gateway must answer 401.',
      item: each(secured, (p, m) => item(`${m} ${p} without token`, m, p, [], EXPECT_401)),
    },
    {
      name: 'with token',
      description: 'Secured routes called with the id token from the environment variable id_token (raw, no "Bearer ").',
      item: each(secured, (p, m) => item(`${m} ${p} with id token`, m, p, [{ key: 'Authorization', value: '{{id_token}}' }], EXPECT_2XX('with the id token'))),
    },
  ];
  if (pub.length) {
    folders.push({ name: 'public', description: 'Public routes: no token needed.', item: each(pub, (p, m) => item(`${m} ${p} (public)`, m, p, [], EXPECT_2XX('without a token'))) });
  }
  if (input.preflight ?? true) {
    const origin = input.origin ?? 'https://example.com';
    folders.push({
      name: 'CORS preflight',
      description: 'OPTIONS as a browser sends it before a cross-origin call.',
      item: each(input.routes, (p, m) => {
        const it = item(`OPTIONS ${p} (for ${m})`, m, p, [
          { key: 'Origin', value: origin },
          { key: 'Access-Control-Request-Method', value: requestMethod(m) },
          { key: 'Access-Control-Request-Headers', value: 'authorization,content-type' },
        ], [...EXPECT_2XX('preflight'), "pm.test('CORS headers', function () { pm.response.to.have.header('Access-Control-Allow-Origin'); });"]);
        it.request.method = 'OPTIONS';
        delete it.request.body;
        it.request.header = it.request.header.filter((h) => h.key !== 'Content-Type');
        return it;
      }),
    });
  }
  const login = input.oauth
    ? `\n\nTo get an id token: open the collection's Authorization tab, "Get New Access Token", sign in on the hosted UI, then copy the id_token it shows into the environment variable id_token (the API wants the id token, not the access token). Or run: secure-api token --stack ${input.stack}${input.reach ?? ''}`
    : `\n\nTo get an id token: secure-api token --stack ${input.stack}${input.reach ?? ''}`;
  const signIn = input.client
    ? `\n\nOr set the environment's username and password (a user of the pool: secure-api users add) and the "sign in" request fetches the id token itself.${input.client.confidential ? ' The app client is confidential: paste its secret into the environment variable client_secret (secret type) first; `secure-api export postman` prints the command that reads it.' : ''}`
    : '';
  const collection: PostmanCollection = {
    info: {
      _postman_id: randomUUID(),
      name: `secure-api ${input.stack}`,
      description: `Made by secure-api for stack ${input.stack}. Requests send the raw id token in Authorization.${login}${signIn}`,
      schema: SCHEMA,
    },
    variable: [
      { key: 'base_url', value: input.baseUrl },
      ...(input.client ? [{ key: 'cognito_url', value: input.client.cognitoUrl }, { key: 'client_id', value: input.client.clientId }] : []),
    ],
    item: folders,
  };
  if (input.oauth) {
    const o = input.oauth;
    collection.auth = {
      type: 'oauth2',
      oauth2: [
        { key: 'grant_type', value: 'authorization_code_with_pkce', type: 'string' },
        { key: 'authUrl', value: `${o.hostedUiBaseUrl}/oauth2/authorize`, type: 'string' },
        { key: 'accessTokenUrl', value: `${o.hostedUiBaseUrl}/oauth2/token`, type: 'string' },
        { key: 'clientId', value: o.clientId, type: 'string' },
        { key: 'scope', value: o.scopes.join(' '), type: 'string' },
        { key: 'redirect_uri', value: o.callbackUrl, type: 'string' },
        { key: 'challengeAlgorithm', value: 'S256', type: 'string' },
        // A confidential client authenticates to the token endpoint with HTTP Basic (client id : secret).
        { key: 'client_authentication', value: input.client?.confidential ? 'header' : 'body', type: 'string' },
        ...(input.client?.confidential ? [{ key: 'clientSecret', value: '{{client_secret}}', type: 'string' }] : []),
        { key: 'useBrowser', value: false, type: 'boolean' },
        { key: 'tokenName', value: `${input.stack} hosted UI`, type: 'string' },
        { key: 'addTokenTo', value: 'header', type: 'string' },
        { key: 'headerPrefix', value: '', type: 'string' },
      ],
    };
  }
  return collection;
}

/** The environment: the base URL and empty values to fill in, the secret ones typed `secret` (never a token or secret). */
export function buildPostmanEnvironment(input: Pick<ExportInput, 'stack' | 'baseUrl' | 'client'>): PostmanEnvironment {
  return {
    id: randomUUID(),
    name: `secure-api ${input.stack}`,
    values: [
      { key: 'base_url', value: input.baseUrl, type: 'default', enabled: true },
      { key: 'id_token', value: '', type: 'secret', enabled: true },
      ...(input.client ? [
        { key: 'username', value: '', type: 'default', enabled: true },
        { key: 'password', value: '', type: 'secret', enabled: true },
      ] : []),
      ...(input.client?.confidential ? [{ key: 'client_secret', value: '', type: 'secret', enabled: true }] : []),
    ],
    _postman_variable_scope: 'environment',
  };
}

/**
 * Step 5 as one request: Cognito InitiateAuth with USER_PASSWORD_AUTH (an unsigned call), SECRET_HASH computed in
 * the pre-request script when client_secret is set (base64 HMAC-SHA256(secret, username + client id)); the id
 * token it returns is put in the environment's id_token for the "with token" folder. Skipped without a username.
 */
function signInFolder(client: NonNullable<ExportInput['client']>): PostmanFolder {
  const request: PostmanRequestItem = {
    name: 'sign in (USER_PASSWORD_AUTH) → id_token',
    request: {
      method: 'POST',
      header: [
        { key: 'Content-Type', value: 'application/x-amz-json-1.1' },
        { key: 'X-Amz-Target', value: 'AWSCognitoIdentityProviderService.InitiateAuth' },
      ],
      url: { raw: '{{cognito_url}}', host: ['{{cognito_url}}'], path: [] },
      body: { mode: 'raw', raw: '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"{{client_id}}","AuthParameters":{{auth_parameters}}}', options: { raw: { language: 'json' } } },
      auth: { type: 'noauth' },
    },
    event: [
      {
        listen: 'prerequest',
        script: {
          type: 'text/javascript',
          exec: [
            "const username = pm.variables.get('username');",
            "const password = pm.variables.get('password');",
            'if (!username || !password) {',
            "  console.log('sign in skipped: set username and password in the environment, or paste an id token into id_token');",
            '  pm.execution.skipRequest();',
            '} else {',
            '  const params = { USERNAME: username, PASSWORD: password };',
            "  const secret = pm.variables.get('client_secret');",
            ...(client.confidential ? ["  if (!secret) console.log('client_secret is empty: this app client is confidential, Cognito will refuse the sign-in without SECRET_HASH');"] : []),
            "  if (secret) { const CryptoJS = require('crypto-js'); params.SECRET_HASH = CryptoJS.enc.Base64.stringify(CryptoJS.HmacSHA256(username + pm.variables.get('client_id'), secret)); }",
            "  pm.variables.set('auth_parameters', JSON.stringify(params));",
            '}',
          ],
        },
      },
      test([
        "pm.test('signed in: Cognito returned tokens', function () { pm.response.to.have.status(200); pm.expect(pm.response.json()).to.have.property('AuthenticationResult'); });",
        "if (pm.response.code === 200) pm.environment.set('id_token', pm.response.json().AuthenticationResult.IdToken);",
      ]),
    ],
  };
  return { name: 'sign in', description: 'Gets an id token for the environment\'s username and password (skipped when they are empty).', item: [request] };
}

/** The command that prints a confidential client's secret (secure-api itself never prints or stores it). */
export function clientSecretCommand(o: { userPoolId: string; clientId: string; region: string; profile?: string | undefined; endpointUrl?: string | undefined }): string {
  return ['aws cognito-idp describe-user-pool-client', `--user-pool-id ${o.userPoolId}`, `--client-id ${o.clientId}`, `--region ${o.region}`,
    ...(o.profile ? [`--profile ${o.profile}`] : []), ...(o.endpointUrl ? [`--endpoint-url ${o.endpointUrl}`] : []),
    '--query UserPoolClient.ClientSecret --output text'].join(' ');
}

/** Single-quote for POSIX shells. */
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** curl lines: for each route and method one without a token and one with `-H "Authorization: $ID_TOKEN"`. */
export function buildCurlLines(input: Pick<ExportInput, 'stack' | 'reach' | 'baseUrl' | 'routes'>): string[] {
  const lines = [
    '#!/bin/sh',
    `# secure-api ${input.stack}: curl calls for every route. Secured routes answer 401 without a token, 2xx with one.`,
    `# ID_TOKEN="$(secure-api token --stack ${input.stack}${input.reach ?? ''})"`,
  ];
  // Without it every "expect 2xx" line would send an empty Authorization header and read as a failure of the API.
  if (input.routes.some((r) => !r.public)) lines.push(String.raw`: "${'$'}{ID_TOKEN:?set ID_TOKEN first: ID_TOKEN=\"\$(secure-api token --stack ${input.stack}${input.reach ?? ''})\" sh \$0}"`);
  for (const r of input.routes) {
    for (const method of r.methods) {
      const m = requestMethod(method);
      const url = `${input.baseUrl}${r.path.replace(/\{[^}/]+\}/g, SAMPLE_PATH_VALUE)}`;
      const body = hasBody(m) ? ` -H 'Content-Type: application/json' -d '{}'` : '';
      const head = m === 'HEAD' ? ' -I' : ` -X ${m}`;
      lines.push(`curl -sS -i -w '\\n'${head}${body} ${sq(url)}${r.public ? '   # public' : '   # expect 401'}`);
      if (!r.public) lines.push(`curl -sS -i -w '\\n'${head}${body} -H "Authorization: $ID_TOKEN" ${sq(url)}   # expect 2xx`);
    }
  }
  return lines;
}
