import { createHash, type Hash } from 'node:crypto';
import { unsupportedDigest } from './layer-errors.js';

/** Small helpers of the layer reader: digests of the streams it verifies, and chunk typing. */
const SUPPORTED_DIGESTS = new Set(['sha256', 'sha384', 'sha512']);

export function noop(): void {}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export function hashFor(digest: string, layer: string): Hash {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (!SUPPORTED_DIGESTS.has(algorithm)) throw unsupportedDigest(layer, digest);
  return createHash(algorithm);
}

/** `algo:hex` for a finished hash, in the algorithm of `like`. */
export function digestString(like: string, hash: Hash): string {
  return `${like.slice(0, like.indexOf(':'))}:${hash.digest('hex')}`;
}

export function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`layer stream yielded ${typeof chunk}, not bytes`);
}
