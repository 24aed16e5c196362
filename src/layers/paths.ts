import { ImageChangelogError } from '../util/errors.js';

/**
 * Anything that needs more than returning the name as is: a leading `/` or `./`, a trailing `/`,
 * an empty, `.` or `..` segment, or a NUL byte. Most names in real layers match none of these.
 */
const NEEDS_WORK = /^\.?\/|\/$|\/\/|(^|\/)\.\.?(\/|$)|\0/;

/**
 * Normalise a tar entry name to the tree's form: no leading `/` or `./`, no empty or `.` segments,
 * no trailing `/`. Returns null for the root itself. A `..` segment is an escape attempt (even when it
 * would stay inside, e.g. `a/../b`: no honest layer writes one) and a NUL byte cannot be a path:
 * both are errors naming the path and the layer.
 */
export function normalizeEntryPath(name: string, layer = 'unknown layer'): string | null {
  if (name === '' || name === '.' || name === './' || name === '/') return null;
  if (!NEEDS_WORK.test(name)) return name;
  if (name.includes('\0')) {
    throw new ImageChangelogError(
      'PATH_INVALID',
      `tar entry name ${JSON.stringify(name)} in layer ${layer} contains a NUL byte`,
      { subject: layer, hint: 'the layer is malformed or hostile; rebuild it' },
    );
  }
  const kept: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      throw new ImageChangelogError(
        'PATH_ESCAPE',
        `tar entry ${JSON.stringify(name)} in layer ${layer} has a ".." segment (path escape)`,
        { subject: layer, hint: 'the layer is malformed or hostile; rebuild it' },
      );
    }
    kept.push(segment);
  }
  return kept.length === 0 ? null : kept.join('/');
}

/** The parent of a normalised path; '' for a top-level path (the root). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
