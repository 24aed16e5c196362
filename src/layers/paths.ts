import { ImageChangelogError } from '../util/errors.js';

/**
 * Anything that needs more than returning the name as is: a leading `/` or `./`, a trailing `/`,
 * an empty, `.` or `..` segment, or a NUL byte. Most names in real layers match none of these.
 */
const NEEDS_WORK = /^\.?\/|\/$|\/\/|(^|\/)\.\.?(\/|$)|\0/;

/**
 * Linux's NAME_MAX: no file system a runtime extracts to (ext4, xfs, overlayfs, tmpfs) holds a name
 * segment longer than this many bytes, so Docker and containerd fail on such an entry. We refuse the
 * layer too, rather than index a path the runtime cannot create; it also keeps glob matching over
 * one segment cheap (Go's archive/tar itself accepts names up to its 1 MiB PAX record cap).
 */
export const NAME_MAX_BYTES = 255;

/**
 * Normalise a tar entry name to the tree's form: no leading `/` or `./`, no empty or `.` segments,
 * no trailing `/`. Returns null for the root itself. A `..` segment is an escape attempt (even when it
 * would stay inside, e.g. `a/../b`: no honest layer writes one) and a NUL byte cannot be a path:
 * both are errors naming the path and the layer.
 */
export function normalizeEntryPath(name: string, layer = 'unknown layer'): string | null {
  if (name === '' || name === '.' || name === './' || name === '/') return null;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a name this short cannot hold a long segment.
  if (name.length > NAME_MAX_BYTES / 3) checkSegmentLengths(name, layer);
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

function checkSegmentLengths(name: string, layer: string): void {
  let start = 0;
  while (start <= name.length) {
    let end = name.indexOf('/', start);
    if (end < 0) end = name.length;
    // A segment's UTF-8 length is at least its length in UTF-16 units over 3: measure only the long.
    if (end - start > NAME_MAX_BYTES / 3) {
      const bytes = Buffer.byteLength(name.slice(start, end));
      if (bytes > NAME_MAX_BYTES) {
        throw new ImageChangelogError(
          'PATH_INVALID',
          `tar entry ${JSON.stringify(name.slice(0, 200))}${name.length > 200 ? '...' : ''} in layer ${layer} has a name segment of ${bytes} bytes; Linux allows ${NAME_MAX_BYTES}, so no runtime can extract it`,
          { subject: layer, hint: 'the layer is malformed or hostile; rebuild it' },
        );
      }
    }
    start = end + 1;
  }
}

/** The parent of a normalised path; '' for a top-level path (the root). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
