/**
 * `npm run bench`: image-changelog against the floor (sequential decompression + SHA-256 of every
 * distinct layer) and a peer (snyk-docker-plugin, packages only), side by side from one run; and what
 * reading package changelogs costs (bench/changelog-cost.ts: the same diffs with them off and on).
 * Pairs and images are prepared once and cached in .cache/bench/ (ignored). Needs root and Debian's mmdebstrap,
 * umoci, skopeo and docker-registry (as the integration tests do). `BENCH_QUICK=1` skips the large pair.
 * The many-file rows are in many-files.ts. `BENCH_README=1` writes the table into the README (bench/readme.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bench, benchSideBySide, fmt, type Stats } from './measure.js';
import {
  ensureWorld,
  world,
  worldDir,
  repoRoot,
  hasSharedFixtures,
  sharedFixtures,
} from '../__tests__/world/world.js';
import { startRegistry } from './registry.js';
import { distinctLayerBlobs, floorCommand, type LayoutImage } from './floor.js';
import { runManyFileRows } from './many-files.js';
import { changelogCostRows, type ChangelogCostPair } from './changelog-cost.js';
import { benchBlock, runFacts, writeBenchBlock } from './readme.js';
import { changelogPairDir, ensureChangelogPair } from '../__tests__/world/changelog-pair.js';
import { ensureNpmChangelogPair, npmChangelogPairDir } from '../__tests__/world/npm-changelog-pair.js';

/** BENCH_CLI: another bundle (e.g. main's, to time two versions in turns); default dist/cli.js. */
const cli = process.env.BENCH_CLI ?? join(repoRoot, 'dist', 'cli.js');
/** BENCH_ONLY=pairs or many: just the image pairs, or just the many-file rows. */
const only = process.env.BENCH_ONLY;
const benchDir = join(repoRoot, '.cache', 'bench');
const quick = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Pair {
  name: string;
  /** OCI layout directories (for the floor) and the references our CLI and the peer read. */
  layouts: LayoutImage[];
  old: string;
  new: string;
  peer?: [string, string];
  registry?: boolean;
}

function peerCommand(a: string, b: string): string {
  return `node ${join(repoRoot, 'bench', 'peer-snyk.mjs')} ${a} ${b}`;
}

function diffCommand(a: string, b: string, cacheDir: string | undefined): string {
  const cache = cacheDir ? `--cache-dir ${cacheDir}` : '--no-cache';
  return `node ${cli} diff ${a} ${b} --format json --output /dev/null ${cache} --no-progress`;
}

const rows: string[] = [];
function row(pair: string, what: string, s: Stats, note = ''): void {
  const line = `| ${pair} | ${what} | ${fmt(s)} | ${s.rssMb.toFixed(0)} MB | ${note} |`;
  rows.push(line);
  console.log(line);
}

async function runPair(p: Pair, runs: number): Promise<void> {
  const blobs = distinctLayerBlobs(p.layouts);
  const cache = join(benchDir, 'cache', p.name);
  const [floor, cold] = benchSideBySide(
    { command: floorCommand(blobs) },
    {
      command: diffCommand(p.old, p.new, cache),
      before: () => rmSync(cache, { recursive: true, force: true }),
    },
    runs,
  );
  row(p.name, `floor: zcat, sha256sum of ${blobs.length} distinct layers`, floor);
  row(p.name, 'image-changelog diff, cold', cold, `${(cold.median / floor.median).toFixed(2)}x floor`);
  const warm = bench(diffCommand(p.old, p.new, cache), runs);
  row(p.name, 'image-changelog diff, warm', warm, `${(warm.median / cold.median).toFixed(2)}x cold`);
  if (p.peer) {
    const peer = bench(peerCommand(...p.peer), Math.min(runs, 3));
    row(
      p.name,
      'peer: snyk-docker-plugin (packages only)',
      peer,
      `ours cold / peer = ${(cold.median / peer.median).toFixed(2)}`,
    );
  }
  if (p.registry) {
    const reg = await startRegistry(join(benchDir, 'registry'));
    try {
      const push = (ref: string, name: string): string => {
        const dest = `docker://${reg.host}/bench/${p.name}:${name}`;
        execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', ref, dest]);
        return `${reg.host}/bench/${p.name}:${name}`;
      };
      const a = push(p.old, 'old');
      const b = push(p.new, 'new');
      const regCache = join(benchDir, 'cache', `${p.name}-registry`);
      const prime = (): void => {
        rmSync(regCache, { recursive: true, force: true });
        spawnSync('node', [cli, 'inspect', a, '--cache-dir', regCache, '--no-progress'], { stdio: 'ignore' });
      };
      const fromReg = bench(diffCommand(a, b, regCache), runs, prime);
      row(
        p.name,
        'image-changelog diff from the registry, previous cached',
        fromReg,
        `${(fromReg.median / cold.median).toFixed(2)}x cold archive`,
      );
    } finally {
      reg.stop();
    }
  }
}

/** The Debian pairs (small, bookworm-trixie, large) and the large image's inspect. */
async function runPairs(): Promise<void> {
  await runPair(
    {
      name: 'debian',
      layouts: [
        { dir: world.layout, tag: 'old' },
        { dir: world.layout, tag: 'new' },
      ],
      old: `oci-archive:${world.ociArchive('old')}`,
      new: `oci-archive:${world.ociArchive('new')}`,
      peer: [`oci-archive:${world.ociArchive('old')}`, `oci-archive:${world.ociArchive('new')}`],
      registry: true,
    },
    RUNS,
  );
  await runPair(
    {
      name: 'bookworm-trixie',
      layouts: [
        { dir: world.layout, tag: 'old' },
        { dir: world.layout, tag: 'trixie' },
      ],
      old: `oci-archive:${world.ociArchive('old')}`,
      new: `oci-archive:${world.ociArchive('trixie')}`,
    },
    RUNS,
  );
  if (!quick) {
    const large = join(benchDir, 'large');
    if (!existsSync(join(large, 'new.oci.tar'))) {
      console.error('building the large Debian pair (once; several minutes)...');
      execFileSync('bash', [join(repoRoot, '__tests__/world/build-debian-images.sh'), large], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
          ONLY_PAIR: '1',
          EXTRA_OLD: 'python3,python3-dev,build-essential,git,libperl-dev,gfortran',
          EXTRA_NEW:
            'python3,python3-dev,build-essential,git,libperl-dev,gfortran,python3-pip,vim-nox,python3-numpy',
        },
      });
    }
    await runPair(
      {
        name: 'large',
        layouts: [
          { dir: join(large, 'layout'), tag: 'old' },
          { dir: join(large, 'layout'), tag: 'new' },
        ],
        old: `oci-archive:${join(large, 'old.oci.tar')}`,
        new: `oci-archive:${join(large, 'new.oci.tar')}`,
        peer: [`oci-archive:${join(large, 'old.oci.tar')}`, `oci-archive:${join(large, 'new.oci.tar')}`],
      },
      RUNS,
    );
    // inspect of the largest image alone, against decompressing its own layers.
    const cache = join(benchDir, 'cache', 'large-inspect');
    const [insp, own] = benchSideBySide(
      {
        command: `node ${cli} inspect oci-archive:${join(large, 'new.oci.tar')} --no-progress --cache-dir ${cache} >/dev/null`,
        before: () => rmSync(cache, { recursive: true, force: true }),
      },
      { command: floorCommand(distinctLayerBlobs([{ dir: join(large, 'layout'), tag: 'new' }])) },
      Math.min(RUNS, 3),
    );
    row(
      'large (new image)',
      'image-changelog inspect, cold',
      insp,
      `${(insp.median / own.median).toFixed(2)}x its floor (${own.median.toFixed(2)} s)`,
    );
  }
}

/** Pairs of ../shared/fixtures (Alpine, AlmaLinux), when present. */
function runSharedFixturePairs(): void {
  if (hasSharedFixtures) {
    const img = (n: string): string => `oci-archive:${join(sharedFixtures, 'images', n)}`;
    for (const [name, a, b] of [
      ['alpine', 'alpine-3.19.4.oci.tar', 'alpine-3.20.3.oci.tar'],
      ['almalinux-9', 'almalinux-9.2-micro-arm64.oci.tar', 'almalinux-9.3-micro-arm64.oci.tar'],
      ['almalinux-8', 'almalinux-8.8-micro-s390x.oci.tar', 'almalinux-8.9-micro-s390x.oci.tar'],
    ] as const) {
      const cache = join(benchDir, 'cache', name);
      const s = bench(diffCommand(img(a), img(b), cache), RUNS, () =>
        rmSync(cache, { recursive: true, force: true }),
      );
      row(name, 'image-changelog diff, cold', s);
    }
  } else {
    console.log('(../shared/fixtures absent: its pairs are skipped)');
  }
}

/** What reading package changelogs costs: the same diffs with the changelog probes off and on, in turns. */
async function runChangelogCost(): Promise<void> {
  ensureChangelogPair();
  ensureNpmChangelogPair();
  const layout = (dir: string, tag: string) => `oci:${join(dir, 'layout')}:${tag}`;
  const changelogPairs: ChangelogCostPair[] = [
    {
      name: 'debian',
      old: `oci-archive:${world.ociArchive('old')}`,
      new: `oci-archive:${world.ociArchive('new')}`,
    },
    {
      name: 'debian security pair',
      old: layout(changelogPairDir, 'old'),
      new: layout(changelogPairDir, 'new'),
    },
    { name: 'npm pair', old: layout(npmChangelogPairDir, 'old'), new: layout(npmChangelogPairDir, 'new') },
  ];
  rows.push(
    ...(await changelogCostRows(changelogPairs, Math.min(RUNS, 3), join(benchDir, 'changelog-cost'), (r) =>
      console.log(r),
    )),
  );
}

async function main(): Promise<void> {
  const facts = runFacts(RUNS, only);
  if (!existsSync(cli)) execFileSync('npm', ['run', 'bundle'], { cwd: repoRoot, stdio: 'inherit' });
  mkdirSync(benchDir, { recursive: true });
  ensureWorld();
  console.log(
    `machine: ${execFileSync('nproc').toString().trim()} cores, ${(Number(execFileSync('awk', ['/MemTotal/ {print $2}', '/proc/meminfo']).toString()) / 1024 / 1024).toFixed(0)} GiB, node ${process.version}`,
  );
  console.log('| pair | what | median (min–max) | peak RSS | ratio |\n|---|---|---|---|---|');
  rows.push('| pair | what | median (min–max) | peak RSS | ratio |', '|---|---|---|---|---|');

  const startup = bench(`node ${cli} --version`, 20);
  row('-', 'startup: image-changelog --version', startup);

  if (only !== 'many') await runPairs();
  if (only !== 'pairs') {
    await runManyFileRows({
      cli,
      benchDir,
      worldDir,
      repoRoot,
      runs: RUNS,
      startupMb: startup.rssMb,
      row,
    });
  }
  if (only !== 'many') {
    runSharedFixturePairs();
    await runChangelogCost();
  }
  const block = benchBlock(rows, facts);
  writeFileSync(join(benchDir, 'results.md'), `${block}\n`);
  console.log(`\nwritten to ${join(benchDir, 'results.md')}`);
  // BENCH_README=1: this run's table replaces the README's (its Performance section quotes one run).
  if (process.env.BENCH_README === '1') {
    writeBenchBlock(join(repoRoot, 'README.md'), block);
    console.log('and into README.md');
  }
}

await main();
