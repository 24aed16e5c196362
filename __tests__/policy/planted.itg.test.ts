import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePlantedImages, planted, type PlantedTag } from '../helpers/planted-images.js';
import { repoRoot, world } from '../world/world.js';
import { compareImages, type CompareResult } from '../../src/scan/compare-images.js';
import { MemoryLayerIndexCache } from '../../src/cache/layer-index-cache.js';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/model.js';
import type { Verdict } from '../../src/policy/types.js';
import type { DiffOptions } from '../../src/diff/types.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';

/**
 * The policy over real images: each planted image is the world's `new` plus one violation in a top
 * layer (or one setting), compared with `new` itself, so whatever the policy reports must come from
 * the plant. The clean pairs are `new → new` and the world's real update `old → new`.
 */

/** One rule per planted violation, plus rules that must stay quiet on every pair here. */
const TEST_POLICY = `
rules:
  - id: no-downgrades
    action: stop
    packages: { change: [downgraded] }
  - id: banned-packages
    action: stop
    packages: { name: ["netcat-*", "telnet*"], present: true }
  - id: no-nonpackaged-setuid
    action: stop
    files: { setuid: true, nonPackaged: true }
  - id: package-file-tampered
    action: warn
    files: { modifiedAfterInstall: true }
  - id: config-grew-tenfold
    action: warn
    files: { nonPackaged: true, sizeGrowthFactor: 10 }
  - id: no-secrets
    action: stop
    secrets: { kinds: [private-key, aws-access-key, aws-secret-key] }
  - id: credential-files
    action: warn
    secrets: { kinds: [ssh-private-key-file, dotenv-file] }
  - id: switched-to-root
    action: stop
    image: { switchedToRoot: true }
  - id: runs-as-root
    action: warn
    image: { runsAsRoot: true }
  - id: new-ports
    action: warn
    image: { newPorts: true }
  - id: no-secret-env
    action: stop
    image: { secretEnv: true }
  # Quiet on every pair below (each would be a false positive):
  - id: world-writable
    action: stop
    files: { worldWritable: true, change: [added, modified] }
  - id: libc-too-old
    action: stop
    packages: { name: [libc6], version: "<2.36" }
  - id: os-downgrade
    action: stop
    image: { osVersionDecreased: true, osChanged: true }
  - id: labelled
    action: stop
    image: { requiredLabels: [org.opencontainers.image.version], maxLayers: 5 }
`;

type Found = Array<[action: string, rule: string, subject: string]>;

interface PlantedCase {
  tag: PlantedTag;
  what: string;
  test: Found;
  recommended: Found;
}

const CASES: PlantedCase[] = [
  {
    tag: 'secrets',
    what: 'a private key pair and an AWS key in .env',
    test: [
      ['stop', 'no-secrets', 'opt/app/.env'],
      ['stop', 'no-secrets', 'root/.ssh/id_ed25519'],
      ['warn', 'credential-files', 'opt/app/.env'],
      ['warn', 'credential-files', 'root/.ssh/id_ed25519'],
    ],
    recommended: [
      ['stop', 'secret-in-file', 'opt/app/.env'],
      ['stop', 'secret-in-file', 'root/.ssh/id_ed25519'],
      ['warn', 'credential-file', 'opt/app/.env'],
      ['warn', 'credential-file', 'root/.ssh/id_ed25519'],
    ],
  },
  {
    tag: 'setuid',
    what: 'a setuid copy of env',
    test: [['stop', 'no-nonpackaged-setuid', 'usr/local/bin/env2']],
    recommended: [
      ['stop', 'nonpackaged-setuid', 'usr/local/bin/env2'],
      ['warn', 'nonpackaged-executable', 'usr/local/bin/env2'],
    ],
  },
  {
    tag: 'downgrade',
    what: 'libssl3 downgraded to the plain bookworm version',
    test: [['stop', 'no-downgrades', 'dpkg:libssl3']],
    // bookworm-security's libssl3 changelog names CVEs the plain bookworm version lacks.
    recommended: [
      ['stop', 'downgrade-reopens-cve', 'dpkg:libssl3'],
      ['stop', 'package-downgraded', 'dpkg:libssl3'],
    ],
  },
  {
    tag: 'banned',
    what: 'a denied package installed',
    test: [['stop', 'banned-packages', 'dpkg:netcat-traditional']],
    // The recommended policy has no deny list, and netcat adds no setuid file nor secret; it does add a
    // network tool (under both of its names), which the recommended policy warns about.
    recommended: [
      ['warn', 'new-tool-class', 'usr/bin/nc'],
      ['warn', 'new-tool-class', 'usr/bin/netcat'],
    ],
  },
  {
    tag: 'tamper',
    what: 'a package binary overwritten',
    test: [['warn', 'package-file-tampered', 'usr/bin/env']],
    recommended: [],
  },
  {
    tag: 'grow',
    what: 'a non-packaged config file ten times larger',
    test: [['warn', 'config-grew-tenfold', 'etc/app/app.conf']],
    // 234 bytes more is far below the recommended image growth thresholds.
    recommended: [],
  },
  {
    tag: 'root',
    what: 'USER root after USER 1000',
    test: [
      ['stop', 'switched-to-root', 'user'],
      ['warn', 'runs-as-root', 'user'],
    ],
    recommended: [['stop', 'switched-to-root', 'user']],
  },
  {
    tag: 'port-env',
    what: 'a new exposed port and a secret-looking env key',
    test: [
      ['stop', 'no-secret-env', 'env.AWS_SECRET_ACCESS_KEY'],
      ['warn', 'new-ports', 'port:9000/tcp'],
    ],
    recommended: [
      ['stop', 'secret-env', 'env.AWS_SECRET_ACCESS_KEY'],
      ['warn', 'new-exposed-port', 'port:9000/tcp'],
    ],
  },
];

const DIFF: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };
const NOW = new Date('2026-06-01T12:00:00Z');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function found(verdict: Verdict): Found {
  return verdict.violations.map((v) => [v.action, v.rule, v.subject]);
}

function sorted(list: Found): Found {
  return [...list].sort((a, b) => a.join('\t').localeCompare(b.join('\t')));
}

/** The result a list of violations gives (allowlists aside). */
function resultOf(list: Found): Verdict['result'] {
  return list.some(([a]) => a === 'stop') ? 'stop' : list.some(([a]) => a === 'warn') ? 'warn' : 'pass';
}

const testPolicy = parsePolicy(TEST_POLICY, 'planted-test-policy.yml');
const recommended = parsePolicy('extends: recommended\n', 'recommended.yml');

describe('policy over images with planted violations', () => {
  const cache = new MemoryLayerIndexCache();
  const compared = new Map<string, Promise<CompareResult>>();
  /** Each pair scanned once; layers shared by the images are indexed once for the whole file. */
  const compare = (previous: string, current: string): Promise<CompareResult> => {
    const key = `${previous} → ${current}`;
    let result = compared.get(key);
    if (result === undefined) {
      result = compareImages(previous, current, DIFF, { cache });
      compared.set(key, result);
    }
    return result;
  };
  const verdict = async (policy: Policy, previous: string, current: string): Promise<Verdict> => {
    const { changes, after } = await compare(previous, current);
    return evaluatePolicy(policy, changes, after, NOW);
  };

  beforeAll(() => {
    ensurePlantedImages();
  });

  describe.each(CASES)('$tag: $what (new → planted)', ({ tag, test, recommended: fromRecommended }) => {
    it('finds exactly the planted violations with the right rule, subject and action (test policy)', async () => {
      const v = await verdict(testPolicy, world.ref('new'), planted.ref(tag));
      expect(sorted(found(v))).toEqual(sorted(test));
      expect(v.result).toBe(resultOf(test));
    });

    it('finds exactly the planted violations the recommended policy covers', async () => {
      const v = await verdict(recommended, world.ref('new'), planted.ref(tag));
      expect(sorted(found(v))).toEqual(sorted(fromRecommended));
      expect(v.result).toBe(resultOf(fromRecommended));
    });
  });

  it('reports the downgrade with the versions dpkg-query reads in the images', async () => {
    const { changes } = await compare(world.ref('new'), planted.ref('downgrade'));
    const libssl = changes.packages.find((p) => p.name === 'libssl3');
    const installed = execFileSync('dpkg-query', [
      `--admindir=${join(world.rootfs('new'), 'var/lib/dpkg')}`,
      '-W',
      '-f=${Version}',
      'libssl3',
    ]).toString();
    expect(libssl?.kind).toBe('downgraded');
    expect(libssl?.before?.version).toBe(installed);
    const after = libssl?.after?.version ?? '';
    // dpkg itself says the planted version is lower (exit 0 means "true").
    expect(spawnSync('dpkg', ['--compare-versions', after, 'lt', installed]).status).toBe(0);
    const v = await verdict(testPolicy, world.ref('new'), planted.ref('downgrade'));
    // Which number moved depends on the archive of the day; the versions must be dpkg's.
    expect(v.violations[0]?.message).toMatch(
      new RegExp(
        `^dpkg:libssl3 downgraded ${escapeRegExp(`${installed} → ${after}`)} \\((major|minor|patch)\\)$`,
      ),
    );
  });

  it('reports the tenfold growth with both sizes', async () => {
    const v = await verdict(testPolicy, world.ref('new'), planted.ref('grow'));
    expect(v.violations[0]?.message).toMatch(/etc\/app\/app\.conf: .*10\.0x larger \(26 B → 260 B\)/);
  });

  it('never repeats a planted secret value in the verdict or the reports', async () => {
    const secrets = planted.secrets();
    expect(secrets).toHaveLength(3);
    for (const tag of ['secrets', 'port-env'] as const) {
      const { changes, after } = await compare(world.ref('new'), planted.ref(tag));
      const v = evaluatePolicy(recommended, changes, after, NOW);
      const outputs = [
        JSON.stringify(v),
        renderJson(changes, v),
        renderMarkdown(changes, { surface: 'summary', verdict: v }),
      ];
      for (const out of outputs) for (const secret of secrets) expect(out).not.toContain(secret);
    }
  });

  it('suppresses with a current allowance and counts again once it expired', async () => {
    const policy = parsePolicy(
      `${TEST_POLICY}
allow:
  - rule: no-secrets
    path: opt/app/.env
    reason: rotated test credentials
    expires: 2026-06-30
  - rule: no-secrets
    path: root/.ssh/*
    reason: deploy key, moved to a secret mount
    expires: 2026-05-31
`,
      'allow.yml',
    );
    const { changes, after } = await compare(world.ref('new'), planted.ref('secrets'));
    const v = evaluatePolicy(policy, changes, after, NOW);
    const env = v.violations.find((x) => x.rule === 'no-secrets' && x.subject === 'opt/app/.env');
    const key = v.violations.find((x) => x.rule === 'no-secrets' && x.subject === 'root/.ssh/id_ed25519');
    expect(env?.allowed).toEqual({ reason: 'rotated test credentials', expires: '2026-06-30' });
    expect(key?.allowed).toBeUndefined();
    expect(key?.expiredAllowance).toEqual({
      reason: 'deploy key, moved to a secret mount',
      expires: '2026-05-31',
    });
    expect(key?.message).toContain('allowance expired on 2026-05-31');
    expect(v.result).toBe('stop');
    // Once both have expired, both count; on the last day of the earlier one, neither stops the build.
    const later = evaluatePolicy(policy, changes, after, new Date('2026-07-01T00:00:00Z'));
    expect(later.violations.filter((x) => x.rule === 'no-secrets' && x.allowed === undefined)).toHaveLength(
      2,
    );
    const earlier = evaluatePolicy(policy, changes, after, new Date('2026-05-31T23:59:59Z'));
    expect(
      earlier.violations.filter((x) => x.rule === 'no-secrets').map((x) => x.allowed !== undefined),
    ).toEqual([true, true]);
    expect(earlier.result).toBe('warn');
  });

  describe('the clean pairs', () => {
    it('gives no violation at all when nothing changed (new → new)', async () => {
      expect(found(await verdict(testPolicy, world.ref('new'), world.ref('new')))).toEqual([]);
      expect(found(await verdict(recommended, world.ref('new'), world.ref('new')))).toEqual([]);
    });

    it('reports only the real changes of the Debian update old → new (test policy)', async () => {
      const v = await verdict(testPolicy, world.ref('old'), world.ref('new'));
      // The world's new image really exposes 8080/tcp, which old did not.
      expect(found(v)).toEqual([['warn', 'new-ports', 'port:8080/tcp']]);
    });

    it('only warns, and only on real changes, on old → new (recommended policy)', async () => {
      const v = await verdict(recommended, world.ref('old'), world.ref('new'));
      // All true: the new layer rewrites most of the tree (its tar is 80 MB for a rootfs 12 MB larger, and
      // that is what the image stores), /usr/local/bin/app is a new non-packaged executable, 8080 is new,
      // and curl is a network tool the old image did not have.
      expect(sorted(found(v))).toEqual(
        sorted([
          ['warn', 'image-size-growth', 'size'],
          ['warn', 'new-tool-class', 'usr/bin/curl'],
          ['warn', 'nonpackaged-executable', 'usr/local/bin/app'],
          ['warn', 'new-exposed-port', 'port:8080/tcp'],
        ]),
      );
      expect(v.result).toBe('warn');
    });
  });
});

describe('the CLI over planted images', () => {
  let dir: string;
  let policyFile: string;
  const cli = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', ...args, '--no-progress', '--cache-dir', join(dir, 'cache')],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    ensurePlantedImages();
    dir = mkdtempSync(join(tmpdir(), 'planted-cli-'));
    policyFile = join(dir, 'image-policy.yml');
    writeFileSync(policyFile, 'extends: recommended\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 on the planted key with one stderr line naming the count and first violations (diff --policy)', () => {
    const r = cli([
      'diff',
      world.ref('new'),
      planted.ref('secrets'),
      '--policy',
      policyFile,
      '--format',
      'json',
    ]);
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toEqual([
      `policy ${policyFile}: stop, 4 violations (2 stop, 2 warn): ` +
        '[stop] secret-in-file: opt/app/.env: added non-packaged file holds aws-access-key, aws-secret-key; ' +
        '[stop] secret-in-file: root/.ssh/id_ed25519: added non-packaged file holds private-key; ' +
        '[warn] credential-file: opt/app/.env: added non-packaged file holds dotenv-file; and 1 more',
    ]);
    const report = JSON.parse(r.stdout) as { verdict: Verdict };
    expect(report.verdict.result).toBe('stop');
    expect(report.verdict.violations).toHaveLength(4);
  });

  it('exits 0 with nothing on stderr on the clean pair (diff --policy)', () => {
    const r = cli(['diff', world.ref('old'), world.ref('new'), '--policy', policyFile, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { verdict: Verdict }).verdict.result).toBe('warn');
  });

  it('exits 2 on the planted downgrade and 0 on the clean pair (policy check)', () => {
    const stop = cli(['policy', 'check', policyFile, world.ref('new'), planted.ref('downgrade')]);
    expect(stop.status).toBe(2);
    expect(stop.stdout).toMatch(
      /^policy .*: stop, 2 violations \(2 stop\): \[stop\] downgrade-reopens-cve: dpkg:libssl3 downgraded .*, undoing the fixes of CVE-\d{4}-\d+.*; \[stop\] package-downgraded: dpkg:libssl3 downgraded /,
    );
    const pass = cli(['policy', 'check', policyFile, world.ref('new'), world.ref('new')]);
    expect(pass.status).toBe(0);
    expect(pass.stdout).toBe(`policy ${policyFile}: pass, no violations\n`);
  });
});
