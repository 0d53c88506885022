import { describe, expect, it } from 'vitest';
import { handlerFor, handlers } from './registry.js';
import { RESOURCE_KINDS } from './types.js';

describe('registry', () => {
  it('has exactly one handler per kind, each registered under its own kind', () => {
    expect(Object.keys(handlers).sort()).toEqual([...RESOURCE_KINDS].sort());
    for (const kind of RESOURCE_KINDS) expect(handlerFor(kind).kind).toBe(kind);
  });

  it('names the service whose calls each handler makes', () => {
    expect(handlerFor('iam-role').service).toBe('iam');
    expect(handlerFor('lambda-permission').service).toBe('lambda');
    expect(handlerFor('authorizer').service).toBe('apigateway');
    expect(handlerFor('user-pool-domain').service).toBe('cognito');
  });
});
