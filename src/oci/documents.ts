import { ImageChangelogError, type ErrorCode } from '../util/errors.js';
import { checkDigest, verifyBytes } from './digest.js';
import type { Descriptor, ImageConfig, ImageIndex, Manifest } from './types.js';
import {
  DOCKER_SCHEMA1_MANIFEST,
  DOCKER_SCHEMA1_SIGNED_MANIFEST,
  isConfigMediaType,
  isIndexMediaType,
  isLayerMediaType,
  isManifestMediaType,
} from './media-types.js';

/** Largest manifest or index we read (4 MiB, the limit distribution registries apply). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest image config we read: configs carry history and labels, but not megabytes of them. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface ParseOptions {
  /** What the bytes are, for messages (a path, a digest, a reference). */
  subject: string;
  /** The descriptor that pointed at the bytes: its digest and size are verified, its media type used. */
  descriptor?: Pick<Descriptor, 'digest' | 'size'> & { mediaType?: string };
  maxBytes?: number;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(code: ErrorCode, subject: string, what: string): ImageChangelogError {
  return new ImageChangelogError(code, `${subject}: ${what}`, { subject });
}

function parseJsonObject(
  bytes: Buffer,
  options: ParseOptions,
  maxDefault: number,
  code: ErrorCode,
  tooLargeCode: ErrorCode,
): Json {
  const max = options.maxBytes ?? maxDefault;
  if (bytes.length > max)
    throw invalid(tooLargeCode, options.subject, `${bytes.length} bytes is over the ${max}-byte limit`);
  if (options.descriptor) verifyBytes(bytes, options.descriptor, options.subject);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalid(code, options.subject, `not valid JSON (${(err as Error).message.slice(0, 120)})`);
  }
  if (!isObject(value)) throw invalid(code, options.subject, 'expected a JSON object');
  return value;
}

function optionalStringRecord(
  v: unknown,
  code: ErrorCode,
  where: string,
): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === 'string'))
    throw invalid(code, where, 'expected an object of strings');
  return v as Record<string, string>;
}

/** Validate one descriptor (manifest entry, config or layer reference). */
export function parseDescriptor(v: unknown, where: string, code: ErrorCode = 'MANIFEST_INVALID'): Descriptor {
  if (!isObject(v)) throw invalid(code, where, 'expected a descriptor object');
  if (typeof v.mediaType !== 'string' || v.mediaType === '')
    throw invalid(code, where, 'mediaType is missing');
  const digest = checkDigest(v.digest, where, code);
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0)
    throw invalid(code, where, 'size must be a non-negative integer');
  const d: Descriptor = { mediaType: v.mediaType, digest, size: v.size };
  const annotations = optionalStringRecord(v.annotations, code, `${where}.annotations`);
  if (annotations) d.annotations = annotations;
  if (v.platform !== undefined) {
    const p = v.platform;
    if (!isObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') {
      throw invalid(code, `${where}.platform`, 'expected os and architecture strings');
    }
    if (p.variant !== undefined && typeof p.variant !== 'string')
      throw invalid(code, `${where}.platform.variant`, 'expected a string');
    d.platform = {
      os: p.os,
      architecture: p.architecture,
      ...(typeof p.variant === 'string' && p.variant ? { variant: p.variant } : {}),
    };
  }
  if (v.urls !== undefined) {
    if (!Array.isArray(v.urls) || !v.urls.every((u) => typeof u === 'string'))
      throw invalid(code, `${where}.urls`, 'expected an array of strings');
    d.urls = v.urls;
  }
  return d;
}

function unsupported(mediaType: string, subject: string): ImageChangelogError {
  const why =
    mediaType === DOCKER_SCHEMA1_MANIFEST || mediaType === DOCKER_SCHEMA1_SIGNED_MANIFEST
      ? 'Docker schema 1 is obsolete; re-push the image with a current client'
      : 'expected an OCI or Docker schema 2 image manifest or index';
  return new ImageChangelogError(
    'MEDIA_TYPE_UNSUPPORTED',
    `${subject}: unsupported media type "${mediaType.slice(0, 200)}" (${why})`,
    { subject },
  );
}

export type ManifestOrIndex = { kind: 'manifest'; manifest: Manifest } | { kind: 'index'; index: ImageIndex };

/**
 * Parse a manifest or an index. Its kind comes from the descriptor's media type, else the
 * document's own `mediaType`, else its shape (`manifests` vs `config` + `layers`).
 */
export function parseManifestOrIndex(bytes: Buffer, options: ParseOptions): ManifestOrIndex {
  const { subject } = options;
  const doc = parseJsonObject(bytes, options, MAX_MANIFEST_BYTES, 'MANIFEST_INVALID', 'MANIFEST_TOO_LARGE');
  const own = doc.mediaType;
  if (own !== undefined && typeof own !== 'string')
    throw invalid('MANIFEST_INVALID', subject, 'mediaType must be a string');
  const declared = options.descriptor?.mediaType;
  if (declared && own && declared !== own) {
    throw invalid(
      'MANIFEST_INVALID',
      subject,
      `media type "${own.slice(0, 200)}" differs from its descriptor's "${declared.slice(0, 200)}"`,
    );
  }
  const mediaType = declared ?? own;
  let kind: 'manifest' | 'index';
  if (mediaType !== undefined) {
    if (isManifestMediaType(mediaType)) kind = 'manifest';
    else if (isIndexMediaType(mediaType)) kind = 'index';
    else throw unsupported(mediaType, subject);
  } else if (doc.schemaVersion === 1) {
    throw unsupported(DOCKER_SCHEMA1_MANIFEST, subject);
  } else if (Array.isArray(doc.manifests)) kind = 'index';
  else if (doc.config !== undefined && Array.isArray(doc.layers)) kind = 'manifest';
  else
    throw invalid(
      'MANIFEST_INVALID',
      subject,
      'neither an image manifest nor an index (no mediaType, manifests, or config and layers)',
    );

  if (doc.schemaVersion !== 2)
    throw invalid(
      'MANIFEST_INVALID',
      subject,
      `schemaVersion must be 2, found ${JSON.stringify(doc.schemaVersion) ?? 'none'}`,
    );
  const annotations = optionalStringRecord(doc.annotations, 'MANIFEST_INVALID', `${subject} annotations`);

  if (kind === 'index') {
    if (!Array.isArray(doc.manifests))
      throw invalid('MANIFEST_INVALID', subject, 'an index needs a "manifests" array');
    const manifests = doc.manifests.map((m, i) => parseDescriptor(m, `${subject} manifests[${i}]`));
    const index: ImageIndex = { schemaVersion: 2, manifests };
    if (own) index.mediaType = own;
    if (annotations) index.annotations = annotations;
    return { kind, index };
  }
  const config = parseDescriptor(doc.config, `${subject} config`);
  if (!isConfigMediaType(config.mediaType)) throw unsupportedConfig(config.mediaType, subject);
  if (!Array.isArray(doc.layers))
    throw invalid('MANIFEST_INVALID', subject, 'a manifest needs a "layers" array');
  const layers = doc.layers.map((l, i) => {
    const d = parseDescriptor(l, `${subject} layers[${i}]`);
    if (!isLayerMediaType(d.mediaType)) {
      throw new ImageChangelogError(
        'MEDIA_TYPE_UNSUPPORTED',
        `${subject} layers[${i}]: unsupported layer media type "${d.mediaType.slice(0, 200)}"`,
        {
          subject,
        },
      );
    }
    return d;
  });
  const manifest: Manifest = { schemaVersion: 2, config, layers };
  if (own) manifest.mediaType = own;
  if (annotations) manifest.annotations = annotations;
  return { kind, manifest };
}

function unsupportedConfig(mediaType: string, subject: string): ImageChangelogError {
  return new ImageChangelogError(
    'MEDIA_TYPE_UNSUPPORTED',
    `${subject}: config media type "${mediaType.slice(0, 200)}" is not a container image config (an artifact, not an image?)`,
    { subject },
  );
}

/** Parse bytes that must be a manifest (not an index). */
export function parseManifest(bytes: Buffer, options: ParseOptions): Manifest {
  const parsed = parseManifestOrIndex(bytes, options);
  if (parsed.kind !== 'manifest')
    throw invalid('MANIFEST_INVALID', options.subject, 'expected an image manifest, found an index');
  return parsed.manifest;
}

/** Parse bytes that must be an index / manifest list. */
export function parseIndex(bytes: Buffer, options: ParseOptions): ImageIndex {
  const parsed = parseManifestOrIndex(bytes, options);
  if (parsed.kind !== 'index')
    throw invalid('MANIFEST_INVALID', options.subject, 'expected an image index, found a manifest');
  return parsed.index;
}

const CONFIG_ARRAYS = ['Env', 'Entrypoint', 'Cmd', 'Shell', 'OnBuild'] as const;
const CONFIG_STRINGS = ['User', 'WorkingDir', 'StopSignal'] as const;
const CONFIG_OBJECTS = ['ExposedPorts', 'Volumes', 'Healthcheck'] as const;

/**
 * Parse an image config, checking the types of every field we read (strings from images are
 * untrusted and renderers rely on these shapes). `layerCount`, when given, must equal the number
 * of diff_ids.
 */
export function parseConfig(bytes: Buffer, options: ParseOptions & { layerCount?: number }): ImageConfig {
  const { subject } = options;
  const c = 'CONFIG_INVALID';
  const doc = parseJsonObject(bytes, options, MAX_CONFIG_BYTES, c, 'CONFIG_TOO_LARGE');
  for (const k of ['architecture', 'os', 'variant', 'created', 'author'] as const) {
    if (doc[k] !== undefined && typeof doc[k] !== 'string')
      throw invalid(c, subject, `"${k}" must be a string`);
  }
  const rootfs = doc.rootfs;
  if (!isObject(rootfs) || typeof rootfs.type !== 'string' || !Array.isArray(rootfs.diff_ids)) {
    throw invalid(c, subject, 'rootfs with type and diff_ids is required');
  }
  rootfs.diff_ids.forEach((d, i) => checkDigest(d, `${subject} rootfs.diff_ids[${i}]`, c));
  if (options.layerCount !== undefined && rootfs.diff_ids.length !== options.layerCount) {
    throw invalid(
      c,
      subject,
      `rootfs.diff_ids lists ${rootfs.diff_ids.length} layers but the manifest has ${options.layerCount}`,
    );
  }
  const cfg = doc.config;
  if (cfg !== undefined && cfg !== null) {
    if (!isObject(cfg)) throw invalid(c, subject, '"config" must be an object');
    for (const k of CONFIG_ARRAYS) {
      const v = cfg[k];
      if (v !== undefined && v !== null && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
        throw invalid(c, subject, `config.${k} must be an array of strings`);
      }
    }
    for (const k of CONFIG_STRINGS)
      if (cfg[k] !== undefined && typeof cfg[k] !== 'string')
        throw invalid(c, subject, `config.${k} must be a string`);
    for (const k of CONFIG_OBJECTS)
      if (cfg[k] !== undefined && cfg[k] !== null && !isObject(cfg[k]))
        throw invalid(c, subject, `config.${k} must be an object`);
    optionalStringRecord(cfg.Labels, c, `${subject} config.Labels`);
  } else if (cfg === null) {
    delete doc.config;
  }
  if (doc.history !== undefined && doc.history !== null) {
    if (!Array.isArray(doc.history) || !doc.history.every(isObject))
      throw invalid(c, subject, '"history" must be an array of objects');
    doc.history.forEach((h: Json, i) => {
      for (const k of ['created', 'created_by', 'author', 'comment'] as const) {
        if (h[k] !== undefined && typeof h[k] !== 'string')
          throw invalid(c, subject, `history[${i}].${k} must be a string`);
      }
      if (h.empty_layer !== undefined && typeof h.empty_layer !== 'boolean')
        throw invalid(c, subject, `history[${i}].empty_layer must be a boolean`);
    });
  } else if (doc.history === null) {
    delete doc.history;
  }
  return doc as unknown as ImageConfig;
}
