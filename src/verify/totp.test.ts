import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, msUntilNextStep, otpauthUri, totp, totpMatches } from './totp.js';

// RFC 6238 appendix B: the SHA1 seed is the ASCII "12345678901234567890"; codes are 8 digits there.
const SEED = Buffer.from('12345678901234567890', 'ascii');
const SEED_B32 = base32Encode(SEED);
const VECTORS: Array<[number, string]> = [
  [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
  [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
];

describe('RFC 6238 TOTP', () => {
  it.each(VECTORS)('at T=%i the SHA1 code is %s (appendix B)', (t, code) => {
    expect(totp(SEED_B32, t * 1000, 8)).toBe(code);
    // Cognito's 6 digits are the same number mod 10^6.
    expect(totp(SEED_B32, t * 1000)).toBe(code.slice(2));
  });

  it('RFC 4226 appendix D HOTP values', () => {
    const want = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(want.map((_, i) => hotp(SEED, i))).toEqual(want);
  });

  it('base32 round-trips and rejects characters outside the alphabet', () => {
    expect(SEED_B32).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(SEED_B32.toLowerCase()).equals(SEED)).toBe(true);
    expect(() => base32Decode('ABC1')).toThrow(/base32/);
  });

  it('accepts the current step and one either side, nothing further, and only six digits', () => {
    const now = 1_700_000_015_000;
    expect(totpMatches(SEED_B32, totp(SEED_B32, now), now)).toBe(true);
    expect(totpMatches(SEED_B32, totp(SEED_B32, now - 30_000), now)).toBe(true);
    expect(totpMatches(SEED_B32, totp(SEED_B32, now + 30_000), now)).toBe(true);
    expect(totpMatches(SEED_B32, totp(SEED_B32, now - 60_000), now)).toBe(false);
    expect(totpMatches(SEED_B32, '12345', now)).toBe(false);
    expect(totpMatches(SEED_B32, 'abcdef', now)).toBe(false);
  });

  it('says how long until the next step', () => {
    expect(msUntilNextStep(30_000)).toBe(30_000);
    expect(msUntilNextStep(31_000)).toBe(29_000);
  });

  it('builds the otpauth URI authenticator apps read', () => {
    expect(otpauthUri('ABCD', 'alice@example.com', 'secure-api demo'))
      .toBe('otpauth://totp/secure-api%20demo%3Aalice%40example.com?secret=ABCD&issuer=secure-api+demo&algorithm=SHA1&digits=6&period=30');
  });
});
