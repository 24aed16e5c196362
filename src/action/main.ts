import * as core from '@actions/core';
import * as github from '@actions/github';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInputs, type Inputs } from './inputs.js';
import { previousReleaseTag } from './release.js';
import { restoreLayerCache, saveLayerCache } from './cache.js';
import { writeSurfaces } from './surfaces.js';
import { runDockerfileMode } from './dockerfile-mode.js';
import { describeError } from '../util/errors.js';
import {
  buildChangelog,
  type PolicyChoice,
  type PreviousImage,
  type ProgressPort,
  type RegistryAccess,
} from '../core/index.js';
import type { BlobProgress } from '../image/registry.js';

/** `previous: auto`: the previous release on a release event, else the highest semver tag below the image's. */
function previousImage(
  inputs: Inputs,
  octokit: ReturnType<typeof github.getOctokit> | undefined,
): PreviousImage {
  if (inputs.previous !== 'auto') return inputs.previous;
  const release = (
    github.context.payload as {
      release?: { id: number; tag_name: string; prerelease: boolean; published_at?: string | null };
    }
  ).release;
  if (github.context.eventName === 'release' && release && octokit)
    return {
      lookup: 'release-tag',
      previousReleaseTag: () => previousReleaseTag(octokit, github.context.repo, release),
      tagTemplate: inputs.previousTagTemplate,
    };
  return { lookup: 'semver-tags' };
}

function policyChoice(inputs: Inputs, workspace: string): PolicyChoice | undefined {
  if (!inputs.policy) return undefined;
  if (inputs.policy === 'recommended') return 'recommended';
  return {
    path: resolve(workspace, inputs.policy),
    name: inputs.policy,
    hint: "input 'policy': check out the repository first (actions/checkout) or fix the path",
  };
}

/** Log lines: phases, layer progress every 5 s, downloads every 5 s plus the end of each large blob. */
function logProgress(): ProgressPort {
  let lastLayer = 0;
  let lastDownload = 0;
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  return {
    onPhase: (phase, detail) => core.info(`${phase}: ${detail}`),
    onLayer: (p) => {
      if (p.done !== p.total && Date.now() - lastLayer <= 5000) return;
      lastLayer = Date.now();
      core.info(`layers: ${p.done}/${p.total} indexed (${p.cached} from cache)`);
    },
    onDownload: (p: BlobProgress) => {
      const largeDone = p.total !== undefined && p.total >= 32e6 && p.bytes >= p.total;
      if (!largeDone && Date.now() - lastDownload < 5000) return;
      lastDownload = Date.now();
      const of = p.total !== undefined ? ` of ${mb(p.total)}` : '';
      core.info(`download ${p.digest.slice(0, 19)}: ${mb(p.bytes)}${of} MB`);
    },
    note: (message) => core.info(message),
  };
}

/** The sticky key: one comment per workflow, image repository, platform and comment-key. */
function stickyKey(inputs: Inputs, platform: string): string {
  const image = inputs.image.replace(/[@:][^/]*$/, '');
  const raw = [github.context.workflow, image, platform, inputs.commentKey].join('|');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** Registries as the inputs and the runner's environment reach them. */
function registryAccess(inputs: Inputs, env: NodeJS.ProcessEnv): RegistryAccess {
  return {
    ...(inputs.registryUsername ? { username: inputs.registryUsername } : {}),
    ...(inputs.registryPassword ? { password: inputs.registryPassword } : {}),
    ...(inputs.githubToken ? { githubToken: inputs.githubToken } : {}),
    insecureRegistries: inputs.insecureRegistries,
    env,
    onSecret: (s) => core.setSecret(s),
  };
}

async function runWith(inputs: Inputs): Promise<void> {
  if (inputs.githubToken) core.setSecret(inputs.githubToken);
  if (inputs.registryPassword) core.setSecret(inputs.registryPassword);
  const env = process.env;
  const octokit = inputs.githubToken ? github.getOctokit(inputs.githubToken) : undefined;

  const cacheDir = join(env.RUNNER_TEMP || tmpdir(), 'image-changelog-cache');
  const cacheKeyBase = `image-changelog-layers-v1-${env.RUNNER_OS ?? 'os'}`;
  const restored = inputs.cache
    ? await core.group('Restore the layer index cache', () => restoreLayerCache(cacheDir, cacheKeyBase))
    : undefined;

  const policy = policyChoice(inputs, env.GITHUB_WORKSPACE ?? '.');
  const runUrl = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${github.context.repo.owner}/${github.context.repo.repo}/actions/runs/${github.context.runId}`;
  if (inputs.dockerfile.length > 0) {
    const key = createHash('sha256')
      .update([github.context.workflow, 'dockerfile', inputs.commentKey].join('|'))
      .digest('hex')
      .slice(0, 16);
    await runDockerfileMode(inputs, {
      octokit,
      ports: {
        registry: registryAccess(inputs, env),
        ...(inputs.cache ? { cacheDir } : {}),
        progress: logProgress(),
      },
      policy,
      workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
      outDir: join(env.RUNNER_TEMP || tmpdir(), `image-changelog-${key}`),
      runUrl,
      ...(inputs.cache
        ? {
            saveCache: (ids: string[]) =>
              core.group('Save the layer index cache', () =>
                saveLayerCache(cacheDir, cacheKeyBase, ids, restored),
              ),
          }
        : {}),
    });
    return;
  }
  const changelog = await core.group('Compare the images', () =>
    buildChangelog(
      {
        image: inputs.image,
        previous: previousImage(inputs, octokit),
        diff: { exclude: inputs.exclude, defaultExcludes: inputs.defaultExcludes, depth: inputs.depth },
        ...(policy ? { policy } : {}),
        ...(inputs.platform ? { platform: inputs.platform } : {}),
        limits: { maxLayerBytes: inputs.maxLayerBytes, maxEntries: inputs.maxEntries },
      },
      {
        registry: registryAccess(inputs, env),
        ...(inputs.cache ? { cacheDir } : {}),
        progress: logProgress(),
      },
    ),
  );
  if (inputs.cache)
    await core.group('Save the layer index cache', () =>
      saveLayerCache(cacheDir, cacheKeyBase, changelog.layerDiffIDs, restored),
    );

  const key = stickyKey(inputs, changelog.changes.after.summary.platform);
  await writeSurfaces(changelog, inputs, {
    key,
    octokit,
    outDir: join(env.RUNNER_TEMP || tmpdir(), `image-changelog-${key}`),
    runUrl,
  });
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
