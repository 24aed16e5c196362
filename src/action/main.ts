import * as core from '@actions/core';
import * as github from '@actions/github';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInputs, type Inputs } from './inputs.js';
import { upsertStickyComment } from './comment.js';
import { previousReleaseTag, updateReleaseBody } from './release.js';
import { restoreLayerCache, saveLayerCache } from './cache.js';
import { describeError, ImageChangelogError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { createRemoteSources, type RemoteSources } from '../image/remote-sources.js';
import type { BlobProgress } from '../image/registry.js';
import { DiskLayerIndexCache } from '../cache/layer-index-cache.js';
import { defaultCaptureSpec } from '../catalog/registry.js';
import { compareImages, type CompareResult } from '../scan/compare-images.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderJson } from '../render/json.js';
import { releaseBudget } from '../render/release-body.js';
import { loadPolicy } from '../policy/load.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { verdictAnnotations, verdictLine } from '../policy/summary.js';
import type { Verdict } from '../policy/types.js';
import { parseReference, formatReference } from '../oci/reference.js';

function isRegistryRef(ref: string): boolean {
  return (
    !/^(oci|oci-archive|docker-archive|docker-daemon):/.test(ref) &&
    !ref.startsWith('/') &&
    !ref.startsWith('.')
  );
}

/** `previous: auto`: the previous release on a release event, else the highest semver tag below the image's. */
async function resolvePrevious(
  inputs: Inputs,
  sources: RemoteSources,
  octokit: ReturnType<typeof github.getOctokit> | undefined,
): Promise<string | undefined> {
  if (inputs.previous !== 'auto') return inputs.previous;
  if (!isRegistryRef(inputs.image.replace(/^docker:\/\//, ''))) {
    core.info(
      `previous: auto needs a registry image to find earlier tags; '${inputs.image}' is not one, so this is a first release`,
    );
    return undefined;
  }
  const ref = parseReference(inputs.image.replace(/^docker:\/\//, ''));
  const repository = formatReference({ registry: ref.registry, repository: ref.repository });
  const payload = github.context.payload as {
    release?: { id: number; tag_name: string; prerelease: boolean; published_at?: string | null };
  };
  if (github.context.eventName === 'release' && payload.release && octokit) {
    const tag = await previousReleaseTag(octokit, github.context.repo, payload.release);
    if (!tag) {
      core.info('previous: no earlier published release; this is a first release');
      return undefined;
    }
    const candidate = inputs.previousTagTemplate
      .replaceAll('{repository}', repository)
      .replaceAll('{tag}', tag)
      .replaceAll('{version}', tag.replace(/^v/, ''));
    return sources.pinToDigest(candidate);
  }
  if (!ref.tag) {
    core.info('previous: the image has no tag to compare semver tags with; this is a first release');
    return undefined;
  }
  const found = await sources.previousByTags(inputs.image.replace(/^docker:\/\//, ''));
  if (!found) core.info(`previous: no semver tag below ${ref.tag} in ${repository}; this is a first release`);
  return found;
}

/** Progress lines for registry downloads: one every 5 s at most, plus the end of each large blob. */
function downloadProgress(): (p: BlobProgress) => void {
  let last = 0;
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  return (p) => {
    const largeDone = p.total !== undefined && p.total >= 32e6 && p.bytes >= p.total;
    if (!largeDone && Date.now() - last < 5000) return;
    last = Date.now();
    core.info(
      `download ${p.digest.slice(0, 19)}: ${mb(p.bytes)}${p.total !== undefined ? ` of ${mb(p.total)}` : ''} MB`,
    );
  };
}

function stickyKey(inputs: Inputs, platform: string): string {
  const image = inputs.image.replace(/[@:][^/]*$/, '');
  const raw = [github.context.workflow, image, platform, inputs.commentKey].join('|');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

async function runWith(inputs: Inputs): Promise<void> {
  if (inputs.githubToken) core.setSecret(inputs.githubToken);
  if (inputs.registryPassword) core.setSecret(inputs.registryPassword);
  const env = process.env;
  const octokit = inputs.githubToken ? github.getOctokit(inputs.githubToken) : undefined;
  const sources = createRemoteSources({
    ...(inputs.registryUsername && inputs.registryPassword
      ? { username: inputs.registryUsername, password: inputs.registryPassword }
      : {}),
    ...(inputs.githubToken ? { githubToken: inputs.githubToken } : {}),
    dockerConfigPath: join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json'),
    insecureRegistries: inputs.insecureRegistries,
    ...(env.DOCKER_HOST ? { dockerHost: env.DOCKER_HOST } : {}),
    helperEnv: env,
    onSecret: (s) => core.setSecret(s),
    onProgress: downloadProgress(),
  });

  const previous = await core.group('Resolve the previous image', () =>
    resolvePrevious(inputs, sources, octokit),
  );
  if (previous) core.info(`previous: ${previous}`);

  const capture = defaultCaptureSpec();
  const cacheDir = join(env.RUNNER_TEMP || tmpdir(), 'image-changelog-cache');
  const cacheKeyBase = `image-changelog-layers-v1-${env.RUNNER_OS ?? 'os'}`;
  const restored = inputs.cache
    ? await core.group('Restore the layer index cache', () => restoreLayerCache(cacheDir, cacheKeyBase))
    : undefined;

  let policy;
  if (inputs.policy) {
    const path =
      inputs.policy === 'recommended' ? undefined : resolve(env.GITHUB_WORKSPACE ?? '.', inputs.policy);
    policy = path
      ? loadPolicy(await readPolicy(path, inputs.policy), inputs.policy)
      : loadPolicy('extends: recommended\n', 'recommended');
  }

  const result: CompareResult = await core.group('Compare the images', async () => {
    let lastLog = 0;
    return compareImages(
      previous,
      inputs.image,
      { exclude: inputs.exclude, defaultExcludes: inputs.defaultExcludes, depth: inputs.depth },
      {
        ...(inputs.platform ? { platform: inputs.platform } : {}),
        sources: sources.sources,
        capture,
        limits: { maxUncompressedBytes: inputs.maxLayerBytes, maxEntries: inputs.maxEntries },
        ...(inputs.cache ? { cache: new DiskLayerIndexCache(cacheDir, capture) } : {}),
        onPhase: (phase, detail) => core.info(`${phase}: ${detail}`),
        onLayer: (p) => {
          if (p.done === p.total || Date.now() - lastLog > 5000) {
            lastLog = Date.now();
            core.info(`layers: ${p.done}/${p.total} indexed (${p.cached} from cache)`);
          }
        },
      },
    );
  });
  if (inputs.cache)
    await core.group('Save the layer index cache', () =>
      saveLayerCache(cacheDir, cacheKeyBase, result, restored),
    );

  const verdict: Verdict | undefined = policy
    ? evaluatePolicy(policy, result.changes, result.after, new Date())
    : undefined;
  const platform = result.after.image.platform;
  const key = stickyKey(inputs, platform);
  const marker = `image-changelog:${key}`;
  const runUrl = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${github.context.repo.owner}/${github.context.repo.repo}/actions/runs/${github.context.runId}`;
  const hint = ` in the job summary and the report artifact of ${runUrl}`;

  const outDir = join(env.RUNNER_TEMP || tmpdir(), `image-changelog-${key}`);
  const summaryMd = renderMarkdown(result.changes, {
    surface: 'summary',
    marker,
    fullReportHint: hint,
    ...(verdict ? { verdict } : {}),
  });
  const json = renderJson(result.changes, verdict);
  const changelogFile = join(outDir, 'changelog.md');
  const reportFile = join(outDir, 'report.json');
  await writeFileAtomic(reportFile, json);
  await writeFileAtomic(changelogFile, summaryMd);

  if (inputs.summary) await core.summary.addRaw(summaryMd, true).write();

  const event = github.context.eventName;
  const prNumber =
    (github.context.payload as { pull_request?: { number: number } }).pull_request?.number ??
    inputs.pullRequest;
  if (inputs.comment !== 'false' && prNumber !== undefined && octokit) {
    await core.group('Pull request comment', async () => {
      if (inputs.comment === 'on-change' && !result.changes.hasChanges && verdict?.result !== 'stop') {
        core.info('nothing changed: no comment (comment: on-change)');
        return;
      }
      const body = renderMarkdown(result.changes, {
        surface: 'comment',
        marker,
        fullReportHint: hint,
        ...(verdict ? { verdict } : {}),
      });
      const outcome = await upsertStickyComment(
        octokit,
        { ...github.context.repo, issueNumber: prNumber },
        `<!-- ${marker} -->`,
        body,
      );
      if (outcome.action === 'denied' || outcome.action === 'skipped')
        core.warning(`no pull request comment: ${outcome.reason}`);
      else core.info(`comment ${outcome.action} (${outcome.id})`);
    });
  }
  const release = (github.context.payload as { release?: { id: number } }).release;
  if (inputs.releaseNotes && event === 'release' && release && octokit) {
    await core.group('Release notes', async () => {
      const outcome = await updateReleaseBody(
        octokit,
        github.context.repo,
        release.id,
        key,
        (budget) =>
          renderMarkdown(result.changes, {
            surface: 'release',
            budget,
            fullReportHint: hint,
            ...(verdict ? { verdict } : {}),
          }),
        (body) => releaseBudget(body, key),
      );
      if (outcome.action === 'denied' || outcome.action === 'skipped')
        core.warning(`release notes not written: ${outcome.reason}`);
      else core.info(`release notes ${outcome.action}`);
    });
  }

  // Outputs are written only here, all together: a run that fails earlier leaves none behind.
  const c = result.changes.counts;
  core.setOutput('previous', previous ?? '');
  core.setOutput('changelog', summaryMd);
  core.setOutput('changelog-file', changelogFile);
  core.setOutput('report-file', reportFile);
  core.setOutput('has-changes', String(result.changes.hasChanges));
  core.setOutput(
    'packages-changed',
    String(
      c.packages.added +
        c.packages.removed +
        c.packages.upgraded +
        c.packages.downgraded +
        c.packages.rebuilt,
    ),
  );
  core.setOutput(
    'files-changed',
    String(c.nonPackaged.added + c.nonPackaged.removed + c.nonPackaged.modified),
  );
  core.setOutput('policy-result', verdict?.result ?? 'none');

  if (verdict) {
    for (const a of verdictAnnotations(verdict)) {
      const props = { title: a.title };
      if (a.level === 'error') core.error(a.message, props);
      else if (a.level === 'warning') core.warning(a.message, props);
      else core.notice(a.message, props);
    }
    const fails =
      (inputs.failOn === 'stop' && verdict.result === 'stop') ||
      (inputs.failOn === 'warn' && verdict.result !== 'pass');
    if (fails) core.setFailed(verdictLine(verdict));
  }
}

async function readPolicy(path: string, input: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new ImageChangelogError(
      'POLICY_NOT_FOUND',
      `input 'policy': cannot read ${input} (looked at ${path})`,
      { subject: 'policy', hint: 'check out the repository first (actions/checkout) or fix the path' },
    );
  }
}

/** The action: any failure ends as one setFailed line, never a stack trace. */
export async function run(): Promise<void> {
  try {
    await runWith(readInputs((name) => core.getInput(name)));
  } catch (err) {
    core.setFailed(describeError(err));
    if (core.isDebug() && err instanceof Error && err.stack) core.debug(err.stack);
  }
}
