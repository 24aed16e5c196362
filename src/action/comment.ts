import type { Octokit } from './github-api.js';
import { isPermissionError, withRetry } from './github-api.js';

export interface StickyTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export type CommentOutcome =
  | { action: 'created' | 'updated'; id: number; url?: string }
  | { action: 'unchanged'; id: number }
  | { action: 'skipped'; reason: string }
  | { action: 'denied'; reason: string };

/**
 * The login of the token's own identity. A GITHUB_TOKEN cannot call /user (403); its comments are
 * written by github-actions[bot].
 */
export async function tokenIdentity(octokit: Octokit): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return data.login;
  } catch {
    return 'github-actions[bot]';
  }
}

/**
 * Finds our comment: the first one (paginated, stopping at the first match) whose body holds the
 * marker AND whose author is the token's identity (anyone can paste a marker into a comment).
 */
export async function findStickyComment(
  octokit: Octokit,
  target: StickyTarget,
  marker: string,
  author: string,
): Promise<{ id: number; body: string } | undefined> {
  for await (const c of ownComments(octokit, target, author)) if (c.body.includes(marker)) return c;
  return undefined;
}

/** The comments the token's identity wrote on the pull request, page by page (paginated lazily). */
async function* ownComments(
  octokit: Octokit,
  target: StickyTarget,
  author: string,
): AsyncGenerator<{ id: number; body: string }> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const page of pages)
    for (const c of page.data)
      if (c.user?.login === author && typeof c.body === 'string') yield { id: c.id, body: c.body };
}

/** Create or update the one sticky comment; leaves it alone when the body is unchanged. Never throws on a read-only token. */
export async function upsertStickyComment(
  octokit: Octokit,
  target: StickyTarget,
  marker: string,
  body: string,
  options: { retryBaseMs?: number } = {},
): Promise<CommentOutcome> {
  const base = options.retryBaseMs ?? 500;
  try {
    const author = await tokenIdentity(octokit);
    const existing = await withRetry(
      'list comments',
      () => findStickyComment(octokit, target, marker, author),
      4,
      base,
    );
    if (existing) {
      if (existing.body === body) return { action: 'unchanged', id: existing.id };
      const { data } = await withRetry(
        'update comment',
        () =>
          octokit.rest.issues.updateComment({
            owner: target.owner,
            repo: target.repo,
            comment_id: existing.id,
            body,
          }),
        4,
        base,
      );
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await withRetry(
      'create comment',
      () =>
        octokit.rest.issues.createComment({
          owner: target.owner,
          repo: target.repo,
          issue_number: target.issueNumber,
          body,
        }),
      4,
      base,
    );
    return { action: 'created', id: data.id, url: data.html_url };
  } catch (err) {
    if (isPermissionError(err) || (err as { status?: number }).status === 403) {
      return {
        action: 'denied',
        reason:
          'the token may not write pull request comments (a fork or Dependabot pull request gets a read-only token); the job summary has the changelog',
      };
    }
    throw err;
  }
}

/**
 * Our comments that carry `family` (every comment of one Dockerfile-mode workflow and comment-key)
 * but none of the markers this run wrote: a Dockerfile the pull request no longer changes (or no
 * longer comments on). Each is rewritten by `retired(body)` unless it already says that, so no
 * comment goes on describing a base-image bump the pull request has dropped. Never throws on a
 * read-only token (the run's comments were already refused then).
 */
export async function retireStickyComments(
  octokit: Octokit,
  target: StickyTarget,
  family: string,
  written: ReadonlySet<string>,
  retired: (body: string) => string,
  options: { retryBaseMs?: number } = {},
): Promise<number[]> {
  const base = options.retryBaseMs ?? 500;
  const updated: number[] = [];
  try {
    const author = await tokenIdentity(octokit);
    const stale = await withRetry(
      'list comments',
      async () => {
        const found: Array<{ id: number; body: string }> = [];
        for await (const c of ownComments(octokit, target, author))
          if (c.body.includes(family) && ![...written].some((m) => c.body.includes(m))) found.push(c);
        return found;
      },
      4,
      base,
    );
    for (const c of stale) {
      const body = retired(c.body);
      if (body === c.body) continue;
      await withRetry(
        'update comment',
        () =>
          octokit.rest.issues.updateComment({
            owner: target.owner,
            repo: target.repo,
            comment_id: c.id,
            body,
          }),
        4,
        base,
      );
      updated.push(c.id);
    }
  } catch (err) {
    if (isPermissionError(err) || (err as { status?: number }).status === 403) return updated;
    throw err;
  }
  return updated;
}
