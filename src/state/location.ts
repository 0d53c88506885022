import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_STATE_DIR } from './store.js';

/** Where stack states live: a local directory (the default) or a bucket and key prefix in S3. */
export type StateLocation =
  | { kind: 'local'; dir: string }
  | { kind: 's3'; bucket: string; prefix: string; url: string };

/** The environment variable that points every command at a shared state, like --state. */
export const STATE_ENV = 'SECURE_API_STATE';

// General purpose bucket names: 3-63 characters, lower-case letters, digits, dots and hyphens, starting and ending with
// a letter or digit, no two adjacent dots, not an IP address (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parse `s3://BUCKET[/PREFIX]`; a string naming what is wrong otherwise. */
export function parseS3Url(url: string): { bucket: string; prefix: string } | string {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  if (!m) return `"${url}" is not an s3://BUCKET/PREFIX URL`;
  const bucket = m[1] ?? '';
  if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    return `"${bucket}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit)`;
  }
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix.split('/').some((seg, i, all) => seg === '' && all.length > 1) || prefix.startsWith('/')) return `the key prefix "${prefix}" has an empty path segment`;
  if (/[\\{}^%`\]["'<>~#|\u0000-\u001f]/.test(prefix)) return `the key prefix "${prefix}" has characters S3 asks to avoid in keys`;
  return { bucket, prefix };
}

export interface StateSources {
  /** --state: s3://BUCKET/PREFIX or a directory. */
  flag?: string | undefined;
  /** SECURE_API_STATE. */
  env?: string | undefined;
  /** "state" in the --config file. */
  file?: string | undefined;
  /** --state-dir (commander fills in its default). */
  stateDir?: string | undefined;
  cwd: string;
}

/** --state, then SECURE_API_STATE, then "state" in the config file, then --state-dir (default .secure-api). */
export function resolveStateLocation(s: StateSources): StateLocation {
  const [value, from] = s.flag !== undefined ? [s.flag, '--state'] : s.env ? [s.env, STATE_ENV] : s.file !== undefined ? [s.file, '"state" in the config file'] : [undefined, ''];
  if (value === undefined) return { kind: 'local', dir: resolve(s.cwd, s.stateDir ?? DEFAULT_STATE_DIR) };
  if (value.startsWith('s3://')) {
    const parsed = parseS3Url(value);
    if (typeof parsed === 'string') throw new UsageError(`${from}: ${parsed}`, 'Give it as s3://BUCKET/PREFIX, for example s3://my-team-state/secure-api.', 'BAD_STATE_URL');
    return { kind: 's3', ...parsed, url: `s3://${parsed.bucket}${parsed.prefix ? `/${parsed.prefix}` : ''}` };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new UsageError(`${from}: "${value}" is neither s3://BUCKET/PREFIX nor a directory`, undefined, 'BAD_STATE_URL');
  if (value === '') throw new UsageError(`${from} is empty`, undefined, 'BAD_STATE_URL');
  return { kind: 'local', dir: resolve(s.cwd, value) };
}

/** The object keys of one stack: its state and its lock. */
export function stackKeys(prefix: string, stack: string): { state: string; lock: string } {
  const base = prefix ? `${prefix}/${stack}` : stack;
  return { state: `${base}.json`, lock: `${base}.lock` };
}
