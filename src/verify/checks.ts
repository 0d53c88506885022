import { explainRejection } from './explain.js';
import { forgeLike, decodeJwt } from './jwt.js';
import { describeReply, is2xx, probe, probeUntil, propagationReason, statusIs, type ProbeRequest, type Reply } from './http-probe.js';

/** One route and method to check. `url` is its invoke URL with `{param}`s filled with a sample value. */
export interface RouteTarget {
  /** As configured: `/items/{id}`. */
  path: string;
  /** GET, POST, …, or ANY (called with GET). */
  method: string;
  secured: boolean;
  url: string;
  /** OAuth scopes on the method: then API Gateway takes access tokens holding one, not id tokens. @default [] */
  scopes?: string[];
}

export type Severity = 'critical' | 'error' | 'info';
export type CheckName =
  | 'no-token' | 'malformed-token' | 'forged-token' | 'id-token' | 'access-token' | 'bearer-token'
  | 'cors-on-401' | 'preflight' | 'public-no-token';

/** One result line. Never holds a token. `severity` is how much the row matters; a row counts against the verdict only when `ok` is false. */
export interface CheckRow {
  route: string;
  method: string;
  check: CheckName;
  expected: string;
  got: string;
  ok: boolean;
  severity: Severity;
  note?: string;
}

export interface CheckVerdict {
  ok: boolean;
  /** Calls without a valid token that got through. */
  critical: number;
  errors: number;
  passed: number;
  notes: number;
  summary: string;
}

export interface CheckReport {
  rows: CheckRow[];
  verdict: CheckVerdict;
  /** Time spent waiting for the deployment to answer. */
  waitedMs: number;
  /** Likely causes when a token was rejected (explain.ts). */
  explanations: string[];
}

export type CheckEvent =
  | { type: 'waiting'; route: string; method: string; reason: string; elapsedMs: number; limitMs: number }
  | { type: 'row'; row: CheckRow };

export interface CheckOptions {
  /** The test user's tokens; without them only the token-less checks run. */
  tokens?: { idToken: string; accessToken: string };
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** How long the first calls may wait for a new deployment to answer. @default 60_000 */
  propagationMs?: number;
  /** Sent as Origin, so CORS headers show. @default 'https://example.com' */
  origin?: string;
  /** Per request. @default 10_000 */
  timeoutMs?: number;
  /** For explanations of a rejected token. */
  expectedIssuer?: string;
  clientId?: string;
  onEvent?: (e: CheckEvent) => void;
  signal?: AbortSignal;
}

const MALFORMED_TOKEN = 'malformed.token.value';
const requestMethod = (m: string): string => (m === 'ANY' ? 'GET' : m);
const hasBody = (m: string): boolean => m === 'POST' || m === 'PUT' || m === 'PATCH';

/** Run the step-6 checks, route by route, waiting on the first calls while a new deployment propagates. */
export async function runChecks(routes: RouteTarget[], opts: CheckOptions = {}): Promise<CheckReport> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limitMs = opts.propagationMs ?? 60_000;
  const origin = opts.origin ?? 'https://example.com';
  const startedAt = now();
  const deadline = startedAt + limitMs;
  const po = { fetch: opts.fetch ?? globalThis.fetch, timeoutMs: opts.timeoutMs, signal: opts.signal };
  const rows: CheckRow[] = [];
  const explanations = new Set<string>();
  let waitedMs = 0;
  const secrets = opts.tokens ? [opts.tokens.idToken, opts.tokens.accessToken] : [];
  const forged = await forgeLike(opts.tokens?.idToken ?? '', now());
  secrets.push(forged);
  const redact = (s: string): string => secrets.reduce((acc, t) => (t ? acc.split(t).join('<token>') : acc), s);

  const add = (route: RouteTarget, row: Omit<CheckRow, 'route' | 'method'>): void => {
    const full: CheckRow = { route: route.path, method: route.method, ...row, got: redact(row.got) };
    if (row.note !== undefined) full.note = redact(row.note);
    rows.push(full);
    opts.onEvent?.({ type: 'row', row: full });
  };
  const request = (route: RouteTarget, auth?: string): ProbeRequest => {
    const method = requestMethod(route.method);
    const headers: Record<string, string> = { Origin: origin };
    if (auth !== undefined) headers.Authorization = auth;
    const req: ProbeRequest = { url: route.url, method, headers };
    if (hasBody(method)) {
      headers['Content-Type'] = 'application/json';
      req.body = '{}';
    }
    return req;
  };
  /** A first call: waits while the stage looks like it is still deploying (and while `extra` says so). */
  const firstCall = async (route: RouteTarget, req: ProbeRequest, extra?: (r: Reply) => string | undefined): Promise<Reply> => {
    const r = await probeUntil(req, po, {
      sleep: async (ms) => {
        waitedMs += ms;
        await sleep(ms);
      },
      now, deadline,
      onWait: (reason, elapsedMs) => opts.onEvent?.({ type: 'waiting', route: route.path, method: route.method, reason, elapsedMs, limitMs }),
    }, (rep) => propagationReason(rep) ?? extra?.(rep), startedAt);
    return r;
  };
  const once = (req: ProbeRequest): Promise<Reply> => probe(req, po);

  /** A call that must not get through. 2xx is a leak (critical); anything else but 401 is an error. */
  const mustReject = (route: RouteTarget, check: CheckName, r: Reply, what: string): void => {
    const leaked = is2xx(r);
    add(route, {
      check, expected: '401', got: describeReply(r), ok: statusIs(r, 401), severity: leaked || statusIs(r, 401) ? 'critical' : 'error',
      ...(leaked ? { note: `${what} got through: the method is not protected by the authorizer (or the stage runs an old deployment)` } : {}),
    });
  };

  for (const route of routes) {
    if (opts.signal?.aborted) break;
    if (!route.secured) {
      const r = await firstCall(route, request(route));
      add(route, { check: 'public-no-token', expected: '2xx', got: describeReply(r), ok: is2xx(r), severity: 'error', note: 'public route: no token needed' });
    } else {
      const noToken = await firstCall(route, request(route));
      mustReject(route, 'no-token', noToken, 'a call without a token');
      if (statusIs(noToken, 401) && noToken.kind === 'response') {
        const acao = noToken.headers.get('access-control-allow-origin');
        add(route, {
          check: 'cors-on-401', expected: 'Access-Control-Allow-Origin', got: acao ? `Access-Control-Allow-Origin: ${acao}` : 'missing', ok: Boolean(acao), severity: 'error',
          ...(acao ? {} : { note: 'a browser app cannot read the 401: add CORS headers to the DEFAULT_4XX gateway response' }),
        });
      }
      mustReject(route, 'malformed-token', await once(request(route, MALFORMED_TOKEN)), 'a malformed token');
      mustReject(route, 'forged-token', await once(request(route, forged)), 'a token signed by another key');
      if (opts.tokens) await tokenChecks(route, opts.tokens);
    }
    await preflight(route);
  }

  async function tokenChecks(route: RouteTarget, tokens: { idToken: string; accessToken: string }): Promise<void> {
    const scopes = route.scopes ?? [];
    const explain = (sent: string): string[] => explainRejection({ sent, methodScopes: scopes, expectedIssuer: opts.expectedIssuer, clientId: opts.clientId, nowMs: now() });
    const accessScopes = (decodeJwt(tokens.accessToken)?.claims.scope ?? '').split(/\s+/).filter(Boolean);
    const accessFits = scopes.some((s) => accessScopes.includes(s));
    if (scopes.length === 0) {
      // A 401 right after a deployment may be the authorizer still propagating: wait on it too, within the same bound.
      const r = await firstCall(route, request(route, tokens.idToken), (rep) => (statusIs(rep, 401) ? 'the id token is still refused (401)' : undefined));
      const ok = is2xx(r);
      if (!ok && statusIs(r, 401)) for (const e of explain(tokens.idToken)) explanations.add(e);
      add(route, { check: 'id-token', expected: '2xx', got: describeReply(r), ok, severity: 'error' });
      const a = await once(request(route, tokens.accessToken));
      add(route, {
        check: 'access-token', expected: '401', got: describeReply(a), ok: statusIs(a, 401), severity: 'info',
        note: 'without OAuth scopes on the method, API Gateway accepts only the id token',
      });
    } else {
      const i = await once(request(route, tokens.idToken));
      add(route, { check: 'id-token', expected: '401', got: describeReply(i), ok: statusIs(i, 401), severity: 'info', note: `the method requires scope ${scopes.join(' or ')}: it takes access tokens, not id tokens` });
      const a = accessFits
        ? await firstCall(route, request(route, tokens.accessToken), (rep) => (statusIs(rep, 401) ? 'the access token is still refused (401)' : undefined))
        : await once(request(route, tokens.accessToken));
      if (accessFits) {
        if (statusIs(a, 401)) for (const e of explain(tokens.accessToken)) explanations.add(e);
        add(route, { check: 'access-token', expected: '2xx', got: describeReply(a), ok: is2xx(a), severity: 'error' });
      } else {
        add(route, {
          check: 'access-token', expected: '401', got: describeReply(a), ok: statusIs(a, 401), severity: 'info',
          note: `the test user's access token holds ${accessScopes.join(' ') || 'no scopes'}, not ${scopes.join(' or ')}: get one through the hosted UI (secure-api token --login --access)`,
        });
      }
    }
    const token = scopes.length === 0 ? tokens.idToken : tokens.accessToken;
    const b = await once(request(route, `Bearer ${token}`));
    add(route, {
      check: 'bearer-token', expected: 'report', got: describeReply(b), ok: true, severity: 'info',
      note: is2xx(b) ? 'this API also accepts "Bearer <token>"' : 'send the raw token, without "Bearer "',
    });
  }

  async function preflight(route: RouteTarget): Promise<void> {
    const method = requestMethod(route.method);
    const r = await once({
      url: route.url, method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    const acao = r.kind === 'response' ? r.headers.get('access-control-allow-origin') : null;
    const allowed = r.kind === 'response' ? r.headers.get('access-control-allow-methods') : null;
    const ok = is2xx(r) && Boolean(acao);
    const methodListed = !allowed || allowed === '*' || allowed.split(',').map((m) => m.trim().toUpperCase()).includes(method);
    add(route, {
      check: 'preflight', expected: '2xx + CORS headers', ok, severity: 'error',
      got: `${describeReply(r)}${r.kind === 'response' ? (acao ? `, Allow-Origin ${acao}` : ', no Access-Control-Allow-Origin') : ''}`,
      ...(ok && !methodListed ? { note: `Access-Control-Allow-Methods (${allowed}) does not list ${method}` } : {}),
    });
  }

  return { rows: sortRows(rows), verdict: verdictOf(rows), waitedMs, explanations: [...explanations] };
}

const rank = (r: CheckRow): number => (r.ok ? 3 : r.severity === 'critical' ? 0 : r.severity === 'error' ? 1 : 2);

/** Failures first, the worst (a call without a valid token that got through) at the top; otherwise route order. */
export function sortRows(rows: CheckRow[]): CheckRow[] {
  return rows.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map(({ r }) => r);
}

export function verdictOf(rows: CheckRow[]): CheckVerdict {
  const critical = rows.filter((r) => !r.ok && r.severity === 'critical').length;
  const errors = rows.filter((r) => !r.ok && r.severity === 'error').length;
  const notes = rows.filter((r) => r.severity === 'info').length;
  const passed = rows.filter((r) => r.ok && r.severity !== 'info').length;
  const ok = critical === 0 && errors === 0;
  const summary = critical > 0
    ? `NOT SECURED: ${critical} call${critical === 1 ? '' : 's'} without a valid token got through${errors ? `, and ${errors} other check${errors === 1 ? '' : 's'} failed` : ''}`
    : errors > 0
      ? `${errors} check${errors === 1 ? '' : 's'} failed (no call without a valid token got through)`
      : `secured: ${passed} check${passed === 1 ? '' : 's'} passed${notes ? `, ${notes} note${notes === 1 ? '' : 's'}` : ''}`;
  return { ok, critical, errors, passed, notes, summary };
}
