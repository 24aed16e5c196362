import { stat } from 'node:fs/promises';
import { ImageChangelogError } from '../util/errors.js';
import { parseReference, type ImageReference } from '../oci/reference.js';

/**
 * The one parser of what a user names as an image: every transport prefix (skopeo's, with
 * `docker://` as transport `docker`), local paths and their selectors, and registry names (whose
 * grammar is oci/reference.ts). Every source and adapter asks here.
 */

/** The transports a reference can name. */
export type Transport = 'oci' | 'oci-archive' | 'docker-archive' | 'docker' | 'docker-daemon' | 'registry';

export interface ParsedTransport {
  /** Undefined for a bare reference (a path or a registry name). */
  transport?: Transport;
  /** The reference without its prefix. */
  rest: string;
}

const PREFIXES: [string, Transport][] = [
  ['oci-archive:', 'oci-archive'],
  ['oci:', 'oci'],
  ['docker-archive:', 'docker-archive'],
  ['docker-daemon:', 'docker-daemon'],
  ['docker://', 'docker'],
  ['registry:', 'registry'],
];

export function parseTransport(reference: string): ParsedTransport {
  for (const [prefix, transport] of PREFIXES) {
    if (reference.startsWith(prefix)) return { transport, rest: reference.slice(prefix.length) };
  }
  return { rest: reference };
}

/** What a reference names, parsed once. `text` is the reference as given. */
export type SourceReference = { text: string } & (
  | { transport: 'oci' | 'oci-archive' | 'docker-archive'; path: string; selector?: string }
  /** A bare path that exists: a layout directory or an archive, told apart by its content. */
  | { transport: 'path'; path: string }
  /** A registry image: `docker://NAME`, `registry:NAME` or a bare NAME. */
  | { transport: 'docker' | 'registry'; name: ImageReference }
  | { transport: 'docker-daemon'; name: string }
);

const ACCEPTED =
  'expected oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], an existing layout directory or archive file, ' +
  'docker://NAME[:TAG][@DIGEST], docker-daemon:NAME[:TAG], or a registry name';

/** IMAGE_NOT_FOUND for a reference, with the forms that are accepted. */
export function cannotOpen(reference: string, why: string): ImageChangelogError {
  return new ImageChangelogError('IMAGE_NOT_FOUND', `cannot open image "${reference}": ${why}`, {
    subject: reference,
    hint: ACCEPTED,
  });
}

/** A reference written as a path (`./`, `../`, `/`, `~`) or naming an archive file (`.tar`, `.tgz`, `.tar.gz`). */
export function looksLikePath(reference: string): boolean {
  return /^(\.{0,2}\/|~)/.test(reference) || /\.(tar|tgz|tar\.gz)$/i.test(reference);
}

/** True when something (file, directory, anything) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export interface LocalReference {
  path: string;
  /** What follows the path: a tag (oci, oci-archive) or a name / `@index` (docker-archive). */
  selector?: string;
}

/**
 * Split `PATH[:SELECTOR]` (after the transport prefix). skopeo splits at the first colon; we do
 * too, except that a path containing colons is recognised when that prefix exists on disk.
 */
export async function splitLocalReference(rest: string): Promise<LocalReference> {
  if (await pathExists(rest)) return { path: rest };
  let firstColon = -1;
  for (let i = rest.indexOf(':'); i !== -1; i = rest.indexOf(':', i + 1)) {
    if (i === 0) continue;
    if (firstColon === -1) firstColon = i;
    if (await pathExists(rest.slice(0, i))) return withSelector(rest.slice(0, i), rest.slice(i + 1));
  }
  return firstColon === -1
    ? { path: rest }
    : withSelector(rest.slice(0, firstColon), rest.slice(firstColon + 1));
}

function withSelector(path: string, selector: string): LocalReference {
  return selector === '' ? { path } : { path, selector };
}

/** `TRANSPORT:PATH[:SELECTOR]` or a bare `PATH[:SELECTOR]` handed to a local source of that transport. */
export function localReference(
  transport: 'oci' | 'oci-archive' | 'docker-archive',
  reference: string,
): Promise<LocalReference> {
  const prefix = `${transport}:`;
  return splitLocalReference(reference.startsWith(prefix) ? reference.slice(prefix.length) : reference);
}

/** The registry name in `docker://NAME`, `registry:NAME` or a bare NAME (BAD_REFERENCE when it is not one). */
export function registryReference(reference: string): ImageReference {
  const { transport, rest } = parseTransport(reference);
  if (transport !== undefined && transport !== 'docker' && transport !== 'registry') {
    throw new ImageChangelogError(
      'REFERENCE_INVALID',
      `"${reference}" is not a registry image (it names ${transport}:)`,
      {
        subject: reference,
      },
    );
  }
  return parseReference(rest);
}

/**
 * Parse a reference. A bare reference is a path when something exists there; one written as a
 * path that does not exist is "no such file", never a registry name (so a mistyped `app.tar` is
 * not looked up on Docker Hub); anything else must be a valid registry name.
 */
export async function parseSourceReference(text: string): Promise<SourceReference> {
  const { transport, rest } = parseTransport(text);
  switch (transport) {
    case 'oci':
    case 'oci-archive':
    case 'docker-archive':
      return { text, transport, ...(await splitLocalReference(rest)) };
    case 'docker':
    case 'registry':
      return { text, transport, name: parseReference(rest) };
    case 'docker-daemon':
      return { text, transport, name: rest };
    case undefined:
      break;
  }
  if (await pathExists(text)) return { text, transport: 'path', path: text };
  if (looksLikePath(text)) {
    const tilde = text.startsWith('~') ? ' (~ is not expanded here: give the full path)' : '';
    throw cannotOpen(text, `no such file or directory: ${text}${tilde}`);
  }
  try {
    return { text, transport: 'docker', name: parseReference(text) };
  } catch {
    throw cannotOpen(text, 'not a path nor a valid image name');
  }
}
