import { describe, expect, it } from 'vitest';
import { secretHash } from '../../src/verify/secret-hash.js';

describe('secretHash', () => {
  it('is base64(HMAC-SHA256(secret, username + clientId))', () => {
    // Reference value from: printf 'alice@example.com4abc123clientid' | openssl dgst -sha256 -hmac verysecret -binary | base64
    expect(secretHash('alice@example.com', '4abc123clientid', 'verysecret')).toBe('QAT/Bak1NGyc3LebfAR6XQaQ3+BSJ6ptW9whNpa95Uw=');
  });

  it('changes with the username and the client', () => {
    const a = secretHash('a', 'c', 's');
    expect(secretHash('b', 'c', 's')).not.toBe(a);
    expect(secretHash('a', 'd', 's')).not.toBe(a);
  });
});
