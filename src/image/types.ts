import type { Readable } from 'node:stream';

/** An OCI platform: `linux/amd64`, `linux/arm64/v8`. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** An OCI content descriptor (also used for Docker schema 2). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform & { 'os.version'?: string; 'os.features'?: string[] };
  urls?: string[];
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface HealthcheckConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The parts of the OCI / Docker image configuration we read. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, object> | null;
    Volumes?: Record<string, object> | null;
    Labels?: Record<string, string> | null;
    StopSignal?: string;
    Healthcheck?: HealthcheckConfig | null;
    Shell?: string[] | null;
    OnBuild?: string[] | null;
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/**
 * One layer of an image. `open()` returns the blob's bytes exactly as stored (compressed or not);
 * each call opens a fresh stream, so a layer can be read again. The reader verifies the bytes
 * against `digest` and the uncompressed tar against `diffID`.
 */
export interface Layer {
  /** Digest of the stored blob (for an uncompressed docker-archive layer this equals diffID). */
  digest: string;
  /** Digest of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffID: string;
  /** Stored size in bytes (-1 when the source does not know it). */
  size: number;
  mediaType: string;
  open(): Promise<Readable>;
}

/** An image, whichever source it came from. */
export interface Image {
  /** The reference the user gave, as given. */
  reference: string;
  /** Digest of the image manifest (sha256:...). */
  manifestDigest: string;
  /** Digest of the index the manifest was chosen from, when there was one. */
  indexDigest?: string;
  /** Platforms offered by the index (empty for a single-manifest image). */
  availablePlatforms: Platform[];
  platform: Platform;
  manifest: Manifest;
  configDigest: string;
  config: ImageConfig;
  layers: Layer[];
  /** Release resources (open files, temporary state). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenImageOptions {
  /** Wanted platform; default: the only one, else the host's. */
  platform?: Platform;
}

/** A transport that can open images: oci layout, oci-archive, docker-archive, registry, daemon. */
export interface ImageSource {
  readonly transport: string;
  open(reference: string, options: OpenImageOptions): Promise<Image>;
}
