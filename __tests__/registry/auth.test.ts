import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../../src/registry/auth.js';
import { parseRetryAfter, retryDelay, DEFAULT_RETRY_POLICY } from '../../src/registry/retry.js';

describe('registry/auth', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/nginx:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'bearer realm=https://x/token, service=reg',
      [{ scheme: 'bearer', params: { realm: 'https://x/token', service: 'reg' } }],
    ],
    [
      'Bearer realm="https://a/t",scope="repository:a:pull,push", Basic realm="b"',
      [
        { scheme: 'bearer', params: { realm: 'https://a/t', scope: 'repository:a:pull,push' } },
        { scheme: 'basic', params: { realm: 'b' } },
      ],
    ],
    ['Bearer realm="with \\"quote\\""', [{ scheme: 'bearer', params: { realm: 'with "quote"' } }]],
    ['', []],
    ['Bearer realm="unterminated', [{ scheme: 'bearer', params: { realm: 'unterminated' } }]],
  ])('parses WWW-Authenticate %j', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe('registry/retry', () => {
  it('reads Retry-After as seconds or a date, and bounds it', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(retryDelay({ ...DEFAULT_RETRY_POLICY, maxRetryAfterMs: 1000 }, 1, '120')).toBe(1000);
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay({ ...p, random: () => 1 }, 1)).toBe(100);
    expect(retryDelay({ ...p, random: () => 1 }, 3)).toBe(400);
    expect(retryDelay({ ...p, random: () => 0 }, 3)).toBe(200);
    expect(retryDelay({ ...p, random: () => 1 }, 10)).toBe(1000);
  });
});
