import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageChangelogError } from '../util/errors.js';
import type { Image, ImageSource, OpenImageOptions } from './types.js';
import type { Platform } from '../oci/types.js';
import { DockerArchiveSource, openDockerArchiveTar } from './docker-archive.js';
import { OciArchiveSource, openOciArchiveTar } from './oci-archive.js';
import { OciLayoutSource } from './oci-layout.js';
import { TarFile } from './tar-file.js';
import { pathExists } from './local-reference.js';

/** The transports a reference can name, with skopeo's prefixes (`docker://` is transport `docker`). */
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

export interface OpenImageAllOptions extends OpenImageOptions {
  /** Sources for registry and daemon references, supplied by the adapters. */
  extraSources?: ImageSource[];
  /** The platform used when none is asked for and an index offers several (default: this machine's). */
  host?: Platform;
}

const ACCEPTED =
  'expected oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], an existing layout directory or archive file, ' +
  'docker://NAME[:TAG][@DIGEST], docker-daemon:NAME[:TAG], or a registry name';

function notFound(reference: string, why: string): ImageChangelogError {
  return new ImageChangelogError('IMAGE_NOT_FOUND', `cannot open image "${reference}": ${why}`, {
    subject: reference,
    hint: ACCEPTED,
  });
}

// A registry name: [host[:port]/]path[:tag][@sha256:...], lower-case path components.
const REGISTRY_NAME =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** A bare path: a layout directory, or a file whose members say which archive it is. */
async function openBarePath(
  reference: string,
  options: OpenImageOptions,
  host: Platform | undefined,
): Promise<Image> {
  const s = await stat(reference);
  const local = { ...options, ...(host ? { host } : {}) };
  if (s.isDirectory()) {
    try {
      await stat(join(reference, 'oci-layout'));
    } catch {
      throw notFound(reference, 'the directory is not an OCI image layout (no oci-layout file)');
    }
    const image = await new OciLayoutSource(host ? { host } : {}).open(`oci:${reference}`, options);
    image.reference = reference;
    return image;
  }
  const tar = await TarFile.open(reference);
  if (tar.has('manifest.json')) return openDockerArchiveTar(tar, reference, undefined, local);
  if (tar.has('oci-layout') && tar.has('index.json'))
    return openOciArchiveTar(tar, reference, undefined, local);
  await tar.close();
  throw notFound(
    reference,
    'the file is a tar but neither a docker-archive (manifest.json) nor an oci-archive (oci-layout, index.json)',
  );
}

/**
 * Open an image from any reference: local transports here, registry and daemon references through
 * `extraSources` (matched by transport; a bare registry name goes to the `docker` source).
 */
export async function openImage(reference: string, options: OpenImageAllOptions = {}): Promise<Image> {
  const { extraSources = [], host, ...rest } = options;
  const openOptions: OpenImageOptions = rest.platform ? { platform: rest.platform } : {};
  const local = host ? { host } : {};
  const { transport } = parseTransport(reference);
  const extra = (t: string): ImageSource | undefined => extraSources.find((s) => s.transport === t);
  switch (transport) {
    case 'oci':
      return new OciLayoutSource(local).open(reference, openOptions);
    case 'oci-archive':
      return new OciArchiveSource(local).open(reference, openOptions);
    case 'docker-archive':
      return new DockerArchiveSource(local).open(reference, openOptions);
    case 'docker':
    case 'docker-daemon':
    case 'registry': {
      const source = extra(transport) ?? (transport === 'registry' ? extra('docker') : undefined);
      if (!source)
        throw notFound(
          reference,
          `no ${transport === 'docker-daemon' ? 'Docker daemon' : 'registry'} source is available here`,
        );
      return source.open(reference, openOptions);
    }
    default:
      break;
  }
  if (await pathExists(reference)) return openBarePath(reference, openOptions, host);
  const looksLikePath = /^(\.{0,2}\/|~)/.test(reference) || /\.(tar|tgz|tar\.gz)$/i.test(reference);
  if (looksLikePath) throw notFound(reference, 'no such file or directory');
  const registry = extra('docker');
  if (registry && REGISTRY_NAME.test(reference)) return registry.open(reference, openOptions);
  throw notFound(
    reference,
    registry
      ? 'not a path nor a valid image name'
      : 'no such file or directory, and no registry source is available here',
  );
}
