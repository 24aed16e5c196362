import { ImageChangelogError } from '../util/errors.js';
import type { Readable } from 'node:stream';
import type { Image, Layer, OpenImageOptions } from './types.js';
import type { Descriptor, ImageConfig, ImageIndex, Manifest, Platform } from '../oci/types.js';
import { readDescribedBlob, type BlobStore } from './blob-store.js';
import {
  MAX_CONFIG_BYTES,
  MAX_MANIFEST_BYTES,
  parseConfig,
  parseIndex,
  parseManifestOrIndex,
} from '../oci/documents.js';
import { chooseManifest, hostPlatform, imageEntries, indexPlatforms } from '../oci/platform.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';
/** index.json -> tagged index -> nested index -> manifest: two index levels below index.json. */
const MAX_INDEX_DEPTH = 2;

export interface LayoutOpenOptions extends OpenImageOptions {
  /** The reference as the user gave it (Image.reference). */
  reference: string;
  /** The tag after `oci:PATH:` / `oci-archive:PATH:`, if any. */
  tag?: string;
  /** The host platform for the default choice (default: this machine's). */
  host?: Platform;
  /** `oci` or `oci-archive`, for messages that show how to name an image. */
  transport?: string;
}

function tagsOf(index: ImageIndex): string[] {
  return index.manifests.flatMap((d) => (d.annotations?.[REF_NAME] ? [d.annotations[REF_NAME]] : []));
}

/** The index.json entry a tag names; `tag` may be a ref.name, a containerd image name or a digest. */
function selectByTag(store: BlobStore, index: ImageIndex, tag: string): Descriptor {
  const found =
    index.manifests.find((d) => d.annotations?.[REF_NAME] === tag) ??
    index.manifests.find((d) => d.annotations?.[CONTAINERD_NAME] === tag) ??
    index.manifests.find((d) => d.digest === tag);
  if (found) return found;
  const tags = tagsOf(index);
  throw new ImageChangelogError(
    'IMAGE_NOT_FOUND',
    `no image tagged "${tag}" in ${store.location}; tags: ${tags.length > 0 ? tags.join(', ') : 'none'}`,
    { subject: store.location },
  );
}

/** No tag given: the only image, or index.json itself as a platform index when its entries are untagged. */
function selectUntagged(
  store: BlobStore,
  index: ImageIndex,
  options: LayoutOpenOptions,
): Descriptor | 'platform-index' {
  const entries = imageEntries(index);
  if (entries.length === 1) return entries[0]!;
  if (entries.length === 0) {
    throw new ImageChangelogError(
      'IMAGE_NOT_FOUND',
      `${store.location} holds no image (index.json lists no manifests)`,
      { subject: store.location },
    );
  }
  const tags = tagsOf(index);
  if (tags.length === 0 && entries.every((d) => d.platform)) return 'platform-index';
  throw new ImageChangelogError(
    'IMAGE_NOT_FOUND',
    `${store.location} holds ${entries.length} images; name one as ${options.transport ?? 'oci'}:${store.location}:TAG (tags: ${tags.join(', ') || 'none'})`,
    { subject: store.location },
  );
}

async function readIndexJson(store: BlobStore): Promise<ImageIndex> {
  const layout = await store.readFile('oci-layout', 64 * 1024);
  if (!layout)
    throw new ImageChangelogError(
      'IMAGE_NOT_FOUND',
      `${store.location} is not an OCI image layout (no oci-layout file)`,
      { subject: store.location },
    );
  let version: unknown;
  try {
    version = (JSON.parse(layout.toString('utf8')) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string' || !/^1\./.test(version)) {
    throw new ImageChangelogError(
      'MANIFEST_INVALID',
      `${store.location}: oci-layout must declare imageLayoutVersion 1.x`,
      { subject: store.location },
    );
  }
  const bytes = await store.readFile('index.json', MAX_MANIFEST_BYTES);
  if (!bytes)
    throw new ImageChangelogError('IMAGE_NOT_FOUND', `${store.location} has no index.json`, {
      subject: store.location,
    });
  // index.json often omits its mediaType; it is an index whatever its shape says.
  return parseIndex(bytes, { subject: `${store.location} index.json`, descriptor: undefined });
}

/**
 * Open an image from an OCI layout held by `store`: pick the tagged entry of index.json, follow
 * indexes (choosing the platform, one level of nesting), then read and verify manifest and config.
 */
export async function openLayoutImage(store: BlobStore, options: LayoutOpenOptions): Promise<Image> {
  const host = options.host ?? hostPlatform();
  const top = await readIndexJson(store);
  let descriptor: Descriptor;
  let platformIndex: { digest?: string; index: ImageIndex } | undefined;
  const picked =
    options.tag !== undefined ? selectByTag(store, top, options.tag) : selectUntagged(store, top, options);
  if (picked === 'platform-index') {
    platformIndex = { index: top };
    descriptor = chooseManifest(top, options.platform, host, store.location);
  } else {
    descriptor = picked;
  }

  let manifest: Manifest | undefined;
  for (let depth = 0; manifest === undefined; depth++) {
    const subject = `${store.location} ${descriptor.digest}`;
    const bytes = await readDescribedBlob(store, descriptor, MAX_MANIFEST_BYTES, 'MANIFEST_TOO_LARGE');
    const parsed = parseManifestOrIndex(bytes, { subject, descriptor });
    if (parsed.kind === 'manifest') {
      manifest = parsed.manifest;
      break;
    }
    if (depth >= MAX_INDEX_DEPTH)
      throw new ImageChangelogError('MANIFEST_INVALID', `${subject}: image indexes nested too deeply`, {
        subject,
      });
    platformIndex = { digest: descriptor.digest, index: parsed.index };
    descriptor = chooseManifest(parsed.index, options.platform, host, options.reference);
  }

  const configSubject = `${store.location} config ${manifest.config.digest}`;
  const configBytes = await readDescribedBlob(store, manifest.config, MAX_CONFIG_BYTES, 'CONFIG_TOO_LARGE');
  const config = parseConfig(configBytes, {
    subject: configSubject,
    descriptor: manifest.config,
    layerCount: manifest.layers.length,
  });

  const layers = imageLayers(manifest, config, (d) => store.openBlob(d.digest));
  const platform = imagePlatform(config, descriptor);
  // A single-manifest image is what it is, even when another platform was asked for: the previous
  // image follows the new one's platform, and the diff says plainly when the two differ.
  let closed = false;
  const image: Image = {
    reference: options.reference,
    manifestDigest: descriptor.digest,
    availablePlatforms: platformIndex ? indexPlatforms(platformIndex.index) : [],
    platform,
    manifest,
    configDigest: manifest.config.digest,
    config,
    layers,
    close: async () => {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
  if (platformIndex?.digest) image.indexDigest = platformIndex.digest;
  return image;
}

/** The config says what the image is; the index descriptor fills gaps. */
export function imagePlatform(
  config: { os?: string; architecture?: string; variant?: string },
  descriptor?: Descriptor,
): Platform {
  const os = config.os || descriptor?.platform?.os || 'unknown';
  const architecture = config.architecture || descriptor?.platform?.architecture || 'unknown';
  const variant = config.variant || descriptor?.platform?.variant;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The manifest's layers paired with the config's diffIDs (checked to match in number by parseConfig). */
export function imageLayers(
  manifest: Manifest,
  config: ImageConfig,
  open: (d: Descriptor) => Promise<Readable>,
): Layer[] {
  return manifest.layers.map((d, i) => ({
    digest: d.digest,
    diffID: config.rootfs.diff_ids[i]!,
    size: d.size,
    mediaType: d.mediaType,
    open: () => open(d),
  }));
}
