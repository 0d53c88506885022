import { describe, expect, it } from 'vitest';
import { fillPathParams, invokeUrl } from '../../src/verify/urls.js';

describe('route URLs', () => {
  it('fill path parameters with a sample value', () => {
    expect(fillPathParams('/items/{id}/parts/{proxy+}')).toBe('/items/1/parts/1');
    expect(invokeUrl('https://x/dev/', '/items/{id}')).toBe('https://x/dev/items/1');
    expect(invokeUrl('https://x/dev', '/')).toBe('https://x/dev/');
    expect(invokeUrl('http://localhost:4566/restapis/a1/dev/_user_request_', '/items')).toBe('http://localhost:4566/restapis/a1/dev/_user_request_/items');
  });
});
