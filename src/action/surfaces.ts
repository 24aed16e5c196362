import * as core from '@actions/core';
import * as github from '@actions/github';
import { join } from 'node:path';
import type { Inputs } from './inputs.js';
import { upsertStickyComment } from './comment.js';
import { updateReleaseBody } from './release.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { Changelog } from '../core/index.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderJson } from '../render/json.js';
import { releaseBudget } from '../render/release-body.js';
import { verdictAnnotations, verdictLine } from '../render/verdict.js';
import type { Verdict } from '../policy/types.js';

export interface SurfaceContext {
  /** The sticky key of this workflow, image and platform. */
  key: string;
  octokit: ReturnType<typeof github.getOctokit> | undefined;
  /** Where changelog.md and report.json are written. */
  outDir: string;
  /** This run's page, named where a surface is cut short. */
  runUrl: string;
}

/** The GitHub surfaces: files, job summary, sticky PR comment, release notes, outputs, annotations. */
export async function writeSurfaces(
  changelog: Changelog,
  inputs: Inputs,
  ctx: SurfaceContext,
): Promise<void> {
  const { changes, verdict } = changelog;
  const { octokit, key } = ctx;
  const marker = `image-changelog:${key}`;
  const common = {
    fullReportHint: fullReportHint(ctx.runUrl),
    ...(verdict ? { verdict } : {}),
  };
  const summaryMd = renderMarkdown(changes, { surface: 'summary', marker, ...common });
  const changelogFile = join(ctx.outDir, 'changelog.md');
  const reportFile = join(ctx.outDir, 'report.json');
  await writeFileAtomic(reportFile, renderJson(changes, verdict));
  await writeFileAtomic(changelogFile, summaryMd);

  if (inputs.summary) await core.summary.addRaw(summaryMd, true).write();

  const prNumber =
    (github.context.payload as { pull_request?: { number: number } }).pull_request?.number ??
    inputs.pullRequest;
  if (inputs.comment !== 'false' && prNumber !== undefined && octokit) {
    await core.group('Pull request comment', async () => {
      if (inputs.comment === 'on-change' && !changes.hasChanges && verdict?.result !== 'stop') {
        core.info('nothing changed: no comment (comment: on-change)');
        return;
      }
      const body = renderMarkdown(changes, { surface: 'comment', marker, ...common });
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
  if (inputs.releaseNotes && github.context.eventName === 'release' && release && octokit) {
    await core.group('Release notes', async () => {
      const outcome = await updateReleaseBody(
        octokit,
        github.context.repo,
        release.id,
        key,
        (budget) => renderMarkdown(changes, { surface: 'release', budget, ...common }),
        (body) => releaseBudget(body, key),
      );
      if (outcome.action === 'denied' || outcome.action === 'skipped')
        core.warning(`release notes not written: ${outcome.reason}`);
      else core.info(`release notes ${outcome.action}`);
    });
  }

  // Outputs are written only here, all together: a run that fails earlier leaves none behind.
  writeOutputsAndVerdict(
    {
      previous: changelog.previous ?? '',
      changelog: summaryMd,
      changelogFile,
      reportFile,
      hasChanges: changes.hasChanges,
      packagesChanged: changelog.totals.packagesChanged,
      filesChanged: changelog.totals.filesChanged,
    },
    verdict,
    inputs.failOn,
  );
}

/**
 * Where the full report is, for the surfaces that cut rows: the JSON file at the action's `report-file`
 * output, which is among the run's artifacts only when the workflow uploads it (the action cannot tell).
 */
export function fullReportHint(runUrl: string): string {
  return ` at the action's \`report-file\` output, among the artifacts of ${runUrl} when the workflow uploads it`;
}

export interface RunOutputs {
  previous: string;
  changelog: string;
  changelogFile: string;
  reportFile: string;
  hasChanges: boolean;
  packagesChanged: number;
  filesChanged: number;
}

/** The action's outputs, the verdict's annotations, and the job's failure when `fail-on` says so. */
export function writeOutputsAndVerdict(
  out: RunOutputs,
  verdict: Verdict | undefined,
  failOn: Inputs['failOn'],
): void {
  core.setOutput('previous', out.previous);
  core.setOutput('changelog', out.changelog);
  core.setOutput('changelog-file', out.changelogFile);
  core.setOutput('report-file', out.reportFile);
  core.setOutput('has-changes', String(out.hasChanges));
  core.setOutput('packages-changed', String(out.packagesChanged));
  core.setOutput('files-changed', String(out.filesChanged));
  core.setOutput('policy-result', verdict?.result ?? 'none');
  if (!verdict) return;
  for (const a of verdictAnnotations(verdict)) {
    const props = { title: a.title };
    if (a.level === 'error') core.error(a.message, props);
    else if (a.level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
  const fails =
    (failOn === 'stop' && verdict.result === 'stop') || (failOn === 'warn' && verdict.result !== 'pass');
  if (fails) core.setFailed(verdictLine(verdict));
}
