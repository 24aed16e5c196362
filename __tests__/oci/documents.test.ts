import { describe, expect, it } from 'vitest';
import {
  MAX_CONFIG_BYTES,
  MAX_MANIFEST_BYTES,
  parseConfig,
  parseIndex,
  parseManifest,
  parseManifestOrIndex,
} from '../../src/oci/documents.js';
import { checkDigest, verifyBytes } from '../../src/oci/digest.js';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from '../../src/oci/media-types.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { digestOf } from '../helpers/tar.js';

const D = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const bytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const manifest = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: OCI_CONFIG, digest: D(1), size: 10 },
  layers: [{ mediaType: OCI_LAYER_GZIP, digest: D(2), size: 20 }],
};
const config = {
  architecture: 'amd64',
  os: 'linux',
  config: { Env: ['A=1'], Labels: { a: 'b' } },
  rootfs: { type: 'layers', diff_ids: [D(3)] },
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImageChangelogError) return err.code;
    throw err;
  }
  return 'no error';
}
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('json', () => {
  it('parses a manifest and verifies it against its descriptor', () => {
    const b = bytes(manifest);
    const m = parseManifest(b, {
      subject: 'm',
      descriptor: { digest: digestOf(b), size: b.length, mediaType: OCI_MANIFEST },
    });
    expect(m.layers[0]!.digest).toBe(D(2));
    expect(m.config.mediaType).toBe(OCI_CONFIG);
  });

  it('refuses bytes whose digest or size differ from the descriptor', () => {
    const b = bytes(manifest);
    expect(
      codeOf(() => parseManifest(b, { subject: 'm', descriptor: { digest: D(9), size: b.length } })),
    ).toBe('DIGEST_MISMATCH');
    expect(
      codeOf(() =>
        parseManifest(b, { subject: 'm', descriptor: { digest: digestOf(b), size: b.length + 1 } }),
      ),
    ).toBe('DIGEST_MISMATCH');
    expect(() => verifyBytes(b, { digest: digestOf(b) }, 'x')).not.toThrow();
  });

  it('tells an index from a manifest by media type, else by shape', () => {
    const idx = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: D(1),
          size: 1,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
      ],
    };
    expect(parseManifestOrIndex(bytes(idx), { subject: 'i' }).kind).toBe('index');
    expect(parseIndex(bytes(idx), { subject: 'i' }).manifests[0]!.platform).toEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    });
    const { mediaType: _omit, ...untyped } = manifest;
    expect(parseManifestOrIndex(bytes(untyped), { subject: 'm' }).kind).toBe('manifest');
    expect(codeOf(() => parseIndex(bytes(manifest), { subject: 'm' }))).toBe('MANIFEST_INVALID');
    expect(codeOf(() => parseManifest(bytes({ ...idx, mediaType: OCI_INDEX }), { subject: 'i' }))).toBe(
      'MANIFEST_INVALID',
    );
  });

  it.each([
    ['not JSON', Buffer.from('{"schemaVersion": 2,'), 'MANIFEST_INVALID'],
    ['a JSON array', bytes([manifest]), 'MANIFEST_INVALID'],
    ['schemaVersion 3', bytes({ ...manifest, schemaVersion: 3 }), 'MANIFEST_INVALID'],
    ['no config', bytes({ ...manifest, config: undefined }), 'MANIFEST_INVALID'],
    ['layers not an array', bytes({ ...manifest, layers: {} }), 'MANIFEST_INVALID'],
    [
      'a negative size',
      bytes({ ...manifest, layers: [{ mediaType: OCI_LAYER_GZIP, digest: D(2), size: -1 }] }),
      'MANIFEST_INVALID',
    ],
    [
      'a fractional size',
      bytes({ ...manifest, layers: [{ mediaType: OCI_LAYER_GZIP, digest: D(2), size: 1.5 }] }),
      'MANIFEST_INVALID',
    ],
    [
      'a path in a digest',
      bytes({
        ...manifest,
        layers: [{ mediaType: OCI_LAYER_GZIP, digest: 'sha256:../../etc/passwd', size: 1 }],
      }),
      'MANIFEST_INVALID',
    ],
    [
      'an upper-case digest',
      bytes({ ...manifest, layers: [{ mediaType: OCI_LAYER_GZIP, digest: D(2).toUpperCase(), size: 1 }] }),
      'MANIFEST_INVALID',
    ],
    [
      'a sha512 digest',
      bytes({
        ...manifest,
        layers: [{ mediaType: OCI_LAYER_GZIP, digest: `sha512:${'a'.repeat(128)}`, size: 1 }],
      }),
      'DIGEST_UNSUPPORTED',
    ],
    ['annotations that are not strings', bytes({ ...manifest, annotations: { a: 1 } }), 'MANIFEST_INVALID'],
    [
      'a platform without os',
      bytes({
        schemaVersion: 2,
        manifests: [{ mediaType: OCI_MANIFEST, digest: D(1), size: 1, platform: { architecture: 'amd64' } }],
      }),
      'MANIFEST_INVALID',
    ],
    ['Docker schema 1', bytes({ schemaVersion: 1, name: 'x', fsLayers: [] }), 'MEDIA_TYPE_UNSUPPORTED'],
    [
      'an unknown media type',
      bytes({ ...manifest, mediaType: 'application/vnd.example+json' }),
      'MEDIA_TYPE_UNSUPPORTED',
    ],
    [
      'a helm chart config',
      bytes({
        ...manifest,
        config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: D(1), size: 1 },
      }),
      'MEDIA_TYPE_UNSUPPORTED',
    ],
    [
      'an unknown layer type',
      bytes({ ...manifest, layers: [{ mediaType: 'application/x-evil', digest: D(2), size: 1 }] }),
      'MEDIA_TYPE_UNSUPPORTED',
    ],
    ['neither kind', bytes({ schemaVersion: 2 }), 'MANIFEST_INVALID'],
  ])('refuses a manifest with %s', (_what, b, code) => {
    expect(codeOf(() => parseManifestOrIndex(b, { subject: 'bad' }))).toBe(code);
  });

  it('names the unsupported media type and the digest algorithm in the message', () => {
    expect(
      messageOf(() =>
        parseManifestOrIndex(bytes({ ...manifest, mediaType: 'application/vnd.example+json' }), {
          subject: 'm',
        }),
      ),
    ).toContain('application/vnd.example+json');
    expect(messageOf(() => checkDigest(`sha512:${'a'.repeat(128)}`, 'layer'))).toContain(
      '"sha512" is not supported',
    );
    const b = bytes({ schemaVersion: 1, name: 'library/x', fsLayers: [] });
    const schema1 = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
    expect(
      messageOf(() =>
        parseManifest(b, {
          subject: 'm',
          descriptor: { digest: digestOf(b), size: b.length, mediaType: schema1 },
        }),
      ),
    ).toContain('schema 1');
  });

  it('refuses a media type that contradicts its descriptor', () => {
    const b = bytes(manifest);
    expect(
      codeOf(() =>
        parseManifestOrIndex(b, {
          subject: 'm',
          descriptor: { digest: digestOf(b), size: b.length, mediaType: OCI_INDEX },
        }),
      ),
    ).toBe('MANIFEST_INVALID');
  });

  it('refuses a huge manifest before parsing it', () => {
    const huge = Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20);
    expect(codeOf(() => parseManifestOrIndex(huge, { subject: 'm' }))).toBe('MANIFEST_TOO_LARGE');
    expect(codeOf(() => parseManifestOrIndex(bytes(manifest), { subject: 'm', maxBytes: 10 }))).toBe(
      'MANIFEST_TOO_LARGE',
    );
  });

  it('parses a config and checks its diff_ids against the layer count', () => {
    expect(parseConfig(bytes(config), { subject: 'c', layerCount: 1 }).rootfs.diff_ids).toEqual([D(3)]);
    expect(messageOf(() => parseConfig(bytes(config), { subject: 'c', layerCount: 2 }))).toContain(
      'lists 1 layers but the manifest has 2',
    );
  });

  it('accepts null for optional config fields as Docker writes them', () => {
    const c = parseConfig(
      bytes({ ...config, config: { Env: null, Cmd: null, Labels: null, Volumes: null }, history: null }),
      { subject: 'c' },
    );
    expect(c.config?.Env).toBeNull();
    expect(c.history).toBeUndefined();
  });

  it.each([
    ['no rootfs', { ...config, rootfs: undefined }],
    ['diff_ids with a bad digest', { ...config, rootfs: { type: 'layers', diff_ids: ['sha256:xyz'] } }],
    ['Env of numbers', { ...config, config: { Env: [1] } }],
    ['Labels with an object value', { ...config, config: { Labels: { a: {} } } }],
    ['User as a number', { ...config, config: { User: 0 } }],
    ['ExposedPorts as a list', { ...config, config: { ExposedPorts: ['80/tcp'] } }],
    ['history of strings', { ...config, history: ['x'] }],
    ['history with a numeric created_by', { ...config, history: [{ created_by: 1 }] }],
    ['os as a number', { ...config, os: 1 }],
  ])('refuses a config with %s as CONFIG_INVALID', (_what, doc) => {
    expect(codeOf(() => parseConfig(bytes(doc), { subject: 'c' }))).toBe('CONFIG_INVALID');
  });

  it('refuses a huge config with CONFIG_TOO_LARGE', () => {
    expect(codeOf(() => parseConfig(Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20), { subject: 'c' }))).toBe(
      'CONFIG_TOO_LARGE',
    );
  });
});
