/**
 * Build real OCI layouts, oci-archives and docker-archives on disk from in-memory layer tars, with
 * correct digests, sizes and configs. Tests damage the result on purpose where they need to.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor, ImageConfig, ImageIndex, Manifest, Platform } from '../../src/oci/types.js';
import { compress, type LayerCompression } from './memory-layer.js';
import { digestOf, makeTar, sha256 } from './tar.js';

const T = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
};
const LAYER_TYPES: Record<'oci' | 'docker', Record<LayerCompression, string>> = {
  oci: {
    gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    none: 'application/vnd.oci.image.layer.v1.tar',
  },
  docker: {
    gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    none: 'application/vnd.docker.image.rootfs.diff.tar',
  },
};

export interface ImageSpec {
  /** Uncompressed layer tars, bottom first (e.g. from makeTar). */
  layers: Buffer[];
  /** Merged over the generated config (rootfs is always generated). */
  config?: Partial<Omit<ImageConfig, 'rootfs'>>;
  /** Default linux/amd64. */
  platform?: Platform;
  /** How layers are stored (default gzip). */
  compress?: LayerCompression;
  /** OCI (default) or Docker schema 2 media types. */
  mediaTypes?: 'oci' | 'docker';
}

export interface BuiltLayer {
  digest: string;
  diffID: string;
  size: number;
  mediaType: string;
  stored: Buffer;
}

export interface BuiltImage {
  platform: Platform;
  manifestDigest: string;
  manifestBytes: Buffer;
  manifest: Manifest;
  configDigest: string;
  configBytes: Buffer;
  config: ImageConfig;
  layers: BuiltLayer[];
  /** Every blob of this image (manifest, config, layers) by digest. */
  blobs: Map<string, Buffer>;
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** Build one image's blobs in memory. */
export function buildImage(spec: ImageSpec): BuiltImage {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const kind = spec.compress ?? 'gzip';
  const types = spec.mediaTypes ?? 'oci';
  const layers = spec.layers.map((tar): BuiltLayer => {
    const stored = compress(tar, kind);
    return {
      digest: digestOf(stored),
      diffID: digestOf(tar),
      size: stored.length,
      mediaType: LAYER_TYPES[types][kind],
      stored,
    };
  });
  const config: ImageConfig = {
    created: '2024-01-01T00:00:00Z',
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Cmd: ['/bin/sh'] },
    history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${i}` })),
    ...spec.config,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
  };
  const configBytes = jsonBytes(config);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: types === 'oci' ? T.ociManifest : T.dockerManifest,
    config: {
      mediaType: types === 'oci' ? T.ociConfig : T.dockerConfig,
      digest: digestOf(configBytes),
      size: configBytes.length,
    },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBytes = jsonBytes(manifest);
  const blobs = new Map<string, Buffer>([
    [digestOf(manifestBytes), manifestBytes],
    [digestOf(configBytes), configBytes],
    ...layers.map((l): [string, Buffer] => [l.digest, l.stored]),
  ]);
  return {
    platform,
    manifestDigest: digestOf(manifestBytes),
    manifestBytes,
    manifest,
    configDigest: digestOf(configBytes),
    configBytes,
    config,
    layers,
    blobs,
  };
}

export interface OciLayoutSpec extends ImageSpec {
  /** `org.opencontainers.image.ref.name` of the index.json entry (default 'latest'; null for none). */
  tag?: string | null;
  /** Build an image index with one image per platform (each with the same layers). */
  platforms?: Platform[];
  /** Add a buildx-style attestation manifest to the index. */
  attestation?: boolean;
  /** Extra annotations on the index.json entry (e.g. io.containerd.image.name). */
  annotations?: Record<string, string>;
}

export interface BuiltTag {
  tag?: string;
  /** The platform index's digest when `platforms` was given. */
  indexDigest?: string;
  index?: ImageIndex;
  images: BuiltImage[];
}

export interface BuiltLayout {
  tags: BuiltTag[];
  /** The first image of the first tag: what most tests look at. */
  image: BuiltImage;
  /** Every file of the layout by its relative path (what an archive of it holds). */
  files: Map<string, Buffer>;
}

function attestationFor(image: BuiltImage, blobs: Map<string, Buffer>): Descriptor {
  const statement = jsonBytes({
    _type: 'https://in-toto.io/Statement/v0.1',
    subject: [{ digest: image.manifestDigest }],
  });
  const emptyConfig = jsonBytes({});
  blobs.set(digestOf(statement), statement);
  blobs.set(digestOf(emptyConfig), emptyConfig);
  const manifest = jsonBytes({
    schemaVersion: 2,
    mediaType: T.ociManifest,
    config: { mediaType: T.ociConfig, digest: digestOf(emptyConfig), size: emptyConfig.length },
    layers: [
      { mediaType: 'application/vnd.in-toto+json', digest: digestOf(statement), size: statement.length },
    ],
  });
  blobs.set(digestOf(manifest), manifest);
  return {
    mediaType: T.ociManifest,
    digest: digestOf(manifest),
    size: manifest.length,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': image.manifestDigest,
    },
  };
}

/** The files of an OCI layout in memory: `oci-layout`, `index.json`, `blobs/sha256/*`. */
export function buildOciLayoutFiles(specs: OciLayoutSpec | OciLayoutSpec[]): BuiltLayout {
  const list = Array.isArray(specs) ? specs : [specs];
  const blobs = new Map<string, Buffer>();
  const entries: Descriptor[] = [];
  const tags: BuiltTag[] = [];
  for (const spec of list) {
    const tag = spec.tag === null ? undefined : (spec.tag ?? 'latest');
    const annotations = {
      ...(tag !== undefined ? { 'org.opencontainers.image.ref.name': tag } : {}),
      ...spec.annotations,
    };
    const withAnnotations = (d: Descriptor): Descriptor =>
      Object.keys(annotations).length > 0 ? { ...d, annotations } : d;
    if (!spec.platforms) {
      const image = buildImage(spec);
      for (const [d, b] of image.blobs) blobs.set(d, b);
      entries.push(
        withAnnotations({
          mediaType: image.manifest.mediaType!,
          digest: image.manifestDigest,
          size: image.manifestBytes.length,
        }),
      );
      tags.push({ ...(tag !== undefined ? { tag } : {}), images: [image] });
      continue;
    }
    const images = spec.platforms.map((platform) => buildImage({ ...spec, platform }));
    const manifests: Descriptor[] = [];
    for (const image of images) {
      for (const [d, b] of image.blobs) blobs.set(d, b);
      manifests.push({
        mediaType: image.manifest.mediaType!,
        digest: image.manifestDigest,
        size: image.manifestBytes.length,
        platform: image.platform,
      });
      if (spec.attestation) manifests.push(attestationFor(image, blobs));
    }
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: spec.mediaTypes === 'docker' ? T.dockerList : T.ociIndex,
      manifests,
    };
    const indexBytes = jsonBytes(index);
    blobs.set(digestOf(indexBytes), indexBytes);
    entries.push(
      withAnnotations({ mediaType: index.mediaType!, digest: digestOf(indexBytes), size: indexBytes.length }),
    );
    tags.push({ ...(tag !== undefined ? { tag } : {}), indexDigest: digestOf(indexBytes), index, images });
  }
  const files = new Map<string, Buffer>([
    ['oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' })],
    ['index.json', jsonBytes({ schemaVersion: 2, mediaType: T.ociIndex, manifests: entries })],
  ]);
  for (const [digest, bytes] of blobs) files.set(`blobs/sha256/${digest.slice(7)}`, bytes);
  return { tags, image: tags[0]!.images[0]!, files };
}

/** Write files (a layout's, possibly altered by a test) under `dir`. */
export async function writeLayoutFiles(dir: string, files: Map<string, Buffer>): Promise<void> {
  for (const [name, bytes] of files) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
}

/** A tar of the given files (directories first, as skopeo writes them). */
export async function tarOfFiles(files: Map<string, Buffer>): Promise<Buffer> {
  const dirs = new Set<string>();
  for (const name of files.keys()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  return makeTar([
    ...[...dirs].sort().map((name) => ({ name, type: 'directory' as const })),
    ...[...files].map(([name, content]) => ({ name, content })),
  ]);
}

/** Write an OCI image layout directory. */
export async function writeOciLayout(
  dir: string,
  specs: OciLayoutSpec | OciLayoutSpec[],
): Promise<BuiltLayout> {
  const built = buildOciLayoutFiles(specs);
  await writeLayoutFiles(dir, built.files);
  return built;
}

/** Write an oci-archive: the same layout as a tar file. */
export async function writeOciArchive(
  file: string,
  specs: OciLayoutSpec | OciLayoutSpec[],
): Promise<BuiltLayout> {
  const built = buildOciLayoutFiles(specs);
  await writeFile(file, await tarOfFiles(built.files));
  return built;
}

export interface DockerArchiveSpec extends Omit<ImageSpec, 'compress' | 'mediaTypes'> {
  repoTags?: string[];
}

export interface BuiltDockerArchive {
  images: BuiltImage[];
  /** manifest.json as written. */
  manifestJson: { Config: string; RepoTags: string[]; Layers: string[] }[];
  files: Map<string, Buffer>;
}

/**
 * Write a `docker save` tar. 'classic': `<config hex>.json`, `<id>/layer.tar`, `<id>/json`,
 * `repositories`; 'docker25': the same manifest.json pointing into an OCI layout
 * (`blobs/sha256/…`, `index.json` with containerd name annotations). Layers are uncompressed.
 */
export async function writeDockerArchive(
  file: string,
  specs: DockerArchiveSpec | DockerArchiveSpec[],
  style: 'classic' | 'docker25' = 'classic',
): Promise<BuiltDockerArchive> {
  const list = Array.isArray(specs) ? specs : [specs];
  const files = new Map<string, Buffer>();
  const manifestJson: BuiltDockerArchive['manifestJson'] = [];
  const images: BuiltImage[] = [];
  const indexEntries: Descriptor[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const spec of list) {
    const image = buildImage({
      ...spec,
      compress: 'none',
      mediaTypes: style === 'classic' ? 'docker' : 'oci',
    });
    images.push(image);
    const repoTags = spec.repoTags ?? [];
    if (style === 'docker25') {
      for (const [d, b] of image.blobs) files.set(`blobs/sha256/${d.slice(7)}`, b);
      manifestJson.push({
        Config: `blobs/sha256/${image.configDigest.slice(7)}`,
        RepoTags: repoTags,
        Layers: image.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
      });
      const entry = {
        mediaType: T.ociManifest,
        digest: image.manifestDigest,
        size: image.manifestBytes.length,
      };
      if (repoTags.length === 0) indexEntries.push(entry);
      for (const t of repoTags) {
        const full = t.includes('/') ? `docker.io/${t}` : `docker.io/library/${t}`;
        indexEntries.push({
          ...entry,
          annotations: {
            'io.containerd.image.name': full,
            'org.opencontainers.image.ref.name': t.split(':').pop()!,
          },
        });
      }
      continue;
    }
    files.set(`${image.configDigest.slice(7)}.json`, image.configBytes);
    let parent = '';
    const layerPaths: string[] = [];
    for (const layer of image.layers) {
      const id = sha256(`${parent}\n${layer.diffID}`);
      files.set(`${id}/VERSION`, Buffer.from('1.0'));
      files.set(`${id}/json`, jsonBytes({ id, ...(parent ? { parent } : {}) }));
      files.set(`${id}/layer.tar`, layer.stored);
      layerPaths.push(`${id}/layer.tar`);
      parent = id;
    }
    manifestJson.push({
      Config: `${image.configDigest.slice(7)}.json`,
      RepoTags: repoTags,
      Layers: layerPaths,
    });
    for (const t of repoTags) {
      const colon = t.lastIndexOf(':');
      (repositories[t.slice(0, colon)] ??= {})[t.slice(colon + 1)] = parent;
    }
  }
  files.set('manifest.json', jsonBytes(manifestJson));
  if (style === 'docker25') {
    files.set('oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' }));
    files.set('index.json', jsonBytes({ schemaVersion: 2, mediaType: T.ociIndex, manifests: indexEntries }));
  } else if (Object.keys(repositories).length > 0) {
    files.set('repositories', jsonBytes(repositories));
  }
  await writeFile(file, await tarOfFiles(files));
  return { images, manifestJson, files };
}
