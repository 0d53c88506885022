import { createAwsClients } from '../../src/aws/clients.js';
import type { Ctx } from '../../src/resources/types.js';

/** A Ctx for handler tests: real SDK clients (stub them with aws-sdk-client-mock), a fake clock, recorded notes. */
/** The state id handler tests run under: what `find` must see tagged to adopt. */
export const TEST_STATE_ID = '0f1e2d3c-4b5a-4697-8877-665544332211';

export interface TestCtx extends Ctx {
  notes: string[];
  slept: number[];
}

export function testCtx(secrets: Record<string, string> = {}): TestCtx {
  let clock = 1_700_000_000_000;
  const slept: number[] = [];
  // Sleeping only moves the fake clock, so retry bounds are exercised without waiting.
  const sleep = async (ms: number): Promise<void> => {
    slept.push(ms);
    clock += ms;
  };
  const now = (): number => clock;
  const notes: string[] = [];
  return {
    clients: createAwsClients({ region: 'eu-west-1' }, { sleep, now, random: () => 0.5 }),
    region: 'eu-west-1',
    account: '123456789012',
    partition: 'aws',
    stack: 'demo',
    stateId: TEST_STATE_ID,
    tags: { 'secure-api:stack': 'demo', 'secure-api:state-id': TEST_STATE_ID },
    sleep,
    now,
    note: (m) => notes.push(m),
    secrets: { idpClientSecret: (_provider, env) => secrets[env] },
    notes,
    slept,
  };
}
