import { describe, expect, it } from 'vitest';
import { COGNITO_SYMBOLS, generatePassword, passwordProblems, randomTestEmail, randomTestUsername, type PasswordPolicy } from '../../src/verify/password.js';

const strict: PasswordPolicy = { minLength: 8, requireNumbers: true, requireSymbols: true, requireUppercase: true, requireLowercase: true };

describe('generatePassword', () => {
  it('meets the policy every time', () => {
    for (let i = 0; i < 500; i++) expect(passwordProblems(generatePassword(strict), strict)).toEqual([]);
  });

  it('honours a long minimum length', () => {
    const p = generatePassword({ ...strict, minLength: 64 });
    expect(p.length).toBe(64);
    expect(passwordProblems(p, { ...strict, minLength: 64 })).toEqual([]);
  });

  it('uses only Cognito symbols, and none that need shell quoting', () => {
    for (let i = 0; i < 200; i++) {
      for (const c of generatePassword(strict).replace(/[A-Za-z0-9]/g, '')) {
        expect(COGNITO_SYMBOLS).toContain(c);
        expect(`"'\`\\ `).not.toContain(c);
      }
    }
  });

  it('differs between calls', () => {
    expect(new Set(Array.from({ length: 50 }, () => generatePassword(strict))).size).toBe(50);
  });
});

describe('passwordProblems', () => {
  it('names what is missing', () => {
    expect(passwordProblems('abc', strict)).toEqual(['at least 8 characters', 'a number', 'an uppercase letter', 'a symbol']);
    expect(passwordProblems('abcdefgh', { ...strict, requireNumbers: false, requireSymbols: false, requireUppercase: false })).toEqual([]);
  });
});

describe('test names', () => {
  it('are recognisable and random', () => {
    expect(randomTestUsername()).toMatch(/^secure-api-test-[0-9a-f]{10}$/);
    expect(randomTestEmail()).toMatch(/^secure-api-test-[0-9a-f]{10}@example\.com$/);
    expect(randomTestUsername()).not.toBe(randomTestUsername());
  });
});
