import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor, ImageConfig, Platform } from '../../src/oci/types.js';
import { digestOf, gzip, makeTar, type TarSpec } from './tar.js';

/** One built image: everything a test needs to check what a source returns. */
export interface BuiltImage {
  platform: Platform;
  manifestDigest: string;
  manifestBytes: Buffer;
  configDigest: string;
  config: ImageConfig;
  layers: { digest: string; diffID: string; bytes: Buffer; mediaType: string }[];
}

export interface BuiltTag {
  tag: string;
  /** Index digest when the tag names several platforms. */
  indexDigest?: string;
  images: BuiltImage[];
}

async function writeBlob(dir: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return digest;
}

/**
 * Write a small OCI image layout: per tag, one image per platform (an index when there are
 * several), each with its own gzip layers built from `files` and a config with matching diff_ids.
 */
export async function writeTinyOciLayout(
  dir: string,
  tags: {
    tag: string;
    platforms: { platform: Platform; layers: TarSpec[][]; labels?: Record<string, string> }[];
  }[],
): Promise<BuiltTag[]> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const out: BuiltTag[] = [];
  const indexEntries: Descriptor[] = [];
  for (const t of tags) {
    const images: BuiltImage[] = [];
    for (const p of t.platforms) {
      const layers: BuiltImage['layers'] = [];
      for (const files of p.layers) {
        const tar = await makeTar(files);
        const bytes = gzip(tar);
        const mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip';
        layers.push({ digest: await writeBlob(dir, bytes), diffID: digestOf(tar), bytes, mediaType });
      }
      const config: ImageConfig = {
        architecture: p.platform.architecture,
        os: p.platform.os,
        ...(p.platform.variant ? { variant: p.platform.variant } : {}),
        config: { Env: ['PATH=/usr/bin'], Labels: p.labels ?? {} },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
      };
      const configBytes = Buffer.from(JSON.stringify(config));
      const configDigest = await writeBlob(dir, configBytes);
      const manifest = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: configBytes.length,
        },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length })),
      };
      const manifestBytes = Buffer.from(JSON.stringify(manifest));
      images.push({
        platform: p.platform,
        manifestDigest: await writeBlob(dir, manifestBytes),
        manifestBytes,
        configDigest,
        config,
        layers,
      });
    }
    const annotations = { 'org.opencontainers.image.ref.name': t.tag };
    if (images.length === 1) {
      const only = images[0]!;
      indexEntries.push({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: only.manifestDigest,
        size: only.manifestBytes.length,
        annotations,
      });
      out.push({ tag: t.tag, images });
    } else {
      const index = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: images.map((i) => ({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: i.manifestDigest,
          size: i.manifestBytes.length,
          platform: i.platform,
        })),
      };
      const indexBytes = Buffer.from(JSON.stringify(index));
      const indexDigest = await writeBlob(dir, indexBytes);
      indexEntries.push({
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: indexDigest,
        size: indexBytes.length,
        annotations,
      });
      out.push({ tag: t.tag, indexDigest, images });
    }
  }
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: indexEntries,
    }),
  );
  return out;
}
