import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { PassThrough } from 'node:stream';
import tar from 'tar-stream';

/** An OCI layout with one gzip layer of `files` small files in a few thousand directories. */
export async function makeSyntheticLayout(dir: string, files: number): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const pack = tar.pack();
  const diff = createHash('sha256');
  const tmp = join(blobs, 'layer.tmp');
  const tee = new PassThrough();
  tee.on('data', (c: Buffer) => diff.update(c));
  const done = pipeline(
    pack as unknown as NodeJS.ReadableStream,
    tee,
    createGzip({ level: 1 }),
    createWriteStream(tmp),
  );
  for (let d = 0; d < Math.ceil(files / 100); d++) {
    await new Promise<void>((r, j) =>
      pack.entry({ name: `srv/data/d${d}`, type: 'directory', mode: 0o755 }, (e) => (e ? j(e) : r())),
    );
    for (let f = 0; f < 100 && d * 100 + f < files; f++) {
      const body = `file ${d}/${f}\n`;
      await new Promise<void>((r, j) =>
        pack.entry({ name: `srv/data/d${d}/f${f}.txt`, mode: 0o644 }, body, (e) => (e ? j(e) : r())),
      );
    }
  }
  pack.finalize();
  await done;
  const layerBytes = readFileSync(tmp);
  const layerDigest = createHash('sha256').update(layerBytes).digest('hex');
  renameSync(tmp, join(blobs, layerDigest));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [`sha256:${diff.digest('hex')}`] },
    }),
  );
  const configDigest = createHash('sha256').update(config).digest('hex');
  writeFileSync(join(blobs, configDigest), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${configDigest}`,
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: `sha256:${layerDigest}`,
          size: layerBytes.length,
        },
      ],
    }),
  );
  const manifestDigest = createHash('sha256').update(manifest).digest('hex');
  writeFileSync(join(blobs, manifestDigest), manifest);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${manifestDigest}`,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'synthetic' },
        },
      ],
    }),
  );
}
