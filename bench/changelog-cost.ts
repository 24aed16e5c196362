/**
 * What reading package changelogs costs: the same diff with the changelog probes (Debian's
 * changelog.Debian.gz heads, language packages' CHANGELOG/HISTORY/NEWS heads) and without them, timed in
 * turns, with the layer-index cache each leaves on disk and how many changelogs the inventories carry.
 * rpm changelogs come from the package headers the rpm cataloger reads anyway: not switchable here.
 *
 *   node --import tsx bench/changelog-cost.ts            every pair below that exists, side by side
 *   node --import tsx bench/changelog-cost.ts on|off OLD NEW CACHE_DIR   one run (what the side-by-side times)
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiskLayerIndexCache } from '../src/cache/layer-index-cache.js';
import { DEBIAN_CHANGELOG_PROBE_ID } from '../src/catalog/changelog/debian-changelog-probe.js';
import { TEXT_CHANGELOG_PROBE_ID } from '../src/catalog/changelog/text-changelog-probe.js';
import { defaultCaptureSpec } from '../src/catalog/registry.js';
import { compareImages } from '../src/scan/compare-images.js';
import { benchSideBySide, fmt } from './measure.js';

const CHANGELOG_PROBES = new Set([DEBIAN_CHANGELOG_PROBE_ID, TEXT_CHANGELOG_PROBE_ID]);

export interface ChangelogCostPair {
  name: string;
  old: string;
  new: string;
}

interface RunFacts {
  /** Packages of both inventories that carry a changelog, and the characters of their entries. */
  changelogs: number;
  changelogChars: number;
  cacheBytes: number;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    total += st.isDirectory() ? dirBytes(path) : st.size;
  }
  return total;
}

/** One diff, changelog probes on or off, into an empty disk cache. */
async function runOnce(
  mode: 'on' | 'off',
  old: string,
  current: string,
  cacheDir: string,
): Promise<RunFacts> {
  const full = defaultCaptureSpec();
  const capture =
    mode === 'on' ? full : { ...full, probes: full.probes.filter((p) => !CHANGELOG_PROBES.has(p.id)) };
  const result = await compareImages(
    old,
    current,
    { exclude: [], defaultExcludes: true, depth: 2 },
    { cache: new DiskLayerIndexCache(cacheDir, capture), capture },
  );
  const packages = [...(result.before?.packages ?? []), ...result.after.packages];
  const withLog = packages.filter((p) => p.changelog !== undefined);
  return {
    changelogs: withLog.length,
    changelogChars: withLog.reduce(
      (n, p) => n + p.changelog!.entries.reduce((m, e) => m + e.text.length, 0),
      0,
    ),
    cacheBytes: dirBytes(cacheDir),
  };
}

const self = fileURLToPath(import.meta.url);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const command = (mode: 'on' | 'off', p: ChangelogCostPair, cacheDir: string) =>
  `node --import tsx ${[self, mode, p.old, p.new, cacheDir].map(quote).join(' ')} >/dev/null`;

/** Table rows: per pair, the diff without and with changelogs (cold, timed in turns), and what they keep. */
export async function changelogCostRows(
  pairs: readonly ChangelogCostPair[],
  runs: number,
  scratch: string,
  onRow: (row: string) => void = () => {},
): Promise<string[]> {
  const rows: string[] = [];
  for (const p of pairs) {
    const slug = p.name.replace(/[^\w.-]+/g, '-');
    const dirs = { off: join(scratch, `${slug}-off`), on: join(scratch, `${slug}-on`) };
    const [off, on] = benchSideBySide(
      {
        command: command('off', p, dirs.off),
        before: () => rmSync(dirs.off, { recursive: true, force: true }),
      },
      { command: command('on', p, dirs.on), before: () => rmSync(dirs.on, { recursive: true, force: true }) },
      runs,
    );
    rmSync(dirs.on, { recursive: true, force: true });
    const facts = await runOnce('on', p.old, p.new, dirs.on);
    const offBytes = dirBytes(dirs.off);
    const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
    const pairRows = [
      `| ${p.name} | diff, changelogs off (cold) | ${fmt(off)} | ${off.rssMb.toFixed(0)} MB | cache ${mb(offBytes)} |`,
      `| ${p.name} | diff, changelogs on (cold) | ${fmt(on)} | ${on.rssMb.toFixed(0)} MB | ${(on.median / off.median).toFixed(2)}x off; cache ${mb(facts.cacheBytes)} (+${mb(facts.cacheBytes - offBytes)}); ${facts.changelogs} changelogs, ${mb(facts.changelogChars)} of entries |`,
    ];
    for (const r of pairRows) onRow(r);
    rows.push(...pairRows);
  }
  return rows;
}

const [mode, old, current, cacheDir] = process.argv.slice(2);
if (process.argv[1] === self) {
  if ((mode === 'on' || mode === 'off') && old && current && cacheDir) {
    // Exit 2 on failure: the timer accepts 0 and 1 (a diff's "changes found"), so a crash must not pass as 1.
    try {
      console.log(JSON.stringify(await runOnce(mode, old, current, cacheDir)));
    } catch (err) {
      console.error(err);
      process.exit(2);
    }
  } else {
    const { repoRoot, world, hasSharedFixtures, sharedFixtures } =
      await import('../__tests__/world/world.js');
    const { existsSync } = await import('node:fs');
    const pairs: ChangelogCostPair[] = [
      {
        name: 'debian',
        old: `oci-archive:${world.ociArchive('old')}`,
        new: `oci-archive:${world.ociArchive('new')}`,
      },
    ];
    const debianPair = join(repoRoot, '.cache', 'changelog-pair', 'layout');
    if (existsSync(debianPair))
      pairs.push({
        name: 'debian security pair',
        old: `oci:${debianPair}:old`,
        new: `oci:${debianPair}:new`,
      });
    const npmPair = join(repoRoot, '.cache', 'npm-changelog-pair', 'layout');
    if (existsSync(npmPair))
      pairs.push({ name: 'npm pair', old: `oci:${npmPair}:old`, new: `oci:${npmPair}:new` });
    if (hasSharedFixtures) {
      const img = (n: string) => `oci-archive:${join(sharedFixtures, 'images', n)}`;
      pairs.push({
        name: 'almalinux-9 (rpm: headers, same either way)',
        old: img('almalinux-9.2-micro-arm64.oci.tar'),
        new: img('almalinux-9.3-micro-arm64.oci.tar'),
      });
    }
    console.log('| pair | what | median (min–max) | peak RSS | ratio |\n|---|---|---|---|---|');
    const scratch = join(repoRoot, '.bench', 'changelog-cost');
    for (const row of await changelogCostRows(pairs, Number(process.env.BENCH_RUNS ?? 5), scratch))
      console.log(row);
  }
}
