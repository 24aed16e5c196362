import { ImageChangelogError } from '../util/errors.js';
import type { ZstdDeclaredTooLarge } from './zstd-frames.js';

/** The errors a layer can cause, each naming the layer (its digest) and what to do. */

export function layerTooLarge(layer: string, cap: number): ImageChangelogError {
  return new ImageChangelogError(
    'LAYER_TOO_LARGE',
    `layer ${layer} expands past ${cap} bytes uncompressed (the decompression-bomb cap); reading stopped`,
    { subject: layer, hint: 'if the layer is genuine, raise the maxUncompressedBytes limit' },
  );
}

/** A zstd frame header declares more than the cap: refused before the decoder allocates it. */
export function zstdDeclaresTooMuch(layer: string, cause: ZstdDeclaredTooLarge): ImageChangelogError {
  return new ImageChangelogError(
    'LAYER_TOO_LARGE',
    `layer ${layer}: a zstd frame declares a ${cause.what} of ${cause.declared} bytes, past the ${cause.bound}-byte uncompressed cap; reading stopped before decoding it`,
    { subject: layer, hint: 'if the layer is genuine, raise the maxUncompressedBytes limit' },
  );
}

export function layerSizeMismatch(layer: string, declared: number, read: number): ImageChangelogError {
  return new ImageChangelogError(
    'SIZE_MISMATCH',
    `layer ${layer}: its descriptor says ${declared} bytes, the blob has ${read}`,
    { subject: layer, hint: "the image's manifest is wrong; rebuild or re-push the image" },
  );
}

export function tooManyEntries(layer: string, cap: number): ImageChangelogError {
  return new ImageChangelogError(
    'TOO_MANY_ENTRIES',
    `layer ${layer} holds more than ${cap} tar entries; reading stopped`,
    {
      subject: layer,
      hint: 'if the layer is genuine, raise the maxEntries limit',
    },
  );
}

/** `what` says which part failed: `gzip data`, `zstd data`, `tar`. */
export function layerCorrupt(layer: string, what: string, cause: Error): ImageChangelogError {
  return new ImageChangelogError('LAYER_CORRUPT', `layer ${layer} is corrupt: ${what}: ${cause.message}`, {
    subject: layer,
    hint: 'the blob is truncated or damaged; fetch or rebuild the image',
    cause,
  });
}

export function digestMismatch(layer: string, expected: string, actual: string): ImageChangelogError {
  return new ImageChangelogError(
    'DIGEST_MISMATCH',
    `layer ${layer}: stored blob has digest ${actual}, expected ${expected}`,
    {
      subject: layer,
      hint: 'the blob is corrupt or was altered; fetch the image again',
    },
  );
}

export function diffIdMismatch(layer: string, expected: string, actual: string): ImageChangelogError {
  return new ImageChangelogError(
    'DIFFID_MISMATCH',
    `layer ${layer}: uncompressed tar has digest ${actual}, but the image config lists diffID ${expected}`,
    { subject: layer, hint: 'the layer does not belong to this image config, or is corrupt' },
  );
}

export function unsupportedDigest(layer: string, digest: string): ImageChangelogError {
  return new ImageChangelogError(
    'DIGEST_UNSUPPORTED',
    `layer ${layer}: digest ${JSON.stringify(digest)} uses an unsupported algorithm`,
    {
      subject: layer,
      hint: 'digests must be sha256, sha384 or sha512',
    },
  );
}

/** A tar form we refuse because the runtimes read it differently or not at all (see tar-reader). */
export function layerUnsupported(layer: string, cause: Error): ImageChangelogError {
  return new ImageChangelogError(
    'LAYER_UNSUPPORTED',
    `layer ${layer} cannot be read safely: tar: ${cause.message}`,
    {
      subject: layer,
      hint: 'readers (Docker, containerd, GNU tar) would disagree on this entry or refuse it; rebuild the layer without it',
      cause,
    },
  );
}
