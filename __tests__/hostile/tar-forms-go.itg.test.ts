import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import type { FileEntry, LayerIndex } from '../../src/layers/types.js';
import { NO_CAPTURE } from './corpus-runner.js';
import { tarFormCases, type TarFormCase } from './cases-tar-forms.js';
import { plainLayer } from './hostile-tar.js';

/**
 * The differential test of issue 12: every tar of the tar-forms corpus is listed by Go's
 * archive/tar (a small std-lib program built here with Debian's golang-go), the reader Docker and
 * containerd extract layers with, and compared entry by entry with our layer index. Where Go fails,
 * we must fail; where the runtimes refuse an entry type, we must fail; where Go reads, we must list
 * the same paths, types, sizes, contents, links, modes and owners, or refuse for a stated reason.
 */

interface GoEntry {
  type: string;
  name: string;
  linkname: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  devmajor: number;
  devminor: number;
  sha256: string;
}
type GoListing = { entries: GoEntry[]; error?: string };

const here = dirname(fileURLToPath(import.meta.url));
const goBinary = ((): string | null => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return 'go';
  } catch {
    return null;
  }
})();

let work = '';
let lister = '';

function listWithGo(tar: Buffer): GoListing {
  const out = execFileSync(lister, [], { input: tar, maxBuffer: 64 << 20 }).toString('utf8');
  const entries: GoEntry[] = [];
  for (const line of out.trim().split('\n')) {
    const row = JSON.parse(line) as GoEntry & { error?: string; end?: boolean };
    if (row.error !== undefined) return { entries, error: row.error };
    if (row.end === true) return { entries };
    entries.push(row);
  }
  throw new Error(`Go lister output has no end line: ${out.slice(-200)}`);
}

const TYPES: Record<string, FileEntry['type']> = {
  '0': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/** The path a runtime creates for a tar name: rooted, cleaned (Docker: filepath.Clean). */
function runtimePath(name: string): { path: string | null; escapes: boolean } {
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  return { path: segments.length === 0 ? null : segments.join('/'), escapes: segments.includes('..') };
}

function decode(hex: string): string {
  return Buffer.from(hex, 'hex').toString('utf8');
}

/** What the runtime extracts from Go's listing, or why it cannot (then we must refuse too). */
function runtimeView(listing: GoListing): { entries: Partial<FileEntry>[] } | { refuses: string } {
  if (listing.error !== undefined) return { refuses: `Go: ${listing.error}` };
  const entries: Partial<FileEntry>[] = [];
  for (const e of listing.entries) {
    if (e.type === 'g') continue; // Docker and containerd skip global headers
    const type = TYPES[e.type];
    if (type === undefined) return { refuses: `runtimes do not extract type ${JSON.stringify(e.type)}` };
    const name = decode(e.name);
    const { path, escapes } = runtimePath(name);
    if (escapes) return { refuses: `a ".." in ${JSON.stringify(name)}` };
    if (path === null) continue;
    if (path.split('/').some((s) => s.startsWith('.wh.')))
      throw new Error('keep whiteouts out of this corpus');
    const entry: Partial<FileEntry> = { path, type, mode: e.mode, uid: e.uid, gid: e.gid };
    if (type === 'file') Object.assign(entry, { size: e.size, sha256: e.sha256 });
    if (type === 'symlink') entry.link = decode(e.linkname);
    if (type === 'hardlink') entry.link = runtimePath(decode(e.linkname)).path ?? '';
    if (type === 'char' || type === 'block')
      Object.assign(entry, { devmajor: e.devmajor, devminor: e.devminor });
    entries.push(entry);
  }
  return { entries };
}

function ours(index: LayerIndex): Partial<FileEntry>[] {
  return index.entries.toArray().map((e) => {
    const entry: Partial<FileEntry> = { path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid };
    if (e.type === 'file') Object.assign(entry, { size: e.size, sha256: e.sha256 });
    if (e.link !== undefined) entry.link = e.link;
    if (e.type === 'char' || e.type === 'block')
      Object.assign(entry, { devmajor: e.devmajor, devminor: e.devminor });
    return entry;
  });
}

async function readOurs(c: TarFormCase): Promise<{ index: LayerIndex } | { error: Error }> {
  try {
    return { index: await readLayer(plainLayer(c.tar()), NO_CAPTURE) };
  } catch (error) {
    return { error: error as Error };
  }
}

describe.skipIf(goBinary === null)('tar forms: our layer index equals what Go archive/tar reads', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'go-tar-lister-'));
    lister = join(work, 'lister');
    execFileSync(goBinary!, ['build', '-o', lister, '.'], {
      cwd: join(here, 'go-tar-lister'),
      env: {
        ...process.env,
        GOFLAGS: '-mod=mod',
        GOPROXY: 'off',
        GOCACHE: join(work, 'cache'),
        GOPATH: join(work, 'gopath'),
      },
      stdio: 'pipe',
    });
  }, 300_000);
  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it.each(tarFormCases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const runtime = runtimeView(listWithGo(c.tar()));
    const result = await readOurs(c);
    if ('refuses' in runtime) {
      expect('error' in result, `${c.name}: the runtime refuses (${runtime.refuses}) but we read it`).toBe(
        true,
      );
      return;
    }
    if ('error' in result) {
      expect(
        c.refusedThoughGoReads,
        `${c.name}: Go reads it, we refuse with "${result.error.message}", and the case gives no reason`,
      ).toBeDefined();
      return;
    }
    expect(c.refusedThoughGoReads, `${c.name}: says we refuse, but we read it`).toBeUndefined();
    expect(ours(result.index)).toEqual(runtime.entries);
  });
});

describe.skipIf(goBinary !== null)('tar forms against Go archive/tar', () => {
  it('is skipped: no `go` on this machine (install golang-go to run the differential test)', () => {
    console.warn('SKIPPED: the Go differential tar test needs `go` (Debian package golang-go)');
  });
});
