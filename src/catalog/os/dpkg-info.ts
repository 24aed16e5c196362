/**
 * The per-package files in `var/lib/dpkg/info/` (and distroless `status.d/*.md5sums`), and
 * `var/lib/dpkg/diversions`. Paths come out normalised like FileEntry.path: no leading `/`.
 */

/** `/usr/bin/x` -> `usr/bin/x`; `/.` (the root, first line of every .list) -> undefined. */
export function normaliseDpkgPath(raw: string): string | undefined {
  const path = raw
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.\/?/, '');
  if (path === '' || path === '.') return undefined;
  if (path.split('/').includes('..')) return undefined;
  return path;
}

/** `info/<pkg>.list`: one path per line, directories included. */
export function parseDpkgList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const path = normaliseDpkgPath(line.replace(/\r$/, ''));
    if (path !== undefined) out.push(path);
  }
  return out;
}

/** `info/<pkg>.md5sums`: `<md5>  <path>` per line (path relative, without `/`). */
export function parseDpkgMd5sums(text: string): { sums: Map<string, string>; badLines: number } {
  const sums = new Map<string, string>();
  let badLines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const m = /^([0-9a-fA-F]{32}) [ *]?(.+)$/.exec(line);
    const path = m ? normaliseDpkgPath(m[2] ?? '') : undefined;
    if (!m || path === undefined) {
      badLines++;
      continue;
    }
    sums.set(path, (m[1] ?? '').toLowerCase());
  }
  return { sums, badLines };
}

/** `info/<pkg>.conffiles`: one absolute path per line; newer dpkg may prefix flags (`remove-on-upgrade /etc/x`). */
export function parseDpkgConffilesList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    const path = normaliseDpkgPath(words[words.length - 1] ?? '');
    if (path !== undefined) out.push(path);
  }
  return out;
}

/** A dpkg-divert entry: files a package ships at `from` live at `to` (unless the package is the diverter). */
export interface DpkgDiversion {
  from: string;
  to: string;
  /** Package that made the diversion; `:` in the file (a local diversion) becomes undefined. */
  by?: string;
}

/** `var/lib/dpkg/diversions`: groups of three lines (from, to, package or `:`). */
export function parseDpkgDiversions(text: string): DpkgDiversion[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const out: DpkgDiversion[] = [];
  for (let i = 0; i + 2 < lines.length; i += 3) {
    const from = normaliseDpkgPath(lines[i] ?? '');
    const to = normaliseDpkgPath(lines[i + 1] ?? '');
    const by = (lines[i + 2] ?? '').trim();
    if (from === undefined || to === undefined || by === '') continue;
    out.push(by === ':' ? { from, to } : { from, to, by });
  }
  return out;
}

/**
 * `var/lib/dpkg/alternatives/<name>` (update-alternatives' database): the status line, the master
 * link, then (slave name, slave link) pairs up to a blank line, then the choices. Returns the link
 * paths update-alternatives manages (e.g. `usr/bin/awk`, `usr/share/man/man1/awk.1.gz`).
 */
export function parseAlternativeLinks(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const out: string[] = [];
  const master = normaliseDpkgPath(lines[1] ?? '');
  if (master === undefined) return out;
  out.push(master);
  for (let i = 2; i + 1 < lines.length && lines[i] !== ''; i += 2) {
    const link = normaliseDpkgPath(lines[i + 1] ?? '');
    if (link !== undefined) out.push(link);
  }
  return out;
}
