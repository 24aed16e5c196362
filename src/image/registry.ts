import { ImageChangelogError } from '../util/errors.js';
import { RegistryClient, type FetchedManifest, type RegistryClientOptions } from '../registry/client.js';
import { formatReference, parseReference, type ImageReference } from '../oci/reference.js';
import type { Image, ImageSource, OpenImageOptions } from './types.js';
import type { Descriptor, ImageIndex, Manifest, Platform } from '../oci/types.js';
import { MAX_CONFIG_BYTES, parseConfig, parseManifestOrIndex } from '../oci/documents.js';
import { isIndexMediaType, isManifestMediaType } from '../oci/media-types.js';
import { chooseManifest, hostPlatform, indexPlatforms } from '../oci/platform.js';
import { imageLayers, imagePlatform } from './layout-image.js';

/** Bytes received for one blob so far. */
export interface BlobProgress {
  digest: string;
  bytes: number;
  total: number | undefined;
}

export interface RegistrySourceOptions {
  /** A shared client (one per run, so tokens and the download limit are shared); else one is made. */
  client?: RegistryClient;
  clientOptions?: RegistryClientOptions;
  /** The platform chosen by default from a multi-platform index (default: this machine's). */
  host?: Platform;
  onProgress?: (progress: BlobProgress) => void;
}

/** index -> (nested index) -> manifest: at most two index levels. */
const MAX_INDEX_DEPTH = 2;

/** `docker://REF`, `registry:REF` or a bare REF -> the reference text. */
export function stripRegistryTransport(reference: string): string {
  return reference.replace(/^docker:\/\//, '').replace(/^registry:/, '');
}

/**
 * Images in a registry (transport `docker`, like skopeo's `docker://`). Resolves an index to the
 * manifest for the platform, reads and verifies manifest and config, and hands out layers whose
 * `open()` downloads the blob only when called, so a layer already indexed is never fetched.
 */
export class RegistrySource implements ImageSource {
  readonly transport = 'docker';
  readonly client: RegistryClient;

  constructor(private readonly options: RegistrySourceOptions = {}) {
    this.client = options.client ?? new RegistryClient(options.clientOptions);
  }

  async open(reference: string, options: OpenImageOptions): Promise<Image> {
    const ref = parseReference(stripRegistryTransport(reference));
    const host = this.options.host ?? hostPlatform();
    const name = formatReference(ref);

    let fetched = await this.client.getManifest(ref);
    let descriptor: Pick<Descriptor, 'digest' | 'size'> & {
      mediaType?: string;
      platform?: Descriptor['platform'];
    } = {
      digest: fetched.digest,
      size: fetched.bytes.length,
      ...(knownType(fetched) ? { mediaType: fetched.mediaType } : {}),
    };
    let platformIndex: { digest: string; index: ImageIndex } | undefined;
    let manifest: Manifest | undefined;
    for (let depth = 0; ; depth++) {
      const parsed = parseManifestOrIndex(fetched.bytes, {
        subject: `${name} ${fetched.digest}`,
        descriptor,
      });
      if (parsed.kind === 'manifest') {
        manifest = parsed.manifest;
        break;
      }
      if (depth >= MAX_INDEX_DEPTH) {
        throw new ImageChangelogError('MANIFEST_INVALID', `${name}: image indexes nested too deeply`, {
          subject: name,
        });
      }
      platformIndex = { digest: fetched.digest, index: parsed.index };
      const chosen = chooseManifest(parsed.index, options.platform, host, name);
      fetched = await this.client.getManifest({ ...ref, digest: chosen.digest });
      descriptor = chosen;
    }

    const configBytes = await this.client.getBlobBytes(ref, manifest.config.digest, MAX_CONFIG_BYTES, {
      size: manifest.config.size,
    });
    const config = parseConfig(configBytes, {
      subject: `${name} config ${manifest.config.digest}`,
      descriptor: manifest.config,
      layerCount: manifest.layers.length,
    });

    const layers = imageLayers(manifest, config, (d) => this.openBlob(ref, d));
    const image: Image = {
      reference,
      manifestDigest: fetched.digest,
      availablePlatforms: platformIndex ? indexPlatforms(platformIndex.index) : [],
      platform: imagePlatform(config, 'platform' in descriptor ? (descriptor as Descriptor) : undefined),
      manifest,
      configDigest: manifest.config.digest,
      config,
      layers,
      close: () => Promise.resolve(),
    };
    if (platformIndex) image.indexDigest = platformIndex.digest;
    return image;
  }

  private openBlob(ref: ImageReference, d: Descriptor): ReturnType<RegistryClient['getBlob']> {
    const progress = this.options.onProgress;
    return this.client.getBlob(ref, d.digest, {
      size: d.size,
      ...(progress
        ? {
            onProgress: (bytes: number, total: number | undefined) =>
              progress({ digest: d.digest, bytes, total }),
          }
        : {}),
    });
  }
}

/** The registry's Content-Type counts only when it names a manifest or index type. */
function knownType(fetched: FetchedManifest): boolean {
  return isManifestMediaType(fetched.mediaType) || isIndexMediaType(fetched.mediaType);
}
