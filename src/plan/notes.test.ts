import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { planNotes } from './notes.js';

const cfg = (input: unknown) => resolveConfig(input, { defaultRegion: 'us-east-1', suffix: () => 'abc123' });

describe('planNotes', () => {
  it('names the feature plan and the 50-a-day sender by default', () => {
    expect(planNotes(cfg({}))).toEqual([
      expect.stringMatching(/^User pool plan LITE, the cheapest \(Cognito alone would make ESSENTIALS\)/),
      expect.stringMatching(/at most 50 emails a day/),
    ]);
  });

  it('warns that SES in its sandbox delivers only to verified addresses; says nothing without a pool', () => {
    const ses = cfg({ userPool: { tier: 'ESSENTIALS', email: { type: 'SES', sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com', from: 'no-reply@example.com' } } });
    expect(planNotes(ses)).toEqual([expect.stringMatching(/^User pool plan ESSENTIALS/), expect.stringMatching(/SES sandbox \(per region\) it delivers only to verified addresses/)]);
    expect(planNotes(cfg({ routes: [{ path: '/health', methods: ['GET'], integration: { type: 'mock' }, public: true }] }))).toEqual([]);
  });
});

describe('planNotes: custom scopes', () => {
  it('says a machine client proves them and that Cognito bills M2M; without one, that they are proven by hand', () => {
    expect(planNotes(cfg({ authorizer: { scopes: ['orders/read'] } }))[2]).toMatch(/resource server defines them, and a machine client.*Cognito bills machine-to-machine/);
    expect(planNotes(cfg({ authorizer: { scopes: ['orders/read'], machineClient: false } }))[2]).toMatch(/no machine client.*secure-api token --login --access/);
    expect(planNotes(cfg({ authorizer: { scopes: ['openid'] } }))).toHaveLength(2);
  });
});
