/**
 * The fake's data plane: a loopback HTTP server that answers like a deployed API Gateway stage, from the fake's
 * memory. It serves LocalStack's URL form, `/restapis/{apiId}/{stage}/_user_request_/{path}`, so the CLI run with
 * `--endpoint-url <this server>` gets invoke URLs that land here. What it enforces, as API Gateway does:
 * - only what the stage's deployment holds (a method changed after the deployment is not live);
 * - COGNITO_USER_POOLS methods need a token the fake issued for a pool the authorizer names: the id token, or an
 *   access token carrying one of the method's authorizationScopes; otherwise 401 {"message":"Unauthorized"};
 * - a method with apiKeyRequired needs an X-API-Key of an enabled key in a usage plan bound to the stage, else 403
 *   {"message":"Forbidden"} (apigateway-keys.ts), checked after the authorizer;
 * - AWS_PROXY to a Lambda needs a resource-policy statement whose SourceArn covers the call (its stage, verb and the
 *   request's path), else 500;
 * - the sample function's own code is unzipped and run, so its answer is the real one;
 * - gateway responses DEFAULT_4XX / DEFAULT_5XX add their headers; MOCK integrations answer the integration response their
 *   request template's statusCode selects, or 500 when there is none (as a MOCK made by hand without one does);
 * - HTTP / HTTP_PROXY integrations answer 200 as a reachable backend would (no outside network here);
 * - a stage just deployed answers a bare 403 {"message":"Forbidden"} for a moment, before any route matching: seen
 *   on real accounts right after a deployment ("I had the same. After a while it started working…",
 *   OWASP/Serverless-Goat #14; secure-api issue #10 rule 14). The fake has no propagation delay to measure, so it
 *   stands in for those seconds with a number of requests (`freshStageForbiddenRequests`, default 1) per deployment.
 * It also answers Cognito's JSON protocol (POST / with X-Amz-Target AWSCognitoIdentityProviderService.InitiateAuth,
 * RespondToAuthChallenge, Associate/VerifySoftwareToken or DescribeUserPoolClient) and the domain's POST /oauth2/token
 * (client credentials) from the same memory, so an exported Postman sign-in or an `aws cognito-idp
 * --endpoint-url` call reaches the fake; and GET /_fake/data-plane says who holds the port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import type { Method } from '@aws-sdk/client-api-gateway';
import {
  AssociateSoftwareTokenCommand, CognitoIdentityProviderClient, DescribeUserPoolClientCommand, InitiateAuthCommand,
  RespondToAuthChallengeCommand, VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AwsFake } from './aws-fake.js';
import { keyAdmits } from './apigateway-keys.js';
import { clientCredentialsToken } from './cognito-token-endpoint.js';
import { writeLogEvents } from './logs.js';
import type { ApiRecord } from './state.js';

export interface FakeDataPlane { url: string; close(): Promise<void> }

/**
 * One invocation's log lines as the Node.js runtime writes them (Lambda developer guide, "Log and monitor Node.js Lambda
 * functions"): START, each console line as `TIMESTAMP\tREQUEST_ID\tLEVEL\tmessage`, END, and REPORT with the duration
 * and memory. The console is captured for the run (the fake runs one invocation at a time per request).
 */
function captureRun(startedAt: number, memoryMb: number): { end(now: number): string[] } {
  const requestId = randomUUID();
  const lines = [`START RequestId: ${requestId} Version: $LATEST`];
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  for (const [method, level] of Object.entries(levels) as Array<[keyof typeof levels, string]>) {
    console[method] = (...args: unknown[]) => {
      lines.push(`${new Date().toISOString()}\t${requestId}\t${level}\t${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    };
  }
  return {
    end(now) {
      Object.assign(console, saved);
      const ms = Math.max(0, now - startedAt);
      return [...lines, `END RequestId: ${requestId}`,
        `REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(ms))} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: 64 MB`];
    },
  };
}

/** What GET /_fake/data-plane answers: whose data plane holds the port. */
/** `memory`: the file a fake-cli run keeps the fake's memory in (another run on the same memory may share its data plane). */
export interface DataPlaneIdentity { fake: 'secure-api data plane'; serve: boolean; pid: number; memory?: string }

/** Cognito actions served over HTTP, as the JSON protocol names them (X-Amz-Target). */
const COGNITO_ACTIONS = {
  InitiateAuth: (input: object) => new InitiateAuthCommand(input as never),
  RespondToAuthChallenge: (input: object) => new RespondToAuthChallengeCommand(input as never),
  AssociateSoftwareToken: (input: object) => new AssociateSoftwareTokenCommand(input as never),
  VerifySoftwareToken: (input: object) => new VerifySoftwareTokenCommand(input as never),
  DescribeUserPoolClient: (input: object) => new DescribeUserPoolClientCommand(input as never),
} as const;

export interface Claims { token_use?: string; iss?: string; aud?: string; client_id?: string; exp?: number; scope?: string; [k: string]: unknown }

function decodeFakeToken(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[2] !== 'fake-signature') return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as { kid?: string };
    if (header.kid !== 'fake') return undefined;
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Claims;
  } catch {
    return undefined;
  }
}

/**
 * The claims as a Lambda proxy integration receives them (event.requestContext.authorizer.claims): every value a
 * string (bbilger/jrestless#10: "Map<String, String>"); a list such as cognito:groups joined with commas, "admins,ops"
 * (aws/chalice#783, where the backend splits it on ","), not the token's JSON array.
 */
export function proxyClaims(claims: Claims): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
}

function matchPath(template: string, actual: string): boolean {
  const t = template.split('/').filter(Boolean);
  const a = actual.split('/').filter(Boolean);
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    if (seg.endsWith('+}')) return a.length > i;
    if (a[i] === undefined) return false;
    if (!seg.startsWith('{') && seg !== a[i]) return false;
  }
  return t.length === a.length;
}

/** Literal segments beat {param} ones, as API Gateway routes. */
const specificity = (template: string) => template.split('/').filter((s) => s && !s.startsWith('{')).length;

const shared = new WeakMap<AwsFake, Promise<FakeDataPlane>>();

/**
 * One data plane per fake, started on first use and left running (unref'd) for the fake's life, so a stack's
 * recorded endpoint stays reachable from one CLI run to the next within a test.
 */
export function sharedDataPlane(fake: AwsFake): Promise<FakeDataPlane> {
  let p = shared.get(fake);
  if (!p) {
    p = startFakeDataPlane(fake, { unref: true }).then((plane) => { sharedUrls.set(fake, plane.url); return plane; });
    shared.set(fake, p);
  }
  return p;
}

const sharedUrls = new WeakMap<AwsFake, string>();
/** The URL of the fake's shared data plane, once it listens. */
export function sharedPlaneUrl(fake: AwsFake): string | undefined {
  return sharedUrls.get(fake);
}

export async function startFakeDataPlane(fake: AwsFake, opts: { port?: number; unref?: boolean; serve?: boolean; memory?: string; beforeRequest?: () => void; afterLogEvents?: () => Promise<void> | void } = {}): Promise<FakeDataPlane> {
  type LambdaModule = { handler: (e: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }> };
  const moduleCache = new Map<string, Promise<LambdaModule>>();
  /** Requests each deployment of a stage has answered: the first few are the "still propagating" 403. */
  const answered = new Map<string, number>();

  const gatewayHeaders = (api: ApiRecord, type: 'DEFAULT_4XX' | 'DEFAULT_5XX'): Record<string, string> => {
    const params = api.gatewayResponses[type]?.responseParameters ?? {};
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k.replace('gatewayresponse.header.', ''), v.replace(/^'|'$/g, '')]));
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  /** Cognito's JSON protocol, answered by the installed fake (its SDK stubs): errors as `{"__type","message"}` with 400. */
  const cognito = async (res: ServerResponse, target: string, body: string): Promise<void> => {
    const action = target.replace('AWSCognitoIdentityProviderService.', '') as keyof typeof COGNITO_ACTIONS;
    const make = COGNITO_ACTIONS[action];
    const json = { 'content-type': 'application/x-amz-json-1.1', 'access-control-allow-origin': '*' };
    if (!make) return send(res, 400, { __type: 'UnknownOperationException', message: `the fake's data plane serves ${Object.keys(COGNITO_ACTIONS).join(', ')} only` }, json);
    try {
      const input = JSON.parse(body || '{}') as { ClientId?: string; UserPoolId?: string };
      // The region of the pool the request names (a pool id starts with its region), else the fake's default.
      const owner = fake.memories().find((p) => Object.values(p.cognito.pools).some((pool) => pool.Id === input.UserPoolId || (input.ClientId !== undefined && pool.clients[input.ClientId] !== undefined)));
      const client = new CognitoIdentityProviderClient({ region: owner?.region ?? fake.state.region, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
      const { $metadata: _m, ...out } = await client.send(make(input as object) as never) as { $metadata?: unknown };
      return send(res, 200, out, json);
    } catch (err) {
      const e = err as Error;
      return send(res, 400, { __type: e.name, message: e.message }, json);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const target = req.headers['x-amz-target'];
    if (req.method === 'POST' && url.pathname === '/' && typeof target === 'string' && target.startsWith('AWSCognitoIdentityProviderService.')) return cognito(res, target, body);
    // The user pool domain's token endpoint; under an emulator's endpoint URL E it is E/oauth2/token (cognito-token-endpoint.ts).
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const auth = req.headers.authorization;
      const a = clientCredentialsToken({ state: fake.state, now: () => fake.clock.now() }, typeof auth === 'string' ? auth : undefined, body);
      return send(res, a.status, a.body, { 'cache-control': 'no-store' });
    }
    if (req.method === 'GET' && url.pathname === '/_fake/data-plane') {
      const me: DataPlaneIdentity = { fake: 'secure-api data plane', serve: opts.serve ?? false, pid: process.pid, ...(opts.memory ? { memory: opts.memory } : {}) };
      return send(res, 200, me);
    }
    const m = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/.exec(url.pathname);
    // The API's account and region: the memory that holds it (ids never repeat across them).
    const memory = m ? fake.memories().find((p) => p.apigateway.apis[m[1]!] !== undefined) : undefined;
    const api = m ? memory?.apigateway.apis[m[1]!] : undefined;
    const stage = m && api ? api.stages[m[2]!] : undefined;
    const deployment = stage ? api?.deployments[stage.deploymentId] : undefined;
    if (!m || !api || !deployment) return send(res, 404, { message: 'Not Found' });
    const key = `${api.id}/${stage!.stageName}/${deployment.id}`;
    const seen = answered.get(key) ?? 0;
    answered.set(key, seen + 1);
    if (seen < fake.dataPlaneRules.freshStageForbiddenRequests) return send(res, 403, { message: 'Forbidden' });
    const path = m[3] ?? '/';
    const verb = (req.method ?? 'GET').toUpperCase();
    const template = Object.keys(deployment.snapshot).filter((p) => matchPath(p, path)).sort((a, b) => specificity(b) - specificity(a))[0];
    const methods = template ? deployment.snapshot[template] : undefined;
    // ANY "will catch any HTTP method that wasn't explicitly declared" (x-amazon-apigateway-any-method, API Gateway
    // developer guide): an explicit method, OPTIONS included, takes precedence over it.
    const method: Method | undefined = methods?.[verb] ?? methods?.ANY;
    const h4 = gatewayHeaders(api, 'DEFAULT_4XX');
    if (!method || !template) return send(res, 403, { message: 'Missing Authentication Token' }, h4);

    let claims: Claims | undefined;
    if (method.authorizationType === 'COGNITO_USER_POOLS') {
      const authorizer = api.authorizers[method.authorizerId ?? ''];
      const raw = req.headers[(authorizer?.identitySource ?? 'method.request.header.Authorization').replace('method.request.header.', '').toLowerCase()];
      const token = typeof raw === 'string' ? raw : undefined;
      claims = token ? decodeFakeToken(token) : undefined;
      const poolIds = (authorizer?.providerARNs ?? []).map((a) => a.slice(a.lastIndexOf('/') + 1));
      const poolId = claims?.iss?.slice(claims.iss.lastIndexOf('/') + 1);
      const pool = poolId && poolIds.includes(poolId) ? memory?.cognito.pools[poolId] : undefined;
      const scopes = method.authorizationScopes ?? [];
      const ok = claims && pool && (claims.exp ?? 0) * 1000 > fake.clock.now() && (
        scopes.length
          ? claims.token_use === 'access' && (claims.scope ?? '').split(' ').some((s) => scopes.includes(s)) && pool.clients[claims.client_id ?? ''] !== undefined
          : claims.token_use === 'id' && pool.clients[claims.aud ?? ''] !== undefined);
      if (!ok) return send(res, 401, { message: 'Unauthorized' }, h4);
    }
    // A method with apiKeyRequired takes only an X-API-Key of a usage plan bound to this stage, else 403 Forbidden
    // (api-gateway-api-key-source.html). Checked after the authorizer: with the AUTHORIZER key source the key comes out
    // of the authorizer's answer (api-gateway-lambda-authorizer-output.html, usageIdentifierKey), so the authorizer
    // runs first; a call without a token answers 401 whatever its key.
    // With apiKeySource AUTHORIZER the key is the one a Lambda authorizer returns (usageIdentifierKey), never the header:
    // a Cognito authorizer returns none, so such a method refuses every caller.
    if (method.apiKeyRequired && memory) {
      const raw = api.apiKeySource === 'AUTHORIZER' ? undefined : req.headers['x-api-key'];
      if (!keyAdmits(memory, api.id, stage!.stageName, typeof raw === 'string' ? raw : undefined)) return send(res, 403, { message: 'Forbidden' }, h4);
    }

    const integration = method.methodIntegration;
    if (integration?.type === 'MOCK') {
      // The request template's statusCode picks the integration response (floci-io/floci#3327, ministackorg/ministack#1756:
      // measured against AWS); with none to pick, API Gateway answers 500 "Internal server error" ("No match for output
      // mapping and no default output mapping configured", serverless/serverless#4705).
      const wanted = /"statusCode"\s*:\s*(\d{3})/.exec(integration.requestTemplates?.['application/json'] ?? '')?.[1] ?? '200';
      const irs = integration.integrationResponses ?? {};
      const ir = irs[wanted] ?? Object.values(irs).find((r) => !r.selectionPattern);
      if (!ir) return send(res, 500, { message: 'Internal server error' }, gatewayHeaders(api, 'DEFAULT_5XX'));
      const headers = Object.fromEntries(Object.entries(ir.responseParameters ?? {}).map(([k, v]) => [k.replace('method.response.header.', ''), v.replace(/^'|'$/g, '')]));
      return send(res, Number(ir.statusCode ?? wanted), ir.responseTemplates?.['application/json'] ?? '', headers);
    }
    if (integration?.type === 'AWS_PROXY') {
      const fnName = /function:([^/:]+)/.exec(integration.uri ?? '')?.[1] ?? '';
      const fn = memory?.lambda.functions[fnName];
      // The API's region is the one its integration URI names (arn:aws:apigateway:{region}:lambda:path/…).
      const region = /^arn:aws:apigateway:([^:]+):/.exec(integration.uri ?? '')?.[1] ?? memory?.region;
      // The request's own path, not the resource template: a statement naming `/items/{id}` never matches, one naming
      // `/items/*` does (aws/serverless-application-model#110, "Invalid permissions on Lambda function" on a path parameter).
      const sourceArn = `arn:aws:execute-api:${region ?? ''}:${memory?.account ?? ''}:${api.id}/${stage!.stageName}/${verb}${path}`;
      const allowed = fn?.statements.some((s) => {
        const pattern = s.Condition?.ArnLike?.['AWS:SourceArn'];
        return pattern !== undefined && new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(sourceArn);
      });
      const h5 = gatewayHeaders(api, 'DEFAULT_5XX');
      if (!fn || !allowed || !fn.zipBase64) return send(res, 500, { message: 'Internal server error' }, h5);
      let mod = moduleCache.get(fn.zipBase64);
      if (!mod) {
        const files = unzipSync(Buffer.from(fn.zipBase64, 'base64'));
        const code = files['index.mjs'];
        if (!code) return send(res, 502, { message: 'Internal server error' }, h5);
        mod = import(`data:text/javascript;base64,${Buffer.from(strFromU8(code)).toString('base64')}`) as Promise<LambdaModule>;
        moduleCache.set(fn.zipBase64, mod);
      }
      // The function's environment variables, as Lambda sets them for its run (and no others of ours: the CORS origin
      // and the route groups are read from there).
      const env = fn.configuration.Environment?.Variables ?? {};
      const names = [...new Set(['CORS_ORIGIN', 'SECURE_API_ROUTE_GROUPS', ...Object.keys(env)])];
      const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
      for (const n of names) {
        if (env[n] === undefined) delete process.env[n];
        else process.env[n] = env[n];
      }
      // What the run prints goes to the function's log group, as Lambda writes it (logs.ts: writeLogEvents).
      const run = captureRun(fake.clock.now(), fn.configuration.MemorySize ?? 128);
      try {
        const out = await (await mod).handler({
          httpMethod: verb, path, resource: template, headers: req.headers, body: body || null,
          requestContext: { stage: stage!.stageName, httpMethod: verb, resourcePath: template, ...(claims ? { authorizer: { claims: proxyClaims(claims) } } : {}) },
        });
        return send(res, out.statusCode, out.body ?? '', out.headers ?? {});
      } finally {
        for (const n of names) {
          if (saved[n] === undefined) delete process.env[n];
          else process.env[n] = saved[n];
        }
        if (memory) {
          writeLogEvents(memory, region ?? memory.region, fn.configuration.LoggingConfig?.LogGroup ?? `/aws/lambda/${fnName}`, run.end(fake.clock.now()), fake.clock.now());
          await opts.afterLogEvents?.();
        }
      }
    }
    // HTTP_PROXY: no outside network here; answer as a reachable backend would.
    return send(res, 200, { proxiedTo: integration?.uri ?? null, method: verb, path });
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { Promise.resolve().then(() => { opts.beforeRequest?.(); return handle(req, res, body); }).catch((err: unknown) => send(res, 500, { message: String(err) })); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  if (opts.unref) server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
