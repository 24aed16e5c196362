import { execFileSync } from 'node:child_process';

/** One path of an extracted root filesystem, as find(1) and sha256sum(1) see it. */
export interface TruthEntry {
  type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  link?: string;
  sha256?: string;
}

const TYPES: Record<string, TruthEntry['type']> = {
  f: 'file',
  d: 'dir',
  l: 'symlink',
  c: 'char',
  b: 'block',
  p: 'fifo',
  s: 'socket',
};

/** Walks an extracted root with find and hashes regular files with sha256sum: independent of our reader. */
export function readRootfs(root: string): Map<string, TruthEntry> {
  const out = new Map<string, TruthEntry>();
  const listing = execFileSync(
    'find',
    ['.', '-mindepth', '1', '-printf', '%P\\0%y\\0%m\\0%U\\0%G\\0%s\\0%l\\0'],
    {
      cwd: root,
      maxBuffer: 1024 ** 3,
    },
  ).toString('utf8');
  const f = listing.split('\0');
  for (let i = 0; i + 7 <= f.length; i += 7) {
    const [path, y, m, u, g, s, l] = f.slice(i, i + 7) as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const e: TruthEntry = {
      type: TYPES[y] ?? 'file',
      mode: parseInt(m, 8),
      uid: Number(u),
      gid: Number(g),
      size: Number(s),
    };
    if (e.type === 'symlink') e.link = l;
    out.set(path, e);
  }
  const files = [...out].filter(([, e]) => e.type === 'file').map(([p]) => p);
  const sums = execFileSync('xargs', ['-0', 'sha256sum', '--'], {
    cwd: root,
    input: files.join('\0'),
    maxBuffer: 1024 ** 3,
  }).toString('utf8');
  for (const line of sums.split('\n')) {
    if (!line) continue;
    const hash = line.slice(0, 64);
    let path = line.slice(66);
    if (line.startsWith('\\')) path = line.slice(67).replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    const e = out.get(path);
    if (e) e.sha256 = line.startsWith('\\') ? line.slice(1, 65) : hash;
  }
  return out;
}

/** `dpkg-query` on an extracted root: name, version and architecture of installed packages. */
export function dpkgQuery(root: string): string[] {
  return execFileSync('dpkg-query', [
    `--admindir=${root}/var/lib/dpkg`,
    '-W',
    '-f',
    '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n',
  ])
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('ii'))
    .map((l) => l.split('\t').slice(1).join('\t'))
    .sort();
}
