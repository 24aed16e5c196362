import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { world } from '../world/world.js';
import { dpkgQuery, readRootfs, type TruthEntry } from '../world/ground-truth.js';
import { openImage } from '../../src/image/open.js';
import { LayerIndexer } from '../../src/scan/layer-indexer.js';
import { squashLayers } from '../../src/layers/squash.js';
import { defaultCaptureSpec } from '../../src/catalog/registry.js';
import { inspectImage } from '../../src/scan/compare-images.js';
import type { FileTree, TreeEntry } from '../../src/layers/types.js';
import type { Inventory } from '../../src/catalog/types.js';

const tags = ['old', 'new', 'trixie'] as const;

async function treeOf(reference: string): Promise<FileTree> {
  const image = await openImage(reference, {});
  try {
    const [indexes] = await new LayerIndexer({ spec: defaultCaptureSpec() }).indexImages([image]);
    return squashLayers(indexes!);
  } finally {
    await image.close();
  }
}

/** Our entry in find(1)'s terms: a hardlink is a regular file with its target's content. */
function asTruth(e: TreeEntry): TruthEntry {
  const type = e.type === 'hardlink' ? 'file' : e.type;
  const t: TruthEntry = {
    type,
    mode: e.mode & 0o7777,
    uid: e.uid,
    gid: e.gid,
    size: type === 'file' ? e.size : 0,
  };
  if (e.type === 'symlink' && e.link !== undefined) t.link = e.link;
  if (type === 'file' && e.sha256) t.sha256 = e.sha256;
  return t;
}

function comparable(t: TruthEntry): TruthEntry {
  // find reports a symlink's mode as 777 and a directory's size as its block size: neither is content.
  const c: TruthEntry = { ...t };
  if (c.type !== 'file') c.size = 0;
  if (c.type === 'symlink') c.mode = 0o777;
  return c;
}

describe('image tree vs an independent extraction (umoci unpack + find + sha256sum)', () => {
  for (const tag of tags) {
    it(`is equal path for path, digest for digest, mode for mode for ${tag} (oci layout)`, async () => {
      const tree = await treeOf(world.ref(tag));
      const truth = readRootfs(world.rootfs(tag));
      const ours = new Map([...tree.entries].map(([p, e]) => [p, comparable(asTruth(e))]));
      const missing = [...truth.keys()].filter((p) => !ours.has(p));
      const extra = [...ours.keys()].filter((p) => !truth.has(p));
      const different = [...truth]
        .filter(([p, t]) => ours.has(p) && JSON.stringify(ours.get(p)) !== JSON.stringify(comparable(t)))
        .map(([p]) => p);
      expect({ missing, extra, different: different.slice(0, 20) }).toEqual({
        missing: [],
        extra: [],
        different: [],
      });
      expect(truth.size).toBeGreaterThan(5000);
    });
  }

  it('gives the same tree from the oci layout, the oci-archive, the docker-archive and the zstd layout', async () => {
    const key = (t: FileTree): string =>
      JSON.stringify([...t.entries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, e]) => [p, asTruth(e)]));
    const layout = key(await treeOf(world.ref('new')));
    expect(key(await treeOf(`oci-archive:${world.ociArchive('new')}`))).toBe(layout);
    expect(key(await treeOf(`docker-archive:${world.dockerArchive('new')}`))).toBe(layout);
    expect(key(await treeOf(`oci:${world.layoutZstd}:new`))).toBe(layout);
  });
});

describe('packages vs the distribution tools', () => {
  const inventories = new Map<string, Inventory>();
  beforeAll(async () => {
    for (const tag of tags) inventories.set(tag, await inspectImage(world.ref(tag)));
  });

  for (const tag of tags) {
    it(`finds exactly the packages dpkg-query lists for ${tag}`, () => {
      const inv = inventories.get(tag)!;
      const ours = inv.packages
        .filter((p) => p.ecosystem === 'dpkg')
        .map((p) => `${p.name}\t${p.version}\t${p.arch}`)
        .sort();
      expect(ours).toEqual(dpkgQuery(world.rootfs(tag)));
    });

    it(`owns every path dpkg -S attributes to a package for ${tag}, and the rest is explainable`, () => {
      const inv = inventories.get(tag)!;
      const byPath = new Map([...inv.files].map((f) => [f.path, f]));
      // Every file dpkg knows (from its .list files, read with dpkg-query -L) that exists in the image.
      const names = inv.packages.filter((p) => p.ecosystem === 'dpkg').map((p) => p.name);
      const listed = execFileSync(
        'dpkg-query',
        [`--admindir=${world.rootfs(tag)}/var/lib/dpkg`, '-L', ...names],
        { maxBuffer: 1024 ** 3 },
      )
        .toString('utf8')
        .split('\n')
        .filter((l) => l.startsWith('/'))
        .map((l) => l.slice(1));
      const unowned = listed.filter((p) => {
        const f = byPath.get(p);
        return f && f.type !== 'dir' && f.ownership !== 'package';
      });
      expect(unowned).toEqual([]);
      const nonPackaged = [...inv.files]
        .filter((f) => f.type !== 'dir' && f.ownership === 'none')
        .map((f) => f.path);
      // What no package explains on a fresh minbase, and why: files that maintainer scripts, the
      // bootstrap tool or our own test image build create, never listed in any .list file.
      const explained: Array<[RegExp, string]> = [
        [/^dev\//, 'device nodes and /proc links mmdebstrap creates in the root'],
        [
          /^etc\/(passwd|group|shadow|gshadow)-?$|^etc\/\.pwd\.lock$|^etc\/sub[ug]id$/,
          'user database written by base-passwd/passwd postinst (useradd, pwck)',
        ],
        [
          /^etc\/(profile|shells|nsswitch\.conf|networks|hostname|hosts|resolv\.conf|mtab|fstab|environment|timezone|localtime|machine-id|ld\.so\.cache|debian_version)$/,
          'copied or generated by base-files, netbase, libc-bin, debianutils postinst, or by mmdebstrap',
        ],
        [/^root\/\.(bashrc|profile)$/, 'copied from /usr/share/base-files by base-files postinst'],
        [/^etc\/dpkg\/origins\/default$/, 'symlink made by base-files postinst'],
        [/^etc\/rc[0-6S]\.d\//, 'init script links made by update-rc.d in postinst'],
        [/^etc\/alternatives\//, 'update-alternatives links (state of dpkg)'],
        [/^etc\/apt\//, 'apt sources and configuration written by mmdebstrap'],
        [/^usr\/local\/man$|^var\/spool\/mail$/, 'compatibility symlinks made by base-files postinst'],
        [
          /^var\/lib\/(systemd|pam|ucf|shells\.state|dbus)|^var\/lib\/apt\/extended_states$|^var\/cache\/ldconfig\//,
          'state written by maintainer scripts',
        ],
        [/^var\/log\//, 'logs of the installation'],
        [
          /^etc\/(ssl\/certs\/|ca-certificates\.conf)/,
          'certificate links generated by update-ca-certificates',
        ],
        [/^usr\/lib\/(x86_64-linux-gnu\/)?gconv\/gconv-modules\.cache$/, 'generated by libc-bin trigger'],
        [
          /^etc\/pam\.d\/common-|^etc\/security\/opasswd$/,
          'generated by pam-auth-update and libpam-modules postinst',
        ],
        [
          /^etc\/systemd\/system\/[^/]+\.wants\//,
          'unit enablement links made by deb-systemd-helper in postinst',
        ],
        [/^usr\/share\/info\/dir$/, 'info directory generated by install-info'],
        [
          /^etc\/(app\/|motd$)|^opt\/app\/|^usr\/local\/bin\/app/,
          'planted by our test image build (the non-packaged files the changelog must show)',
        ],
      ];
      const unexplained = nonPackaged.filter((p) => !explained.some(([re]) => re.test(p)));
      expect(unexplained).toEqual([]);
      expect(nonPackaged.length).toBeLessThan(120);
    });
  }
});
