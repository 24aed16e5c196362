import assert from 'node:assert/strict';
import { resolveOwnership, resolvePath } from '../../src/catalog/ownership.js';
import { parseGemspec } from '../../src/catalog/lang/gem.js';
import { nameFromFileName } from '../../src/catalog/lang/maven.js';
import { versionOfAuthorLine } from '../../src/catalog/os/rpm/changelog.js';
import { readPackageNotes } from '../../src/catalog/probes/elf-notes.js';
import { parseProperties } from '../../src/catalog/probes/jar-maven.js';
import { parseRbConfig } from '../../src/catalog/runtime/ruby.js';
import { parsePolicy } from '../../src/policy/load.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { trimTrailingNuls } from '../../src/util/trim-nul.js';
import type { Package } from '../../src/catalog/types.js';
import { memoryLayer } from '../helpers/memory-layer.js';
import { rawTar } from '../helpers/raw-tar.js';
import { readAndSquash } from './corpus-runner.js';
import { paxData, paxEntry, rawHeader } from './hostile-tar.js';

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
      const file = files.find((f) => f.path === `${path}/f`);
      assert.equal(file?.ownership, 'package');
      assert.deepEqual(file?.owners, ['dpkg:deep']);
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
      assert.deepEqual(files.find((f) => f.path === 'etc/f')?.owners, ['dpkg:deep']);
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
