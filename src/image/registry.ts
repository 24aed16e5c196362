import type { Readable } from 'node:stream';
import { isIndexMediaType, isManifestMediaType } from '../oci/media-types.js';
import { formatReference, type ImageReference } from '../oci/reference.js';
import type { Descriptor, Platform } from '../oci/types.js';
import { RegistryClient, type FetchedManifest, type RegistryClientOptions } from '../registry/client.js';
import { resolveImage } from './resolve.js';
import { registryReference } from './source-reference.js';
import type { ImageStore } from './store.js';
import type { Image, ImageSource, OpenImageOptions } from './types.js';

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

/** One repository of a registry as a store: manifests and configs read whole, layers streamed. */
class RegistryStore implements ImageStore {
  readonly location: string;

  constructor(
    private readonly client: RegistryClient,
    private readonly ref: ImageReference,
    private readonly onProgress: ((progress: BlobProgress) => void) | undefined,
  ) {
    this.location = formatReference(ref);
  }

  async read(descriptor: Descriptor, kind: 'manifest' | 'blob', maxBytes: number): Promise<Buffer> {
    if (kind === 'manifest')
      return (await this.client.getManifest({ ...this.ref, digest: descriptor.digest })).bytes;
    return this.client.getBlobBytes(this.ref, descriptor.digest, maxBytes, { size: descriptor.size });
  }

  open(d: Descriptor): Promise<Readable> {
    const progress = this.onProgress;
    return this.client.getBlob(this.ref, d.digest, {
      size: d.size,
      ...(progress
        ? {
            onProgress: (bytes: number, total: number | undefined) =>
              progress({ digest: d.digest, bytes, total }),
          }
        : {}),
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Images in a registry (transport `docker`, like skopeo's `docker://`). The tag is resolved to its
 * manifest or index here; the resolver picks the platform and reads manifest and config. Layers
 * download only when opened, so a layer already indexed is never fetched.
 */
export class RegistrySource implements ImageSource {
  readonly transport = 'docker';
  private readonly client: RegistryClient;

  constructor(private readonly options: RegistrySourceOptions = {}) {
    this.client = options.client ?? new RegistryClient(options.clientOptions);
  }

  async open(reference: string, options: OpenImageOptions): Promise<Image> {
    const ref = registryReference(reference);
    const fetched = await this.client.getManifest(ref);
    const store = new RegistryStore(this.client, ref, this.options.onProgress);
    return resolveImage(
      store,
      {
        bytes: fetched.bytes,
        digest: fetched.digest,
        ...(knownType(fetched) ? { mediaType: fetched.mediaType } : {}),
      },
      {
        reference,
        ...(options.platform ? { platform: options.platform } : {}),
        ...(this.options.host ? { host: this.options.host } : {}),
      },
    );
  }
}

/** The registry's Content-Type counts only when it names a manifest or index type. */
function knownType(fetched: FetchedManifest): boolean {
  return isManifestMediaType(fetched.mediaType) || isIndexMediaType(fetched.mediaType);
}
