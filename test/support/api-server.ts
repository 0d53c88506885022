/**
 * A small local HTTP server that plays a deployed API Gateway REST API with a Cognito user pool authorizer:
 * it verifies the JWT against cognito-local's JWKS (aws-jwt-verify), wants an id token for the app client
 * (token_use id, aud = client id) unless the method has scopes (then an access token holding one),
 * answers 401 `{"message":"Unauthorized"}` with CORS headers like API Gateway's DEFAULT_4XX, 200 JSON otherwise,
 * 403 "Missing Authentication Token" for unknown paths, and OPTIONS 200 with CORS headers.
 *
 * `leaky: true` plays a misconfigured API that lets calls without an Authorization header through.
 * `warmupRequests: n` answers the first n requests 403 "Missing Authentication Token" (or, with `warmupAnswer:
 * 'forbidden'`, the bare 403 {"message":"Forbidden"} of a stage just created), like a stage still deploying.
 * `lambda500: true` plays a Lambda proxy API Gateway may not invoke: every call the authorizer lets through gets
 * 500 {"message":"Internal server error"}. `undeployedPaths` are routes missing from the deployment: 403 "Missing
 * Authentication Token" whatever is sent. `refusedUrl()` gives a URL where nothing listens.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';

export interface ApiRoute {
  path: string;
  methods: string[];
  public?: boolean;
  scopes?: string[];
}

export interface ApiServerOptions {
  issuer: string;
  jwksUri: string;
  clientId: string;
  routes: ApiRoute[];
  /** Let calls without a token through (a method left without the authorizer). @default false */
  leaky?: boolean;
  /** Answer the first n requests as a stage that is not there yet. @default 0 */
  warmupRequests?: number;
  /** What the warm-up answers. @default 'missing-auth-token' */
  warmupAnswer?: 'missing-auth-token' | 'forbidden';
  /** The integration fails as a Lambda proxy without its invoke permission does: 500 after the authorizer. @default false */
  lambda500?: boolean;
  /** Routes (as in `routes`) left out of the deployment. @default [] */
  undeployedPaths?: string[];
  /** Leave CORS headers off the 401 (a DEFAULT_4XX gateway response without them). @default false */
  no401Cors?: boolean;
  /** Accept "Bearer <token>" too. @default false (the REST API Cognito authorizer wants the raw token) */
  acceptBearer?: boolean;
}

export interface ApiServer {
  /** Base URL, like an invoke URL: `http://127.0.0.1:PORT/dev` */
  url: string;
  /** Requests seen, method and path (no headers, so no tokens). */
  seen: Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

const STAGE = '/dev';
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token',
};

function match(template: string, path: string): boolean {
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  if (t.some((s) => /^\{.+\+\}$/.test(s))) {
    const fixed = t.slice(0, -1);
    return p.length > fixed.length && fixed.every((s, i) => /^\{.+\}$/.test(s) || s === p[i]);
  }
  return t.length === p.length && t.every((s, i) => /^\{.+\}$/.test(s) || s === p[i]);
}

export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const verifier = JwtVerifier.create({ issuer: o.issuer, audience: null, jwksUri: o.jwksUri });
  // aws-jwt-verify fetches JWKS over https only; cognito-local serves http, so load the keys ourselves.
  const jwks = (await (await fetch(o.jwksUri)).json()) as Jwks;
  verifier.cacheJwks(jwks);

  const seen: ApiServer['seen'] = [];
  let warmup = o.warmupRequests ?? 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  const authorize = async (header: string | undefined, route: ApiRoute): Promise<Record<string, unknown> | undefined> => {
    if (!header) return undefined;
    const token = o.acceptBearer ? header.replace(/^Bearer\s+/i, '') : header;
    try {
      const claims = await verifier.verify(token);
      const scopes = route.scopes ?? [];
      if (scopes.length === 0) {
        return claims.token_use === 'id' && claims.aud === o.clientId ? claims : undefined;
      }
      const held = String(claims.scope ?? '').split(/\s+/);
      return claims.token_use === 'access' && scopes.some((s) => held.includes(s)) ? claims : undefined;
    } catch {
      return undefined;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    seen.push({ method, path: url.pathname });
    if (warmup > 0) {
      warmup -= 1;
      send(res, 403, { message: o.warmupAnswer === 'forbidden' ? 'Forbidden' : 'Missing Authentication Token' });
      return;
    }
    const path = url.pathname.startsWith(STAGE) ? url.pathname.slice(STAGE.length) || '/' : undefined;
    const route = path === undefined ? undefined : o.routes.find((r) => match(r.path, path) && !(o.undeployedPaths ?? []).includes(r.path));
    if (!route || path === undefined) {
      send(res, 403, { message: 'Missing Authentication Token' });
      return;
    }
    if (method === 'OPTIONS') {
      res.writeHead(200, { ...CORS, 'Access-Control-Allow-Methods': [...route.methods, 'OPTIONS'].join(',') }).end();
      return;
    }
    if (!route.methods.includes(method) && !route.methods.includes('ANY')) {
      send(res, 403, { message: 'Missing Authentication Token' });
      return;
    }
    if (!route.public) {
      const header = req.headers.authorization;
      const leakThrough = o.leaky && !header;
      if (!leakThrough) {
        const claims = await authorize(header, route);
        if (!claims) {
          send(res, 401, { message: 'Unauthorized' }, o.no401Cors ? {} : CORS);
          return;
        }
        if (o.lambda500) {
          send(res, 500, { message: 'Internal server error' });
          return;
        }
        send(res, 200, { message: 'Hello from the test API', method, path, claims: { sub: claims.sub ?? null, 'cognito:username': claims['cognito:username'] ?? null } }, { 'Access-Control-Allow-Origin': '*' });
        return;
      }
    }
    if (o.lambda500) {
      send(res, 500, { message: 'Internal server error' });
      return;
    }
    send(res, 200, { message: 'Hello from the test API', method, path, claims: {} }, { 'Access-Control-Allow-Origin': '*' });
  };

  const server: Server = createServer((req, res) => {
    // Drain the body so keep-alive connections stay usable.
    req.resume();
    req.on('end', () => {
      handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err) }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}${STAGE}`,
    seen,
    stop: () => new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}

/** An invoke URL on a loopback port where nothing listens (bound, then closed): every call is refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((ok) => server.close(() => ok()));
  return `http://127.0.0.1:${port}${STAGE}`;
}
