import { randomBytes, randomInt } from 'node:crypto';

/** The parts of a user pool's password policy a generated password must meet. */
export interface PasswordPolicy {
  /** @default 8 */
  minLength: number;
  requireNumbers: boolean;
  requireSymbols: boolean;
  requireUppercase: boolean;
  requireLowercase: boolean;
}

/** Cognito's defaults, used when a pool reports no policy. */
export const COGNITO_DEFAULT_POLICY: PasswordPolicy = {
  minLength: 8, requireNumbers: true, requireSymbols: true, requireUppercase: true, requireLowercase: true,
};

/** Every character Cognito counts as a symbol (space aside). */
export const COGNITO_SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';
/** The symbols we generate: Cognito's set without quotes, backslash and backtick, so a password shown once pastes safely into a shell. */
const SAFE_SYMBOLS = '^$*.[]{}()?!@#%&/,><:;|_~=+-';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';

/** Cognito allows at most 256 characters; we never need more than this. */
const MAX_LENGTH = 99;

/** A random password that meets `policy` (crypto randomness): at least 20 characters, one of each required class. */
export function generatePassword(policy: PasswordPolicy = COGNITO_DEFAULT_POLICY, pick: (max: number) => number = randomInt): string {
  const length = Math.min(MAX_LENGTH, Math.max(policy.minLength, 20));
  const from = (set: string): string => set.charAt(pick(set.length));
  // Every class is always mixed in (a policy only requires, never forbids); required ones are guaranteed.
  const chars = [from(UPPER), from(LOWER), from(DIGITS), from(SAFE_SYMBOLS)];
  const all = UPPER + LOWER + DIGITS + SAFE_SYMBOLS;
  while (chars.length < length) chars.push(from(all));
  // Fisher–Yates, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    const a = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = a;
  }
  return chars.join('');
}

/** What a password misses against a policy, in words; empty when it meets it. Cognito-local does not enforce policies, so we check ourselves. */
export function passwordProblems(password: string, policy: PasswordPolicy): string[] {
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push(`at least ${policy.minLength} characters`);
  if (policy.requireNumbers && !/[0-9]/.test(password)) problems.push('a number');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) problems.push('an uppercase letter');
  if (policy.requireLowercase && !/[a-z]/.test(password)) problems.push('a lowercase letter');
  if (policy.requireSymbols && ![...password].some((c) => COGNITO_SYMBOLS.includes(c) || c === ' ')) problems.push('a symbol');
  if (/^\s|\s$/.test(password)) problems.push('no leading or trailing space');
  return problems;
}

/** Prefix of every user `verify` creates and removes, so one a killed run left is recognisable (and removed by the next run). */
export const TEST_USER_PREFIX = 'secure-api-test-';
/** Prefix of a user `verify --keep-user` keeps: never removed by a later run. */
export const KEPT_USER_PREFIX = 'secure-api-kept-';

/** A random test username: `secure-api-test-<10 hex>` (or the kept prefix). */
export function randomTestUsername(prefix = TEST_USER_PREFIX): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** A random test email on the reserved example.com domain (no mail is sent: AdminCreateUser runs with SUPPRESS). */
export function randomTestEmail(prefix = TEST_USER_PREFIX): string {
  return `${randomTestUsername(prefix)}@example.com`;
}
