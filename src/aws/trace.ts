/*
 * --verbose and --debug: each AWS call with its timing, and (--debug) what went over the wire. Everything secret
 * (passwords, client secrets, SECRET_HASH, tokens, session credentials, signatures) is replaced by "***" before a
 * line is written: the redaction is by key, over the parsed input, output and HTTP body and headers.
 */

/**
 * Keys whose string values are secrets (AWS's and Cognito's spellings, any case). The Authorization and X-API-Key headers are;
 * `authorizationType`, `authorizationScopes` and `authorizerId` name how a method is secured, and are shown.
 */
const SECRET_KEY = /secret|password|token|(?:^|-)authorization$|(?:^|-)api-key$|credential|signature|session|^code$|usercode|_code$|verifier|private/i;
const MASK = '***';

/** A copy of `v` with every secret string masked; long blobs (zip files) are summarised. */
export function redact(v: unknown, key = ''): unknown {
  if (typeof v === 'string') return SECRET_KEY.test(key) ? MASK : v.length > 2000 ? `(${v.length} characters)` : v;
  if (v instanceof Uint8Array) return `(${v.byteLength} bytes)`;
  if (Array.isArray(v)) return v.map((x) => redact(x, key));
  if (typeof v === 'object' && v !== null) {
    // An API key's `value` is the secret, unlike a patch's: an ApiKey (id, value, enabled…; GetApiKey includeValue)
    // and a UsagePlanKey (id, name, type API_KEY, value: GetUsagePlanKeys answers every key of a plan in the clear).
    const apiKey = 'value' in v && ('enabled' in v || (v as { type?: unknown }).type === 'API_KEY');
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$metadata').map(([k, x]) => [k, apiKey && k === 'value' && typeof x === 'string' ? MASK : redact(x, k)]));
  }
  return v;
}

/** An HTTP body as sent: JSON (Cognito, API Gateway, Lambda) or a form (IAM, STS), redacted by key. */
export function redactBody(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  if (body instanceof Uint8Array) return body.byteLength > 20_000 ? `(${body.byteLength} bytes)` : redactBody(new TextDecoder().decode(body));
  if (typeof body !== 'string') return '(stream)';
  try {
    return JSON.stringify(redact(JSON.parse(body)));
  } catch {
    if (/^[\w.%-]+=/.test(body)) {
      const form = new URLSearchParams(body);
      for (const [k, val] of [...form]) form.set(k, SECRET_KEY.test(k) || /secret|password|token/i.test(val) ? MASK : val);
      return decodeURIComponent(form.toString());
    }
    return `(${body.length} characters)`;
  }
}

export function redactHeaders(h: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => [k, SECRET_KEY.test(k) || /x-amz-security-token/i.test(k) ? MASK : v]));
}

export interface Tracer {
  debug: boolean;
  line: (text: string) => void;
}

/** What one SDK middleware stack needs to know: the HTTP request and response, as @smithy/protocol-http shapes them. */
interface HttpLike { method?: string; hostname?: string; path?: string; headers?: Record<string, string>; body?: unknown; statusCode?: number }
type Next = (args: { request?: unknown }) => Promise<{ response?: unknown }>;
interface MiddlewareStack { add(mw: (next: Next) => Next, opts: { step: 'deserialize'; priority: 'low'; name: string }): void }

/** --debug: log each HTTP request (after signing) and its response status, redacted. */
export function addWireLogging(client: { middlewareStack?: unknown }, service: string, tracer: Tracer): void {
  const stack = client.middlewareStack as MiddlewareStack | undefined;
  if (!stack) return;
  stack.add((next) => async (args) => {
    const req = args.request as HttpLike | undefined;
    if (req) tracer.line(`  > ${req.method ?? ''} https://${req.hostname ?? ''}${req.path ?? ''} ${JSON.stringify(redactHeaders(req.headers ?? {}))} ${redactBody(req.body)}`);
    const out = await next(args);
    const res = out.response as HttpLike | undefined;
    if (res) tracer.line(`  < ${service} HTTP ${res.statusCode ?? '?'} ${JSON.stringify(redactHeaders(res.headers ?? {}))}`);
    return out;
  // Innermost (the deserialize step, after the deserializer): the signed request as it goes out, and the raw response.
  }, { step: 'deserialize', priority: 'low', name: 'secureApiWireLog' });
}
