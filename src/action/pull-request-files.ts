import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ImageChangelogError } from '../util/errors.js';
import { globMatcher } from '../util/glob.js';
import { MAX_DOCKERFILE_BYTES } from '../dockerfile/instructions.js';
import type { DockerfileVersions } from '../core/index.js';
import { isPermissionError, statusOf, withRetry, type Octokit } from './github-api.js';

const run = promisify(execFile);

/** The two commits a pull request compares. */
export interface PullRequestRefs {
  owner: string;
  repo: string;
  number: number;
  baseSha: string;
  headSha: string;
}

/** A file the pull request touches: its path now, and before a rename. */
interface ChangedFile {
  path: string;
  previousPath?: string;
  status: 'added' | 'removed' | 'modified';
}

/** Where the two versions are read from, said in the log. */
export type FileSource = 'git' | 'api';

/**
 * The Dockerfiles matching `patterns` that the pull request changes, each as its base and head
 * commits hold it. From git in the workspace when both commits are there (a checkout with
 * `fetch-depth: 0`), else through the GitHub API with the token (pull request files, contents at a ref).
 */
export async function readPullRequestDockerfiles(
  refs: PullRequestRefs,
  patterns: readonly string[],
  options: { workspace: string; octokit: Octokit | undefined },
): Promise<{ source: FileSource; files: DockerfileVersions[] }> {
  const wanted = globMatcher(
    [...patterns].map((p) => p.replace(/^\.\//, '')),
    { dot: true },
  );
  const matches = (f: ChangedFile) =>
    wanted(f.path) || (f.previousPath !== undefined && wanted(f.previousPath));
  if (await hasCommits(options.workspace, [refs.baseSha, refs.headSha])) {
    const changed = (await gitChangedFiles(options.workspace, refs)).filter(matches);
    const files: DockerfileVersions[] = [];
    for (const f of changed)
      files.push(await versions(f, (path, sha) => gitShow(options.workspace, sha, path), refs));
    return { source: 'git', files };
  }
  const octokit = options.octokit;
  if (!octokit)
    throw new ImageChangelogError(
      'PULL_REQUEST_FILES_UNREADABLE',
      `cannot read the pull request's Dockerfiles: commits ${refs.baseSha.slice(0, 12)} and ${refs.headSha.slice(0, 12)} are not in the workspace and there is no github-token`,
      { hint: 'give github-token (the default), or check out with fetch-depth: 0' },
    );
  const changed = (await apiChangedFiles(octokit, refs)).filter(matches);
  const files: DockerfileVersions[] = [];
  for (const f of changed)
    files.push(await versions(f, (path, sha) => apiContent(octokit, refs, path, sha), refs));
  return { source: 'api', files };
}

async function versions(
  f: ChangedFile,
  read: (path: string, sha: string) => Promise<string | undefined>,
  refs: PullRequestRefs,
): Promise<DockerfileVersions> {
  const old = f.status === 'added' ? undefined : await read(f.previousPath ?? f.path, refs.baseSha);
  const neu = f.status === 'removed' ? undefined : await read(f.path, refs.headSha);
  return { path: f.path, ...(old !== undefined ? { old } : {}), ...(neu !== undefined ? { new: neu } : {}) };
}

function tooLarge(path: string): ImageChangelogError {
  return new ImageChangelogError('DOCKERFILE_INVALID', `${path}: larger than ${MAX_DOCKERFILE_BYTES} bytes`, {
    subject: path,
    hint: 'leave it out of the dockerfile input',
  });
}

// ---- git in the workspace

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: MAX_DOCKERFILE_BYTES * 2, encoding: 'utf8' });
  return stdout;
}

async function hasCommits(cwd: string, shas: string[]): Promise<boolean> {
  try {
    for (const sha of shas) await git(cwd, ['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false; // not a repository, no git, or a shallow checkout without these commits
  }
}

/** What GitHub lists as the pull request's files: the changes since the merge base, renames followed. */
async function gitChangedFiles(cwd: string, refs: PullRequestRefs): Promise<ChangedFile[]> {
  const out = await git(cwd, ['diff', '--name-status', '-z', '-M', `${refs.baseSha}...${refs.headSha}`]);
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length && parts[i] !== '';) {
    const status = parts[i++]!;
    if (status.startsWith('R') || status.startsWith('C')) {
      const from = parts[i++]!;
      const to = parts[i++]!;
      files.push({
        path: to,
        ...(status.startsWith('R') ? { previousPath: from } : {}),
        status: status.startsWith('R') ? 'modified' : 'added',
      });
    } else {
      const path = parts[i++]!;
      files.push({ path, status: status === 'A' ? 'added' : status === 'D' ? 'removed' : 'modified' });
    }
  }
  return files;
}

async function gitShow(cwd: string, sha: string, path: string): Promise<string | undefined> {
  try {
    const size = Number((await git(cwd, ['cat-file', '-s', `${sha}:${path}`])).trim());
    if (size > MAX_DOCKERFILE_BYTES) throw tooLarge(path);
    return await git(cwd, ['show', `${sha}:${path}`]);
  } catch (err) {
    if (err instanceof ImageChangelogError) throw err;
    return undefined; // absent at that commit
  }
}

// ---- the GitHub API

function apiError(what: string, err: unknown): ImageChangelogError {
  const status = statusOf(err);
  return new ImageChangelogError(
    'PULL_REQUEST_FILES_UNREADABLE',
    `cannot read ${what} from the GitHub API${status !== undefined ? ` (${status})` : ''}`,
    {
      hint: isPermissionError(err)
        ? "the token needs 'contents: read' and 'pull-requests: read'"
        : 'check out the repository with fetch-depth: 0 to read the Dockerfiles from git instead',
      cause: err,
    },
  );
}

/** GitHub lists at most 3,000 files of a pull request, 100 a page. */
async function apiChangedFiles(octokit: Octokit, refs: PullRequestRefs): Promise<ChangedFile[]> {
  const files: ChangedFile[] = [];
  try {
    for (let page = 1; page <= 30; page++) {
      const { data } = await withRetry('pull request files', () =>
        octokit.rest.pulls.listFiles({
          owner: refs.owner,
          repo: refs.repo,
          pull_number: refs.number,
          per_page: 100,
          page,
        }),
      );
      for (const f of data) {
        const status =
          f.status === 'added' || f.status === 'copied'
            ? 'added'
            : f.status === 'removed'
              ? 'removed'
              : 'modified';
        files.push({
          path: f.filename,
          ...(f.status === 'renamed' && f.previous_filename ? { previousPath: f.previous_filename } : {}),
          status,
        });
      }
      if (data.length < 100) break;
    }
  } catch (err) {
    throw apiError(`the files of pull request #${refs.number}`, err);
  }
  return files;
}

async function apiContent(
  octokit: Octokit,
  refs: PullRequestRefs,
  path: string,
  sha: string,
): Promise<string | undefined> {
  try {
    const { data } = await withRetry('file contents', () =>
      octokit.rest.repos.getContent({
        owner: refs.owner,
        repo: refs.repo,
        path,
        ref: sha,
        mediaType: { format: 'raw' },
      }),
    );
    const text = typeof data === 'string' ? data : decodeContent(data);
    if (text === undefined)
      throw new ImageChangelogError('DOCKERFILE_INVALID', `${path} at ${sha.slice(0, 12)} is not a file`, {
        subject: path,
      });
    if (Buffer.byteLength(text) > MAX_DOCKERFILE_BYTES) throw tooLarge(path);
    return text;
  } catch (err) {
    if (err instanceof ImageChangelogError) throw err;
    if (statusOf(err) === 404) return undefined;
    throw apiError(`${path} at ${sha.slice(0, 12)}`, err);
  }
}

/** The JSON form, for a server that ignores the raw media type. */
function decodeContent(data: unknown): string | undefined {
  const d = data as { type?: unknown; encoding?: unknown; content?: unknown };
  if (d.type !== 'file' || typeof d.content !== 'string') return undefined;
  return d.encoding === 'base64' ? Buffer.from(d.content, 'base64').toString('utf8') : d.content;
}
