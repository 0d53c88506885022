/**
 * The state in S3: `PREFIX/<stack>.json` (the local file's schema, SSE-S3 encrypted), locked by `PREFIX/<stack>.lock`
 * created with `If-None-Match: *` (S3 answers 412 PreconditionFailed while another run holds it), saved with `If-Match`
 * on the ETag read under the lock. Loaded only for `--state s3://…`: nothing else imports @aws-sdk/client-s3.
 */
import {
  CreateBucketCommand, DeleteObjectCommand, GetBucketVersioningCommand, GetObjectCommand, ListObjectsV2Command, PutBucketVersioningCommand,
  PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand, S3Client, type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorName, isTransient, toAwsFailure } from '../aws/errors.js';
import { isNetworkError, NETWORK_RETRY_MS, networkFailure } from '../aws/network.js';
import { withRetry } from '../aws/retry.js';
import { partitionOf } from '../aws/region.js';
import { UsageError } from '../errors.js';
import { LockLost, StackLocked, StateChanged, type StackSession, type StateBackend } from './backend.js';
import { lockInfo, type LockInfo } from './lock.js';
import { stackKeys } from './location.js';
import { S3StateWriter, SSE, isConditionalConflict, isPreconditionFailed, type S3Io } from './s3-writer.js';
import type { StateFile } from './schema.js';
import { parseState } from './store.js';

export interface S3BackendOptions {
  bucket: string;
  prefix: string;
  /** The client's region (the SDK follows the bucket's own region when it differs). */
  region: string;
  profile?: string | undefined;
  /** An S3-compatible endpoint (LocalStack…): addressed path-style, http://host/BUCKET/KEY. */
  endpointUrl?: string | undefined;
  /** Make a missing bucket (versioning on, public access blocked) instead of refusing. */
  createBucket?: boolean | undefined;
  warn: (msg: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** This run's flags that reach the stack (--profile, --region, --endpoint-url), for the commands its messages print. */
  targetArgs?: string | undefined;
}

const notFound = (err: unknown) => awsErrorName(err) === 'NoSuchKey' || awsErrorName(err) === 'NotFound';

/**
 * The state bucket's policy: every request not made over TLS is refused (aws:SecureTransport false), as AWS's
 * Foundational Security Best Practices ask of a bucket ([S3.5] "S3 general purpose buckets should require requests to
 * use SSL"). A Deny only: it grants nothing, so it is no "public" policy for Block Public Access.
 */
export function stateBucketPolicy(bucket: string, region: string): string {
  const arn = `arn:${partitionOf(region)}:s3:::${bucket}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }],
  });
}

/** The commands that make a state bucket as secure-api wants it. */
export function createBucketCommands(bucket: string, region: string): string {
  const location = region === 'us-east-1' ? '' : ` --create-bucket-configuration LocationConstraint=${region}`;
  return [
    `aws s3api create-bucket --bucket ${bucket} --region ${region}${location}`,
    `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
    `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
    `aws s3api put-bucket-policy --bucket ${bucket} --policy '${stateBucketPolicy(bucket, region)}'`,
  ].join('\n  ');
}

/** The S3 client's settings: an endpoint of an emulator gets path-style addressing (no BUCKET.host DNS name needed). */
export function s3ClientConfig(o: Pick<S3BackendOptions, 'region' | 'profile' | 'endpointUrl'>): Record<string, unknown> {
  return {
    // One retry layer (ours, withRetry), as for every other client: the SDK's own retries are off.
    region: o.region, customUserAgent: 'secure-api', maxAttempts: 1, followRegionRedirects: true,
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpointUrl ? { endpoint: o.endpointUrl, forcePathStyle: true } : {}),
  };
}

export class S3StateBackend implements StateBackend {
  readonly kind = 's3' as const;
  readonly location: string;
  readonly args: string;
  readonly locationArgs: string;
  private readonly client: S3Client;
  private readonly sts: STSClient;
  private checked: Promise<void> | undefined;
  private readonly io: S3Io;

  constructor(private readonly o: S3BackendOptions) {
    this.location = `s3://${o.bucket}${o.prefix ? `/${o.prefix}` : ''}`;
    this.locationArgs = ` --state ${this.location}`;
    this.args = `${this.locationArgs}${o.targetArgs ?? ''}`;
    this.client = new S3Client(s3ClientConfig(o));
    this.sts = new STSClient({ region: o.region, customUserAgent: 'secure-api', maxAttempts: 1, ...(o.profile ? { profile: o.profile } : {}), ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}) });
    // A bucket's endpoint that cannot be reached (refused, DNS, reset, TLS) is said in seconds, naming the host, as the
    // AWS clients say it (network.ts): never retried for 30 s as an outage.
    const send = ((command: Parameters<S3Client['send']>[0]) => this.retried(() => this.client.send(command),
      `s3:${command.constructor.name.replace(/Command$/, '')} ${this.location}`, 's3')) as S3Client['send'];
    this.io = {
      send,
      get: async (key) => {
        try {
          const out = await send(new GetObjectCommand({ Bucket: o.bucket, Key: key }));
          return { body: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag };
        } catch (err) {
          if (notFound(err)) return undefined;
          throw this.failure(err, `s3:GetObject s3://${o.bucket}/${key}`);
        }
      },
      failure: (err, call) => this.failure(err, call),
    };
  }

  /** One call, retried when transient (a network failure only for seconds, then named as the AWS clients name it). */
  private async retried<T>(fn: () => Promise<T>, call: string, iamPrefix: string): Promise<T> {
    const started = this.o.now();
    let attempts = 1;
    try {
      return await withRetry(fn, {
        sleep: this.o.sleep, now: this.o.now, retryable: isTransient, maxElapsedMs: 30_000,
        budgetFor: (err) => (isNetworkError(err) ? NETWORK_RETRY_MS : undefined),
        onRetry: (_err, attempt) => { attempts = attempt + 1; },
      });
    } catch (err) {
      if (!isNetworkError(err)) throw err;
      throw networkFailure(err, { call, target: { region: this.o.region, endpointUrl: this.o.endpointUrl }, iamPrefix, attempts, elapsedMs: this.o.now() - started });
    }
  }

  private failure(err: unknown, call: string): Error {
    if (err instanceof Error && 'exitCode' in err) return err;
    if (awsErrorName(err) === 'NoSuchBucket') return this.noBucket();
    const f = toAwsFailure(err, call);
    return awsErrorName(err) === 'AccessDenied'
      ? Object.assign(f, { hint: `Grant it to these credentials: \`secure-api policy --state ${this.location}\` prints the S3 statements the state needs.` })
      : f;
  }

  private noBucket(): UsageError {
    return new UsageError(`the state bucket ${this.o.bucket} does not exist (or is not visible to these credentials)`,
      `Make it (versioning on, public access blocked, TLS only):\n  ${createBucketCommands(this.o.bucket, this.o.region)}\nor run again with --create-bucket.`, 'NO_STATE_BUCKET');
  }

  /** Once per run: the bucket exists (or is made with --create-bucket), and versioning is on (else a warning). */
  private ensureBucket(): Promise<void> {
    this.checked ??= (async () => {
      const { bucket } = this.o;
      let status: string | undefined;
      try {
        status = (await this.io.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
      } catch (err) {
        if (awsErrorName(err) !== 'NoSuchBucket') throw this.failure(err, `s3:GetBucketVersioning ${bucket}`);
        if (!this.o.createBucket) throw this.noBucket();
        await this.makeBucket();
        return;
      }
      if (status !== 'Enabled') {
        this.o.warn(`Versioning is ${status === 'Suspended' ? 'suspended' : 'off'} on the state bucket ${bucket}: an older state cannot be recovered. Turn it on: aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`);
      }
    })();
    return this.checked;
  }

  private async makeBucket(): Promise<void> {
    const { bucket, region } = this.o;
    const call = (what: string) => (err: unknown) => { throw this.failure(err, `${what} ${bucket}`); };
    await this.io.send(new CreateBucketCommand({
      Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    })).catch(call('s3:CreateBucket'));
    await this.io.send(new PutPublicAccessBlockCommand({
      Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    })).catch(call('s3:PutBucketPublicAccessBlock'));
    await this.io.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } })).catch(call('s3:PutBucketVersioning'));
    await this.io.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: stateBucketPolicy(bucket, region) })).catch(call('s3:PutBucketPolicy'));
    this.o.warn(`Made the state bucket ${bucket} in ${region}: versioning on, public access blocked, TLS required (a bucket policy denies aws:SecureTransport false).`);
  }

  where(stack: string): string {
    return `s3://${this.o.bucket}/${stackKeys(this.o.prefix, stack).state}`;
  }

  async list(): Promise<string[]> {
    await this.ensureBucket();
    const dir = this.o.prefix ? `${this.o.prefix}/` : '';
    const names: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.io.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: dir, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) }))
        .catch((err: unknown) => { throw this.failure(err, `s3:ListBucket ${this.location}`); });
      for (const o of out.Contents ?? []) if (o.Key?.endsWith('.json')) names.push(o.Key.slice(dir.length, -'.json'.length));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return names.sort();
  }

  private async readWithEtag(stack: string): Promise<{ state: StateFile; etag: string | undefined } | undefined> {
    await this.ensureBucket();
    const got = await this.io.get(stackKeys(this.o.prefix, stack).state);
    return got && { state: parseState(got.body, this.where(stack)), etag: got.etag };
  }

  async read(stack: string): Promise<StateFile | undefined> {
    return (await this.readWithEtag(stack))?.state;
  }

  async readLock(stack: string): Promise<(LockInfo & { ageMs?: number; etag?: string }) | undefined> {
    await this.ensureBucket();
    const got = await this.io.get(stackKeys(this.o.prefix, stack).lock);
    if (!got) return undefined;
    let info: LockInfo;
    try {
      info = JSON.parse(got.body) as LockInfo;
    } catch {
      info = { pid: 0, command: '?', startedAt: '?' };
    }
    const at = Date.parse(info.startedAt);
    return { ...info, ageMs: Number.isFinite(at) ? this.o.now() - at : undefined, ...(got.etag ? { etag: got.etag } : {}) };
  }

  private async caller(): Promise<string | undefined> {
    try {
      return (await this.retried(() => this.sts.send(new GetCallerIdentityCommand({})), 'sts:GetCallerIdentity', 'sts')).Arn;
    } catch (err) {
      if (err instanceof Error && 'exitCode' in err) throw err;
      throw toAwsFailure(err, 'sts:GetCallerIdentity');
    }
  }

  /** Create the lock object; held by another run → StackLocked with its holder. */
  private async takeLock(stack: string, command: string): Promise<{ info: Required<LockInfo>; etag: string | undefined }> {
    const key = stackKeys(this.o.prefix, stack).lock;
    const info = lockInfo(command, await this.caller(), new Date(this.o.now()));
    const body = JSON.stringify(info, null, 2) + '\n';
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.io.send(new PutObjectCommand({
          Bucket: this.o.bucket, Key: key, Body: body, IfNoneMatch: '*', ContentType: 'application/json', ServerSideEncryption: SSE,
        }));
        return { info, etag: out.ETag };
      } catch (err) {
        // Another run is taking it this very moment: S3 asks to retry, and the retry then sees who won.
        if (isConditionalConflict(err) && attempt < 5) {
          await this.o.sleep(50 + attempt * 100);
          continue;
        }
        if (!isPreconditionFailed(err)) throw this.failure(err, `s3:PutObject s3://${this.o.bucket}/${key}`);
        const holder = await this.readLock(stack);
        // Our own attempt that landed before a retry.
        if (holder?.lockId === info.lockId) return { info, etag: holder.etag };
        // Released between our write and our read: try again.
        if (!holder && attempt < 5) continue;
        throw new StackLocked(stack, holder ?? { pid: 0, command: '?', startedAt: '?' }, this.args);
      }
    }
  }

  async open(stack: string, command: string): Promise<StackSession> {
    await this.ensureBucket();
    const keys = stackKeys(this.o.prefix, stack);
    const lock = await this.takeLock(stack, command);
    let read: Awaited<ReturnType<S3StateBackend['readWithEtag']>>;
    try {
      read = await this.readWithEtag(stack);
    } catch (err) {
      await this.releaseLock(keys.lock, lock.etag);
      throw err;
    }
    let writer: S3StateWriter | undefined;
    let ended = false;
    const conflict = () => new StateChanged(stack, this.where(stack), this.args);
    const fence = () => this.fence(stack, lock.info.lockId);
    return {
      stack,
      lock: lock.info,
      state: read?.state,
      writer: (s, now) => (writer = new S3StateWriter(this.io, this.o.bucket, keys.state, s, writer?.currentEtag ?? read?.etag, conflict, now, fence)),
      remove: async () => {
        await writer?.flush();
        await fence();
        const etag = writer?.currentEtag ?? read?.etag;
        if (!etag) return;
        try {
          // Conditional delete: a state someone else wrote since is left alone.
          await this.io.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: keys.state, IfMatch: etag }));
        } catch (err) {
          if (isPreconditionFailed(err)) throw conflict();
          if (!notFound(err)) throw this.failure(err, `s3:DeleteObject ${this.where(stack)}`);
        }
      },
      end: async () => {
        if (ended) return;
        ended = true;
        await writer?.flush();
        await this.releaseLock(keys.lock, lock.etag);
      },
    };
  }

  /**
   * The fence of a save (issue 20): the lock object must still hold this run's lock id, its fencing token. S3 cannot
   * condition a PutObject on another object, so the lock is read just before each write; the write itself stays
   * conditioned on the state's ETag (If-Match), so a run that takes the lock in between and writes first still wins:
   * this run's write is then refused as StateChanged.
   */
  private async fence(stack: string, lockId: string): Promise<void> {
    const held = await this.readLock(stack);
    if (held?.lockId === lockId) return;
    throw new LockLost(stack, this.where(stack), held ? { pid: held.pid, startedAt: held.startedAt, command: held.command, who: held.who, host: held.host } : null, this.args);
  }

  /** Delete our lock, only if it is still ours (If-Match on its ETag): after an unlock another run may hold a new one. */
  private async releaseLock(key: string, etag: string | undefined): Promise<void> {
    try {
      await this.io.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key, ...(etag ? { IfMatch: etag } : {}) }));
    } catch (err) {
      if (isPreconditionFailed(err)) {
        this.o.warn(`The lock s3://${this.o.bucket}/${key} is no longer this run's (it was removed with unlock and taken again); it was left as it is.`);
        return;
      }
      if (!notFound(err)) throw this.failure(err, `s3:DeleteObject s3://${this.o.bucket}/${key}`);
    }
  }

  async unlock(stack: string, lockId: string): Promise<LockInfo> {
    const held = await this.readLock(stack);
    if (!held) throw new UsageError(`stack "${stack}" has no lock in ${this.location}`, 'Nothing to remove.', 'NO_LOCK');
    if (held.lockId !== lockId) {
      throw new UsageError(`the lock on stack "${stack}" has id ${held.lockId ?? '(none)'}, not ${lockId}`,
        'Give the id the "locked by" message printed; the lock was left as it is.', 'LOCK_ID');
    }
    const { etag, ageMs: _age, ...info } = held;
    try {
      await this.io.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: stackKeys(this.o.prefix, stack).lock, ...(etag ? { IfMatch: etag } : {}) }));
    } catch (err) {
      if (isPreconditionFailed(err)) throw new UsageError(`the lock on stack "${stack}" changed while it was being removed; it was left as it is`, undefined, 'LOCK_ID');
      if (!notFound(err)) throw this.failure(err, `s3:DeleteObject ${this.location}`);
    }
    return info;
  }
}
