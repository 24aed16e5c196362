import { describe, expect, it } from 'vitest';
import {
  chooseManifest,
  formatPlatform,
  hostPlatform,
  indexPlatforms,
  isAttestation,
  normalizePlatform,
  parsePlatform,
  platformMatches,
} from '../../src/oci/platform.js';
import type { Descriptor, ImageIndex, Platform } from '../../src/oci/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';

const hex = (n: number): string => n.toString(16).padStart(64, '0');
function entry(n: number, platform?: Platform, annotations?: Record<string, string>): Descriptor {
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${hex(n)}`,
    size: 100,
    ...(platform ? { platform } : {}),
    ...(annotations ? { annotations } : {}),
  };
}
const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, manifests });
const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };
const s390x = { os: 'linux', architecture: 's390x' };
const attestation = (n: number, ref: number): Descriptor =>
  entry(
    n,
    { os: 'unknown', architecture: 'unknown' },
    {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': `sha256:${hex(ref)}`,
    },
  );

function catchError(fn: () => unknown): ImageChangelogError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImageChangelogError) return err;
    throw err;
  }
  throw new Error('expected an ImageChangelogError');
}

describe('platform', () => {
  it('parses os/arch and os/arch/variant and formats them back', () => {
    expect(parsePlatform('linux/amd64')).toEqual(amd64);
    expect(parsePlatform('linux/arm/v7')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    for (const text of ['linux/amd64', 'linux/arm64/v8', 'windows/amd64'])
      expect(formatPlatform(parsePlatform(text))).toBe(text);
  });

  it.each([
    '',
    'linux',
    'linux/',
    '/amd64',
    'linux/amd64/v8/extra',
    'linux amd64',
    'linux/am d64',
    'linux/amd64\nx',
  ])('rejects %j with PLATFORM_INVALID naming the input in one line', (text) => {
    const err = catchError(() => parsePlatform(text));
    expect(err.code).toBe('PLATFORM_INVALID');
    expect(err.message).toContain('os/arch[/variant]');
    expect(err.oneLine()).not.toContain('\n');
  });

  it('maps Node architectures to OCI names', () => {
    expect(hostPlatform('linux', 'x64')).toEqual(amd64);
    expect(hostPlatform('linux', 'arm64')).toEqual(arm64);
    expect(hostPlatform('linux', 'arm')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(hostPlatform('linux', 's390x')).toEqual(s390x);
    expect(hostPlatform('linux', 'ia32')).toEqual({ os: 'linux', architecture: '386' });
    expect(hostPlatform('linux', 'ppc64').architecture).toMatch(/^ppc64(le)?$/);
    expect(hostPlatform('darwin', 'arm64')).toEqual(arm64);
    expect(hostPlatform('win32', 'x64')).toEqual({ os: 'windows', architecture: 'amd64' });
  });

  it('normalises aliases and default variants', () => {
    expect(normalizePlatform({ os: 'Linux', architecture: 'x86_64' })).toEqual(amd64);
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64', variant: 'v8' })).toEqual(arm64);
    expect(normalizePlatform({ os: 'linux', architecture: 'arm' })).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(normalizePlatform({ os: 'linux', architecture: 'armhf' })).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(normalizePlatform({ os: 'linux', architecture: 'amd64', variant: 'v1' })).toEqual(amd64);
  });

  it('matches compatible variants and nothing across architectures', () => {
    expect(platformMatches(arm64, { ...arm64, variant: 'v8' })).toBe(true);
    expect(platformMatches({ ...arm64, variant: 'v8' }, arm64)).toBe(true);
    expect(platformMatches({ ...amd64, variant: 'v3' }, { ...amd64, variant: 'v2' })).toBe(true);
    expect(platformMatches(amd64, { ...amd64, variant: 'v3' })).toBe(false);
    expect(
      platformMatches(
        { os: 'linux', architecture: 'arm', variant: 'v6' },
        { os: 'linux', architecture: 'arm' },
      ),
    ).toBe(false);
    expect(platformMatches(amd64, arm64)).toBe(false);
    expect(platformMatches(amd64, { os: 'windows', architecture: 'amd64' })).toBe(false);
    expect(platformMatches(s390x, { ...s390x, variant: 'x' })).toBe(false);
  });

  it('recognises attestation manifests by annotation and by unknown/unknown', () => {
    expect(isAttestation(attestation(9, 1))).toBe(true);
    expect(isAttestation(entry(9, { os: 'unknown', architecture: 'unknown' }))).toBe(true);
    expect(isAttestation(entry(1, amd64))).toBe(false);
  });
});

describe('chooseManifest', () => {
  it('returns the only image when none is asked for, whatever the host', () => {
    expect(chooseManifest(index(entry(1, s390x), attestation(2, 1)), undefined, amd64).digest).toBe(
      `sha256:${hex(1)}`,
    );
    expect(chooseManifest(index(entry(1)), undefined, amd64).digest).toBe(`sha256:${hex(1)}`);
    // An only entry that does not state its platform cannot be ruled out.
    expect(chooseManifest(index(entry(1)), s390x, amd64).digest).toBe(`sha256:${hex(1)}`);
    expect(() => chooseManifest(index(entry(1, amd64)), s390x, amd64)).toThrow(
      /platform linux\/s390x is not available/,
    );
  });

  it("picks the host's platform by default when there are several", () => {
    const idx = index(entry(1, amd64), attestation(3, 1), entry(2, arm64), attestation(4, 2));
    expect(chooseManifest(idx, undefined, amd64).digest).toBe(`sha256:${hex(1)}`);
    expect(chooseManifest(idx, undefined, { ...arm64, variant: 'v8' }).digest).toBe(`sha256:${hex(2)}`);
  });

  it('picks the platform asked for, preferring the exact variant over a lower one', () => {
    const idx = index(
      entry(1, { os: 'linux', architecture: 'arm', variant: 'v6' }),
      entry(2, { os: 'linux', architecture: 'arm', variant: 'v7' }),
      entry(3, amd64),
    );
    expect(chooseManifest(idx, parsePlatform('linux/arm/v7'), amd64).digest).toBe(`sha256:${hex(2)}`);
    expect(chooseManifest(idx, parsePlatform('linux/arm/v6'), amd64).digest).toBe(`sha256:${hex(1)}`);
    expect(chooseManifest(idx, parsePlatform('linux/amd64'), arm64).digest).toBe(`sha256:${hex(3)}`);
  });

  it('never picks an attestation even when asked for unknown/unknown', () => {
    const idx = index(entry(1, amd64), attestation(2, 1), entry(3, arm64));
    const err = catchError(() => chooseManifest(idx, { os: 'unknown', architecture: 'unknown' }, amd64));
    expect(err.code).toBe('PLATFORM_NOT_FOUND');
  });

  it('lists the platforms that exist when the one asked for is missing', () => {
    const idx = index(entry(1, amd64), attestation(2, 1), entry(3, { ...arm64, variant: 'v8' }));
    const err = catchError(() => chooseManifest(idx, s390x, amd64, 'oci:/tmp/x'));
    expect(err.code).toBe('PLATFORM_NOT_FOUND');
    expect(err.message).toContain('linux/s390x');
    expect(err.message).toContain('available: linux/amd64, linux/arm64/v8');
    expect(err.message).not.toContain('unknown');
    expect(err.subject).toBe('oci:/tmp/x');
  });

  it("says the host's platform is missing when the default cannot be met", () => {
    const err = catchError(() => chooseManifest(index(entry(1, arm64), entry(2, s390x)), undefined, amd64));
    expect(err.message).toContain('host platform linux/amd64');
    expect(
      indexPlatforms(index(entry(1, arm64), attestation(3, 1), entry(2, s390x))).map(formatPlatform),
    ).toEqual(['linux/arm64', 'linux/s390x']);
  });
});
