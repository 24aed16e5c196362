import type { Readable } from 'node:stream';
import { cutList } from '../util/cut-list.js';
import { ImageChangelogError } from '../util/errors.js';
import { sha256Digest, verifyBytes } from '../oci/digest.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseConfig, parseManifestOrIndex } from '../oci/documents.js';
import {
  DOCKER_CONFIG,
  DOCKER_LAYER_GZIP,
  DOCKER_LAYER_TAR,
  DOCKER_MANIFEST,
  OCI_LAYER_ZSTD,
} from '../oci/media-types.js';
import { isAttestation } from '../oci/platform.js';
import { formatReference, parseReference } from '../oci/reference.js';
import type { Descriptor, Manifest } from '../oci/types.js';
import { ArchiveSource } from './archive-source.js';
import { resolveImage } from './resolve.js';
import { blobNotFound, type ImageStore } from './store.js';
import type { TarFile } from './tar-file.js';
import type { Image, LocalSourceOptions, OpenImageOptions } from './types.js';

/** One entry of a `docker save` manifest.json. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

const BLOB_PATH = /(?:^|\/)blobs\/sha256\/([a-f0-9]{64})$/;
const HEX_NAME = /(?:^|\/|sha256:)([a-f0-9]{64})(?:\.tar|\.json)?(?:\.gz|\.tgz|\.zst)?$/;
/** How many manifests of a Docker 25+ index.json we read while looking for the chosen image's. */
const MAX_MANIFESTS_SEARCHED = 64;

function invalid(path: string, what: string): ImageChangelogError {
  return new ImageChangelogError('ARCHIVE_INVALID', `${path}: ${what}`, { subject: path });
}

export function parseDockerManifestJson(bytes: Buffer, path: string): DockerArchiveEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(path, 'manifest.json is not valid JSON');
  }
  if (!Array.isArray(doc) || doc.length === 0) throw invalid(path, 'manifest.json must be a non-empty array');
  return doc.map((e: unknown, i) => {
    const entry = e as Record<string, unknown> | null;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof entry.Config !== 'string' ||
      !strings(entry.Layers)
    ) {
      throw invalid(path, `manifest.json entry ${i} needs Config (a path) and Layers (paths)`);
    }
    if (entry.RepoTags !== undefined && entry.RepoTags !== null && !strings(entry.RepoTags))
      throw invalid(path, `manifest.json entry ${i}: RepoTags must be strings`);
    return { Config: entry.Config, Layers: entry.Layers, RepoTags: entry.RepoTags ?? [] };
  });
}

/** `alpine` -> `docker.io/library/alpine:latest`, so short and full names compare equal (as given when not a valid name). */
export function normalizeDockerName(name: string): string {
  try {
    return formatReference(parseReference(name.replace(/^docker:\/\//, '')));
  } catch {
    return name;
  }
}

function selectEntry(
  entries: DockerArchiveEntry[],
  selector: string | undefined,
  path: string,
): DockerArchiveEntry {
  const listing = (): string =>
    cutList(
      entries.map((e, i) =>
        e.RepoTags.length > 0 ? `@${i} (${cutList(e.RepoTags, { max: 10 })})` : `@${i} (untagged)`,
      ),
      { separator: '; ' },
    );
  if (selector === undefined) {
    if (entries.length === 1) return entries[0]!;
    throw new ImageChangelogError(
      'IMAGE_NOT_FOUND',
      `${path} holds ${entries.length} images; name one as docker-archive:${path}:NAME:TAG or :@INDEX: ${listing()}`,
      {
        subject: path,
      },
    );
  }
  const byIndex = /^@(\d+)$/.exec(selector);
  const found = byIndex
    ? entries[Number(byIndex[1])]
    : entries.find((e) => e.RepoTags.some((t) => normalizeDockerName(t) === normalizeDockerName(selector)));
  if (found) return found;
  throw new ImageChangelogError(
    'IMAGE_NOT_FOUND',
    `no image "${selector}" in ${path}; it holds ${listing()}`,
    { subject: path },
  );
}

/** Docker 25+ archives also hold an OCI layout: find the manifest whose config is ours. */
async function findOciManifest(
  tar: TarFile,
  configDigest: string,
): Promise<{ digest: string; manifest: Manifest } | undefined> {
  if (!tar.has('index.json')) return undefined;
  const top = parseManifestOrIndex(await tar.readMember('index.json', MAX_MANIFEST_BYTES), {
    subject: `${tar.path} index.json`,
  });
  if (top.kind !== 'index') return undefined;
  const queue: { d: Descriptor; depth: number }[] = top.index.manifests.map((d) => ({ d, depth: 0 }));
  for (let searched = 0; queue.length > 0 && searched < MAX_MANIFESTS_SEARCHED; searched++) {
    const { d, depth } = queue.shift()!;
    const blob = `blobs/sha256/${d.digest.slice(7)}`;
    if (isAttestation(d) || !tar.has(blob)) continue;
    const parsed = parseManifestOrIndex(await tar.readMember(blob, MAX_MANIFEST_BYTES), {
      subject: `${tar.path} ${d.digest}`,
      descriptor: d,
    });
    if (parsed.kind === 'manifest' && parsed.manifest.config.digest === configDigest)
      return { digest: d.digest, manifest: parsed.manifest };
    if (parsed.kind === 'index' && depth < 1)
      queue.push(...parsed.index.manifests.map((m) => ({ d: m, depth: depth + 1 })));
  }
  return undefined;
}

/** A layer member's descriptor: its digest from its name (or, uncompressed, its diffID), its media type sniffed. */
async function layerOf(
  tar: TarFile,
  path: string,
  diffID: string,
  declared: Descriptor | undefined,
): Promise<Descriptor> {
  const member = tar.member(path);
  if (!member || member.type !== 'file')
    throw invalid(tar.path, `layer ${path} named in manifest.json is missing`);
  const head = await tar.readMemberPrefix(path, 4);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const zstd = head.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
  const fromPath = BLOB_PATH.exec(path)?.[1];
  let digest: string;
  if (fromPath) {
    digest = `sha256:${fromPath}`;
  } else if (!gzip && !zstd) {
    // Classic `docker save`: the file is the uncompressed tar, so its digest is the diffID.
    digest = diffID;
  } else {
    // Tools like crane write compressed layers named by their digest.
    const hex = HEX_NAME.exec(path)?.[1];
    if (!hex || `sha256:${hex}` === diffID)
      throw invalid(tar.path, `compressed layer ${path} is not named by its digest; cannot verify it`);
    digest = `sha256:${hex}`;
  }
  const mediaType =
    declared?.mediaType ?? (gzip ? DOCKER_LAYER_GZIP : zstd ? OCI_LAYER_ZSTD : DOCKER_LAYER_TAR);
  return { digest, size: member.size, mediaType };
}

/** A `docker save` archive as a store: configs and layers are members, found by their digests. */
class DockerArchiveStore implements ImageStore {
  readonly location: string;
  private readonly members = new Map<string, string>();

  constructor(private readonly tar: TarFile) {
    this.location = tar.path;
  }

  /** `digest` is stored in member `path`. */
  add(digest: string, path: string): void {
    this.members.set(digest, path);
  }

  read(descriptor: Descriptor, _kind: 'manifest' | 'blob', maxBytes: number): Promise<Buffer> {
    const path = this.members.get(descriptor.digest);
    if (path === undefined) return Promise.reject(blobNotFound(this.location, descriptor.digest));
    return this.tar.readMember(path, maxBytes, 'CONFIG_TOO_LARGE');
  }

  open(descriptor: Descriptor): Promise<Readable> {
    const path = this.members.get(descriptor.digest);
    if (path === undefined) return Promise.reject(blobNotFound(this.location, descriptor.digest));
    return Promise.resolve(this.tar.openMember(path));
  }

  close(): Promise<void> {
    return this.tar.close();
  }
}

/**
 * The manifest of the image `selector` names in a `docker save` tar, with its digest. A Docker 25+
 * archive holds it in its OCI index; a classic archive has none, so one is synthesised (Docker
 * schema 2, uncompressed layers, compact JSON in a fixed key order) and its sha256 is the image's
 * manifest digest: stable for the same image, but not the digest a registry shows for it.
 */
async function archiveManifest(
  tar: TarFile,
  store: DockerArchiveStore,
  selector: string | undefined,
): Promise<{ manifest: Manifest; digest: string }> {
  if (!tar.has('manifest.json')) throw invalid(tar.path, 'not a docker-archive (no manifest.json)');
  const entries = parseDockerManifestJson(
    await tar.readMember('manifest.json', MAX_MANIFEST_BYTES),
    tar.path,
  );
  const entry = selectEntry(entries, selector, tar.path);
  if (!tar.has(entry.Config))
    throw invalid(tar.path, `config ${entry.Config} named in manifest.json is missing`);
  const configBytes = await tar.readMember(entry.Config, MAX_CONFIG_BYTES, 'CONFIG_TOO_LARGE');
  const configDigest = sha256Digest(configBytes);
  const namedHex = BLOB_PATH.exec(entry.Config)?.[1] ?? HEX_NAME.exec(entry.Config)?.[1];
  if (namedHex) verifyBytes(configBytes, { digest: `sha256:${namedHex}` }, `${tar.path} ${entry.Config}`);
  const config = parseConfig(configBytes, {
    subject: `${tar.path} ${entry.Config}`,
    layerCount: entry.Layers.length,
  });
  store.add(configDigest, entry.Config);

  const oci = await findOciManifest(tar, configDigest);
  if (oci && oci.manifest.layers.length !== entry.Layers.length) {
    throw invalid(
      tar.path,
      `index.json's manifest ${oci.digest} has ${oci.manifest.layers.length} layers, manifest.json ${entry.Layers.length}`,
    );
  }
  const layers = await Promise.all(
    entry.Layers.map((p, i) => layerOf(tar, p, config.rootfs.diff_ids[i]!, oci?.manifest.layers[i])),
  );
  layers.forEach((layer, i) => {
    const declared = oci?.manifest.layers[i]?.digest;
    if (declared !== undefined && declared !== layer.digest)
      throw invalid(
        tar.path,
        `layer ${entry.Layers[i]!} is ${layer.digest}, but index.json's manifest says ${declared}`,
      );
    store.add(layer.digest, entry.Layers[i]!);
  });
  if (oci) return oci;
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return { manifest, digest: sha256Digest(Buffer.from(JSON.stringify(manifest))) };
}

/** Open an image from an already scanned `docker save` tar; the tar closes with the image. */
export async function openDockerArchiveTar(
  tar: TarFile,
  reference: string,
  selector: string | undefined,
  options: OpenImageOptions & LocalSourceOptions,
): Promise<Image> {
  const store = new DockerArchiveStore(tar);
  let root: { manifest: Manifest; digest: string };
  try {
    root = await archiveManifest(tar, store, selector);
  } catch (err) {
    await store.close();
    throw err;
  }
  return resolveImage(
    store,
    { document: { kind: 'manifest', manifest: root.manifest }, digest: root.digest },
    {
      reference,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.host ? { host: options.host } : {}),
    },
  );
}

/** `docker-archive:PATH[:NAME:TAG|:@INDEX]`: a `docker save` tar (classic or Docker 25+). A bare PATH works too. */
export class DockerArchiveSource extends ArchiveSource {
  constructor(sourceOptions: LocalSourceOptions = {}) {
    super('docker-archive', openDockerArchiveTar, sourceOptions);
  }
}
