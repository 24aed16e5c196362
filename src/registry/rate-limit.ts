import type { IncomingMessage } from 'node:http';
import { ImageChangelogError } from '../util/errors.js';
import { header } from './http.js';
import { parseRetryAfter, TransientError } from './retry.js';
import { isDockerHubHost } from '../oci/reference.js';

/** What a registry's 429 says about its limit (Docker Hub: `ratelimit-limit: 100;w=21600`). */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** The window the counts are for, in seconds (`;w=`). */
  windowSeconds?: number;
  /** Milliseconds until pulls are allowed again, from `ratelimit-reset`, `x-ratelimit-reset` or `retry-after`. */
  resetInMs?: number;
}

function count(value: string | undefined): { n?: number; w?: number } {
  const m = /^\s*(\d{1,12})\s*(?:;\s*w\s*=\s*(\d{1,12}))?/.exec(value ?? '');
  if (!m) return {};
  return { n: Number(m[1]), ...(m[2] !== undefined ? { w: Number(m[2]) } : {}) };
}

/** `ratelimit-reset` is seconds from now; the `x-` form is often a Unix time. Either way, ms from now. */
function resetIn(value: string | undefined, now: number): number | undefined {
  const m = /^\s*(\d{1,12})\s*$/.exec(value ?? '');
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 1_000_000_000 ? Math.max(0, n * 1000 - now) : n * 1000;
}

export function readRateLimit(res: IncomingMessage, now = Date.now()): RateLimitInfo {
  const limit = count(header(res, 'ratelimit-limit') ?? header(res, 'x-ratelimit-limit'));
  const remaining = count(header(res, 'ratelimit-remaining') ?? header(res, 'x-ratelimit-remaining'));
  const reset =
    resetIn(header(res, 'ratelimit-reset') ?? header(res, 'x-ratelimit-reset'), now) ??
    parseRetryAfter(header(res, 'retry-after'), now);
  const info: RateLimitInfo = {};
  if (limit.n !== undefined) info.limit = limit.n;
  if (remaining.n !== undefined) info.remaining = remaining.n;
  const w = remaining.w ?? limit.w;
  if (w !== undefined) info.windowSeconds = w;
  if (reset !== undefined) info.resetInMs = reset;
  return info;
}

function duration(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** The one line a user reads when a registry's limit stops the run: what is left, when it resets, what to do. */
export function rateLimitError(registry: string, subject: string, info: RateLimitInfo): ImageChangelogError {
  const host = isDockerHubHost(registry) ? 'Docker Hub' : registry;
  const parts: string[] = [];
  if (info.remaining !== undefined)
    parts.push(
      `${info.remaining}${info.limit !== undefined ? ` of ${info.limit}` : ''} pulls left` +
        (info.windowSeconds ? ` per ${duration(info.windowSeconds * 1000)}` : ''),
    );
  parts.push(
    info.resetInMs !== undefined
      ? `resets in ${duration(info.resetInMs)}`
      : 'the registry did not say when it resets',
  );
  return new ImageChangelogError(
    'RATE_LIMITED',
    `${host} rate limit reached while fetching ${subject}: ${parts.join(', ')}`,
    {
      subject: registry,
      hint: 'log in to raise the limit: docker/login-action before this step (or registry-username/registry-password when the action compares an image), docker login for the CLI; nothing was compared',
    },
  );
}

/**
 * Whether another attempt makes sense: not when the registry says no pulls are left and it will not
 * reset within `maxWaitMs` (a plain 429, e.g. a burst limit, is retried as any other).
 */
export function worthRetrying(info: RateLimitInfo, maxWaitMs: number): boolean {
  if (info.remaining !== 0) return true;
  return info.resetInMs !== undefined && info.resetInMs <= maxWaitMs;
}

/** A 429 worth another attempt; when the attempts run out it becomes the rate-limit line. */
export class RateLimited extends TransientError {
  constructor(
    message: string,
    readonly info: RateLimitInfo,
    retryAfter: string | undefined,
  ) {
    super(message, 429, retryAfter);
  }
}

/**
 * A 429 answer as an error: the rate-limit line at once when no pulls are left and the reset is
 * further off than we wait, else a RateLimited that the retry loop tries again (and that becomes the
 * same line, through `finalRateLimit`, when the attempts run out).
 */
export function rateLimitFailure(
  res: IncomingMessage,
  registry: string,
  subject: string,
  maxWaitMs: number,
): ImageChangelogError | RateLimited {
  const info = readRateLimit(res);
  res.resume();
  if (!worthRetrying(info, maxWaitMs)) return rateLimitError(registry, subject, info);
  return new RateLimited(`${subject}: the registry answered 429`, info, header(res, 'retry-after'));
}

/** A RateLimited that outlasted the retries, as the rate-limit line; anything else undefined. */
export function finalRateLimit(
  err: unknown,
  registry: string,
  subject: string,
): ImageChangelogError | undefined {
  return err instanceof RateLimited ? rateLimitError(registry, subject, err.info) : undefined;
}
