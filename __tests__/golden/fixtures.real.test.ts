import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_CASES, UPDATE_COMMAND, goldenCase, readGolden, renderGoldenCase, reportInputs, type GoldenCase, type RenderedCase } from './golden-cases.js';
import { expectGolden } from './golden-check.js';
import { apkPackages, compareWithTruth, rpmOrder, rpmPackages, type ReferenceOrder, type TruthPackage } from './package-truth.js';
import { commandExists } from '../helpers/rpm-truth.js';
import type { PackageChange } from '../../src/diff/types.js';
import { hasSharedFixtures, sharedFixtures } from '../world/world.js';

if (!hasSharedFixtures) console.warn(`skipping the golden fixtures tier: ${sharedFixtures} is absent`);

const cache = new Map<string, Promise<RenderedCase>>();
const rendered = (c: GoldenCase) => {
  let r = cache.get(c.name);
  if (!r) cache.set(c.name, (r = renderGoldenCase(c)));
  return r;
};

const rootfs = (file: string) => join(sharedFixtures, 'rootfs', file);

describe.skipIf(!hasSharedFixtures)('golden changelogs of the ../shared/fixtures pairs', () => {
  for (const c of GOLDEN_CASES.filter((x) => x.tier === 'fixtures')) {
    for (const format of c.formats) {
      it(`renders ${c.name} as ${format} exactly as its golden file`, async () => {
        const { outputs } = await rendered(c);
        expectGolden(c, format, outputs[format]);
      });
    }
  }

  it('was written from these very images (the fixtures are fixed bytes, so the digests must match)', async () => {
    for (const c of GOLDEN_CASES.filter((x) => x.tier === 'fixtures')) {
      const golden = readGolden(c, 'json');
      expect(golden, `run \`${UPDATE_COMMAND} fixtures\``).toBeDefined();
      expect(reportInputs((await rendered(c)).outputs.json), c.name).toBe(reportInputs(golden!));
    }
  });
});

interface TruthCase {
  name: string;
  ecosystem: 'apk' | 'rpm';
  before: () => TruthPackage[];
  after: () => TruthPackage[];
  order?: ReferenceOrder;
  tool?: string;
}

const truthCases: TruthCase[] = [
  {
    name: 'alpine-3.19.4-3.20.3',
    ecosystem: 'apk',
    before: () => apkPackages(rootfs('alpine-3.19.4-x86_64.tar.gz')),
    after: () => apkPackages(rootfs('alpine-3.20.3-x86_64.tar.gz')),
  },
  {
    // The upgrade layer turns the 3.19.4 tree into 3.20.3's: the same packages must change.
    name: 'alpine-3.19.4-upgrade-layer',
    ecosystem: 'apk',
    before: () => apkPackages(rootfs('alpine-3.19.4-x86_64.tar.gz')),
    after: () => apkPackages(rootfs('alpine-3.20.3-x86_64.tar.gz')),
  },
  {
    name: 'almalinux-9.2-9.3-arm64',
    ecosystem: 'rpm',
    before: () => rpmPackages(rootfs('almalinux-9.2-micro-aarch64.tar.xz'), 'sqlite'),
    after: () => rpmPackages(rootfs('almalinux-9.3-micro-aarch64.tar.xz'), 'sqlite'),
    order: rpmOrder,
    tool: 'rpm',
  },
  {
    name: 'almalinux-8.8-8.9-s390x',
    ecosystem: 'rpm',
    before: () => rpmPackages(rootfs('almalinux-8.8-micro-s390x.tar.xz'), 'bdb_ro'),
    after: () => rpmPackages(rootfs('almalinux-8.9-micro-s390x.tar.xz'), 'bdb_ro'),
    order: rpmOrder,
    tool: 'rpm',
  },
];

describe.skipIf(!hasSharedFixtures)('package changes in the JSON report vs the distributions own package databases', () => {
  for (const t of truthCases) {
    const how = t.order ? "upgrades by rpm's own vercmp" : 'no apk comparator on Debian, so kinds are checked by presence only';
    it(`equal the set difference of the two package lists for ${t.name} (${how})`, async (ctx) => {
      if (t.tool && !commandExists(t.tool)) {
        console.warn(`skipped: ${t.tool} is not installed`);
        ctx.skip(`${t.tool} is not installed`);
      }
      const { outputs } = await rendered(goldenCase(t.name));
      const report = JSON.parse(outputs.json) as { packages: PackageChange[] };
      const truth = compareWithTruth(report.packages, t.ecosystem, t.before(), t.after(), t.order);
      expect(truth.reported).toEqual(truth.expected);
      expect(truth.wrongKinds).toEqual([]);
      expect(report.packages.filter((p) => p.ecosystem !== t.ecosystem)).toEqual([]);
      expect(truth.expected.added.length + truth.expected.removed.length).toBeGreaterThan(0);
    });
  }
});
