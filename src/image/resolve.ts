import { ImageChangelogError, type ErrorCode } from '../util/errors.js';
import {
  MAX_CONFIG_BYTES,
  MAX_MANIFEST_BYTES,
  parseConfig,
  parseManifestOrIndex,
  type ManifestOrIndex,
} from '../oci/documents.js';
import {
  chooseManifest,
  hostPlatform,
  indexPlatforms,
  platformMatches,
  platformNotFound,
} from '../oci/platform.js';
import type { Descriptor, ImageConfig, Manifest, Platform } from '../oci/types.js';
import type { ImageRoot, ImageStore } from './store.js';
import type { Image, Layer } from './types.js';

/** root -> index -> nested index -> manifest: at most two indexes on the way, the root included. */
export const MAX_INDEX_DEPTH = 2;

export interface ResolveOptions {
  /** The reference as the user gave it (Image.reference, messages). */
  reference: string;
  /** Wanted platform: an image that does not have it is an error listing the platforms it has. */
  platform?: Platform;
  /** The platform chosen from an index when none is wanted and it offers several (default: this machine's). */
  host?: Platform;
}

/**
 * The one way an image is resolved, whatever its store: walk index -> manifest -> config, choosing
 * the platform at each index, verify every document against its descriptor, and hand out a
 * read-only Image whose layers stream from the store. The store is closed with the image, or here
 * when resolving fails.
 */
export async function resolveImage(
  store: ImageStore,
  root: ImageRoot,
  options: ResolveOptions,
): Promise<Image> {
  try {
    return await walk(store, root, options);
  } catch (err) {
    await store.close();
    throw err;
  }
}

async function readDocument(
  store: ImageStore,
  descriptor: Descriptor,
  kind: 'manifest' | 'blob',
  maxBytes: number,
  tooLargeCode: ErrorCode,
): Promise<Buffer> {
  if (descriptor.size > maxBytes) {
    throw new ImageChangelogError(
      tooLargeCode,
      `${store.location} ${descriptor.digest}: ${descriptor.size} bytes is over the ${maxBytes}-byte limit`,
      { subject: descriptor.digest },
    );
  }
  return store.read(descriptor, kind, maxBytes);
}

async function rootDocument(
  store: ImageStore,
  root: ImageRoot,
): Promise<{ document: ManifestOrIndex; digest?: string; descriptor?: Descriptor }> {
  if ('document' in root)
    return root.digest !== undefined ? { document: root.document, digest: root.digest } : root;
  if ('bytes' in root) {
    const { bytes, digest, mediaType } = root;
    const document = parseManifestOrIndex(bytes, {
      subject: `${store.location} ${digest}`,
      descriptor: { digest, size: bytes.length, ...(mediaType !== undefined ? { mediaType } : {}) },
    });
    return { document, digest };
  }
  const { descriptor } = root;
  const bytes = await readDocument(store, descriptor, 'manifest', MAX_MANIFEST_BYTES, 'MANIFEST_TOO_LARGE');
  const document = parseManifestOrIndex(bytes, {
    subject: `${store.location} ${descriptor.digest}`,
    descriptor,
  });
  return { document, digest: descriptor.digest, descriptor };
}

async function walk(store: ImageStore, root: ImageRoot, options: ResolveOptions): Promise<Image> {
  const host = options.host ?? hostPlatform();
  let { document, digest, descriptor } = await rootDocument(store, root);
  let index: { digest?: string; platforms: Platform[] } | undefined;
  let choseByPlatform = false;
  for (let depth = 1; document.kind === 'index'; depth++) {
    const subject = `${store.location} ${digest ?? 'index.json'}`;
    if (depth > MAX_INDEX_DEPTH)
      throw new ImageChangelogError('MANIFEST_INVALID', `${subject}: image indexes nested too deeply`, {
        subject,
      });
    index = { ...(digest !== undefined ? { digest } : {}), platforms: indexPlatforms(document.index) };
    const chosen = chooseManifest(document.index, options.platform, host, options.reference);
    choseByPlatform = chosen.platform !== undefined;
    const bytes = await readDocument(store, chosen, 'manifest', MAX_MANIFEST_BYTES, 'MANIFEST_TOO_LARGE');
    document = parseManifestOrIndex(bytes, {
      subject: `${store.location} ${chosen.digest}`,
      descriptor: chosen,
    });
    digest = chosen.digest;
    descriptor = chosen;
  }
  const manifest = document.manifest;
  if (digest === undefined) throw new Error('resolveImage: a manifest root needs its digest');

  const configBytes = await readDocument(
    store,
    manifest.config,
    'blob',
    MAX_CONFIG_BYTES,
    'CONFIG_TOO_LARGE',
  );
  const config = parseConfig(configBytes, {
    subject: `${store.location} config ${manifest.config.digest}`,
    descriptor: manifest.config,
    layerCount: manifest.layers.length,
  });
  const platform = imagePlatform(config, descriptor);
  // A platform picked from an index matched already; an image reached without a choice must be
  // the one asked for (else the user compares another platform than they think).
  if (
    options.platform &&
    !choseByPlatform &&
    isKnown(platform) &&
    !platformMatches(options.platform, platform)
  )
    throw platformNotFound(options.platform, [platform], { subject: options.reference, wanted: true });

  let closed = false;
  const image: Image = {
    reference: options.reference,
    manifestDigest: digest,
    ...(index?.digest !== undefined ? { indexDigest: index.digest } : {}),
    availablePlatforms: index?.platforms ?? [],
    platform,
    manifest,
    configDigest: manifest.config.digest,
    config,
    layers: imageLayers(manifest, config, (d) => store.open(d)),
    close: async () => {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
  return Object.freeze(image);
}

function isKnown(p: Platform): boolean {
  return p.os !== 'unknown' && p.architecture !== 'unknown';
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
function imageLayers(
  manifest: Manifest,
  config: ImageConfig,
  open: (d: Descriptor) => ReturnType<ImageStore['open']>,
): Layer[] {
  return manifest.layers.map((d, i) =>
    Object.freeze({
      digest: d.digest,
      diffID: config.rootfs.diff_ids[i]!,
      size: d.size,
      mediaType: d.mediaType,
      open: () => open(d),
    }),
  );
}
