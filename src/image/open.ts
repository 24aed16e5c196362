import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from '../oci/types.js';
import { DockerArchiveSource, openDockerArchiveTar } from './docker-archive.js';
import { OciArchiveSource, openOciArchiveTar } from './oci-archive.js';
import { openLayoutDirectory, OciLayoutSource } from './oci-layout.js';
import { cannotOpen, parseSourceReference, parseTransport } from './source-reference.js';
import { TarFile } from './tar-file.js';
import type { Image, ImageSource, LocalSourceOptions, OpenImageOptions } from './types.js';

export interface OpenImageAllOptions extends OpenImageOptions {
  /** Sources for registry and daemon references, supplied by the adapters. */
  extraSources?: ImageSource[];
  /** The platform used when none is asked for and an index offers several (default: this machine's). */
  host?: Platform;
}

/** A bare path: a layout directory, or a file whose members say which archive it is. */
async function openBarePath(path: string, options: OpenImageOptions & LocalSourceOptions): Promise<Image> {
  if ((await stat(path)).isDirectory()) {
    try {
      await stat(join(path, 'oci-layout'));
    } catch {
      throw cannotOpen(path, 'the directory is not an OCI image layout (no oci-layout file)');
    }
    return openLayoutDirectory(path, undefined, path, options);
  }
  const tar = await TarFile.open(path);
  if (tar.has('manifest.json')) return openDockerArchiveTar(tar, path, undefined, options);
  if (tar.has('oci-layout') && tar.has('index.json')) return openOciArchiveTar(tar, path, undefined, options);
  await tar.close();
  throw cannotOpen(
    path,
    'the file is a tar but neither a docker-archive (manifest.json) nor an oci-archive (oci-layout, index.json)',
  );
}

/**
 * Open an image from any reference: local transports here, registry and daemon references through
 * `extraSources` (matched by transport; a bare registry name goes to the `docker` source).
 */
export async function openImage(reference: string, options: OpenImageAllOptions = {}): Promise<Image> {
  const { extraSources = [], host } = options;
  const openOptions: OpenImageOptions = options.platform ? { platform: options.platform } : {};
  const local = host ? { host } : {};
  const parsed = await parseSourceReference(reference);
  const extra = (t: string): ImageSource | undefined => extraSources.find((s) => s.transport === t);
  switch (parsed.transport) {
    case 'oci':
      return new OciLayoutSource(local).open(reference, openOptions);
    case 'oci-archive':
      return new OciArchiveSource(local).open(reference, openOptions);
    case 'docker-archive':
      return new DockerArchiveSource(local).open(reference, openOptions);
    case 'path':
      return openBarePath(parsed.path, { ...openOptions, ...local });
    default: {
      // Registry, daemon and any other remote transport: the source the adapter supplied for it.
      const source =
        extra(parsed.transport) ?? (parsed.transport === 'registry' ? extra('docker') : undefined);
      if (!source) {
        const daemon = parsed.transport === 'docker-daemon';
        const bare = parseTransport(reference).transport === undefined;
        throw cannotOpen(
          reference,
          bare
            ? 'no such file or directory, and no registry source is available here'
            : `no ${daemon ? 'Docker daemon' : 'registry'} source is available here`,
        );
      }
      return source.open(reference, openOptions);
    }
  }
}
