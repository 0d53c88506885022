/** One HTTP answer as the checks read it, or the network error that stood in for it. */
export type Reply =
  | { kind: 'response'; status: number; headers: Headers; body: string }
  | { kind: 'error'; message: string };

export interface ProbeRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ProbeOptions {
  fetch: typeof fetch;
  /** Per request. @default 10_000 */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/** Make one call; a network failure or time-out becomes a Reply, an abort (Ctrl-C) is rethrown. */
export async function probe(req: ProbeRequest, o: ProbeOptions): Promise<Reply> {
  const signals = [AbortSignal.timeout(o.timeoutMs ?? 10_000)];
  if (o.signal) signals.push(o.signal);
  try {
    const res = await o.fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.any(signals),
    });
    const body = await res.text();
    return { kind: 'response', status: res.status, headers: res.headers, body };
  } catch (err) {
    if (o.signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
    return { kind: 'error', message: (err as Error).name === 'TimeoutError' ? 'timed out' : message };
  }
}

/** The API Gateway message in an error body (`{"message":"…"}`), shortened. */
export function replyMessage(r: Reply): string | undefined {
  if (r.kind === 'error') return r.message;
  try {
    const json = JSON.parse(r.body) as { message?: unknown; Message?: unknown } | null;
    const m = json?.message ?? json?.Message;
    return typeof m === 'string' ? m.slice(0, 80) : undefined;
  } catch {
    return undefined;
  }
}

/** Short text of an answer for a result row: `401`, `403 Missing Authentication Token`, `network error: ECONNREFUSED`. */
export function describeReply(r: Reply): string {
  if (r.kind === 'error') return `network error: ${r.message}`;
  if (r.status >= 200 && r.status < 300) return String(r.status);
  const m = replyMessage(r);
  return m ? `${r.status} ${m}` : String(r.status);
}

export const is2xx = (r: Reply): boolean => r.kind === 'response' && r.status >= 200 && r.status < 300;
export const statusIs = (r: Reply, s: number): boolean => r.kind === 'response' && r.status === s;

/** What kind of answer a call got, as the explanations and the wait rule read it. */
export type AnswerKind =
  | 'ok' | 'unauthorized' | 'missing-auth-token' | 'forbidden' | 'not-found' | 'integration-failed' | 'throttled'
  | 'unavailable' | 'refused' | 'dns' | 'timeout' | 'network' | 'other';

export function answerKind(r: Reply): AnswerKind {
  if (r.kind === 'error') {
    if (r.message === 'timed out') return 'timeout';
    if (/ECONNREFUSED/.test(r.message)) return 'refused';
    if (/ENOTFOUND/.test(r.message)) return 'dns';
    return 'network';
  }
  const s = r.status;
  if (s >= 200 && s < 300) return 'ok';
  if (s === 401) return 'unauthorized';
  if (s === 403) return /Missing Authentication Token/i.test(r.body) ? 'missing-auth-token' : 'forbidden';
  if (s === 404) return 'not-found';
  if (s === 429) return 'throttled';
  if (s === 500 || s === 502) return 'integration-failed';
  if (s === 503 || s === 504) return 'unavailable';
  return 'other';
}

/**
 * Answers only a stage that serves the method gives: a 2xx, the authorizer's 401, or an integration's 500/502
 * (API Gateway routed the call through to the backend). After one of these, the deployment is live.
 */
export const provesLive = (k: AnswerKind): boolean => k === 'ok' || k === 'unauthorized' || k === 'integration-failed';

/** Answers that do not depend on the deployment propagating: nothing listens there, or the name does not resolve. */
export const neverPropagates = (k: AnswerKind): boolean => k === 'refused' || k === 'dns';

/** Why an answer looks like a deployment still reaching the edge (worth waiting for), or undefined. */
export function propagationReason(r: Reply): string | undefined {
  switch (answerKind(r)) {
    case 'refused': case 'dns': case 'timeout': case 'network': return `network error (${describeReply(r).replace(/^network error: /, '')})`;
    case 'missing-auth-token': return 'the stage does not serve this path yet (403 Missing Authentication Token)';
    // A stage just deployed can answer a bare 403 Forbidden for a few seconds (issue #10 rule 14); a real refusal says more.
    case 'forbidden': return replyMessage(r) === 'Forbidden' ? 'the stage is not serving yet (403 Forbidden)' : undefined;
    case 'not-found': return 'the stage is not there yet (404)';
    case 'throttled': case 'unavailable': case 'integration-failed': case 'other':
      return r.kind === 'response' && r.status >= 429 ? `the API answered ${describeReply(r)}` : undefined;
    default: return undefined;
  }
}

export interface WaitClock {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Stop waiting at this time (ms, same clock as `now`). */
  deadline: number;
  onWait?: (reason: string, elapsedMs: number) => void;
  /** @default 500 */
  baseMs?: number;
  /** @default 5_000 */
  capMs?: number;
}

/** Call until `waitWhile` has no reason to wait, or the deadline passes (then the last answer is returned). Backoff doubles from 0.5 s to 5 s. */
export async function probeUntil(req: ProbeRequest, o: ProbeOptions, clock: WaitClock, waitWhile: (r: Reply) => string | undefined, startedAt: number): Promise<Reply> {
  let delay = clock.baseMs ?? 500;
  for (;;) {
    const r = await probe(req, o);
    const reason = waitWhile(r);
    const now = clock.now();
    if (reason === undefined || now >= clock.deadline) return r;
    const wait = Math.min(delay, clock.deadline - now);
    clock.onWait?.(reason, now - startedAt);
    await clock.sleep(wait);
    delay = Math.min(delay * 2, clock.capMs ?? 5_000);
  }
}
