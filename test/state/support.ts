/** Helpers for the shared-state tests: the fake's S3 objects read back as states and locks. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseState } from '../../src/state/store.js';
import type { StateFile } from '../../src/state/schema.js';
import type { AwsFake } from '../fakes/aws-fake.js';

export const BUCKET = 'team-state';
export const PREFIX = 'secure-api';
export const URL = `s3://${BUCKET}/${PREFIX}`;

export function makeBucket(fake: AwsFake, versioning: 'Enabled' | 'off' = 'Enabled'): void {
  fake.state.s3 ??= { buckets: {}, versionSeq: 0 };
  fake.state.s3.buckets[BUCKET] = { name: BUCKET, region: 'us-east-1', createdAt: 0, objects: {}, versions: {}, publicAccessBlock: true, ...(versioning === 'Enabled' ? { versioning } : {}) };
}

export function object(fake: AwsFake, stack: string, ext: 'json' | 'lock') {
  return fake.state.s3?.buckets[BUCKET]?.objects[`${PREFIX}/${stack}.${ext}`];
}

export function s3State(fake: AwsFake, stack: string): StateFile | undefined {
  const o = object(fake, stack, 'json');
  return o ? parseState(o.body, `${URL}/${stack}.json`) : undefined;
}

/** No state file, lock or .secure-api directory was left in this working directory. */
export function noLocalFiles(cwd: string): boolean {
  return !existsSync(join(cwd, '.secure-api'));
}
