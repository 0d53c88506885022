/**
 * S3, as far as secure-api's shared state uses it: buckets (versioning flag, public access block, default SSE-S3
 * encryption), objects with ETags, and conditional writes. Rules, each with its source:
 * - PutObject `If-None-Match: *` on a key that has a current object → 412 PreconditionFailed; `If-Match: ETAG` whose
 *   ETag is not the current one (or with no current object) → 412 PreconditionFailed
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html; PutObject API reference, IfMatch/IfNoneMatch).
 * - A conditional write while another conditional write on the same key is under way → 409 ConditionalRequestConflict
 *   ("If a conflicting operation occurs during the upload S3 returns a 409 ConditionalRequestConflict", PutObject IfNoneMatch/IfMatch).
 * - DeleteObject `If-Match: ETAG` not matching → 412; no object → 204, nothing done (DeleteObject API reference, IfMatch;
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html).
 * - A missing bucket → 404 NoSuchBucket; a missing key → 404 NoSuchKey (GetObject API reference, Errors).
 * - ETag of a single-part, SSE-S3 or unencrypted upload: the MD5 of the body, quoted (Object ETag, "Checking object integrity").
 * - Every new object is encrypted with SSE-S3 unless told otherwise (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html).
 * - PutBucketPolicy takes a JSON policy document (else 400 MalformedPolicy); GetBucketPolicy answers it, or 404
 *   NoSuchBucketPolicy (PutBucketPolicy / GetBucketPolicy API reference, Errors). A Deny-only policy is not "public", so
 *   Block Public Access (BlockPublicPolicy) lets it through ("The meaning of public", S3 user guide).
 * - With versioning Enabled, an overwrite or delete keeps the previous version (a delete leaves a delete marker); a new
 *   bucket has versioning unset: GetBucketVersioning answers no Status (GetBucketVersioning API reference).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  CreateBucketCommandInput, DeleteObjectCommandInput, GetBucketVersioningCommandInput, GetObjectCommandInput, HeadObjectCommandInput,
  ListObjectsV2CommandInput, PutBucketVersioningCommandInput, PutBucketPolicyCommandInput, GetBucketPolicyCommandInput, PutObjectCommandInput, PutPublicAccessBlockCommandInput, GetPublicAccessBlockCommandInput,
} from '@aws-sdk/client-s3';
import { encodeToken, page, type Ctx, type Handlers } from './core.js';
import { awsError } from './errors.js';
import type { S3State } from './state.js';

const fail = (name: string, message: string) => awsError('s3', name, message);

function s3Of(ctx: Ctx): S3State {
  ctx.state.s3 ??= { buckets: {}, versionSeq: 0 };
  return ctx.state.s3;
}

function bucketOf(ctx: Ctx, name: string | undefined) {
  const b = s3Of(ctx).buckets[name ?? ''];
  if (!b) throw fail('NoSuchBucket', 'The specified bucket does not exist');
  return b;
}

const unquote = (etag: string | undefined) => etag?.replace(/^W\//, '').replace(/^"|"$/g, '');

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  throw new Error('aws fake: S3 PutObject Body must be a string or bytes here');
}

/** Keys with a conditional write in flight (one at a time per key). */
const inFlight = new Set<string>();

/**
 * Called by the fake's dispatcher before a call's latency: a conditional write takes its key until it answers, and a
 * second conditional write on that key meanwhile is refused with 409, as S3 refuses concurrent conditional requests.
 */
export function admitS3(command: string, input: unknown): (() => void) | undefined {
  if (command !== 'PutObject' && command !== 'DeleteObject') return undefined;
  const i = input as { Bucket?: string; Key?: string; IfMatch?: string; IfNoneMatch?: string };
  if (i.IfMatch === undefined && i.IfNoneMatch === undefined) return undefined;
  const key = `${i.Bucket}/${i.Key}`;
  if (inFlight.has(key)) throw fail('ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource. Please try again.');
  inFlight.add(key);
  return () => { inFlight.delete(key); };
}

function streamBody(text: string) {
  const bytes = Buffer.from(text, 'utf8');
  return Object.assign(Readable.from([bytes]), {
    transformToString: (encoding?: string) => Promise.resolve(bytes.toString((encoding ?? 'utf8') as BufferEncoding)),
    transformToByteArray: () => Promise.resolve(new Uint8Array(bytes)),
  });
}

export const s3Handlers: Handlers = {
  CreateBucket(ctx, input: CreateBucketCommandInput) {
    const s3 = s3Of(ctx);
    const name = input.Bucket ?? '';
    if (s3.buckets[name]) throw fail('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.');
    s3.buckets[name] = { name, region: input.CreateBucketConfiguration?.LocationConstraint ?? 'us-east-1', createdAt: ctx.now(), objects: {}, versions: {}, publicAccessBlock: false };
    return { Location: `/${name}` };
  },
  GetBucketVersioning(ctx, input: GetBucketVersioningCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    return b.versioning ? { Status: b.versioning } : {};
  },
  PutBucketVersioning(ctx, input: PutBucketVersioningCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    const status = input.VersioningConfiguration?.Status;
    if (status !== 'Enabled' && status !== 'Suspended') throw fail('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    b.versioning = status;
    return {};
  },
  PutPublicAccessBlock(ctx, input: PutPublicAccessBlockCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    const c = input.PublicAccessBlockConfiguration ?? {};
    b.publicAccessBlock = Boolean(c.BlockPublicAcls && c.IgnorePublicAcls && c.BlockPublicPolicy && c.RestrictPublicBuckets);
    return {};
  },
  PutBucketPolicy(ctx, input: PutBucketPolicyCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    let doc: { Statement?: Array<{ Effect?: string; Principal?: unknown }> };
    try {
      doc = JSON.parse(input.Policy ?? '') as typeof doc;
    } catch {
      throw fail('MalformedPolicy', 'Policies must be valid JSON and the first byte must be \'{\'');
    }
    const grantsEveryone = (doc.Statement ?? []).some((st) => st.Effect === 'Allow' && (st.Principal === '*' || JSON.stringify(st.Principal).includes('"*"')));
    if (b.publicAccessBlock && grantsEveryone) throw fail('AccessDenied', 'User is not authorized to perform: s3:PutBucketPolicy because public policies are blocked by the BlockPublicPolicy block public access setting.');
    b.policy = input.Policy;
    return {};
  },
  GetBucketPolicy(ctx, input: GetBucketPolicyCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    if (b.policy === undefined) throw fail('NoSuchBucketPolicy', 'The bucket policy does not exist');
    return { Policy: b.policy };
  },
  GetPublicAccessBlock(ctx, input: GetPublicAccessBlockCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    if (!b.publicAccessBlock) throw fail('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found');
    return { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } };
  },
  PutObject(ctx, input: PutObjectCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    const key = input.Key ?? '';
    const current = b.objects[key];
    if (input.IfNoneMatch !== undefined) {
      if (input.IfNoneMatch !== '*') throw fail('NotImplemented', 'If-None-Match only accepts "*" on PutObject');
      if (current) throw fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    if (input.IfMatch !== undefined && (!current || unquote(input.IfMatch) !== unquote(current.etag))) {
      throw fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    const body = bodyText(input.Body);
    const s3 = s3Of(ctx);
    const versionId = b.versioning === 'Enabled' ? `v${++s3.versionSeq}` : undefined;
    if (current && b.versioning === 'Enabled') (b.versions[key] ??= []).push(current);
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const sse = input.ServerSideEncryption ?? 'AES256';
    b.objects[key] = { body, etag, lastModified: ctx.now(), sse, contentType: input.ContentType ?? 'application/octet-stream', ...(versionId ? { versionId } : {}) };
    return { ETag: etag, ServerSideEncryption: sse, ...(versionId ? { VersionId: versionId } : {}) };
  },
  GetObject(ctx, input: GetObjectCommandInput) {
    const o = bucketOf(ctx, input.Bucket).objects[input.Key ?? ''];
    if (!o) throw fail('NoSuchKey', 'The specified key does not exist.');
    return {
      Body: streamBody(o.body), ETag: o.etag, ContentLength: Buffer.byteLength(o.body), ContentType: o.contentType, LastModified: new Date(o.lastModified),
      ServerSideEncryption: o.sse, ...(o.versionId ? { VersionId: o.versionId } : {}),
    };
  },
  HeadObject(ctx, input: HeadObjectCommandInput) {
    const o = bucketOf(ctx, input.Bucket).objects[input.Key ?? ''];
    if (!o) throw fail('NotFound', 'Not Found');
    return { ETag: o.etag, ContentLength: Buffer.byteLength(o.body), LastModified: new Date(o.lastModified), ServerSideEncryption: o.sse };
  },
  DeleteObject(ctx, input: DeleteObjectCommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    const key = input.Key ?? '';
    const current = b.objects[key];
    if (!current) return {};
    if (input.IfMatch !== undefined && input.IfMatch !== '*' && unquote(input.IfMatch) !== unquote(current.etag)) {
      throw fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    if (b.versioning === 'Enabled') (b.versions[key] ??= []).push(current);
    delete b.objects[key];
    return b.versioning === 'Enabled' ? { DeleteMarker: true } : {};
  },
  ListObjectsV2(ctx, input: ListObjectsV2CommandInput) {
    const b = bucketOf(ctx, input.Bucket);
    const prefix = input.Prefix ?? '';
    const keys = Object.keys(b.objects).filter((k) => k.startsWith(prefix)).sort();
    const contents: string[] = [];
    const common = new Set<string>();
    for (const k of keys) {
      const rest = k.slice(prefix.length);
      const cut = input.Delimiter ? rest.indexOf(input.Delimiter) : -1;
      if (cut >= 0) common.add(prefix + rest.slice(0, cut + (input.Delimiter?.length ?? 0)));
      else contents.push(k);
    }
    const p = page(contents, {
      token: input.ContinuationToken, limit: input.MaxKeys, defaultLimit: 1000, maxLimit: 1000,
      invalid: () => { throw fail('InvalidArgument', 'The continuation token provided is incorrect'); },
    });
    return {
      Name: b.name, Prefix: prefix, KeyCount: p.items.length, IsTruncated: p.next !== undefined,
      ...(p.next ? { NextContinuationToken: p.next } : {}),
      Contents: p.items.map((k) => ({ Key: k, ETag: b.objects[k]!.etag, Size: Buffer.byteLength(b.objects[k]!.body), LastModified: new Date(b.objects[k]!.lastModified) })),
      CommonPrefixes: [...common].sort().map((Prefix) => ({ Prefix })),
    };
  },
};

export { encodeToken as s3PageToken };
