import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AwsFailure } from '../errors.js';

/**
 * A connection that never reached AWS (refused, a name that does not resolve, a reset, a TLS failure) is a
 * configuration problem on this side, not an AWS outage: it gets a short retry and a message naming the host.
 */

/** Node's error codes for "could not talk to the host at all". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'EHOSTDOWN', 'ENETDOWN', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_OSSL_)/;

export type NetworkKind = 'refused' | 'dns' | 'reset' | 'tls' | 'unreachable';

/** What kind of network failure this is, or undefined for anything AWS answered (an AWS error has $metadata). */
export function networkKind(err: unknown): NetworkKind | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (e.$metadata?.httpStatusCode !== undefined) return undefined;
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code.startsWith('EAI_')) return 'dns';
  if (TLS_CODE.test(code)) return 'tls';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'UND_ERR_SOCKET') return 'reset';
  if (NETWORK_CODES.has(code)) return 'unreachable';
  // AggregateError (happy eyeballs: one per address) and wrapped causes.
  const inner = (err as { errors?: unknown[] }).errors?.[0] ?? e.cause;
  return inner !== undefined && inner !== err ? networkKind(inner) : undefined;
}

export const isNetworkError = (err: unknown): boolean => networkKind(err) !== undefined;

/** How long a call that cannot reach its host is tried again (a blip of the network, or an emulator still starting). */
export const NETWORK_RETRY_MS = 3_000;

let knownRegions: string[] | undefined;
/** The regions the installed AWS SDK knows (its endpoint partitions), or [] when they cannot be read. */
export function sdkRegions(): string[] {
  if (knownRegions) return knownRegions;
  try {
    const core = dirname(createRequire(import.meta.url).resolve('@aws-sdk/core'));
    const file = join(core.replace(/[\\/]dist-cjs$/, ''), 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
    const doc = JSON.parse(readFileSync(file, 'utf8').replace(/^export const partitionsInfo = /, '').replace(/;\s*$/, '')) as { partitions: Array<{ regions: Record<string, unknown> }> };
    knownRegions = doc.partitions.flatMap((p) => Object.keys(p.regions)).filter((r) => !r.endsWith('-global'));
  } catch {
    knownRegions = [];
  }
  return knownRegions;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

/** A region the SDK does not know, and the known ones closest to it ("us-east-9" → us-east-1, us-east-2). */
export function unknownRegion(region: string, known = sdkRegions()): { closest: string[] } | undefined {
  if (!known.length || known.includes(region)) return undefined;
  const scored = known.map((r) => ({ r, d: distance(region, r) })).sort((a, b) => a.d - b.d);
  const best = scored[0]?.d ?? Infinity;
  return { closest: best <= 3 ? scored.filter((s) => s.d === best).map((s) => s.r) : [] };
}

/** The host a call went to: the endpoint's, else the service's regional AWS host. */
export function hostOf(target: { region: string; endpointUrl?: string | undefined }, iamPrefix: string): string {
  if (target.endpointUrl) {
    try {
      return new URL(target.endpointUrl).host;
    } catch {
      return target.endpointUrl;
    }
  }
  const service = iamPrefix === 'tag' ? 'tagging' : iamPrefix;
  return iamPrefix === 'iam' ? 'iam.amazonaws.com' : `${service}.${target.region}.amazonaws.com${target.region.startsWith('cn-') ? '.cn' : ''}`;
}

/** The failure a person can act on: the host, what it was (endpoint or region), and what to check. */
export function networkFailure(err: unknown, o: { call: string; target: { region: string; endpointUrl?: string | undefined }; iamPrefix: string; attempts: number; elapsedMs: number }): AwsFailure {
  const kind = networkKind(err) ?? 'unreachable';
  const host = hostOf(o.target, o.iamPrefix);
  const raw = (err as { code?: string; message?: string } | undefined);
  const what = { refused: 'the connection was refused', dns: 'the name does not resolve', reset: 'the connection was reset', tls: 'the TLS handshake failed', unreachable: 'the host could not be reached' }[kind];
  const tries = `${o.attempts} attempt${o.attempts === 1 ? '' : 's'} over ${(o.elapsedMs / 1000).toFixed(1)} s`;
  const message = `${o.call}: cannot reach ${host}: ${what} (${raw?.code ?? 'network error'}; ${tries})`;
  let hint: string;
  if (o.target.endpointUrl) {
    hint = kind === 'refused'
      ? `Nothing answers at ${o.target.endpointUrl}: start the emulator (LocalStack…) there, or give the --endpoint-url it listens on.`
      : `Check --endpoint-url ${o.target.endpointUrl} (host, port, http or https) and that the emulator is running${kind === 'tls' ? '; an emulator on this machine usually speaks http' : ''}.`;
  } else {
    const unknown = unknownRegion(o.target.region);
    if (unknown) {
      hint = `"${o.target.region}" is not a region this AWS SDK knows${unknown.closest.length ? `: did you mean ${unknown.closest.join(' or ')}?` : '.'} Use --region with one of them.`;
    } else if (kind === 'tls') {
      hint = 'Something between here and AWS intercepts TLS (a proxy or VPN with its own certificate): set NODE_EXTRA_CA_CERTS to its CA bundle, or try without it.';
    } else {
      hint = `Check the network: a proxy (HTTPS_PROXY) or VPN, a firewall, or DNS. The region is ${o.target.region}.`;
    }
  }
  return new AwsFailure(message, { hint, awsName: raw?.code ?? 'NetworkError', cause: err, code: 'NETWORK' });
}
