import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getOctokit } from '@actions/github';
import { FakeGitHub } from '../helpers/fake-github.js';
import { retireStickyComments, upsertStickyComment } from '../../src/action/comment.js';
import { retiredComment } from '../../src/action/dockerfile-mode.js';

const target = { owner: 'org', repo: 'app', issueNumber: 7 };
const marker = '<!-- image-changelog:abc -->';
const fast = { retryBaseMs: 5 };

describe('sticky comment', () => {
  let gh: FakeGitHub;
  let octokit: ReturnType<typeof getOctokit>;
  beforeEach(async () => {
    gh = new FakeGitHub();
    octokit = getOctokit('token', { baseUrl: await gh.start(), request: { retries: 0 } });
  });
  afterEach(() => gh.stop());

  it('creates the comment when none exists, then updates the same one', async () => {
    const first = await upsertStickyComment(octokit, target, marker, `${marker}\nv1`);
    expect(first.action).toBe('created');
    const second = await upsertStickyComment(octokit, target, marker, `${marker}\nv2`);
    expect(second.action).toBe('updated');
    expect(gh.comments.get(7)).toHaveLength(1);
    expect(gh.comments.get(7)![0]!.body).toBe(`${marker}\nv2`);
  });

  it('does not touch an unchanged comment', async () => {
    await upsertStickyComment(octokit, target, marker, `${marker}\nsame`);
    const patches = () => gh.requests.filter((r) => r.method === 'PATCH').length;
    const again = await upsertStickyComment(octokit, target, marker, `${marker}\nsame`);
    expect(again.action).toBe('unchanged');
    expect(patches()).toBe(0);
  });

  it('ignores a marker pasted by someone else and finds ours on a later page', async () => {
    gh.addComment(7, `${marker}\nfake`, 'mallory');
    for (let i = 0; i < 150; i++) gh.addComment(7, `chatter ${i}`, 'dev');
    const ours = gh.addComment(7, `${marker}\nold`, 'github-actions[bot]');
    const r = await upsertStickyComment(octokit, target, marker, `${marker}\nnew`);
    expect(r).toMatchObject({ action: 'updated', id: ours.id });
    expect(gh.comments.get(7)!.find((c) => c.user.login === 'mallory')!.body).toBe(`${marker}\nfake`);
    // pagination followed the Link header
    expect(gh.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/comments')).length).toBe(2);
  });

  it('matches the token identity from /user when the token is a user token', async () => {
    gh.userLogin = 'release-bot';
    gh.addComment(7, `${marker}\nby bot`, 'github-actions[bot]');
    const r = await upsertStickyComment(octokit, target, marker, `${marker}\nx`, fast);
    expect(r.action).toBe('created');
    expect(gh.comments.get(7)!.at(-1)!.user.login).toBe('release-bot');
  });

  it('degrades to a denied outcome on a read-only token (403)', async () => {
    gh.fault('POST', /\/comments$/, 403);
    const r = await upsertStickyComment(octokit, target, marker, `${marker}\nx`, fast);
    expect(r.action).toBe('denied');
  });

  it('retries a 502 and succeeds', async () => {
    gh.fault('POST', /\/comments$/, 502);
    const r = await upsertStickyComment(octokit, target, marker, `${marker}\nx`, fast);
    expect(r.action).toBe('created');
    expect(gh.requests.filter((q) => q.method === 'POST').length).toBe(2);
  });

  it('fails with a clear error after repeated 5xx', async () => {
    gh.fault('POST', /\/comments$/, 500, 500, 500, 500);
    await expect(upsertStickyComment(octokit, target, marker, `${marker}\nx`, fast)).rejects.toThrow(
      /create comment failed with HTTP 500/,
    );
  });

  it('reports a 422 (e.g. body too long) without retrying', async () => {
    gh.fault('POST', /\/comments$/, 422);
    await expect(upsertStickyComment(octokit, target, marker, `${marker}\nx`, fast)).rejects.toThrow(
      /HTTP 422/,
    );
    expect(gh.requests.filter((q) => q.method === 'POST').length).toBe(1);
  });
});

describe('retiring Dockerfile comments', () => {
  let gh: FakeGitHub;
  let octokit: ReturnType<typeof getOctokit>;
  beforeEach(async () => {
    gh = new FakeGitHub();
    octokit = getOctokit('token', { baseUrl: await gh.start(), request: { retries: 0 } });
  });
  afterEach(() => gh.stop());

  const family = '<!-- image-changelog-dockerfiles:0123456789abcdef -->';
  const kept = '<!-- image-changelog:1111111111111111 -->';
  const gone = '<!-- image-changelog:2222222222222222 -->';

  it('rewrites only our comments of the family that this run did not write, once', async () => {
    const a = gh.addComment(
      7,
      `${kept}\n## Base images: \`Dockerfile\`\n\nbump\n${family}\n`,
      'github-actions[bot]',
    );
    const b = gh.addComment(
      7,
      `${gone}\n## Base images: \`old/Dockerfile\`\n\nbump\n${family}\n`,
      'github-actions[bot]',
    );
    const pasted = gh.addComment(7, `${gone}\n${family}\nquoted by a reviewer`, 'dev');
    const other = gh.addComment(7, `${gone}\nan image-mode comment`, 'github-actions[bot]');
    const sha = 'c0ffee'.repeat(7);
    const retire = () =>
      retireStickyComments(
        octokit,
        target,
        family,
        new Set([kept]),
        (body) => retiredComment(body, family, sha),
        fast,
      );
    expect(await retire()).toEqual([b.id]);
    const bodies = new Map(gh.comments.get(7)!.map((c) => [c.id, c.body]));
    expect(bodies.get(b.id)).toBe(
      `${gone}\n## Base images: \`old/Dockerfile\`\n\nAs of c0ffeec0ffee, this pull request no longer changes the base images of this Dockerfile: nothing to compare.\n${family}\n`,
    );
    expect(bodies.get(a.id)).toContain('bump');
    expect(bodies.get(pasted.id)).toContain('quoted by a reviewer');
    expect(bodies.get(other.id)).toBe(`${gone}\nan image-mode comment`);
    // A later push finds it already retired: no second update.
    expect(await retire()).toEqual([]);
  });
});
