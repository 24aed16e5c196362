import { ImageChangelogError, type ErrorCode } from '../util/errors.js';
import { DEADLINE_EXCEEDED, header, readBody, type HttpResponse } from './http.js';
import { isRetryableStatus, TransientError } from './retry.js';
import { finalRateLimit, rateLimitFailure } from './rate-limit.js';

/**
 * What a failed registry request means, as one clear error naming the registry and what was fetched:
 * after the retries ran out (`requestFailure`), or for a status the registry answered (`statusFailure`).
 */

/** The error for a request whose retries ran out (an ImageChangelogError passes through as it is). */
export function requestFailure(
  err: unknown,
  registry: string,
  subject: string,
  maxAttempts: number,
): ImageChangelogError {
  if (err instanceof ImageChangelogError) return err;
  const limited = finalRateLimit(err, registry, subject);
  if (limited) return limited;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === DEADLINE_EXCEEDED)
    return new ImageChangelogError(
      'REGISTRY_TIMEOUT',
      `cannot fetch ${subject} from ${registry}: ${(err as Error).message}`,
      { subject: registry, cause: err },
    );
  const why = err instanceof TransientError ? err.message : `${code ?? (err as Error).message}`;
  return new ImageChangelogError(
    code === 'IDLE_TIMEOUT'
      ? 'REGISTRY_TIMEOUT'
      : err instanceof TransientError && err.status !== undefined
        ? 'REGISTRY_ERROR'
        : 'REGISTRY_UNREACHABLE',
    `cannot fetch ${subject} from ${registry}: ${why} (after ${maxAttempts} attempts)`,
    { subject: registry, cause: err },
  );
}

/**
 * Throws for a status other than success: a TransientError for one worth retrying, else the error the
 * status means (`notFoundCode` for 404).
 */
export async function statusFailure(
  r: HttpResponse,
  subject: string,
  repo: { registry: string; repository: string },
  notFoundCode: ErrorCode,
  maxRetryAfterMs: number,
): Promise<never> {
  const { status } = r;
  // No pulls left until a reset we will not wait for: say so now instead of retrying into it.
  if (status === 429) throw rateLimitFailure(r.res, repo.registry, subject, maxRetryAfterMs);
  if (isRetryableStatus(status)) {
    r.res.resume();
    throw new TransientError(
      `${subject}: the registry answered ${status}`,
      status,
      header(r.res, 'retry-after'),
    );
  }
  const detail = await errorDetail(r);
  const where = `${repo.registry}/${repo.repository}`;
  if (status === 404)
    throw new ImageChangelogError(notFoundCode, `${subject} not found${detail}`, { subject: where });
  if (status === 401 || status === 403) {
    throw new ImageChangelogError(
      'ACCESS_DENIED',
      `${repo.registry} denied access to ${subject} (${status})${detail}`,
      {
        subject: where,
        hint: 'the repository may not exist, or it needs credentials (registry-username/registry-password, docker login)',
      },
    );
  }
  throw new ImageChangelogError('REGISTRY_ERROR', `${subject}: the registry answered ${status}${detail}`, {
    subject: where,
  });
}

/** The registry's error code, cleaned: strings from a server are untrusted. */
async function errorDetail(r: HttpResponse): Promise<string> {
  try {
    const body = await readBody(r.res, 64 * 1024, 'error body');
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown }[] };
    const code = parsed.errors?.[0]?.code;
    if (typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code)) return ` (${code})`;
  } catch {
    // no usable detail
  }
  return '';
}
