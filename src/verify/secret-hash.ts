import { createHmac } from 'node:crypto';

/**
 * Cognito's SECRET_HASH for a client that has a secret: base64(HMAC-SHA256(clientSecret, username + clientId)).
 * `username` is the name sent as USERNAME (the email for a pool that signs in with email).
 */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}
