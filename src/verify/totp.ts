import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * RFC 6238 time-based one-time passwords as Cognito's software-token MFA uses them: HMAC-SHA1, a 30-second step,
 * 6 digits, over the base32 secret AssociateSoftwareToken returns (its SecretCode).
 */
export const TOTP_STEP_SECONDS = 30;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (padding and spaces ignored, either case). Throws on a character outside the alphabet. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new Error(`not a base32 secret: unexpected "${ch}"`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** HOTP (RFC 4226) of a raw key at a counter, `digits` long. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The code for a base32 secret at `nowMs` (the 30-second step it falls in). */
export function totp(secretBase32: string, nowMs: number, digits = 6): string {
  return hotp(base32Decode(secretBase32), Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS), digits);
}

/** The 30-second step `code` belongs to: the current one or one either side (RFC 6238 §5.2's allowed delay); undefined when none. */
export function totpStep(secretBase32: string, code: string, nowMs: number, window = 1): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const key = base32Decode(secretBase32);
  const step = Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
  for (let d = -window; d <= window; d++) {
    if (timingSafeEqual(Buffer.from(hotp(key, step + d)), Buffer.from(code))) return step + d;
  }
  return undefined;
}

export const totpMatches = (secretBase32: string, code: string, nowMs: number, window = 1): boolean => totpStep(secretBase32, code, nowMs, window) !== undefined;

/** Milliseconds until the next 30-second step begins (a code already used must not be sent twice). */
export function msUntilNextStep(nowMs: number): number {
  const step = TOTP_STEP_SECONDS * 1000;
  return step - (nowMs % step);
}

/** The otpauth:// URI authenticator apps read (Key Uri Format): issuer and account label, the secret, SHA1/6/30. */
export function otpauthUri(secretBase32: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const q = new URLSearchParams({ secret: secretBase32, issuer, algorithm: 'SHA1', digits: '6', period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${q.toString()}`;
}
