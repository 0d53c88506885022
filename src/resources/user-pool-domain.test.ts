import {
  CognitoIdentityProviderClient, CreateUserPoolDomainCommand, DeleteUserPoolDomainCommand, DescribeUserPoolDomainCommand,
  InvalidParameterException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsFailure } from '../errors.js';
import { testCtx } from '../../test/support/resource-ctx.js';
import { userPoolDomainHandler as h } from './user-pool-domain.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const deps = { pool: { userPoolId: 'p1', userPoolArn: 'arn:p1' } };
const spec = { domainPrefix: 'demo-login', managedLoginVersion: 1 as const };

beforeEach(() => cognito.reset());

describe('user-pool-domain', () => {
  it('creates the domain for our pool', async () => {
    cognito.on(CreateUserPoolDomainCommand).resolves({});
    expect(await h.create(testCtx(), spec, deps)).toEqual({ domain: 'demo-login' });
    expect(cognito).toHaveReceivedCommandWith(CreateUserPoolDomainCommand, { Domain: 'demo-login', UserPoolId: 'p1' });
  });

  it('explains a taken prefix and how to pick another', async () => {
    cognito.on(CreateUserPoolDomainCommand).rejects(new InvalidParameterException({ message: 'Domain already associated with another user pool.', $metadata: {} }));
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { UserPoolId: 'someone-else', Domain: 'demo-login' } });
    const err: unknown = await h.create(testCtx(), spec, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsFailure);
    expect((err as AwsFailure).code).toBe('DOMAIN_TAKEN');
    expect((err as AwsFailure).message).toContain('"demo-login" is already taken');
    expect((err as AwsFailure).hint).toContain('--domain-prefix');
    expect((err as AwsFailure).hint).toContain('hostedUi.domainPrefix');
  });

  it('treats "already associated" with our own pool as done', async () => {
    cognito.on(CreateUserPoolDomainCommand).rejects(new InvalidParameterException({ message: 'Domain already associated with another user pool.', $metadata: {} }));
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { UserPoolId: 'p1', Domain: 'demo-login' } });
    expect(await h.create(testCtx(), spec, deps)).toEqual({ domain: 'demo-login' });
  });

  it('find adopts only a domain of our pool; an empty description is no domain', async () => {
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { UserPoolId: 'p1', Domain: 'demo-login', Status: 'ACTIVE' } });
    expect(await h.find(testCtx(), spec, deps)).toEqual({ domain: 'demo-login' });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    expect(await h.find(testCtx(), spec, deps)).toBeUndefined();
  });

  it('read: missing when empty, drifted when FAILED, present (with a note) while CREATING', async () => {
    const out = { domain: 'demo-login' };
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    expect(await h.read(testCtx(), spec, out, deps)).toEqual({ state: 'missing' });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { UserPoolId: 'p1', Domain: 'demo-login', Status: 'FAILED' } });
    expect(await h.read(testCtx(), spec, out, deps)).toMatchObject({ state: 'drifted' });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { UserPoolId: 'p1', Domain: 'demo-login', Status: 'CREATING' } });
    const ctx = testCtx();
    expect(await h.read(ctx, spec, out, deps)).toEqual({ state: 'present', out });
    expect(ctx.notes).toEqual(['hosted UI domain demo-login is CREATING']);
  });

  it('delete passes domain and pool, and treats a domain already gone as done', async () => {
    cognito.on(DeleteUserPoolDomainCommand).resolves({});
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    await h.delete(testCtx(), spec, { domain: 'demo-login' }, deps);
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolDomainCommand, { Domain: 'demo-login', UserPoolId: 'p1' });
    cognito.on(DeleteUserPoolDomainCommand).rejects(new InvalidParameterException({ message: 'No such domain or user pool exists.', $metadata: {} }));
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    await expect(h.delete(testCtx(), spec, { domain: 'demo-login' }, deps)).resolves.toBeUndefined();
  });

  it('delete waits (bounded, with one note) while the domain is still DELETING: the pool cannot go before it', async () => {
    cognito.on(DeleteUserPoolDomainCommand).resolves({});
    cognito.on(DescribeUserPoolDomainCommand)
      .resolvesOnce({ DomainDescription: { Domain: 'demo-login', UserPoolId: 'p1', Status: 'DELETING' } })
      .resolvesOnce({ DomainDescription: { Domain: 'demo-login', UserPoolId: 'p1', Status: 'DELETING' } })
      .resolves({ DomainDescription: {} });
    const ctx = testCtx();
    await h.delete(ctx, spec, { domain: 'demo-login' }, deps);
    expect(cognito).toHaveReceivedCommandTimes(DescribeUserPoolDomainCommand, 3);
    expect(ctx.notes).toEqual(['waiting for the hosted UI domain demo-login to finish deleting…']);
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'demo-login', UserPoolId: 'p1', Status: 'DELETING' } });
    const stuck = testCtx();
    await expect(h.delete(stuck, spec, { domain: 'demo-login' }, deps)).rejects.toThrow(/still DELETING after 120 s/);
    expect(stuck.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(120_000);
  });
});
