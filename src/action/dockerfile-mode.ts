import * as core from '@actions/core';
import * as github from '@actions/github';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Inputs } from './inputs.js';
import type { Octokit } from './github-api.js';
import { retireStickyComments, upsertStickyComment } from './comment.js';
import { readPullRequestDockerfiles, type PullRequestRefs } from './pull-request-files.js';
import { ImageChangelogError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import {
  buildDockerfileChangelogs,
  dockerfileHasChanges,
  type DockerfileChangelog,
  type PolicyChoice,
  type Ports,
} from '../core/index.js';
import { formatPlatform } from '../oci/platform.js';
import { combineVerdicts } from '../policy/combine.js';
import type { Verdict } from '../policy/types.js';
import { SURFACE_LIMITS } from '../render/budget.js';
import { renderDockerfileJson, renderDockerfileMarkdown } from '../render/dockerfile.js';
import { escapeCode } from '../render/escape.js';
import { fullReportHint, writeOutputsAndVerdict } from './surfaces.js';

export interface DockerfileModeContext {
  octokit: Octokit | undefined;
  ports: Ports;
  policy: PolicyChoice | undefined;
  workspace: string;
  /** Where changelog.md and report.json are written. */
  outDir: string;
  runUrl: string;
  /** Keeps the layer indexes the comparisons read (the Actions cache), when caching. */
  saveCache?: (layerDiffIDs: string[]) => Promise<void>;
}

interface PullRequestPayload {
  pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
}

function pullRequestRefs(): PullRequestRefs {
  const event = github.context.eventName;
  const pr = (github.context.payload as PullRequestPayload).pull_request;
  const baseSha = pr?.base?.sha;
  const headSha = pr?.head?.sha;
  if (
    (event !== 'pull_request' && event !== 'pull_request_target') ||
    !pr ||
    !baseSha ||
    !headSha ||
    !pr.number
  )
    throw new ImageChangelogError(
      'INPUT_INVALID',
      `input 'dockerfile': compares a pull request's base and head commits, but this run is a '${event}' event`,
      { subject: 'dockerfile', hint: 'run it on pull_request or pull_request_target, or give image instead' },
    );
  return { ...github.context.repo, number: pr.number, baseSha, headSha };
}

/** One sticky comment per workflow, Dockerfile and comment-key. */
function stickyKey(inputs: Inputs, path: string): string {
  const raw = [github.context.workflow, 'dockerfile', path, inputs.commentKey].join('|');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** Every Dockerfile comment of this workflow and comment-key carries it, to find the ones gone stale. */
function familyMarker(inputs: Inputs): string {
  const raw = [github.context.workflow, 'dockerfile', inputs.commentKey].join('|');
  return `<!-- image-changelog-dockerfiles:${createHash('sha256').update(raw).digest('hex').slice(0, 16)} -->`;
}

/**
 * What a comment says once its Dockerfile no longer changes in the pull request: its own marker and
 * heading (written by us, already escaped), one line, and the family marker.
 */
export function retiredComment(body: string, family: string, headSha: string): string {
  const marker = /^<!-- image-changelog:[0-9a-f]{16} -->$/m.exec(body)?.[0];
  const heading = /^## .*$/m.exec(body)?.[0] ?? '## Base images';
  const said = 'this pull request no longer changes the base images of this Dockerfile';
  if (body.includes(said)) return body; // already retired: no update on every later push
  const line = `As of ${headSha.slice(0, 12)}, ${said}: nothing to compare.`;
  return [...(marker ? [marker] : []), heading, '', line, family, ''].join('\n');
}

function totals(files: readonly DockerfileChangelog[]): { packages: number; files: number } {
  let packages = 0;
  let changedFiles = 0;
  for (const f of files)
    for (const s of f.stages) {
      packages += s.comparison?.totals?.packagesChanged ?? 0;
      changedFiles += s.comparison?.totals?.filesChanged ?? 0;
    }
  return { packages, files: changedFiles };
}

/** The policy's verdict on each compared stage, with where it was checked. */
function stageVerdicts(file: DockerfileChangelog): Array<{ where: string; verdict: Verdict }> {
  return file.stages.flatMap((s) =>
    s.comparison?.verdict ? [{ where: `${file.path} (${s.pair.label})`, verdict: s.comparison.verdict }] : [],
  );
}

/**
 * The action's Dockerfile mode: on a pull request, explain what the base images of the changed
 * Dockerfiles' stages bring, with no build. One sticky comment per Dockerfile; the job summary, the
 * files and the outputs cover them all.
 */
export async function runDockerfileMode(inputs: Inputs, ctx: DockerfileModeContext): Promise<void> {
  const refs = pullRequestRefs();
  const { files: versions } = await core.group('Read the Dockerfiles', async () => {
    const read = await readPullRequestDockerfiles(refs, inputs.dockerfile, {
      workspace: ctx.workspace,
      octokit: ctx.octokit,
    });
    core.info(
      `${read.files.length} Dockerfile(s) matching the input changed in #${refs.number} (read from ${read.source === 'git' ? 'git in the workspace' : 'the GitHub API'}): ${read.files.map((f) => f.path).join(', ') || 'none'}`,
    );
    return read;
  });

  const files = await core.group('Compare the base images', () =>
    buildDockerfileChangelogs(
      {
        files: versions,
        buildArgs: inputs.buildArgs,
        ...(inputs.platform ? { platform: formatPlatform(inputs.platform) } : {}),
        diff: { exclude: inputs.exclude, defaultExcludes: inputs.defaultExcludes, depth: inputs.depth },
        ...(ctx.policy ? { policy: ctx.policy } : {}),
        limits: { maxLayerBytes: inputs.maxLayerBytes, maxEntries: inputs.maxEntries },
      },
      ctx.ports,
    ),
  );
  if (ctx.saveCache) {
    const ids = new Set(files.flatMap((f) => f.stages.flatMap((s) => s.comparison?.layerDiffIDs ?? [])));
    if (ids.size > 0) await ctx.saveCache([...ids].sort());
  }

  const hint = fullReportHint(ctx.runUrl);
  const summaryBudget = Math.floor(SURFACE_LIMITS.summary.budget / Math.max(1, files.length));
  const summaryMd =
    files.length === 0
      ? `## Base images\n\nNo Dockerfile matching ${inputs.dockerfile.map((d) => escapeCode(d, { table: false })).join(', ')} changed in this pull request.\n`
      : files
          .map((f) =>
            renderDockerfileMarkdown(f, {
              surface: 'summary',
              marker: `image-changelog:${stickyKey(inputs, f.path)}`,
              fullReportHint: hint,
              budget: summaryBudget,
            }),
          )
          .join('\n');
  const changelogFile = join(ctx.outDir, 'changelog.md');
  const reportFile = join(ctx.outDir, 'report.json');
  await writeFileAtomic(reportFile, renderDockerfileJson(files));
  await writeFileAtomic(changelogFile, summaryMd);
  if (inputs.summary) await core.summary.addRaw(summaryMd, true).write();

  if (inputs.comment !== 'false' && ctx.octokit) {
    const octokit = ctx.octokit;
    await core.group('Pull request comments', async () => {
      const family = familyMarker(inputs);
      const written = new Set<string>();
      let refused = false;
      for (const f of files) {
        const verdict = combineVerdicts(stageVerdicts(f));
        if (inputs.comment === 'on-change' && !dockerfileHasChanges(f) && verdict?.result !== 'stop') {
          core.info(`${f.path}: no base image change: no comment (comment: on-change)`);
          continue;
        }
        const marker = `image-changelog:${stickyKey(inputs, f.path)}`;
        const rendered = renderDockerfileMarkdown(f, { surface: 'comment', marker, fullReportHint: hint });
        const body = `${rendered.trimEnd()}\n${family}\n`;
        const outcome = await upsertStickyComment(
          octokit,
          { owner: refs.owner, repo: refs.repo, issueNumber: refs.number },
          `<!-- ${marker} -->`,
          body,
        );
        if (outcome.action === 'denied' || outcome.action === 'skipped') {
          core.warning(`no pull request comment: ${outcome.reason}`);
          refused = true;
          break; // the same token is refused for every file
        }
        written.add(`<!-- ${marker} -->`);
        core.info(`${f.path}: comment ${outcome.action} (${outcome.id})`);
      }
      if (refused) return;
      const retired = await retireStickyComments(
        octokit,
        { owner: refs.owner, repo: refs.repo, issueNumber: refs.number },
        family,
        written,
        (old) => retiredComment(old, family, refs.headSha),
      );
      if (retired.length > 0)
        core.info(
          `${retired.length} comment(s) on Dockerfiles this pull request no longer changes: updated to say so`,
        );
    });
  }

  // Outputs are written only here, all together: a run that fails earlier leaves none behind.
  const verdict = combineVerdicts(files.flatMap(stageVerdicts));
  const count = totals(files);
  writeOutputsAndVerdict(
    {
      previous: '',
      changelog: summaryMd,
      changelogFile,
      reportFile,
      hasChanges: files.some(dockerfileHasChanges),
      packagesChanged: count.packages,
      filesChanged: count.files,
    },
    verdict,
    inputs.failOn,
  );
}
