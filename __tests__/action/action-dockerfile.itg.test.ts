import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { LocalRegistry } from '../helpers/local-registry.js';
import { RegistryProxy } from '../helpers/registry-proxy.js';
import { bundledAction, commandLines, runAction, type ActionRun } from '../helpers/run-action.js';
import { world } from '../world/world.js';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { missingTools } from '../helpers/host-tools.js';

// Dockerfile mode, end to end: the bundled action on a pull_request event whose base and head are
// real commits of a git repository in the workspace (or, with no history there, read through the
// GitHub API), base images in Debian's docker-registry behind a proxy that logs every request.
// The world's `old` (bookworm) and `new` (bookworm + bookworm-security updates, curl) images stand
// in for two bookworm point releases; `trixie` is the build stage's image.
const TOKEN = 'ghs_itgTokenThatMustNeverBeLogged4711';
const missing = missingTools(['docker-registry', 'skopeo', 'git'], 'Dockerfile mode tests');

function skopeo(args: string[]): string {
  return execFileSync('skopeo', ['--insecure-policy', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.org',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.org',
    },
  }).trim();
}

/** A repository with one commit per version of the files; returns the two commits. */
async function repoWith(
  workspace: string,
  base: Record<string, string>,
  head: Record<string, string | null>,
): Promise<{ baseSha: string; headSha: string }> {
  git(workspace, 'init', '-q', '-b', 'main');
  const write = async (files: Record<string, string | null>) => {
    for (const [path, text] of Object.entries(files)) {
      if (text === null) git(workspace, 'rm', '-q', path);
      else {
        await mkdir(dirname(join(workspace, path)), { recursive: true });
        await writeFile(join(workspace, path), text);
        git(workspace, 'add', path);
      }
    }
  };
  await writeFile(join(workspace, 'README'), 'app\n');
  git(workspace, 'add', 'README');
  await write(base);
  git(workspace, 'commit', '-q', '-m', 'base');
  const baseSha = git(workspace, 'rev-parse', 'HEAD');
  git(workspace, 'checkout', '-q', '-b', 'renovate/debian');
  await write(head);
  git(workspace, 'commit', '-q', '-m', 'chore(deps): update debian');
  return { baseSha, headSha: git(workspace, 'rev-parse', 'HEAD') };
}

function pullRequestEvent(refs: { baseSha: string; headSha: string }, number = 7): Record<string, unknown> {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      base: { sha: refs.baseSha, ref: 'main' },
      head: { sha: refs.headSha, ref: 'renovate/debian' },
    },
    repository: { name: 'app', owner: { login: 'org' }, full_name: 'org/app' },
  };
}

describe.skipIf(missing.length > 0)('action Dockerfile mode', () => {
  const registry = new LocalRegistry();
  let proxy: RegistryProxy;
  let gh: FakeGitHub;
  let workspace: string;
  let host: string;
  const digests: Record<'old' | 'new', string> = { old: '', new: '' };

  beforeAll(async () => {
    if (!existsSync(bundledAction)) throw new Error(`${bundledAction} is missing: run npm run bundle first`);
    await registry.start();
    proxy = await new RegistryProxy(registry.host).start();
    host = proxy.host;
    for (const [tag, dest] of [
      ['old', 'library/debian:12.7'],
      ['new', 'library/debian:12.8'],
      ['trixie', 'tools/builder:1'],
    ] as const) {
      skopeo([
        'copy',
        '-q',
        '--dest-tls-verify=false',
        `oci:${world.layout}:${tag}`,
        `docker://${registry.host}/${dest}`,
      ]);
    }
    for (const tag of ['old', 'new'] as const)
      digests[tag] = skopeo([
        'inspect',
        '--tls-verify=false',
        '--format',
        '{{.Digest}}',
        `docker://${registry.host}/library/debian:${tag === 'old' ? '12.7' : '12.8'}`,
      ]).trim();
  });
  afterAll(async () => {
    await proxy.stop();
    await registry.stop();
  });
  beforeEach(async () => {
    gh = new FakeGitHub();
    await gh.start();
    workspace = await mkdtemp(join(tmpdir(), 'ic-workspace-'));
    proxy.seen.length = 0;
    proxy.faults.length = 0;
  });
  afterEach(() => gh.stop());

  const run = (event: Record<string, unknown>, inputs: Record<string, string> = {}): Promise<ActionRun> =>
    runAction({
      inputs: { dockerfile: 'Dockerfile\n**/Dockerfile', 'github-token': TOKEN, cache: 'false', ...inputs },
      eventName: 'pull_request',
      event,
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
    });

  const comments = () => gh.comments.get(7) ?? [];

  it('explains a digest bump of the base image: comment, summary, outputs, one report per stage', async () => {
    const refs = await repoWith(
      workspace,
      { Dockerfile: `FROM ${host}/library/debian:bookworm@${digests.old}\nRUN echo hi\n` },
      { Dockerfile: `FROM ${host}/library/debian:bookworm@${digests.new}\nRUN echo hi\n` },
    );
    const r = await run(pullRequestEvent(refs), { policy: 'recommended', 'fail-on': 'never' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('read from git in the workspace');
    expect(r.stdout.split('\n').filter((l) => l.includes(TOKEN) && !l.startsWith('::add-mask::'))).toEqual(
      [],
    );
    const [comment, ...others] = comments();
    expect(others).toHaveLength(0);
    const body = comment!.body;
    expect(body).toMatch(
      /^<!-- image-changelog:[0-9a-f]{16} -->\n## Base images: `Dockerfile`\n\nThe base image of 1 of 1 stage changed\./,
    );
    expect(body).toContain(
      `| **stage 1** (final) | 1 | \`${host}/library/debian:bookworm@${digests.old}\` | \`${host}/library/debian:bookworm@${digests.new}\` | changed |`,
    );
    expect(body).toContain('### Final stage (the image that ships)\n');
    // What the bump brings, as the image changelog says it: curl added, less removed, security upgrades.
    expect(body).toMatch(/curl/);
    expect(body).toMatch(/less/);
    expect(body).toMatch(/upgraded/);
    expect(r.summary).toContain('## Base images: `Dockerfile`');
    expect(r.summary).toContain('### Final stage (the image that ships)\n');
    expect(r.outputs['has-changes']).toBe('true');
    expect(Number(r.outputs['packages-changed'])).toBeGreaterThan(0);
    const report = JSON.parse(await readFile(r.outputs['report-file']!, 'utf8'));
    expect(report.dockerfiles).toHaveLength(1);
    expect(report.dockerfiles[0].stages).toHaveLength(1);
    const stage = report.dockerfiles[0].stages[0];
    expect(stage).toMatchObject({ label: 'stage 1', final: true, change: 'changed' });
    expect(stage.report.after.summary.reference).toContain(digests.new);
    expect(stage.report.before.summary.reference).toContain(digests.old);
    const upgraded =
      stage.report.counts.packages.upgraded +
      stage.report.counts.packages.added +
      stage.report.counts.packages.removed;
    expect(Number(r.outputs['packages-changed'])).toBeGreaterThanOrEqual(upgraded);
    expect(r.outputs['policy-result']).toBe(stage.report.verdict.result);
    // Write the rendered comment for the closing note.
    if (process.env.IC_SHOW_COMMENT) await writeFile(process.env.IC_SHOW_COMMENT, body);
  });

  it('rewrites the comment of a Dockerfile a later push stops changing, instead of leaving it stale', async () => {
    const base = `FROM ${host}/library/debian:bookworm@${digests.old}\n`;
    const refs = await repoWith(
      workspace,
      { Dockerfile: base },
      { Dockerfile: `FROM ${host}/library/debian:bookworm@${digests.new}\n` },
    );
    const first = await run(pullRequestEvent(refs));
    expect(first.code).toBe(0);
    const [comment] = comments();
    expect(comment!.body).toMatch(/curl/);
    // The next push reverts the bump: the pull request no longer changes the Dockerfile.
    await writeFile(join(workspace, 'Dockerfile'), base);
    git(workspace, 'commit', '-q', '-am', 'revert the bump');
    const headSha = git(workspace, 'rev-parse', 'HEAD');
    const second = await run(pullRequestEvent({ baseSha: refs.baseSha, headSha }));
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.outputs['has-changes']).toBe('false');
    expect(comments()).toHaveLength(1);
    const retired = comments()[0]!.body;
    expect(retired).toContain('## Base images: `Dockerfile`');
    expect(retired).toContain(
      `As of ${headSha.slice(0, 12)}, this pull request no longer changes the base images of this Dockerfile`,
    );
    expect(retired).not.toMatch(/curl/);
  });

  it('follows a tag bump behind an ARG, and build-args override the default', async () => {
    const dockerfile = (tag: string) =>
      `ARG DEBIAN_TAG=${tag}\nFROM ${host}/library/debian:\${DEBIAN_TAG} AS runtime\nCMD ["bash"]\n`;
    const refs = await repoWith(
      workspace,
      { 'svc/api/Dockerfile': dockerfile('12.7') },
      { 'svc/api/Dockerfile': dockerfile('12.8') },
    );
    const r = await run(pullRequestEvent(refs));
    expect(r.code).toBe(0);
    const body = comments()[0]!.body;
    expect(body).toContain('## Base images: `svc/api/Dockerfile`');
    expect(body).toContain(
      `| **runtime** (final) | 2 | \`${host}/library/debian:12.7\` | \`${host}/library/debian:12.8\` | changed |`,
    );
    expect(r.outputs['has-changes']).toBe('true');

    // With DEBIAN_TAG given as a build argument both sides name the same image: nothing is pulled.
    proxy.seen.length = 0;
    gh.comments.clear();
    const same = await run(pullRequestEvent(refs), { 'build-args': 'DEBIAN_TAG=12.8' });
    expect(same.code).toBe(0);
    expect(proxy.requestsFor('library/debian')).toEqual([]);
    expect(comments()[0]!.body).toContain('No base image changed (1 stage); nothing was pulled.');
    expect(same.outputs['has-changes']).toBe('false');
  });

  it('compares only the final stage of a multi-stage Dockerfile when only it changed; the build stage is never pulled', async () => {
    const dockerfile = (tag: string) =>
      `# syntax=docker/dockerfile:1\nFROM ${host}/tools/builder:1 AS build\nRUN <<EOF\nFROM not-an-instruction\nEOF\n\nFROM ${host}/library/debian:${tag}\nCOPY --from=build /etc/os-release /build-os\n`;
    const refs = await repoWith(
      workspace,
      { Dockerfile: dockerfile('12.7') },
      { Dockerfile: dockerfile('12.8') },
    );
    const r = await run(pullRequestEvent(refs));
    expect(r.code).toBe(0);
    expect(proxy.requestsFor('tools/builder')).toEqual([]);
    expect(proxy.requestsFor('library/debian').some((p) => p.includes('/manifests/12.8'))).toBe(true);
    const body = comments()[0]!.body;
    expect(body).toContain('The base image of 1 of 2 stages changed.');
    expect(body).toContain(
      `| build | 2 | \`${host}/tools/builder:1\` | \`${host}/tools/builder:1\` | unchanged, not pulled |`,
    );
    expect(body.indexOf('(final)')).toBeLessThan(body.indexOf('| build |'));
    expect(body.match(/^### /gm)).toHaveLength(1);
  });

  it('reads a layer two stage pairs share once, with the cache off: counted on the registry side', async () => {
    // Two pairs: build 12.7 -> tools/builder:1 and final 12.7 -> 12.8. The 12.7 layer is in both pairs
    // (and in both bases of the final pair); each pair opens its images on its own, so only the run's
    // shared layer indexes keep the second pair from downloading it again.
    const layersOf = (ref: string): string[] =>
      (
        JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/${ref}`])) as {
          Layers: string[];
        }
      ).Layers;
    const [old, next, builder] = ['library/debian:12.7', 'library/debian:12.8', 'tools/builder:1'].map(
      layersOf,
    );
    const shared = old!.filter((d) => next!.includes(d));
    expect(shared.length).toBeGreaterThan(0);
    const refs = await repoWith(
      workspace,
      {
        Dockerfile: `FROM ${host}/library/debian:12.7 AS build\nRUN true\nFROM ${host}/library/debian:12.7\nCOPY --from=build /etc/os-release /b\n`,
      },
      {
        Dockerfile: `FROM ${host}/tools/builder:1 AS build\nRUN true\nFROM ${host}/library/debian:12.8\nCOPY --from=build /etc/os-release /b\n`,
      },
    );
    const r = await run(pullRequestEvent(refs)); // cache: 'false'
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = comments()[0]!.body;
    expect(body).toContain('The base image of 2 of 2 stages changed.');
    expect(body.match(/^### /gm)).toHaveLength(2);
    const layerGets = proxy.seen
      .filter((q) => q.method === 'GET' && /\/blobs\/sha256:/.test(q.path))
      .map((q) => q.path.replace(/^.*\/blobs\//, ''))
      .filter((d) => [...old!, ...next!, ...builder!].includes(d));
    const times = new Map<string, number>();
    for (const d of layerGets) times.set(d, (times.get(d) ?? 0) + 1);
    expect([...times.keys()].sort()).toEqual([...new Set([...old!, ...next!, ...builder!])].sort());
    expect([...times.values()].every((n) => n === 1)).toBe(true);
  });

  it('reads an added Dockerfile through the GitHub API when the history is not in the workspace: a first release', async () => {
    const headSha = 'b'.repeat(40);
    gh.pullFiles.set(7, [
      { filename: 'README.md', status: 'modified' },
      { filename: 'worker/Dockerfile', status: 'added' },
    ]);
    gh.contents.set(headSha, new Map([['worker/Dockerfile', `FROM ${host}/library/debian:12.8\n`]]));
    const r = await run(pullRequestEvent({ baseSha: 'a'.repeat(40), headSha }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('read from the GitHub API');
    expect(
      gh.requests.some(
        (q) =>
          decodeURIComponent(q.path) === '/repos/org/app/contents/worker/Dockerfile' &&
          q.query.get('ref') === headSha,
      ),
    ).toBe(true);
    expect(gh.requests.map((q) => q.authorization)).toEqual(gh.requests.map(() => `token ${TOKEN}`));
    const body = comments()[0]!.body;
    expect(body).toContain('## Base images: `worker/Dockerfile`');
    expect(body).toContain(
      "This pull request adds the Dockerfile. Each stage's base image is shown as a first release.",
    );
    expect(body).toContain(
      `| **stage 1** (final) | 1 | — | \`${host}/library/debian:12.8\` | new stage: first release |`,
    );
    expect(body).toContain('**First release**');
    expect(r.outputs['has-changes']).toBe('true');
  });

  it('stops with one clear line when the registry answers 429 with no pulls left: no comment, no outputs', async () => {
    proxy.faults.push({
      path: /^\/v2\/library\/debian\/manifests\//,
      status: 429,
      headers: {
        'content-type': 'application/json',
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '0;w=21600',
        'retry-after': '3600',
      },
      body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}',
    });
    const refs = await repoWith(
      workspace,
      { Dockerfile: `FROM ${host}/library/debian:12.7\n` },
      { Dockerfile: `FROM ${host}/library/debian:12.8\n` },
    );
    const r = await run(pullRequestEvent(refs));
    expect(r.code).toBe(1);
    const errors = commandLines(r, 'error');
    expect(errors).toEqual([
      `::error::${host} rate limit reached while fetching manifest ${host}/library/debian:12.8: 0 of 100 pulls left per 6 h, resets in 1 h ` +
        '(log in to raise the limit: docker/login-action before this step (or registry-username/registry-password when the action compares an image), docker login for the CLI; nothing was compared)',
    ]);
    expect(proxy.requestsFor('library/debian').filter((p) => p.includes('/manifests/'))).toHaveLength(1);
    expect(comments()).toEqual([]);
    expect(r.outputs).toEqual({});
    expect(r.summary).toBe('');
  });

  it('refuses to run on an event that is not a pull request, in one line', async () => {
    const r = await runAction({
      inputs: { dockerfile: 'Dockerfile', 'github-token': TOKEN },
      eventName: 'push',
      event: { ref: 'refs/heads/main' },
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
    });
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error')).toEqual([
      "::error::input 'dockerfile': compares a pull request's base and head commits, but this run is a 'push' event (run it on pull_request or pull_request_target, or give image instead)",
    ]);
  });

  it('prints the same sections on a terminal: image-changelog dockerfile-diff with --build-arg', async () => {
    const dockerfile = `ARG DEBIAN_TAG=12.7\nFROM ${host}/tools/builder:1 AS build\nFROM ${host}/library/debian:\${DEBIAN_TAG} AS runtime\n`;
    await writeFile(join(workspace, 'Dockerfile'), dockerfile);
    const out = new PassThrough();
    const err = new PassThrough();
    let text = '';
    let errors = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    err.on('data', (c: Buffer) => (errors += c.toString()));
    const path = join(workspace, 'Dockerfile');
    const code = await main(
      [
        'dockerfile-diff',
        path,
        path,
        '--build-arg',
        'DEBIAN_TAG=12.8',
        '--format',
        'text',
        '--no-cache',
        '--exit-code',
      ],
      { stdout: out as unknown as NodeJS.WriteStream, stderr: err as unknown as NodeJS.WriteStream, env: {} },
    );
    // The build argument reaches only the new file's side here, as each side is read with the same
    // arguments: both name 12.8, nothing changes, nothing is pulled.
    expect(errors).toBe('');
    expect(code).toBe(0);
    expect(proxy.requestsFor('library/debian')).toEqual([]);

    const old = join(workspace, 'old.Dockerfile');
    await writeFile(old, dockerfile);
    await writeFile(path, dockerfile.replace('DEBIAN_TAG=12.7', 'DEBIAN_TAG=12.8'));
    text = '';
    const changed = await main(
      ['dockerfile-diff', old, path, '--format', 'text', '--no-cache', '--exit-code'],
      {
        stdout: out as unknown as NodeJS.WriteStream,
        stderr: err as unknown as NodeJS.WriteStream,
        env: {},
      },
    );
    expect(errors).toBe('');
    expect(changed).toBe(1);
    expect(text.split('\n').slice(0, 4)).toEqual([
      `Base images: ${path}`,
      'The base image of 1 of 2 stages changed.',
      `  * runtime (final): ${host}/library/debian:12.7 -> ${host}/library/debian:12.8  [changed]`,
      `    build: ${host}/tools/builder:1 -> ${host}/tools/builder:1  [unchanged, not pulled]`,
    ]);
    expect(text).toContain('== Final stage runtime (the image that ships) ==');
    expect(text).toMatch(/curl/);
    expect(proxy.requestsFor('tools/builder')).toEqual([]);
  });
});

// Registries as they are: a bearer-token registry (Docker's token flow: the realm named in
// WWW-Authenticate hands out anonymous pull tokens, JWTs the registry verifies against its root
// certificate bundle) and a private registry behind htpasswd, whose password only a docker login
// (config.json, per host) holds.
describe.skipIf(
  missing.length > 0 ||
    missingTools(['htpasswd', 'openssl'], 'Dockerfile mode registry-auth tests').length > 0,
)('action Dockerfile mode against registries that need tokens or passwords', () => {
  const PRIVATE_PASSWORD = 'private-base-pw-4711';
  const tokenRegistry = new LocalRegistry({ auth: { kind: 'token', users: { pusher: 'push-pw' } } });
  const privateRegistry = new LocalRegistry({
    auth: { kind: 'htpasswd', user: 'ci', password: PRIVATE_PASSWORD },
  });
  let front: RegistryProxy; // logs what reaches the token registry
  let gh: FakeGitHub;
  let workspace: string;
  let dockerConfig: string;

  beforeAll(async () => {
    if (!existsSync(bundledAction)) throw new Error(`${bundledAction} is missing: run npm run bundle first`);
    await tokenRegistry.start();
    await privateRegistry.start();
    front = await new RegistryProxy(tokenRegistry.host).start();
    await tokenRegistry.push(world.layout, 'old', 'library/debian', { creds: 'pusher:push-pw' });
    await tokenRegistry.push(world.layout, 'new', 'library/debian', { creds: 'pusher:push-pw' });
    await privateRegistry.push(world.layout, 'old', 'team/base', { creds: `ci:${PRIVATE_PASSWORD}` });
    await privateRegistry.push(world.layout, 'new', 'team/base', { creds: `ci:${PRIVATE_PASSWORD}` });
    dockerConfig = await mkdtemp(join(tmpdir(), 'ic-docker-config-'));
    await writeFile(
      join(dockerConfig, 'config.json'),
      JSON.stringify({
        auths: {
          [privateRegistry.host]: { auth: Buffer.from(`ci:${PRIVATE_PASSWORD}`).toString('base64') },
        },
      }),
    );
  });
  afterAll(async () => {
    await front?.stop();
    await tokenRegistry.stop();
    await privateRegistry.stop();
  });
  beforeEach(async () => {
    gh = new FakeGitHub();
    await gh.start();
    workspace = await mkdtemp(join(tmpdir(), 'ic-workspace-'));
    front.seen.length = 0;
    tokenRegistry.tokens!.requests.length = 0;
  });
  afterEach(() => gh.stop());

  const run = (event: Record<string, unknown>, env: Record<string, string> = {}): Promise<ActionRun> =>
    runAction({
      inputs: { dockerfile: 'Dockerfile', 'github-token': TOKEN, cache: 'false' },
      eventName: 'pull_request',
      event,
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
      env,
    });

  it('fetches an anonymous pull token from the realm the registry names, and the registry accepts it', async () => {
    const refs = await repoWith(
      workspace,
      { Dockerfile: `FROM ${front.host}/library/debian:old\n` },
      { Dockerfile: `FROM ${front.host}/library/debian:new\n` },
    );
    const r = await run(pullRequestEvent(refs));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(gh.comments.get(7)![0]!.body).toMatch(/curl/);
    const tokenRequests = tokenRegistry.tokens!.requests;
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const q of tokenRequests) {
      expect(q.authorization).toBeUndefined(); // anonymous
      expect(q.query.get('service')).toBe('test-registry');
      expect(q.query.getAll('scope')).toEqual(['repository:library/debian:pull']);
    }
    // Every API request after the challenge carried a token the service issued; none was refused.
    const api = front.seen.filter((q) => q.path !== '/v2/');
    expect(api.length).toBeGreaterThan(0);
    for (const q of api) expect(tokenRegistry.tokens!.issued).toContain(q.authorization?.slice(7));
    for (const token of tokenRegistry.tokens!.issued)
      expect(r.stdout.split('\n').filter((l) => l.includes(token) && !l.startsWith('::add-mask::'))).toEqual(
        [],
      );
  });

  it("reads a private base with the docker login's credentials, and never sends them to another host", async () => {
    const dockerfile = (tag: string, debian: string) =>
      `FROM ${privateRegistry.host}/team/base:${tag} AS build\nRUN true\nFROM ${front.host}/library/debian:${debian}\nCOPY --from=build /etc/os-release /b\n`;
    const refs = await repoWith(
      workspace,
      { Dockerfile: dockerfile('old', 'old') },
      { Dockerfile: dockerfile('new', 'new') },
    );
    const r = await run(pullRequestEvent(refs), { DOCKER_CONFIG: dockerConfig });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = gh.comments.get(7)![0]!.body;
    expect(body).toContain('The base image of 2 of 2 stages changed.');
    expect(body).toContain(`\`${privateRegistry.host}/team/base:new\``);
    expect(body.match(/^### /gm)).toHaveLength(2);
    const basic = `Basic ${Buffer.from(`ci:${PRIVATE_PASSWORD}`).toString('base64')}`;
    // The other registry and its token service saw no Basic credential at all: tokens only, anonymous.
    expect(tokenRegistry.tokens!.requests.length).toBeGreaterThan(0);
    expect(tokenRegistry.tokens!.requests.map((q) => q.authorization)).toEqual(
      tokenRegistry.tokens!.requests.map(() => undefined),
    );
    expect(front.seen.filter((q) => q.authorization && !q.authorization.startsWith('Bearer '))).toEqual([]);
    expect(front.seen.some((q) => q.authorization === basic)).toBe(false);
    expect(
      r.stdout.split('\n').filter((l) => l.includes(PRIVATE_PASSWORD) && !l.startsWith('::add-mask::')),
    ).toEqual([]);

    // Without the docker login the private base is refused in one line, and nothing is written.
    gh.comments.clear();
    const denied = await run(pullRequestEvent(refs));
    expect(denied.code).toBe(1);
    const errors = commandLines(denied, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^::error::${privateRegistry.host.replace(/\./g, '\\.')} denied access to manifest`),
    );
    expect(gh.comments.get(7) ?? []).toEqual([]);
  });

  it('stops with the rate-limit line when a layer download answers 429', async () => {
    front.faults.push({
      path: /\/blobs\/sha256:/,
      status: 429,
      headers: {
        'ratelimit-limit': '200;w=21600',
        'ratelimit-remaining': '0;w=21600',
        'ratelimit-reset': '5400',
      },
      body: '',
    });
    try {
      const refs = await repoWith(
        workspace,
        { Dockerfile: `FROM ${front.host}/library/debian:old\n` },
        { Dockerfile: `FROM ${front.host}/library/debian:new\n` },
      );
      const r = await run(pullRequestEvent(refs));
      expect(r.code).toBe(1);
      const errors = commandLines(r, 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        new RegExp(
          `^::error::${front.host.replace(/\./g, '\\.')} rate limit reached while fetching blob sha256:[0-9a-f]{64} of ${front.host.replace(/\./g, '\\.')}/library/debian: 0 of 200 pulls left per 6 h, resets in 1 h 30 min \\(log in to raise the limit: .*nothing was compared\\)$`,
        ),
      );
      expect(gh.comments.get(7) ?? []).toEqual([]);
      expect(r.outputs).toEqual({});
    } finally {
      front.faults.length = 0;
    }
  });
});
