/** The fake's S3 rules, each named after what S3 does (sources in test/fakes/s3.ts). */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand, DeleteObjectCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetObjectCommand, ListObjectsV2Command,
  PutBucketPolicyCommand, PutBucketVersioningCommand, PutObjectCommand, PutPublicAccessBlockCommand, S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';

let fake: AwsFake;
const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' } });
beforeEach(async () => {
  fake = installAwsFake();
  await s3.send(new CreateBucketCommand({ Bucket: 'team-state' }));
});
afterEach(() => fake.restore());

const put = (extra: Record<string, string> = {}, body = '{"a":1}') => s3.send(new PutObjectCommand({ Bucket: 'team-state', Key: 'p/s.json', Body: body, ...extra }));
const nameOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}`);

describe('S3 (fake)', () => {
  it('PutObject with If-None-Match: * fails with 412 PreconditionFailed when the key exists', async () => {
    expect(await nameOf(put({ IfNoneMatch: '*' }))).toBe('ok');
    expect(await nameOf(put({ IfNoneMatch: '*' }, 'other'))).toBe('PreconditionFailed 412');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'team-state', Key: 'p/s.json' }));
    expect(await got.Body?.transformToString()).toBe('{"a":1}');
  });

  it('PutObject with If-Match fails with 412 PreconditionFailed unless the ETag is the current one', async () => {
    const first = await put();
    await put({}, '{"a":2}');
    expect(await nameOf(put({ IfMatch: first.ETag! }, 'stale'))).toBe('PreconditionFailed 412');
    const now = await s3.send(new GetObjectCommand({ Bucket: 'team-state', Key: 'p/s.json' }));
    expect(await nameOf(put({ IfMatch: now.ETag! }, '{"a":3}'))).toBe('ok');
    expect(await nameOf(s3.send(new PutObjectCommand({ Bucket: 'team-state', Key: 'p/none.json', Body: 'x', IfMatch: '"abc"' })))).toBe('PreconditionFailed 412');
  });

  it('two conditional writes on one key at once: one succeeds, the other gets 409 ConditionalRequestConflict', async () => {
    const results = await Promise.all([nameOf(put({ IfNoneMatch: '*' })), nameOf(put({ IfNoneMatch: '*' }, 'second'))]);
    expect(results.sort()).toEqual(['ConditionalRequestConflict 409', 'ok']);
  });

  it('the ETag of a single-part upload is the quoted MD5 of its body, and objects are SSE-S3 encrypted by default', async () => {
    const out = await put({}, 'hello');
    expect(out.ETag).toBe(`"${createHash('md5').update('hello').digest('hex')}"`);
    expect((await s3.send(new GetObjectCommand({ Bucket: 'team-state', Key: 'p/s.json' }))).ServerSideEncryption).toBe('AES256');
  });

  it('DeleteObject with If-Match fails with 412 when the ETag is not the current one; a missing key is a success', async () => {
    const first = await put();
    await put({}, 'newer');
    expect(await nameOf(s3.send(new DeleteObjectCommand({ Bucket: 'team-state', Key: 'p/s.json', IfMatch: first.ETag! })))).toBe('PreconditionFailed 412');
    expect(await nameOf(s3.send(new DeleteObjectCommand({ Bucket: 'team-state', Key: 'p/gone.json', IfMatch: first.ETag! })))).toBe('ok');
  });

  it('a missing bucket is 404 NoSuchBucket, a missing key 404 NoSuchKey', async () => {
    expect(await nameOf(s3.send(new GetBucketVersioningCommand({ Bucket: 'nobody-made-this' })))).toBe('NoSuchBucket 404');
    expect(await nameOf(s3.send(new GetObjectCommand({ Bucket: 'team-state', Key: 'p/missing.json' })))).toBe('NoSuchKey 404');
  });

  it('a new bucket has no versioning status; with versioning Enabled, overwrites and deletes keep the previous versions', async () => {
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'team-state' }))).Status).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'team-state', VersioningConfiguration: { Status: 'Enabled' } }));
    await put();
    await put({}, 'two');
    await s3.send(new DeleteObjectCommand({ Bucket: 'team-state', Key: 'p/s.json' }));
    expect(fake.state.s3?.buckets['team-state']?.versions['p/s.json']?.map((v) => v.body)).toEqual(['{"a":1}', 'two']);
  });

  it('ListObjectsV2 with a delimiter lists the keys directly under the prefix, the deeper ones as common prefixes', async () => {
    await put();
    await s3.send(new PutObjectCommand({ Bucket: 'team-state', Key: 'p/deeper/x.json', Body: 'x' }));
    const out = await s3.send(new ListObjectsV2Command({ Bucket: 'team-state', Prefix: 'p/', Delimiter: '/' }));
    expect(out.Contents?.map((c) => c.Key)).toEqual(['p/s.json']);
    expect(out.CommonPrefixes?.map((c) => c.Prefix)).toEqual(['p/deeper/']);
  });

  it('PutBucketPolicy: JSON only (400 MalformedPolicy); Block Public Access refuses a policy granting "*", never a Deny; GetBucketPolicy answers it or 404 NoSuchBucketPolicy', async () => {
    expect(await nameOf(s3.send(new GetBucketPolicyCommand({ Bucket: 'team-state' })))).toBe('NoSuchBucketPolicy 404');
    expect(await nameOf(s3.send(new PutBucketPolicyCommand({ Bucket: 'team-state', Policy: 'not json' })))).toBe('MalformedPolicy 400');
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'team-state', PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
    const statement = (Effect: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team-state/*' }] });
    expect(await nameOf(s3.send(new PutBucketPolicyCommand({ Bucket: 'team-state', Policy: statement('Allow') })))).toBe('AccessDenied 403');
    expect(await nameOf(s3.send(new PutBucketPolicyCommand({ Bucket: 'team-state', Policy: statement('Deny') })))).toBe('ok');
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'team-state' }))).Policy).toBe(statement('Deny'));
  });
});
