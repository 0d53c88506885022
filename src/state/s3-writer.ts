import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsErrorName } from '../aws/errors.js';
import { LockLost, type StateWriter } from './backend.js';
import type { StateFile } from './schema.js';

/** How the S3 backend sends one call (retried when transient) and reads an object back. */
export interface S3Io {
  send: S3Client['send'];
  /** The object's body and ETag, undefined when there is none. */
  get(key: string): Promise<{ body: string; etag: string | undefined } | undefined>;
  /** The error of a call that failed, as the command says it (AccessDenied → a hint to `secure-api policy`). */
  failure(err: unknown, call: string): Error;
}

export const SSE = 'AES256' as const;

/** The body S3 keeps for a state: the same text as the local file. */
export function stateBody(state: StateFile): string {
  return JSON.stringify(state, null, 2) + '\n';
}

/** 412 PreconditionFailed: the object is not at the version the write was conditioned on (or, for If-None-Match, exists). */
export function isPreconditionFailed(err: unknown): boolean {
  return awsErrorName(err) === 'PreconditionFailed' || (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 412;
}

/** 409 ConditionalRequestConflict: another conditional write on the same key was under way; S3 asks to retry. */
export function isConditionalConflict(err: unknown): boolean {
  return awsErrorName(err) === 'ConditionalRequestConflict';
}

/**
 * Saves a stack's state to S3, one write at a time (saves asked for meanwhile are folded into the next write), each
 * conditioned on the ETag the previous one left (`If-Match`), or on there being none yet (`If-None-Match: *`).
 * A refused write means another run wrote since: every save from then on rejects with `conflict()`, nothing is
 * overwritten. Before each write the fence checks this run still holds the stack's lock (issue 20): once it was
 * removed and taken by another run, every save rejects with the fence's error, even before that run wrote.
 * A write that S3 refused after our own retried attempt had landed is recognised by its body.
 */
export class S3StateWriter implements StateWriter {
  private chain: Promise<void> = Promise.resolve();
  private next: Promise<void> | undefined;
  private failed: Error | undefined;

  constructor(
    private readonly io: S3Io,
    private readonly bucket: string,
    private readonly key: string,
    public state: StateFile,
    /** The ETag read under the lock; undefined: no state object yet. */
    private etag: string | undefined,
    private readonly conflict: () => Error,
    private readonly now: () => Date = () => new Date(),
    /** Resolves while this run's lock holds (its fencing token), rejects (LockLost) once it does not: checked before each write. */
    private readonly fence: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** The ETag of the object as this run last wrote (or read) it. */
  get currentEtag(): string | undefined {
    return this.etag;
  }

  save(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    this.state.updatedAt = this.now().toISOString();
    if (this.next) return this.next;
    const p = this.chain.then(() => {
      this.next = undefined;
      return this.write();
    });
    this.next = p;
    this.chain = p.catch(() => {});
    return p;
  }

  /** Every save asked for so far is written (or has failed). */
  async flush(): Promise<void> {
    await this.chain;
  }

  private async write(): Promise<void> {
    if (this.failed) throw this.failed;
    try {
      await this.fence();
    } catch (err) {
      // A lost lock is for good; a failed look at the lock is only this save's failure.
      if (err instanceof LockLost) this.failed = err;
      throw err;
    }
    const body = stateBody(this.state);
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.io.send(new PutObjectCommand({
          Bucket: this.bucket, Key: this.key, Body: body, ContentType: 'application/json', ServerSideEncryption: SSE,
          ...(this.etag ? { IfMatch: this.etag } : { IfNoneMatch: '*' }),
        }));
        this.etag = out.ETag;
        return;
      } catch (err) {
        if (isConditionalConflict(err) && attempt < 5) continue;
        if (isPreconditionFailed(err) || awsErrorName(err) === 'NoSuchKey') {
          const now = await this.io.get(this.key).catch(() => undefined);
          if (now && now.body === body) {
            this.etag = now.etag;
            return;
          }
          this.failed = this.conflict();
          throw this.failed;
        }
        throw this.io.failure(err, `s3:PutObject s3://${this.bucket}/${this.key}`);
      }
    }
  }
}
