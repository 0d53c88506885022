import type { ServiceName } from './errors.js';
import type { FakeState } from './state.js';

/** Options after defaults; read by the service handlers. */
export interface ResolvedOptions {
  lambdaAssumeFailures: number;
  lambdaAssumeWindowMs: number;
  lambdaActiveAfterReads: number;
  deleteRestApiWindowMs: number;
  takenDomainPrefixes: ReadonlySet<string>;
  domainCreatingDescribes: number;
  freshStageForbiddenRequests: number;
  getFunctionReturnsTags: boolean;
  domainDeletingDescribes: number;
}

/** What every handler gets: the memory, the options and the fake's clock. */
export interface Ctx {
  state: FakeState;
  opts: ResolvedOptions;
  now(): number;
  /** The calling client's configured region (`state` is already that account's memory in it), else the fake's default. */
  region?: string;
}

/** The region a call was made in: ids and ARNs carry it, as AWS's do. */
export const regionOf = (ctx: Ctx): string => ctx.region ?? ctx.state.region;

/** A handler answers one command from the fake's memory. The output is everything but `$metadata`. */
export type Handler = (ctx: Ctx, input: never) => object;
export type Handlers = Record<string, Handler>;
export type Out<T> = Omit<T, '$metadata'>;

export interface CommandRef {
  service: ServiceName;
  command: string;
}

// ── seeded randomness ──────────────────────────────────────────────────────────────────────────────────────

/** mulberry32: one 32-bit state word, so it is trivially serialisable. */
export function nextRandom(holder: { rng: number }): number {
  holder.rng = (holder.rng + 0x6d2b79f5) >>> 0;
  let t = holder.rng;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

export function randomString(holder: { rng: number }, length: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(nextRandom(holder) * alphabet.length)];
  return s;
}

export function randomUuid(holder: { rng: number }): string {
  const h = randomString(holder, 32, HEX);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** A fresh id not already a key of `taken`. */
export function uniqueId(holder: { rng: number }, taken: object, make: () => string): string {
  for (;;) {
    const id = make();
    if (!Object.prototype.hasOwnProperty.call(taken, id)) return id;
  }
}

// ── paging ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Opaque page tokens, like AWS's: base64 of the next offset. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'o' in parsed && typeof parsed.o === 'number' && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  return undefined;
}

export interface PageOptions {
  token?: string | undefined;
  limit?: number | undefined;
  defaultLimit: number;
  maxLimit: number;
  /** Called (and must throw the service's error) for a token this fake did not hand out or a bad limit. */
  invalid: (what: 'token' | 'limit') => never;
}

/** One page of `items` and the token for the next, if there is more. */
export function page<T>(items: readonly T[], o: PageOptions): { items: T[]; next?: string } {
  let start = 0;
  if (o.token !== undefined && o.token !== '') {
    const decoded = decodeToken(o.token);
    if (decoded === undefined) o.invalid('token');
    start = decoded;
  }
  const limit = o.limit ?? o.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > o.maxLimit) o.invalid('limit');
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? encodeToken(start + limit) : undefined;
  return next === undefined ? { items: slice } : { items: slice, next };
}

// ── misc ───────────────────────────────────────────────────────────────────────────────────────────────────

export function date(ms: number): Date {
  return new Date(ms);
}

/** Deep copy of plain data, so callers can never reach into the fake's memory through a response. */
export function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** Drop keys whose value is undefined (AWS omits absent members; stored JSON stays tidy). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** Lambda's LastModified format: 2024-01-02T03:04:05.678+0000. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
