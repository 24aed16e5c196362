import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  GOLDEN_CASES,
  README,
  UPDATE_COMMAND,
  goldenCase,
  goldenForm,
  readGolden,
  readmeExcerpt,
  renderGoldenCase,
  type GoldenCase,
  type GoldenFormat,
  type RenderedCase,
} from './golden-cases.js';
import { expectGolden } from './golden-check.js';
import { compareWithTruth, dpkgOrder, dpkgPackages } from './package-truth.js';
import type { PackageChange } from '../../src/diff/types.js';
import { world } from '../world/world.js';

const cache = new Map<string, Promise<RenderedCase>>();
/** Each pair is compared once per test file, however many tests read it. */
const rendered = (c: GoldenCase) => {
  let r = cache.get(c.name);
  if (!r) cache.set(c.name, (r = renderGoldenCase(c)));
  return r;
};

const cases = GOLDEN_CASES.filter((c) => c.tier === 'examples' || c.tier === 'world');

describe('golden changelogs of the bundled examples and the Debian world', () => {
  for (const c of cases) {
    for (const format of c.formats) {
      // The Debian world is rebuilt on each machine from the live archive: its golden files are in
      // world form (world-form.ts), which masks what a rebuild changes, so they run everywhere.
      it(`renders ${c.name} as ${format} exactly as its golden file${c.tier === 'world' ? ' (world form)' : ''}`, async () => {
        expectGolden(c, format, goldenForm(c, format, await rendered(c)));
      });
    }
  }

  it('renders byte-identical output on a second run, with no temporary or absolute repo paths', async () => {
    for (const c of [goldenCase('examples-v1-v2'), goldenCase('bookworm-old-new')]) {
      const first = await rendered(c);
      const again = await renderGoldenCase(c);
      for (const format of Object.keys(first.outputs) as GoldenFormat[]) {
        expect(again.outputs[format], `${c.name} ${format}`).toBe(first.outputs[format]);
        expect(first.outputs[format]).not.toContain('<repo>');
        expect(first.outputs[format]).not.toContain(tmpdir());
      }
    }
  });

  it('shows the examples changelog in the README verbatim', () => {
    const excerpt = readmeExcerpt(readFileSync(README, 'utf8'));
    expect(excerpt, 'README.md lacks the changelog excerpt markers').toBeDefined();
    expect(excerpt, `README.md's example changelog is stale: run \`${UPDATE_COMMAND} examples\``).toBe(readGolden(goldenCase('examples-v1-v2'), 'markdown'));
  });
});

describe('package changes in the JSON report vs dpkg-query on the extracted images', () => {
  const pairs = [
    { name: 'bookworm-old-new', old: 'old', new: 'new' },
    { name: 'bookworm-trixie', old: 'old', new: 'trixie' },
  ] as const;
  for (const pair of pairs) {
    it(`equal the set difference of the two package lists for ${pair.name}, upgrades by dpkg --compare-versions`, async () => {
      const { outputs } = await rendered(goldenCase(pair.name));
      const report = JSON.parse(outputs.json) as { packages: PackageChange[] };
      const truth = compareWithTruth(report.packages, 'dpkg', dpkgPackages(world.rootfs(pair.old)), dpkgPackages(world.rootfs(pair.new)), dpkgOrder);
      expect(truth.reported).toEqual(truth.expected);
      expect(truth.wrongKinds).toEqual([]);
      expect(report.packages.filter((p) => p.ecosystem !== 'dpkg')).toEqual([]);
      // What the build script did on purpose must be among them.
      if (pair.name === 'bookworm-old-new') {
        expect(report.packages.filter((p) => p.name === 'curl' || p.name === 'less').map((p) => `${p.kind} ${p.name}`)).toEqual(['added curl', 'removed less']);
        expect(truth.counts.upgraded).toBeGreaterThan(0);
      } else {
        expect(truth.counts.upgraded + truth.counts.added + truth.counts.removed).toBeGreaterThan(50);
      }
    });
  }
});
