/**
 * Issue 24 point 3: a connection refused, a name that does not resolve, a reset or a TLS failure is not an AWS outage:
 * a short retry (seconds), then exit 1 naming the host, the endpoint or region, and what to check. No fake here:
 * the real SDK talks to a closed port and to names that cannot resolve.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients, NETWORK_RETRY_MS } from '../../src/aws/clients.js';
import { isTransient } from '../../src/aws/errors.js';
import { networkFailure, networkKind, sdkRegions, unknownRegion } from '../../src/aws/network.js';
import { AwsFailure } from '../../src/errors.js';
import { freePort } from '../support/ports.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret-for-tests');
});
afterEach(() => { vi.unstubAllEnvs(); });

async function failure(p: Promise<unknown>): Promise<AwsFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AwsFailure) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('network failures are classified apart from throttling and 5xx', () => {
  it('Node\'s codes: refused, DNS, reset, TLS; an AWS answer (with $metadata) never is one', () => {
    expect(networkKind(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(networkKind(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('dns');
    expect(networkKind(Object.assign(new Error('x'), { code: 'EAI_AGAIN' }))).toBe('dns');
    expect(networkKind(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('reset');
    expect(networkKind(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toBe('tls');
    expect(networkKind(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toBe('tls');
    expect(networkKind(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe('refused');
    expect(networkKind({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } })).toBeUndefined();
    expect(networkKind({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).toBeUndefined();
  });

  it('the SDK\'s known regions, and "did you mean" for one it does not know', () => {
    expect(sdkRegions()).toContain('us-east-1');
    expect(sdkRegions()).toContain('eu-west-3');
    expect(unknownRegion('us-east-1')).toBeUndefined();
    expect(unknownRegion('us-east-9')?.closest).toEqual(expect.arrayContaining(['us-east-1', 'us-east-2']));
    expect(unknownRegion('eu-wset-1')?.closest).toContain('eu-west-1');
  });

  it('each kind says what to check: the emulator, the region\'s spelling, a proxy or VPN', () => {
    const at = { call: 'sts:GetCallerIdentity', iamPrefix: 'sts', attempts: 3, elapsedMs: 2500 };
    const refused = networkFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), { ...at, target: { region: 'us-east-1', endpointUrl: 'http://127.0.0.1:5999' } });
    expect(refused.message).toBe('sts:GetCallerIdentity: cannot reach 127.0.0.1:5999: the connection was refused (ECONNREFUSED; 3 attempts over 2.5 s)');
    expect(refused.hint).toContain('start the emulator');
    expect(refused.code).toBe('NETWORK');
    const region = networkFailure(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), { ...at, target: { region: 'us-east-9' } });
    expect(region.message).toContain('cannot reach sts.us-east-9.amazonaws.com: the name does not resolve');
    expect(region.hint).toMatch(/"us-east-9" is not a region this AWS SDK knows: did you mean us-east-1 or us-east-2\?/);
    const tls = networkFailure(Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), { ...at, target: { region: 'eu-west-1' } });
    expect(tls.hint).toContain('proxy or VPN');
    const dns = networkFailure(Object.assign(new Error('x'), { code: 'EAI_AGAIN' }), { ...at, target: { region: 'eu-west-1' } });
    expect(dns.hint).toContain('proxy (HTTPS_PROXY) or VPN');
  });

  it('throttling and 5xx keep their long backoff (still transient)', () => {
    expect(isTransient({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransient({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).toBe(true);
  });
});

describe('the real SDK against a closed port and a name that cannot resolve', () => {
  const clients = (target: { region: string; endpointUrl?: string }, clock: VirtualClock, retries: number[]) => createAwsClients(target, {
    sleep: clock.sleep, now: clock.now, random: () => 0.5, onRetry: (_s, _c, _e, d) => { retries.push(d); },
  });

  it('a closed port: refused, a few quick attempts within the network budget, then the host named', async () => {
    const port = await freePort();
    const clock = new VirtualClock();
    const retries: number[] = [];
    const start = clock.now();
    const err = await failure(clients({ region: 'us-east-1', endpointUrl: `http://127.0.0.1:${port}` }, clock, retries).sts.send(new GetCallerIdentityCommand({})));
    expect(err.code).toBe('NETWORK');
    expect(err.message).toContain(`cannot reach 127.0.0.1:${port}: the connection was refused`);
    expect(err.hint).toContain(`Nothing answers at http://127.0.0.1:${port}`);
    expect(clock.now() - start).toBeLessThanOrEqual(NETWORK_RETRY_MS);
    expect(retries.length).toBeGreaterThan(0);
  });

  it('a resolver that fails (a .invalid name never resolves, RFC 6761): DNS named, seconds not minutes', async () => {
    const clock = new VirtualClock();
    const retries: number[] = [];
    const start = clock.now();
    const err = await failure(clients({ region: 'us-east-1', endpointUrl: 'http://sts.us-east-9.invalid' }, clock, retries).sts.send(new GetCallerIdentityCommand({})));
    expect(err.code).toBe('NETWORK');
    expect(err.message).toContain('cannot reach sts.us-east-9.invalid: the name does not resolve');
    expect(clock.now() - start).toBeLessThanOrEqual(NETWORK_RETRY_MS);
  });

  it('the CLI: init at a closed port exits 1 naming it, in well under 15 s of backoff, with no MaxListenersExceededWarning', async () => {
    const port = await freePort();
    const clock = new VirtualClock();
    const warnings: string[] = [];
    const onWarning = (w: Error) => { warnings.push(w.name); };
    process.on('warning', onWarning);
    try {
      const start = clock.now();
      const r = await runSecureApi(['init', '--yes', '--no-verify', '--endpoint-url', `http://127.0.0.1:${port}`], { cwd: tempDir('secure-api-net-'), clock });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`cannot reach 127.0.0.1:${port}: the connection was refused`);
      expect(r.stderr).toMatch(/sts GetCallerIdentity: ECONNREFUSED, retrying in \d\.\ds/);
      expect(r.stderr).not.toContain('health.aws.amazon.com');
      expect(r.stderr).not.toContain('$response');
      expect(clock.now() - start).toBeLessThan(15_000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('the S3 state backend, on the same rule (issue 24: the bucket\'s endpoint is reached like any other)', () => {
  const status = (endpoint: string, clock: VirtualClock) =>
    runSecureApi(['status', '--stack', 'demo', '--state', 's3://team-state/secure-api', '--endpoint-url', endpoint, '--json'], { cwd: tempDir('secure-api-net-s3-'), clock });

  it('a closed port: exit 1 in seconds, naming the host and the emulator to start, not an outage', async () => {
    const port = await freePort();
    const clock = new VirtualClock();
    const start = clock.now();
    const r = await status(`http://127.0.0.1:${port}`, clock);
    expect(r.code, r.stderr).toBe(1);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(new RegExp(`^s3:GetBucketVersioning s3://team-state/secure-api: cannot reach 127\\.0\\.0\\.1:${port}: the connection was refused \\(ECONNREFUSED; \\d+ attempts? over \\d+\\.\\d s\\)$`));
    expect(error.hint).toContain(`Nothing answers at http://127.0.0.1:${port}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain('health.aws.amazon.com');
    expect(clock.now() - start).toBeLessThanOrEqual(NETWORK_RETRY_MS);
  });

  it('a resolver that fails (.invalid never resolves): the DNS failure named, seconds not minutes', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const r = await status('http://state.example.invalid', clock);
    expect(r.code, r.stderr).toBe(1);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('cannot reach state.example.invalid: the name does not resolve');
    expect(clock.now() - start).toBeLessThanOrEqual(NETWORK_RETRY_MS);
  });
});
