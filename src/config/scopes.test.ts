import { describe, expect, it } from 'vitest';
import { checkScope, customScopes, resourceServerName, resourceServersFor, splitScope } from './scopes.js';

describe('OAuth scopes', () => {
  it('splits at the last "/", so URL identifiers work', () => {
    expect(splitScope('orders/read')).toEqual({ identifier: 'orders', name: 'read' });
    expect(splitScope('https://api.example.com/read')).toEqual({ identifier: 'https://api.example.com', name: 'read' });
  });

  it('needs no resource server for the standard scopes; groups the custom ones by identifier', () => {
    expect(customScopes(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin', 'a/x', 'a/x'])).toEqual(['a/x']);
    expect(resourceServersFor(['a/x', 'b/y', 'a/z'])).toEqual([{ identifier: 'a', scopes: ['x', 'z'] }, { identifier: 'b', scopes: ['y'] }]);
  });

  it('refuses what Cognito would refuse, before any call', () => {
    expect(checkScope('orders/read')).toBeUndefined();
    expect(checkScope('openid')).toBeUndefined();
    for (const bad of ['read', '/read', 'orders/', 'my orders/read', 'orders/re"ad']) expect(checkScope(bad)).toMatch(/scope/);
  });

  it('names a resource server within Cognito\'s allowed characters', () => {
    expect(resourceServerName('https://api.example.com', 'demo')).toBe('https---api.example.com by secure-api demo');
    expect(resourceServerName('x'.repeat(300), 'demo')).toHaveLength(256);
  });
});
