import { describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/commands/env.js';
import type { LoadedStack } from '../../src/commands/stack-state.js';
import { stackTarget } from '../../src/commands/stack-target.js';
import type { StateFile } from '../../src/state/schema.js';

const at = '2026-01-01T00:00:00Z';
const node = (kind: string, out: Record<string, string>) => ({ kind, status: 'created', out, label: kind, deps: [], updatedAt: at });
function loaded(clientKind: string): LoadedStack {
  const state = {
    version: 1, stack: 'demo', region: 'us-east-1', account: '123456789012', createdAt: at, updatedAt: at, complete: true,
    config: { hostedUi: { enabled: true, callbackUrls: ['http://localhost:8765/callback'], scopes: ['openid'] }, authorizer: { scopes: ['orders/read'] }, routes: [] },
    nodes: {
      pool: node('user-pool', { userPoolId: 'us-east-1_AbC' }), client: node(clientKind, { clientId: 'c1' }), domain: node('user-pool-domain', { domain: 'demo-x' }),
      'machine-client': node('user-pool-client', { clientId: 'm1' }),
    },
  } as unknown as StateFile;
  return { stack: 'demo', dir: '/tmp', path: '/tmp/demo.json', state };
}
const env = { env: {} } as unknown as CommandEnv;

describe('stackTarget for a scoped stack', () => {
  it('token --login asks the hosted UI for the methods\' scopes too, when the client is ours (it is allowed them)', () => {
    expect(stackTarget({}, env, loaded('user-pool-client')).hostedUi?.scopes).toEqual(['openid', 'orders/read']);
    // Their client (--app-client-id): only what the configuration says it has.
    expect(stackTarget({}, env, loaded('existing-user-pool-client')).hostedUi?.scopes).toEqual(['openid']);
  });

  it('names the machine client and its token endpoint: the domain\'s /oauth2/token, or E/oauth2/token under an endpoint URL', () => {
    expect(stackTarget({}, env, loaded('user-pool-client')).machine).toEqual({ clientId: 'm1', tokenUrl: 'https://demo-x.auth.us-east-1.amazoncognito.com/oauth2/token' });
    const emulated = loaded('user-pool-client');
    (emulated.state as { endpointUrl?: string }).endpointUrl = 'http://127.0.0.1:4566';
    expect(stackTarget({}, env, emulated).machine?.tokenUrl).toBe('http://127.0.0.1:4566/oauth2/token');
    // Per partition: China's domains end in .com.cn.
    const cn = loaded('user-pool-client');
    cn.state.region = 'cn-north-1';
    expect(stackTarget({}, env, cn).machine?.tokenUrl).toBe('https://demo-x.auth.cn-north-1.amazoncognito.com.cn/oauth2/token');
  });
});
