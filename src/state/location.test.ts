import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseS3Url, resolveStateLocation, stackKeys } from './location.js';

describe('state location', () => {
  it('parses s3://BUCKET/PREFIX, trailing slashes and an empty prefix included', () => {
    expect(parseS3Url('s3://team-state/secure-api/')).toEqual({ bucket: 'team-state', prefix: 'secure-api' });
    expect(parseS3Url('s3://team-state')).toEqual({ bucket: 'team-state', prefix: '' });
    expect(parseS3Url('s3://team-state/a/b')).toEqual({ bucket: 'team-state', prefix: 'a/b' });
  });

  it.each(['s3://Team/x', 's3://ab/x', 's3://bad..name/x', 's3://192.168.1.1/x', 's3://team-state/a//b', 'https://team-state/x'])('refuses %s', (url) => {
    expect(typeof parseS3Url(url)).toBe('string');
  });

  it('takes --state, then SECURE_API_STATE, then the config file, then --state-dir', () => {
    const cwd = '/work/x';
    expect(resolveStateLocation({ flag: 's3://a-b/p', env: 's3://c-d/q', cwd })).toMatchObject({ kind: 's3', bucket: 'a-b', prefix: 'p' });
    expect(resolveStateLocation({ env: 's3://c-d/q', file: 's3://e-f/r', cwd })).toMatchObject({ bucket: 'c-d' });
    expect(resolveStateLocation({ file: 's3://e-f/r', stateDir: 'st', cwd })).toMatchObject({ bucket: 'e-f', url: 's3://e-f/r' });
    expect(resolveStateLocation({ stateDir: 'st', cwd })).toEqual({ kind: 'local', dir: '/work/x/st' });
    expect(resolveStateLocation({ cwd })).toEqual({ kind: 'local', dir: '/work/x/.secure-api' });
    expect(() => resolveStateLocation({ flag: 's3://A/p', cwd })).toThrow(UsageError);
    expect(() => resolveStateLocation({ flag: 'gs://bucket/p', cwd })).toThrow(UsageError);
  });

  it('keeps a stack as PREFIX/<stack>.json beside its lock PREFIX/<stack>.lock', () => {
    expect(stackKeys('team/app', 'demo')).toEqual({ state: 'team/app/demo.json', lock: 'team/app/demo.lock' });
    expect(stackKeys('', 'demo')).toEqual({ state: 'demo.json', lock: 'demo.lock' });
  });
});
