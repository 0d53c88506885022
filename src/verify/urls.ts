/** Value put in place of every `{param}` of a path when we call it. */
export const SAMPLE_PATH_VALUE = '1';

/** `/items/{id}` → `/items/1`; `{proxy+}` too. */
export function fillPathParams(path: string, value = SAMPLE_PATH_VALUE): string {
  return path.replace(/\{[^}/]+\}/g, encodeURIComponent(value));
}

/** The URL to call for a route path under a stage's invoke URL (see `invokeBaseUrl` in src/state/outputs.ts), params filled with a sample value. */
export function invokeUrl(base: string, path: string, value = SAMPLE_PATH_VALUE): string {
  const p = fillPathParams(path, value);
  return `${base.replace(/\/+$/, '')}${p === '/' ? '/' : p}`;
}
