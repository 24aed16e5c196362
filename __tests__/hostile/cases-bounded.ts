import type { IncomingMessage, ServerResponse } from 'node:http';
import assert from 'node:assert/strict';
import { resolveOwnership, resolvePath } from '../../src/catalog/ownership.js';
import { parseGemspec } from '../../src/catalog/lang/gem.js';
import { nameFromFileName } from '../../src/catalog/lang/maven.js';
import { versionOfAuthorLine } from '../../src/catalog/os/rpm/changelog.js';
import { readPackageNotes } from '../../src/catalog/probes/elf-notes.js';
import { parseProperties } from '../../src/catalog/probes/jar-maven.js';
import { parseRbConfig } from '../../src/catalog/runtime/ruby.js';
import { parseTextChangelog } from '../../src/catalog/changelog/text-changelog.js';
import { isTextChangelogPath } from '../../src/catalog/changelog/text-changelog-probe.js';
import { parsePolicy } from '../../src/policy/load.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { trimTrailingNuls } from '../../src/util/trim-nul.js';
import type { Package } from '../../src/catalog/types.js';
import { memoryLayer } from '../helpers/memory-layer.js';
import { rawTar } from '../helpers/raw-tar.js';
import type { Image } from '../../src/image/types.js';
import { readLayer } from '../../src/layers/read-layer.js';
import { buildInventory } from '../../src/scan/build-inventory.js';
import { LayerIndexer } from '../../src/scan/layer-indexer.js';
import { MemoryLayerIndexCache } from '../../src/cache/layer-index-cache.js';
import { RegistryClient } from '../../src/registry/client.js';
import { FakeRegistry, type Fault } from '../helpers/fake-registry.js';
import { NO_CAPTURE, readAndSquash } from './corpus-runner.js';
import { paxData, paxEntry, plainLayer, rawFile, rawHeader } from './hostile-tar.js';

/**
 * Bounded work (issue 12): small crafted inputs that once cost minutes of CPU or gigabytes of memory.
 * Each case asserts the correct result (or the one clear error); it uses node:assert, not vitest, so
 * `measure-bounded.ts` can run a case alone under `/usr/bin/time -v` for its time and peak memory.
 */
export interface BoundedCase {
  name: string;
  run: () => void | Promise<void>;
}

const pkg = (paths: string[]): Package => ({
  ecosystem: 'dpkg',
  name: 'deep',
  version: '1',
  location: 'var/lib/dpkg/status',
  layer: 0,
  files: paths.map((path) => ({ path })),
});

export const boundedCases: BoundedCase[] = [
  {
    name: 'ownership: 4,000 nested directories behind a symlink (was 189 s)',
    run: async () => {
      const depth = 4_000;
      // Written with raw PAX headers (tar-stream's packer is quadratic in these names).
      const parts = [rawHeader({ name: 'top', typeflag: '2', linkname: 'd' })];
      let path = 'd';
      for (let i = 0; i < depth; i++) {
        parts.push(paxEntry(paxData({ path }), { name: 'dir', typeflag: '5', mode: 0o755 }));
        path += '/d';
      }
      parts.push(paxEntry(paxData({ path: `${path}/f` }), { name: 'f', typeflag: '0', size: 1 }, 'x'));
      const layer = memoryLayer(rawTar(...parts));
      assert.ok(layer.stored.length < 1_000_000, `layer is ${layer.stored.length} bytes`);
      const { tree } = await readAndSquash([layer]);
      // The package lists the file through the symlink; the tree holds it at its real path.
      const listed = `top${path.slice(1)}/f`;
      const { files, problems } = resolveOwnership(tree, [pkg([listed])], []);
      assert.deepEqual(problems, []);
      const file = files.get(`${path}/f`);
      assert.equal(file?.ownership, 'package');
      assert.deepEqual(file?.owners, [{ ecosystem: 'dpkg', name: 'deep' }]);
    },
  },
  {
    name: 'ownership: one 80,000-segment path and an 80,000-segment symlink target (was 44 s)',
    run: () => {
      const segments = 80_000;
      const long = Array.from({ length: segments }, () => 'a').join('/');
      const up = Array.from({ length: segments }, () => '..').join('/');
      const tree = {
        entries: new Map([
          ['a', { path: 'a', type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 }],
          [
            'l',
            {
              path: 'l',
              type: 'symlink' as const,
              link: `${long}/${up}/etc`,
              mode: 0o777,
              uid: 0,
              gid: 0,
              size: 0,
              layer: 0,
            },
          ],
          ['etc', { path: 'etc', type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 }],
          ['etc/f', { path: 'etc/f', type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: 0, layer: 0 }],
        ]),
        captured: new Map(),
      };
      assert.equal(resolvePath(tree, `${long}/f`), `${long}/f`);
      assert.equal(resolvePath(tree, 'l/f'), 'etc/f');
      const { files } = resolveOwnership(tree, [pkg([`${long}/x`, 'l/f'])], []);
      assert.deepEqual(files.get('etc/f')?.owners, [{ ecosystem: 'dpkg', name: 'deep' }]);
    },
  },
  {
    name: 'gemspec: 120 KB of blank lines, and a line of 60,000 escaped quotes (was 115 s)',
    run: () => {
      const blank = `${'\n'.repeat(120_000)}s.name = "x"\ns.version = "1"\n`;
      assert.deepEqual(parseGemspec(blank), { name: 'x', version: '1', licenses: [], executables: [] });
      const quotes = `s.name = "x"\ns.version = "1"\ns.license = ${'"\\'.repeat(60_000)}\n`;
      assert.deepEqual(parseGemspec(quotes).licenses, []);
      assert.throws(() => parseGemspec(`${'\n'.repeat(120_000)}  s.nam = 1`), /no name assignment/);
    },
  },
  {
    name: 'regexes over image content: rbconfig, pom.properties, rpm author, jar name, ELF note (were 1.6-82 s)',
    run: () => {
      const rb = `${'\n'.repeat(40_000)}CONFIG["MAJOR"] = "3"\nCONFIG["MINOR"] = "2"\nCONFIG["TEENY"] = "2"\n`;
      assert.equal(parseRbConfig(rb)?.version, '3.2.2');
      const props = parseProperties(`version=${' '.repeat(3_000)}\u2028x\u2028y\nartifactId=a`);
      assert.equal(props.get('artifactId'), 'a');
      assert.equal(versionOfAuthorLine(`${'>1'.repeat(20_000)} x`), undefined);
      assert.equal(versionOfAuthorLine(`${'>1'.repeat(20_000)} <a@b> - 1.2-3`), '1.2-3');
      assert.equal(nameFromFileName(`${'-a'.repeat(20_000)}.jar`), undefined);
      assert.deepEqual(nameFromFileName('lib/commons-lang3-3.12.0.jar'), {
        name: 'lib/commons-lang3',
        version: '3.12.0',
      });
      // An ELF note whose owner is 20,000 NULs and one `x`: not the FDO owner, so no package note.
      const owner = Buffer.concat([Buffer.alloc(20_000), Buffer.from('x\0\0\0')]);
      const head = Buffer.alloc(12);
      head.writeUInt32LE(owner.length, 0);
      head.writeUInt32LE(0, 4);
      head.writeUInt32LE(0xcafe1a7e, 8);
      const problems: string[] = [];
      assert.deepEqual(readPackageNotes(Buffer.concat([head, owner]), true, problems), []);
      assert.equal(trimTrailingNuls(`${'\0'.repeat(20_000)}x${'\0'.repeat(3)}`).length, 20_001);
    },
  },
  {
    name: 'policy: an alias bomb, 10,000 aliases in 160 KB, and an alias to no anchor (was 81 s)',
    run: () => {
      const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 9; i++) {
        const prev = String.fromCharCode(96 + i);
        levels.push(
          `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]`,
        );
      }
      policyFails(
        `${levels.join('\n')}\nrules: *i\n`,
        /too many aliases: they expand to more than 100 nodes/,
      );
      const many = `x: &x "usr/**"\nrules:\n  - id: r\n    action: stop\n    files:\n      path: [${Array(10_000).fill('*x').join(', ')}]\n`;
      assert.ok(many.length > 40_000);
      policyFails(`${many}#${' '.repeat(160_000 - many.length)}\n`, /too many aliases/);
      policyFails('rules: *nowhere\n', /alias/i);
      // A few aliases stay fine, and resolve to the last anchor of their name before them.
      const ok = parsePolicy(
        'rules:\n  - { id: r, action: stop, files: { path: &p "opt/**" } }\n  - { id: s, action: stop, files: { path: *p } }\n',
        FILE,
      );
      assert.match(JSON.stringify(ok.rules[1]), /opt\/\*\*/);
    },
  },
  {
    name: 'policy: a glob of 6 wildcards in one segment, and a 70 KB glob (was minutes per path, a 70 KB error line)',
    run: () => {
      policyFails(
        'rules:\n  - { id: r, action: stop, files: { path: "opt/*a*a*a*a*a*b" } }\n',
        /at most 2 wildcards .* per path segment \(6 in one segment here/,
      );
      const long = policyFails(
        `rules:\n  - { id: r, action: stop, files: { path: "${'a/'.repeat(35_000)}" } }\n`,
        /a glob of at most 1024 characters \(this one has 70000\).*\(69880 more characters\)\)$/,
      );
      assert.ok(long.length < 400, `error line of ${long.length} characters`);
      // Two wildcards, a globstar and an escaped star stay accepted.
      parsePolicy('rules:\n  - { id: r, action: stop, files: { path: "**/lib*.so*" } }\n', FILE);
      parsePolicy('rules:\n  - { id: r, action: stop, files: { path: "opt/\\\\*a*b*" } }\n', FILE);
    },
  },
  {
    name: 'zstd: five frames declaring 2 GB in a 10 KB layer, and a 2 GB window, on the JavaScript decoder (was 9.8 GB)',
    run: async () => {
      const frame = (header: number[]): Buffer => {
        const block = 1 | (2000 << 3); // last, raw, 2,000 bytes
        return Buffer.concat([
          Buffer.from([0x28, 0xb5, 0x2f, 0xfd, ...header]),
          Buffer.from([block & 0xff, (block >> 8) & 0xff, block >> 16]),
          Buffer.alloc(2000, 0x61),
        ]);
      };
      const twoGB = [0, 0, 0, 0x80, 0, 0, 0, 0]; // 2^31, little-endian
      const content = plainLayer(Buffer.concat(Array.from({ length: 5 }, () => frame([0xe0, ...twoGB]))));
      assert.ok(content.stored.length < 11_000);
      await assert.rejects(readLayer(content, NO_CAPTURE, { nativeZstd: false }), (err: unknown) => {
        assert.ok(err instanceof ImageChangelogError);
        assert.equal(err.code, 'LAYER_TOO_LARGE');
        assert.match(
          err.message,
          /a zstd frame declares a window of 2147483648 bytes, past the 134217728-byte/,
        );
        return true;
      });
      // Not single-segment: window descriptor exponent 21 (2^31); no content size.
      const window = plainLayer(frame([0x00, 21 << 3]));
      await assert.rejects(
        readLayer(window, NO_CAPTURE, { nativeZstd: false }),
        /declares a window of 2147483648 bytes/,
      );
      // Under a smaller layer cap, a declared content size over it is refused the same way.
      // A 1 KB window and a content size of 2^28.
      const small = plainLayer(frame([0xc0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0]));
      await assert.rejects(
        readLayer(small, NO_CAPTURE, { nativeZstd: false, maxUncompressedBytes: 16 << 20 }),
        /declares a content size of 268435456 bytes, past the 16777216-byte uncompressed cap/,
      );
    },
  },
  {
    name: "silent oddities: squash warnings reach the inventory's problems; a descriptor size that lies is an error",
    run: async () => {
      const layer = memoryLayer(
        rawTar(
          rawHeader({ name: 'early', typeflag: '1', linkname: 'later' }),
          rawHeader({ name: 'later', typeflag: '0', size: 1 }),
          Buffer.from('x'.padEnd(512, '\0')),
          rawHeader({ name: 'd', typeflag: '5' }),
          rawHeader({ name: 'to-dir', typeflag: '1', linkname: 'd' }),
          rawHeader({ name: 'gone', typeflag: '1', linkname: 'nowhere' }),
        ),
      );
      const index = await readLayer(layer, NO_CAPTURE);
      const image: Image = {
        reference: 'test',
        manifestDigest: layer.digest,
        availablePlatforms: [],
        platform: { os: 'linux', architecture: 'amd64' },
        manifest: { schemaVersion: 2, config: { mediaType: '', digest: layer.digest, size: 0 }, layers: [] },
        configDigest: layer.digest,
        config: { rootfs: { type: 'layers', diff_ids: [layer.diffID] } },
        layers: [layer],
        close: () => Promise.resolve(),
      };
      const inventory = await buildInventory(image, [index], []);
      const problems = inventory.problems.map((p) => [p.code, p.path, p.layer]);
      assert.deepEqual(problems, [
        ['HARDLINK_TARGET_MISSING', 'early', 0],
        ['HARDLINK_TO_DIR', 'to-dir', 0],
        ['HARDLINK_TARGET_MISSING', 'gone', 0],
      ]);
      const lying = { ...layer, size: layer.size + 1000 };
      await assert.rejects(readLayer(lying, NO_CAPTURE), (err: unknown) => {
        assert.ok(err instanceof ImageChangelogError);
        assert.equal(err.code, 'SIZE_MISMATCH');
        assert.equal(
          err.message,
          `layer ${layer.digest}: its descriptor says ${layer.size + 1000} bytes, the blob has ${layer.size}`,
        );
        return true;
      });
    },
  },
  {
    name: 'registry: a manifest trickling one byte every 200 ms meets the request deadline (was: never times out)',
    run: async () => {
      const r = await new FakeRegistry().start();
      try {
        const trickle: Fault = Object.assign(
          (req: IncomingMessage, res: ServerResponse) => {
            if (!req.url?.includes('/manifests/')) return false;
            res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
            const timer = setInterval(() => res.write(' '), 200);
            res.once('close', () => clearInterval(timer));
            return true;
          },
          { sticky: true },
        );
        r.faults.push(trickle);
        // Five attempts allowed: a deadline is not retried (five more would cost 5x the deadline).
        const c = new RegistryClient({
          idleTimeoutMs: 1000,
          requestDeadlineMs: 1500,
          retry: { maxAttempts: 5, baseDelayMs: 1 },
        });
        const started = performance.now();
        await assert.rejects(
          c.getManifest({ registry: r.host, repository: 'team/app', tag: '1' }),
          (err: unknown) => {
            assert.ok(err instanceof ImageChangelogError);
            assert.equal(err.code, 'REGISTRY_TIMEOUT');
            assert.match(err.message, /took longer than 2s in all/);
            return true;
          },
        );
        assert.ok(performance.now() - started < 2500, 'one attempt only');
        assert.equal(r.seen.filter((q) => q.url.includes('/manifests/')).length, 1);
      } finally {
        await r.stop();
      }
    },
  },
  {
    name: 'registry: endless tag pages with fresh Link headers, and a 5 MB page (was a V8 fatal error)',
    run: async () => {
      const r = await new FakeRegistry().start();
      try {
        const tags = JSON.stringify({ tags: Array.from({ length: 2_000 }, (_, i) => `tag-${i}`) });
        let pages = 0;
        const endless: Fault = Object.assign(
          (req: IncomingMessage, res: ServerResponse) => {
            if (!req.url?.includes('/tags/list')) return false;
            pages++;
            res.writeHead(200, {
              'content-type': 'application/json',
              link: `</v2/team/app/tags/list?last=${pages}>; rel="next"`,
            });
            res.end(req.url.includes('big') ? 'x'.repeat(5_000_000) : tags);
            return true;
          },
          { sticky: true },
        );
        r.faults.push(endless);
        const c = new RegistryClient({ retry: { maxAttempts: 1 } });
        await assert.rejects(c.listTags({ registry: r.host, repository: 'team/app' }), (err: unknown) => {
          assert.ok(err instanceof ImageChangelogError);
          assert.equal(err.code, 'RESPONSE_TOO_LARGE');
          assert.match(err.message, /^the tags of .*team\/app run to more than 100 pages; reading stopped$/);
          return true;
        });
        assert.equal(pages, 100);
        await assert.rejects(
          c.listTags({ registry: r.host, repository: 'team/big' }),
          /larger than the 4194304-byte limit/,
        );
      } finally {
        await r.stop();
      }
    },
  },
  {
    name: 'capture budget: sixteen 200 KB package.json files against a 1 MB total budget (was 3.5 GB with 200 MB files)',
    run: async () => {
      const file = Buffer.alloc(200_000, 0x20);
      const parts = Array.from({ length: 16 }, (_, i) =>
        rawFile(`app/m${String(i).padStart(2, '0')}/package.json`, file),
      );
      const layer = memoryLayer(rawTar(...parts));
      const cache = new MemoryLayerIndexCache();
      const spec = { globs: ['**/package.json'], maxFileBytes: 256 * 1024, probes: [] };
      const indexer = new LayerIndexer({ spec, cache, maxCaptureTotalBytes: 1024 * 1024 });
      const index = await indexer.index(layer);
      assert.equal(index.captured.size, 5);
      const over = index.warnings.filter((w) => w.code === 'CAPTURE_BUDGET_EXCEEDED');
      assert.equal(over.length, 11);
      assert.equal(
        over[0]?.message,
        'app/m05/package.json (200000 bytes) does not fit in what is left of the 1048576-byte total capture budget; its content was not kept',
      );
      // An index cut short by the run's budget is not cached for the next run.
      assert.equal(cache.stats.writes, 0);
    },
  },
  {
    name: 'capture budget: layers cached by separate runs count against the budget of a run that reads them together',
    run: async () => {
      const file = Buffer.alloc(200_000, 0x20);
      const layerOf = (dir: string) =>
        memoryLayer(rawTar(...[0, 1, 2].map((i) => rawFile(`${dir}/m${i}/package.json`, file))));
      const [a, b] = [layerOf('a'), layerOf('b')];
      const cache = new MemoryLayerIndexCache();
      const spec = { globs: ['**/package.json'], maxFileBytes: 256 * 1024, probes: [] };
      const budget = 1024 * 1024;
      // Two runs, one layer each: 600 KB of captures each, within the budget, both cached.
      for (const layer of [a, b])
        await new LayerIndexer({ spec, cache, maxCaptureTotalBytes: budget }).index(layer);
      assert.equal(cache.stats.writes, 2);
      // One run over both: the first comes from the cache, the second does not fit and is read again.
      const indexer = new LayerIndexer({ spec, cache, maxCaptureTotalBytes: budget });
      const [ia, ib] = await Promise.all([indexer.index(a), indexer.index(b)]);
      assert.equal(ia.captured.size + ib.captured.size, 5);
      const over = [...ia.warnings, ...ib.warnings].filter((w) => w.code === 'CAPTURE_BUDGET_EXCEEDED');
      assert.equal(over.length, 1);
    },
  },
  {
    name: 'text changelog: a 30 KB head of version lines padded with 195 spaces, and a 400,000-character gem folder (were 18 s and 196 s)',
    run: () => {
      // Each line starts like a plain `1.0` heading; the spaces then something else once tried every split
      // of the run among five `\s*` in a row.
      const padded = ('1.0' + ' '.repeat(195) + 'x\n').repeat(150);
      const text = `# Changelog\n\n2.0.0 (2024-01-02)\n- fixed a thing\n${padded}1.9.0 - Jan 5, 2024\n- older\n`;
      assert.ok(text.length < 32 * 1024);
      const { entries, truncated } = parseTextChangelog(text);
      assert.deepEqual(
        entries.map((e) => e.version),
        ['2.0.0', '1.9.0'],
      );
      assert.ok(entries[0]?.text.startsWith('- fixed a thing\n1.0 '));
      assert.equal(entries[1]?.text, '- older');
      assert.equal(truncated, false);
      // A folder name of 200,000 `-1`: the path pattern retried the rest of the name at every `-<digit>`.
      const folder = '-1'.repeat(200_000);
      assert.equal(isTextChangelogPath(`usr/local/bundle/gems/a${folder}/CHANGELOG.md`), true);
      assert.equal(isTextChangelogPath(`usr/local/bundle/gems/${folder}/doc/CHANGELOG.md`), false);
      assert.equal(isTextChangelogPath(`app/node_modules/a${folder}/x/CHANGELOG.md`), false);
    },
  },
];

const FILE = 'policy.yml';

/** The one error line a policy gives (asserting it is POLICY_INVALID). */
function policyFails(text: string, message: RegExp): string {
  try {
    parsePolicy(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ImageChangelogError, String(err));
    assert.equal(err.code, 'POLICY_INVALID');
    assert.match(err.message, message);
    return err.message;
  }
  assert.fail('the policy was accepted');
}
