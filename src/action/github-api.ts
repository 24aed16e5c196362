import type { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

/** An HTTP status from Octokit's RequestError, if there is one. */
export function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

/** A token without the permission (fork pull requests, Dependabot: read-only) is answered 401 or 403. */
export function isPermissionError(err: unknown): boolean {
  const s = statusOf(err);
  return s === 401 || s === 403;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Calls the GitHub API, retrying what is worth retrying: 5xx, 429 and secondary rate limits
 * (403 with retry-after), and dropped connections; at most `attempts` times with backoff.
 */
export async function withRetry<T>(
  what: string,
  call: () => Promise<T>,
  attempts = 4,
  baseMs = 500,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await call();
    } catch (err) {
      last = err;
      const s = statusOf(err);
      const headers = (err as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
      const retryAfter = Number(headers['retry-after']);
      const rateLimited =
        s === 429 || (s === 403 && (Number.isFinite(retryAfter) || headers['x-ratelimit-remaining'] === '0'));
      const transient = s === undefined ? isNetworkError(err) : s >= 500 || rateLimited;
      if (!transient || i === attempts - 1) break;
      const wait =
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : baseMs * 2 ** i;
      await sleep(wait + Math.floor(Math.random() * baseMs));
    }
  }
  const s = statusOf(last);
  const e = new Error(
    `GitHub API ${what} failed${s ? ` with HTTP ${s}` : ''}: ${(last as Error)?.message ?? String(last)}`,
  );
  (e as { status?: number }).status = s;
  throw e;
}

function isNetworkError(err: unknown): boolean {
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } })?.code ??
    (err as { cause?: { code?: unknown } })?.cause?.code;
  return (
    typeof code === 'string' &&
    /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(code)
  );
}
