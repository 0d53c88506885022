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
const spec = { domainPrefix: 'demo-login' };

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
    await h.delete(testCtx(), spec, { domain: 'demo-login' }, deps);
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolDomainCommand, { Domain: 'demo-login', UserPoolId: 'p1' });
    cognito.on(DeleteUserPoolDomainCommand).rejects(new InvalidParameterException({ message: 'No such domain or user pool exists.', $metadata: {} }));
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    await expect(h.delete(testCtx(), spec, { domain: 'demo-login' }, deps)).resolves.toBeUndefined();
  });
});
