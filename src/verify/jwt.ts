import { generateKeyPair, sign } from 'node:crypto';
import { promisify } from 'node:util';

/** The claims of a JWT we read (never verified here: API Gateway verifies; we only look). */
export interface JwtClaims {
  token_use?: string;
  iss?: string;
  aud?: string | string[];
  client_id?: string;
  exp?: number;
  iat?: number;
  scope?: string;
  sub?: string;
  'cognito:username'?: string;
  [claim: string]: unknown;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
}

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

function parsePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Header and claims of a JWT, or undefined when it is not one. A "Bearer " prefix is tolerated. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.replace(/^Bearer\s+/i, '').trim().split('.');
  if (parts.length !== 3) return undefined;
  const header = parsePart(parts[0]);
  const claims = parsePart(parts[1]);
  return header && claims ? { header, claims: claims as JwtClaims } : undefined;
}

/**
 * A well-formed RS256 token with the same header (kid included) and claims as `like`, fresh `iat`/`exp`,
 * signed by a key generated here: an authorizer that checks signatures must reject it.
 */
export async function forgeLike(like: string, nowMs: number): Promise<string> {
  const decoded = decodeJwt(like);
  const nowS = Math.floor(nowMs / 1000);
  const header = { ...(decoded?.header ?? { kid: 'secure-api-forged' }), alg: 'RS256', typ: 'JWT' };
  const claims = { ...(decoded?.claims ?? { token_use: 'id' }), iat: nowS, auth_time: nowS, exp: nowS + 3600 };
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), privateKey))}`;
}
