/**
 * The bench's many-file rows: a real node_modules image (npm registry), a Python data stack image
 * (Debian's archive) and synthetic layers of 300,000 and 1,000,000 files. Each row is `inspect`, cold,
 * timed in turns with its floor, with its peak RSS and the bytes each entry adds above start-up.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bench, benchSideBySide, type Stats } from './measure.js';
import { distinctLayerBlobs, entryCountCommand, floorCommand, type LayoutImage } from './floor.js';
import { makeSyntheticLayout } from './synthetic.js';

export interface ManyFileContext {
  cli: string;
  benchDir: string;
  worldDir: string;
  repoRoot: string;
  runs: number;
  /** Peak RSS of `image-changelog --version`: the base the per-entry cost is measured above. */
  startupMb: number;
  row: (image: string, what: string, s: Stats, note?: string) => void;
}

interface ManyFileImage {
  name: string;
  layout: LayoutImage;
  build: () => Promise<void>;
  runs: number;
  warm: boolean;
}

/** Tar entries of an image's distinct layers, counted once and kept next to the layout. */
function entryCount(layout: LayoutImage): number {
  const file = join(layout.dir, `entries-${layout.tag}.txt`);
  if (!existsSync(file)) {
    const count = execSync(entryCountCommand(distinctLayerBlobs([layout])), { shell: '/bin/bash' });
    writeFileSync(file, count);
  }
  return Number(readFileSync(file, 'utf8').trim());
}

function buildScript(ctx: ManyFileContext, what: 'node' | 'python'): () => Promise<void> {
  return () => {
    console.error(`building the ${what} image (once; several minutes)...`);
    execFileSync(
      'bash',
      [join(ctx.repoRoot, 'bench', 'build-many-file-images.sh'), what, ctx.benchDir, ctx.worldDir],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    return Promise.resolve();
  };
}

function images(ctx: ManyFileContext): ManyFileImage[] {
  const synthetic = (files: number, runs: number): ManyFileImage => {
    const dir = join(ctx.benchDir, `synthetic-${files}`);
    return {
      name: `synthetic ${files.toLocaleString('en')} files`,
      layout: { dir, tag: 'synthetic' },
      build: () => makeSyntheticLayout(dir, files),
      runs,
      warm: false,
    };
  };
  return [
    {
      name: 'node_modules (npm registry)',
      layout: { dir: join(ctx.benchDir, 'node', 'layout'), tag: 'node' },
      build: buildScript(ctx, 'node'),
      runs: ctx.runs,
      warm: true,
    },
    {
      name: 'python data stack (Debian)',
      layout: { dir: join(ctx.benchDir, 'python', 'layout'), tag: 'python' },
      build: buildScript(ctx, 'python'),
      runs: ctx.runs,
      warm: true,
    },
    synthetic(300_000, Math.min(ctx.runs, 3)),
    synthetic(1_000_000, Math.min(ctx.runs, 3)),
  ];
}

export async function runManyFileRows(ctx: ManyFileContext): Promise<void> {
  for (const image of images(ctx)) {
    const { dir, tag } = image.layout;
    if (!existsSync(join(dir, 'index.json'))) await image.build();
    const entries = entryCount(image.layout);
    const cache = join(ctx.benchDir, 'cache', `inspect-${tag}-${entries}`);
    const inspect = `node ${ctx.cli} inspect oci:${dir}:${tag} --no-progress --cache-dir ${cache} >/dev/null`;
    const [floor, cold] = benchSideBySide(
      { command: floorCommand(distinctLayerBlobs([image.layout])) },
      { command: inspect, before: () => rmSync(cache, { recursive: true, force: true }) },
      image.runs,
    );
    const perEntry = (s: Stats): string =>
      `${Math.round(((s.rssMb - ctx.startupMb) * 1024 * 1024) / entries).toLocaleString('en')} B/entry`;
    const label = `${image.name}, ${entries.toLocaleString('en')} entries`;
    ctx.row(label, 'floor: zcat, sha256sum of its distinct layers', floor);
    ctx.row(
      label,
      'image-changelog inspect, cold',
      cold,
      `${(cold.median / floor.median).toFixed(2)}x floor; ${perEntry(cold)} above start-up`,
    );
    if (image.warm) {
      const warm = bench(inspect, image.runs);
      ctx.row(
        label,
        'image-changelog inspect, warm',
        warm,
        `${(warm.median / cold.median).toFixed(2)}x cold; ${perEntry(warm)} above start-up`,
      );
    }
  }
}
