import { cutList } from '../util/cut-list.js';
import { ImageChangelogError } from '../util/errors.js';
import { MAX_MANIFEST_BYTES, parseIndex } from '../oci/documents.js';
import { imageEntries } from '../oci/platform.js';
import type { Descriptor, ImageIndex, Platform } from '../oci/types.js';
import { resolveImage } from './resolve.js';
import type { ImageRoot, ImageStore } from './store.js';
import type { Image, OpenImageOptions } from './types.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

/** An OCI image layout's files: a directory or an oci-archive tar. */
export interface LayoutStore extends ImageStore {
  /** A file of the layout root (`oci-layout`, `index.json`), undefined when absent; refused over `maxBytes`. */
  readFile(name: string, maxBytes: number): Promise<Buffer | undefined>;
}

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
function selectByTag(store: LayoutStore, index: ImageIndex, tag: string): Descriptor {
  const found =
    index.manifests.find((d) => d.annotations?.[REF_NAME] === tag) ??
    index.manifests.find((d) => d.annotations?.[CONTAINERD_NAME] === tag) ??
    index.manifests.find((d) => d.digest === tag);
  if (found) return found;
  const tags = tagsOf(index);
  throw new ImageChangelogError(
    'IMAGE_NOT_FOUND',
    `no image tagged "${tag}" in ${store.location}; tags: ${cutList(tags)}`,
    { subject: store.location },
  );
}

/** No tag given: the only image, or index.json itself as a platform index when its entries are untagged. */
function selectUntagged(
  store: LayoutStore,
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
    `${store.location} holds ${entries.length} images; name one as ${options.transport ?? 'oci'}:${store.location}:TAG (tags: ${cutList(tags)})`,
    { subject: store.location },
  );
}

async function readIndexJson(store: LayoutStore): Promise<ImageIndex> {
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
 * Open an image from an OCI layout held by `store`: pick the tagged entry of index.json (or
 * index.json itself as a platform index), then resolve it as every image is resolved.
 */
export async function openLayoutImage(store: LayoutStore, options: LayoutOpenOptions): Promise<Image> {
  let root: ImageRoot;
  try {
    const top = await readIndexJson(store);
    const picked =
      options.tag !== undefined ? selectByTag(store, top, options.tag) : selectUntagged(store, top, options);
    root = picked === 'platform-index' ? { document: { kind: 'index', index: top } } : { descriptor: picked };
  } catch (err) {
    await store.close();
    throw err;
  }
  return resolveImage(store, root, {
    reference: options.reference,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
}
