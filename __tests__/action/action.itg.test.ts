import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  bundledAction,
  commandLines,
  eventFixture,
  runAction,
  type ActionRun,
} from '../helpers/run-action.js';
import { repoRoot } from '../world/world.js';

// The bundled action, run as the Actions runner runs it, against the example images shipped in
// examples/ (real Debian packages: tzdata upgraded, ca-certificates added, netbase removed, an app).
const TOKEN = 'ghs_itgTokenThatMustNeverBeLogged4711';
const V1 = 'oci-archive:examples/v1.oci.tar';
const V2 = 'oci-archive:examples/v2.oci.tar';
const MARKER = /<!-- image-changelog:[^\s>]+ -->/;

/** A workspace as actions/checkout leaves it: the repository's files (here the examples) and a .github folder. */
async function makeWorkspace(): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'ic-workspace-'));
  await symlink(join(repoRoot, 'examples'), join(ws, 'examples'));
  await mkdir(join(ws, '.github'));
  return ws;
}

function prEvent(number = 42): Record<string, unknown> {
  const e = eventFixture('pull_request.opened');
  (e.pull_request as { number: number }).number = number;
  e.number = number;
  return e;
}

/** Anything in the JSON report that looks like `want` (the report's layout is the renderer's; its facts are ours). */
function findIn(value: unknown, want: Record<string, unknown>): Record<string, unknown>[] {
  const hits: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (Object.entries(want).every(([k, w]) => o[k] === w)) hits.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  return hits;
}

/** The token may appear once, in the runner's add-mask command, and nowhere else. */
function expectTokenMasked(run: ActionRun): void {
  const leaks = [...run.stdout.split('\n'), ...run.stderr.split('\n')].filter(
    (l) => l.includes(TOKEN) && l !== `::add-mask::${TOKEN}`,
  );
  expect(leaks).toEqual([]);
  expect(run.outputText).not.toContain(TOKEN);
  expect(run.summary).not.toContain(TOKEN);
}

function expectCleanFailure(run: ActionRun, names: RegExp): void {
  expect(run.code).toBe(1);
  const errors = commandLines(run, 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(names);
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at .+[:(]/m);
  expect(run.outputText).toBe('');
  expectTokenMasked(run);
}

describe('action (bundled dist/index.js)', () => {
  let gh: FakeGitHub;
  let workspace: string;
  const run = (
    eventName: string,
    event: Record<string, unknown>,
    inputs: Record<string, string>,
    extra: { workflow?: string } = {},
  ) =>
    runAction({
      inputs: { 'github-token': TOKEN, ...inputs },
      eventName,
      event,
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
      ...extra,
    });
  const comments = (issue = 42) => gh.comments.get(issue) ?? [];
  const count = (method: string, path: RegExp) =>
    gh.requests.filter((r) => r.method === method && path.test(r.path)).length;

  beforeAll(() => {
    if (!existsSync(bundledAction)) throw new Error(`${bundledAction} is missing: run npm run bundle first`);
  });
  beforeEach(async () => {
    gh = new FakeGitHub();
    await gh.start();
    workspace = await makeWorkspace();
  });
  afterEach(() => gh.stop());

  it('posts one sticky comment, updates it on a re-run and leaves it alone when nothing differs', async () => {
    const first = await run('pull_request', prEvent(), { image: V2, previous: V1 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expectTokenMasked(first);
    expect(commandLines(first, 'add-mask')).toContain(`::add-mask::${TOKEN}`);

    expect(comments()).toHaveLength(1);
    const comment = { ...comments()[0]! }; // a copy: the fake edits its comments in place
    expect(comment.body).toMatch(MARKER);
    expect(comment.body.length).toBeLessThanOrEqual(65_536);
    for (const name of ['tzdata', 'ca-certificates', 'netbase']) expect(comment.body).toContain(name);
    expect(gh.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);

    // The report says what kind each change is; the comment shows tzdata's two versions.
    const o = first.outputs;
    expect(existsSync(o['report-file']!)).toBe(true);
    const report: unknown = JSON.parse(readFileSync(o['report-file']!, 'utf8'));
    const tz = findIn(report, { name: 'tzdata', kind: 'upgraded' });
    expect(tz).toHaveLength(1);
    const [before, after] = [tz[0]!.before as { version: string }, tz[0]!.after as { version: string }];
    expect(before.version).not.toBe(after.version);
    expect(comment.body).toContain(before.version);
    expect(comment.body).toContain(after.version);
    expect(findIn(report, { name: 'ca-certificates', kind: 'added' })).toHaveLength(1);
    expect(findIn(report, { name: 'netbase', kind: 'removed' })).toHaveLength(1);

    // Outputs, the changelog file and the job summary agree.
    expect(o['has-changes']).toBe('true');
    expect(o['packages-changed']).toBe('3');
    expect(Number(o['files-changed'])).toBeGreaterThanOrEqual(2); // app/server and its configuration at least
    expect(o['policy-result']).toBe('none');
    expect(o.changelog).toContain('tzdata');
    expect(readFileSync(o['changelog-file']!, 'utf8').trim()).toBe(o.changelog!.trim());
    expect(first.summary).toContain(o.changelog!.trim());

    // A second run with a different result updates the same comment.
    const second = await run('pull_request', prEvent(), { image: V2, previous: V1, exclude: 'app/**' });
    expect(second.code).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.id).toBe(comment.id);
    expect(comments()[0]!.body).not.toBe(comment.body);
    expect(count('PATCH', /\/issues\/comments\/\d+$/)).toBe(1);
    expect(count('POST', /\/comments$/)).toBe(1);

    // A third run with the same result changes nothing.
    const third = await run('pull_request', prEvent(), { image: V2, previous: V1, exclude: 'app/**' });
    expect(third.code).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(count('PATCH', /\/issues\/comments\/\d+$/)).toBe(1);
    expect(count('POST', /\/comments$/)).toBe(1);
    for (const r of [second, third]) expectTokenMasked(r);
  });

  it('posts no comment when nothing changed and comment is on-change', async () => {
    const r = await run('pull_request', prEvent(), { image: V1, previous: V1, comment: 'on-change' });
    expect(r.code).toBe(0);
    expect(r.outputs['has-changes']).toBe('false');
    expect(r.outputs['packages-changed']).toBe('0');
    expect(comments()).toHaveLength(0);
    expect(count('POST', /\/comments$/)).toBe(0);
    expect(r.summary).not.toBe('');
    expectTokenMasked(r);
  });

  it('warns and still writes the summary when the token may not comment (403)', async () => {
    gh.fault('POST', /\/issues\/\d+\/comments$/, 403);
    const r = await run('pull_request', prEvent(), { image: V2, previous: V1 });
    expect(r.code).toBe(0);
    expect(commandLines(r, 'warning').some((l) => /comment/.test(l))).toBe(true);
    expect(commandLines(r, 'error')).toEqual([]);
    expect(comments()).toHaveLength(0);
    expect(r.summary).toContain('tzdata');
    expect(r.outputs['has-changes']).toBe('true');
    expectTokenMasked(r);
  });

  it('leaves alone a comment by someone else that carries our marker', async () => {
    // Learn our marker on another pull request, then have someone paste it on this one.
    await run('pull_request', prEvent(7), { image: V2, previous: V1 });
    const marker = MARKER.exec(comments(7)[0]!.body)![0];
    const pasted = gh.addComment(42, `${marker}\nnothing changed, merge away`, 'mallory');
    const r = await run('pull_request', prEvent(42), { image: V2, previous: V1 });
    expect(r.code).toBe(0);
    expect(comments()).toHaveLength(2);
    expect(comments().find((c) => c.id === pasted.id)!.body).toBe(`${marker}\nnothing changed, merge away`);
    expect(comments().find((c) => c.id !== pasted.id)!.user.login).toBe('github-actions[bot]');
    expect(gh.requests.some((q) => q.method === 'PATCH' && q.path.endsWith(`/comments/${pasted.id}`))).toBe(
      false,
    );
  });

  it('keeps one comment per matrix leg when the comment keys differ', async () => {
    const amd = await run('pull_request', prEvent(), { image: V2, previous: V1, 'comment-key': 'amd64' });
    const arm = await run('pull_request', prEvent(), { image: V2, previous: V1, 'comment-key': 'arm64' });
    expect([amd.code, arm.code]).toEqual([0, 0]);
    expect(comments()).toHaveLength(2);
    const markers = comments().map((c) => MARKER.exec(c.body)![0]);
    expect(new Set(markers).size).toBe(2);
    // A re-run of one leg finds its own comment again.
    await run('pull_request', prEvent(), { image: V2, previous: V1, 'comment-key': 'amd64' });
    expect(comments()).toHaveLength(2);
  });

  it('writes the changelog into the release body between markers, keeping the author text, and replaces it on a re-run', async () => {
    const event = eventFixture('release.published');
    const release = event.release as { id: number; tag_name: string; body: string; published_at: string };
    gh.releases.push({
      id: release.id,
      tag_name: release.tag_name,
      body: release.body,
      draft: false,
      prerelease: false,
      published_at: release.published_at,
    });
    const authorText = release.body.trimEnd();

    const first = await run('release', event, { image: V2, previous: V1 });
    expect(first.code).toBe(0);
    expectTokenMasked(first);
    const body = gh.releases[0]!.body!;
    expect(body.startsWith(authorText)).toBe(true);
    const start = body.indexOf('<!-- image-changelog:start');
    const end = body.indexOf('<!-- image-changelog:end');
    expect(start).toBeGreaterThan(authorText.length - 1);
    expect(end).toBeGreaterThan(start);
    const block = body.slice(start, end);
    for (const name of ['tzdata', 'ca-certificates', 'netbase']) expect(block).toContain(name);
    expect(body.length).toBeLessThanOrEqual(125_000);
    expect(gh.requests.some((r) => r.path.includes('/comments'))).toBe(false);

    // The author edits the notes (a footer after our block) and an old changelog sits in the block.
    const startLine = body.slice(start, body.indexOf('\n', start));
    const endLine = body.slice(end, body.indexOf('-->', end) + 3);
    gh.releases[0]!.body = `${authorText}\n\n${startLine}\nstale changelog\n${endLine}\n\nFooter by the author.`;
    const again = await run('release', event, { image: V2, previous: V1 });
    expect(again.code).toBe(0);
    const next = gh.releases[0]!.body;
    expect(next.startsWith(authorText)).toBe(true);
    expect(next.endsWith('Footer by the author.')).toBe(true);
    expect(next).not.toContain('stale changelog');
    expect(next.split('<!-- image-changelog:start').length).toBe(2);
    expect(next).toContain('tzdata');
  });

  it('comments on the pull request named by the pull-request input on a workflow_run event (fork-safe setup)', async () => {
    // A fork's pull request: workflow_run.pull_requests is empty, so the number comes as an input.
    const event = eventFixture('workflow_run.completed');
    const r = await run(
      'workflow_run',
      event,
      { image: V2, previous: V1, 'pull-request': '42' },
      { workflow: 'image-changelog' },
    );
    expect(r.code).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain('tzdata');
    // Without a number there is nowhere to comment: the summary carries the changelog.
    const none = await run(
      'workflow_run',
      event,
      { image: V2, previous: V1 },
      { workflow: 'image-changelog' },
    );
    expect(none.code).toBe(0);
    expect(count('POST', /\/comments$/)).toBe(1);
    expect(none.summary).toContain('tzdata');
  });

  describe('GitHub API faults', () => {
    it('retries a 502 on listing comments and still posts one comment', async () => {
      gh.fault('GET', /\/issues\/\d+\/comments$/, 502);
      const r = await run('pull_request', prEvent(), { image: V2, previous: V1 });
      expect(r.code).toBe(0);
      expect(count('GET', /\/issues\/\d+\/comments$/)).toBe(2);
      expect(comments()).toHaveLength(1);
    });

    it('warns and keeps the job green when the token may not edit the release (403)', async () => {
      const event = eventFixture('release.published');
      const release = event.release as { id: number; tag_name: string; body: string; published_at: string };
      gh.releases.push({ ...release, draft: false, prerelease: false });
      gh.fault('PATCH', /\/releases\/\d+$/, 403);
      const r = await run('release', event, { image: V2, previous: V1 });
      expect(r.code).toBe(0);
      expect(commandLines(r, 'warning').some((l) => /release/.test(l))).toBe(true);
      expect(gh.releases[0]!.body).toBe(release.body);
      expect(r.summary).toContain('tzdata');
    });

    it('writes no summary and no comment when both are turned off', async () => {
      const r = await run('pull_request', prEvent(), {
        image: V2,
        previous: V1,
        summary: 'false',
        comment: 'false',
      });
      expect(r.code).toBe(0);
      expect(r.summary).toBe('');
      expect(gh.requests.filter((q) => q.path.includes('/comments'))).toEqual([]);
      expect(r.outputs.changelog).toContain('tzdata');
    });
  });

  describe('policy', () => {
    const policy = [
      'rules:',
      '  - id: no-ca-certificates',
      '    description: ca-certificates comes from the base image only',
      '    action: stop',
      '    packages: { name: ca-certificates, change: [added] }',
      '',
    ].join('\n');

    it('fails the job with one line naming the violation when a rule says stop', async () => {
      await writeFile(join(workspace, '.github', 'image-policy.yml'), policy);
      const r = await run('pull_request', prEvent(), {
        image: V2,
        previous: V1,
        policy: '.github/image-policy.yml',
      });
      expect(r.code).toBe(1);
      const failed = commandLines(r, 'error').filter((l) => l.startsWith('::error::'));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(/1 violation/);
      expect(failed[0]).toContain('no-ca-certificates');
      expect(r.outputs['policy-result']).toBe('stop');
      expect(
        findIn(JSON.parse(readFileSync(r.outputs['report-file']!, 'utf8')), { rule: 'no-ca-certificates' })
          .length,
      ).toBeGreaterThan(0);
      expect(comments()).toHaveLength(1); // reviewers still see why
      expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^\s+at .+[:(]/m);
      expectTokenMasked(r);
    });

    it('passes the job on the same violation with fail-on: never', async () => {
      await writeFile(join(workspace, '.github', 'image-policy.yml'), policy);
      const r = await run('pull_request', prEvent(), {
        image: V2,
        previous: V1,
        policy: '.github/image-policy.yml',
        'fail-on': 'never',
      });
      expect(r.code).toBe(0);
      expect(r.outputs['policy-result']).toBe('stop');
      expect(commandLines(r, 'error').filter((l) => l.startsWith('::error::'))).toEqual([]);
    });
  });

  describe('bad input ends in one error line naming it, no stack, no outputs', () => {
    it('names the input when depth is not a number', async () => {
      const r = await run('pull_request', prEvent(), { image: V2, previous: V1, depth: 'deep' });
      expectCleanFailure(r, /depth.*deep|deep.*depth/);
      expect(gh.requests).toEqual([]);
    });

    it('names the input when pull-request is not a number', async () => {
      const r = await run('workflow_run', eventFixture('workflow_run.completed'), {
        image: V2,
        previous: V1,
        'pull-request': '#42',
      });
      expectCleanFailure(r, /pull-request.*#42/);
      expect(gh.requests).toEqual([]);
    });

    it('names the path when the image file is missing', async () => {
      const r = await run('pull_request', prEvent(), {
        image: 'oci-archive:examples/missing.oci.tar',
        previous: V1,
      });
      expectCleanFailure(r, /missing\.oci\.tar/);
      expect(comments()).toHaveLength(0);
    });

    it('names the file when the policy has an unknown key', async () => {
      await writeFile(
        join(workspace, '.github', 'bad-policy.yml'),
        'rules:\n  - id: a\n    action: stop\n    packages: { nmae: openssl }\n',
      );
      const r = await run('pull_request', prEvent(), {
        image: V2,
        previous: V1,
        policy: '.github/bad-policy.yml',
      });
      expectCleanFailure(r, /bad-policy\.yml.*nmae|nmae.*bad-policy\.yml/);
      expect(comments()).toHaveLength(0);
    });
  });
});
