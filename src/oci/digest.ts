import { createHash } from 'node:crypto';
import { ImageChangelogError, type ErrorCode } from '../util/errors.js';

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Check a digest's form; only sha256 is supported (and only it can become a file path safely). */
export function checkDigest(digest: unknown, where: string, code: ErrorCode = 'MANIFEST_INVALID'): string {
  if (typeof digest !== 'string')
    throw new ImageChangelogError(code, `${where}: digest is missing or not a string`, { subject: where });
  if (SHA256_DIGEST.test(digest)) return digest;
  const alg = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):/.exec(digest)?.[1];
  if (alg && alg !== 'sha256') {
    throw new ImageChangelogError(
      'DIGEST_UNSUPPORTED',
      `${where}: digest algorithm "${alg}" is not supported (only sha256)`,
      { subject: where },
    );
  }
  throw new ImageChangelogError(
    code,
    `${where}: invalid digest "${digest.slice(0, 100)}" (expected sha256:<64 hex>)`,
    { subject: where },
  );
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Verify bytes against the digest (and size, when known) that a descriptor promised. */
export function verifyBytes(
  bytes: Buffer,
  expected: { digest: string; size?: number },
  subject: string,
): void {
  if (expected.size !== undefined && expected.size >= 0 && bytes.length !== expected.size) {
    throw new ImageChangelogError(
      'DIGEST_MISMATCH',
      `${subject}: ${bytes.length} bytes, but its descriptor says ${expected.size}`,
      { subject },
    );
  }
  const actual = sha256Digest(bytes);
  if (actual !== expected.digest) {
    throw new ImageChangelogError(
      'DIGEST_MISMATCH',
      `${subject}: content digest ${actual} does not match ${expected.digest}`,
      { subject },
    );
  }
}
