import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { LocalRegistry } from '../helpers/local-registry.js';
import { bundledAction, commandLines, eventFixture, runAction } from '../helpers/run-action.js';
import { repoRoot, world } from '../world/world.js';
import { missingTools } from '../helpers/host-tools.js';

// The bundled action against Debian's docker-registry on loopback: `previous: auto` finds the
// earlier release among the registry's tags (or the GitHub releases) and pins it by digest.
const TOKEN = 'ghs_itgTokenThatMustNeverBeLogged4711';
const missing = missingTools(['docker-registry', 'skopeo'], 'action registry tests');

function copy(from: string, to: string, extra: string[] = []): void {
  execFileSync('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', ...extra, from, to], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function manifestDigest(ref: string): string {
  const out = execFileSync(
    'skopeo',
    ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${ref}`],
    { encoding: 'utf8' },
  );
  return out.trim();
}

describe.skipIf(missing.length > 0)('action with images in a registry', () => {
  const registry = new LocalRegistry();
  let gh: FakeGitHub;
  let workspace: string;
  let app: string;

  beforeAll(async () => {
    if (!existsSync(bundledAction)) throw new Error(`${bundledAction} is missing: run npm run bundle first`);
    await registry.start();
    app = `${registry.host}/org/app`;
    const v1 = `oci-archive:${join(repoRoot, 'examples', 'v1.oci.tar')}`;
    const v2 = `oci-archive:${join(repoRoot, 'examples', 'v2.oci.tar')}`;
    // 1.0.0 is the highest tag below 1.1.0. The tags to be passed over (0.9.0 lower, 1.0.1-rc.1 a
    // prerelease, 2.0.0 higher, latest not semver) hold other manifest digests: v1 written as a Docker
    // schema 2 manifest, or v2.
    copy(v1, `docker://${app}:1.0.0`);
    for (const [src, tag] of [
      [v1, '0.9.0'],
      [v1, '1.0.1-rc.1'],
      [v2, '1.1.0'],
      [v2, '2.0.0'],
      [v2, 'latest'],
    ] as const) {
      copy(src, `docker://${app}:${tag}`, src === v1 ? ['--format', 'v2s2'] : []);
    }
    const digests = ['0.9.0', '1.0.0', '1.0.1-rc.1', '1.1.0'].map((t) => manifestDigest(`${app}:${t}`));
    expect(new Set(digests).size).toBe(3); // 0.9.0 and 1.0.1-rc.1 share one
  });
  afterAll(() => registry.stop());
  beforeEach(async () => {
    gh = new FakeGitHub();
    await gh.start();
    workspace = await mkdtemp(join(tmpdir(), 'ic-workspace-'));
    await symlink(join(repoRoot, 'examples'), join(workspace, 'examples'));
  });
  afterEach(() => gh.stop());

  it('resolves previous: auto to the highest semver tag below the image, pinned by digest', async () => {
    const r = await runAction({
      inputs: { image: `${app}:1.1.0`, previous: 'auto', 'github-token': TOKEN },
      eventName: 'pull_request',
      event: eventFixture('pull_request.opened'),
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs.previous).toBe(`${app}:1.0.0@${manifestDigest(`${app}:1.0.0`)}`);
    expect(r.outputs['packages-changed']).toBe('3');
    const body = gh.comments.get(42)?.[0]?.body ?? '';
    for (const name of ['tzdata', 'ca-certificates', 'netbase']) expect(body).toContain(name);
    expect(body).toContain(manifestDigest(`${app}:1.0.0`).slice(0, 19)); // names the image it compared with
    expect(commandLines(r, 'error')).toEqual([]);
  });

  it('on a release event maps the previous published release through previous-tag-template', async () => {
    const event = eventFixture('release.published');
    const current = event.release as { id: number; tag_name: string; body: string; published_at: string };
    gh.releases.push(
      {
        id: 171000,
        tag_name: 'v2.0.0',
        body: '',
        draft: false,
        prerelease: false,
        published_at: '2026-11-22T10:00:00Z',
      },
      {
        id: current.id,
        tag_name: current.tag_name,
        body: current.body,
        draft: false,
        prerelease: false,
        published_at: current.published_at,
      },
      {
        id: 169500,
        tag_name: 'v1.0.1-rc.1',
        body: '',
        draft: false,
        prerelease: true,
        published_at: '2026-11-19T10:00:00Z',
      },
      {
        id: 169000,
        tag_name: 'v1.0.0',
        body: '',
        draft: false,
        prerelease: false,
        published_at: '2026-11-10T10:00:00Z',
      },
      {
        id: 168000,
        tag_name: 'v0.9.0',
        body: '',
        draft: false,
        prerelease: false,
        published_at: '2026-10-01T10:00:00Z',
      },
    );
    const r = await runAction({
      inputs: {
        image: `${app}:1.1.0`,
        previous: 'auto',
        'previous-tag-template': '{repository}:{version}',
        'github-token': TOKEN,
      },
      eventName: 'release',
      event,
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
    });
    expect(r.code).toBe(0);
    expect(r.outputs.previous).toBe(`${app}:1.0.0@${manifestDigest(`${app}:1.0.0`)}`);
    const notes = gh.releases.find((x) => x.id === current.id)!.body!;
    expect(notes).toContain('<!-- image-changelog:start');
    expect(notes).toContain('tzdata');
  });

  it('runs in full on the Debian fixture pair pulled from the registry (timed)', async () => {
    const debian = `${registry.host}/org/debian`;
    copy(`oci-archive:${world.ociArchive('old')}`, `docker://${debian}:1.0.0`);
    copy(`oci-archive:${world.ociArchive('new')}`, `docker://${debian}:1.1.0`);
    const r = await runAction({
      inputs: { image: `${debian}:1.1.0`, previous: 'auto', 'github-token': TOKEN },
      eventName: 'pull_request',
      event: eventFixture('pull_request.opened'),
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs.previous).toMatch(
      new RegExp(`^${debian.replace(/\./g, '\\.')}:1\\.0\\.0@sha256:[0-9a-f]{64}$`),
    );
    expect(gh.comments.get(42)).toHaveLength(1);
    expect(Number(r.outputs['packages-changed'])).toBeGreaterThan(0);
    // The base layer (64 MB) is large enough to get a progress line when its download ends.
    expect(r.stdout).toMatch(/^download sha256:[0-9a-f]{12}: ([\d.]+) of \1 MB$/m);
    const mb = (f: string) => (statSync(f).size / 1e6).toFixed(0);
    console.log(
      `full action run (pull both images from the local registry, diff, comment) on the Debian pair ` +
        `(old.oci.tar ${mb(world.ociArchive('old'))} MB, new.oci.tar ${mb(world.ociArchive('new'))} MB): ` +
        `${(r.wallMs / 1000).toFixed(2)} s wall, ${r.outputs['packages-changed']} package changes, ${r.outputs['files-changed']} file changes`,
    );
  });
});

describe.skipIf(missing.length > 0 || missingTools(['htpasswd'], 'basic-auth registry tests').length > 0)(
  'action with a registry behind basic auth',
  () => {
    const PASSWORD = 'pw-Registry-Secret-9931';
    const registry = new LocalRegistry({ auth: { kind: 'htpasswd', user: 'ci', password: PASSWORD } });
    let gh: FakeGitHub;
    let workspace: string;
    let app: string;

    beforeAll(async () => {
      if (!existsSync(bundledAction))
        throw new Error(`${bundledAction} is missing: run npm run bundle first`);
      await registry.start();
      app = `${registry.host}/org/private`;
      for (const [file, tag] of [
        ['v1.oci.tar', '1.0.0'],
        ['v2.oci.tar', '1.1.0'],
      ] as const) {
        copy(`oci-archive:${join(repoRoot, 'examples', file)}`, `docker://${app}:${tag}`, [
          '--dest-creds',
          `ci:${PASSWORD}`,
        ]);
      }
    });
    afterAll(() => registry.stop());
    beforeEach(async () => {
      gh = new FakeGitHub();
      await gh.start();
      workspace = await mkdtemp(join(tmpdir(), 'ic-workspace-'));
    });
    afterEach(() => gh.stop());

    const run = (inputs: Record<string, string>) =>
      runAction({
        inputs: { image: `${app}:1.1.0`, previous: 'auto', 'github-token': TOKEN, ...inputs },
        eventName: 'pull_request',
        event: eventFixture('pull_request.opened'),
        apiUrl: gh.url,
        workspace,
        token: TOKEN,
      });

    it('pulls with registry-username and registry-password and never logs the password', async () => {
      const r = await run({ 'registry-username': 'ci', 'registry-password': PASSWORD });
      expect(r.code).toBe(0);
      expect(r.outputs['packages-changed']).toBe('3');
      expect(commandLines(r, 'add-mask')).toContain(`::add-mask::${PASSWORD}`);
      const leaks = `${r.stdout}\n${r.stderr}`
        .split('\n')
        .filter((l) => l.includes(PASSWORD) && !l.startsWith('::add-mask::'));
      expect(leaks).toEqual([]);
      expect(r.outputText).not.toContain(PASSWORD);
    });

    it('fails with one line naming the registry when no credentials are given', async () => {
      const r = await run({});
      expect(r.code).toBe(1);
      const errors = commandLines(r, 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(registry.host);
      expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^\s+at .+[:(]/m);
      expect(r.outputText).toBe('');
      expect(gh.comments.get(42) ?? []).toHaveLength(0);
    });
  },
);
