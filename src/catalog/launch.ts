import { posix } from 'node:path';
import type { ImageConfig } from '../oci/types.js';
import type { FileTree, TreeEntry } from '../layers/types.js';

/**
 * Does the image's entrypoint (or, without one, its command) name an executable regular file in the
 * image? Symlinks are followed inside the image (absolute targets from the image's root); a bare name
 * is looked up in the image's own PATH, as the container runtime does.
 */
export interface LaunchCheck {
  /** Which setting the program comes from. */
  setting: 'entrypoint' | 'cmd';
  /** The program as configured (argv[0]). */
  program: string;
  /** The file it resolves to (no leading `/`), when it resolves. */
  resolved?: string;
  /** Why it does not run; undefined when it does. */
  problem?: LaunchProblem;
}

export type LaunchProblem =
  | 'missing'
  | 'dangling-symlink'
  | 'symlink-loop'
  | 'directory'
  | 'not-regular'
  | 'not-executable'
  | 'not-in-path';

/** Runtimes' PATH when the image sets none (containerd, Docker). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MAX_HOPS = 40; // Linux's limit on symlinks followed in one lookup

type Lookup = (path: string) => TreeEntry | undefined;

/** Resolve `path` (absolute, `/`-rooted) component by component, following symlinks. */
function resolve(
  lookup: Lookup,
  path: string,
): { path: string; entry: TreeEntry } | { problem: LaunchProblem } {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let hops = 0;
  let sawLink = false;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = [...done, part].join('/');
    const entry = lookup(here);
    if (entry === undefined) return { problem: sawLink ? 'dangling-symlink' : 'missing' };
    if (entry.type === 'symlink') {
      if (++hops > MAX_HOPS) return { problem: 'symlink-loop' };
      sawLink = true;
      const target = entry.link ?? '';
      if (target.startsWith('/')) done.length = 0;
      pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
      continue;
    }
    if (pending.length > 0 && entry.type !== 'dir')
      return { problem: sawLink ? 'dangling-symlink' : 'missing' };
    done.push(part);
    if (pending.length === 0) return { path: here, entry };
  }
  return { problem: 'directory' }; // the root itself
}

function runnable(lookup: Lookup, path: string): { resolved?: string; problem?: LaunchProblem } {
  const found = resolve(lookup, path);
  if ('problem' in found) return { problem: found.problem };
  const { entry } = found;
  if (entry.type === 'dir') return { resolved: found.path, problem: 'directory' };
  if (entry.type !== 'file' && entry.type !== 'hardlink')
    return { resolved: found.path, problem: 'not-regular' };
  if ((entry.mode & 0o111) === 0) return { resolved: found.path, problem: 'not-executable' };
  return { resolved: found.path };
}

function envPath(config: ImageConfig): string {
  for (const kv of config.config?.Env ?? []) if (kv.startsWith('PATH=')) return kv.slice(5);
  return DEFAULT_PATH;
}

/** The check for an image, or undefined when it sets neither an entrypoint nor a command. */
export function checkLaunch(tree: Pick<FileTree, 'entries'>, config: ImageConfig): LaunchCheck | undefined {
  const c = config.config ?? {};
  const entrypoint = c.Entrypoint ?? [];
  const cmd = c.Cmd ?? [];
  const setting = entrypoint.length > 0 ? 'entrypoint' : 'cmd';
  const program = (entrypoint.length > 0 ? entrypoint : cmd)[0];
  if (program === undefined || program === '') return undefined;
  const lookup: Lookup = (p) => tree.entries.get(p);
  const check: LaunchCheck = { setting, program };
  let result: { resolved?: string; problem?: LaunchProblem };
  if (program.includes('/')) {
    const absolute = program.startsWith('/') ? program : posix.join('/', c.WorkingDir ?? '/', program);
    result = runnable(lookup, absolute);
  } else {
    result = { problem: 'not-in-path' };
    for (const dir of envPath(config).split(':')) {
      if (!dir.startsWith('/')) continue;
      const found = runnable(lookup, posix.join(dir, program));
      if (found.problem === undefined) {
        result = found;
        break;
      }
    }
  }
  if (result.resolved !== undefined) check.resolved = result.resolved;
  if (result.problem !== undefined) check.problem = result.problem;
  return check;
}
