import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An image in an OCI layout directory, by its ref-name tag. */
export interface LayoutImage {
  dir: string;
  tag: string;
}

/** Blob files of the distinct layers of the given images in OCI layouts. */
export function distinctLayerBlobs(layouts: LayoutImage[]): string[] {
  const blobs = new Set<string>();
  for (const { dir, tag } of layouts) {
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
    };
    const desc =
      index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ??
      index.manifests[0]!;
    const manifest = JSON.parse(readFileSync(join(dir, 'blobs', ...desc.digest.split(':')), 'utf8')) as {
      layers: Array<{ digest: string }>;
    };
    for (const l of manifest.layers) blobs.add(join(dir, 'blobs', ...l.digest.split(':')));
  }
  return [...blobs];
}

/** Shell that writes a blob's tar bytes to stdout: zcat for gzip, zstdcat for zstd, cat otherwise. */
function decompress(blob: string): string {
  return `(m=$(head -c4 ${blob} | od -An -tx1 | tr -d ' '); case $m in 1f8b*) zcat ${blob};; 28b52ffd) zstdcat -q ${blob};; *) cat ${blob};; esac)`;
}

/** The floor: every distinct layer decompressed and SHA-256 hashed once, one after another. */
export function floorCommand(blobs: string[]): string {
  return blobs.map((b) => `${decompress(b)} | sha256sum >/dev/null`).join('; ');
}

/** Shell that prints the number of tar entries in the given layers (each counted, whiteouts too). */
export function entryCountCommand(blobs: string[]): string {
  return `{ ${blobs.map((b) => `${decompress(b)} | tar -t`).join('; ')}; } | wc -l`;
}
