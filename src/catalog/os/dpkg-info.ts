/**
 * The per-package files in `var/lib/dpkg/info/` (and distroless `status.d/*.md5sums`), and
 * `var/lib/dpkg/diversions`. Paths come out normalised like FileEntry.path: no leading `/`.
 */

import { lines } from '../../util/lines.js';

/** `/usr/bin/x` -> `usr/bin/x`; `/.` (the root, first line of every .list) -> undefined. */
export function normaliseDpkgPath(raw: string): string | undefined {
  // Nearly every line is already `/a/b/c`: no empty, `.` or `..` segment, nothing to normalise.
  if (isPlainAbsolute(raw)) return raw.slice(1);
  // Segment by segment (as tar entry paths are normalised): `/.//x` is `x`, never `/x`.
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return undefined;
  return segments.join('/');
}

/** `/` then segments that are neither empty, `.` nor `..`. */
function isPlainAbsolute(raw: string): boolean {
  return (
    raw.length > 1 &&
    raw.charCodeAt(0) === 47 &&
    !raw.includes('//') &&
    !raw.includes('/./') &&
    !raw.includes('/../') &&
    !raw.endsWith('/') &&
    !raw.endsWith('/.') &&
    !raw.endsWith('/..')
  );
}

/** `info/<pkg>.list`: one path per line, directories included. */
export function parseDpkgList(text: string): string[] {
  const out: string[] = [];
  for (const line of lines(text)) {
    const path = normaliseDpkgPath(line.replace(/\r$/, ''));
    if (path !== undefined) out.push(path);
  }
  return out;
}

/** `info/<pkg>.md5sums`: `<md5>  <path>` per line (path relative, without `/`). */
export function parseDpkgMd5sums(text: string): { sums: Map<string, string>; badLines: number } {
  const sums = new Map<string, string>();
  let badLines = 0;
  for (const raw of lines(text)) {
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
  for (const line of lines(text)) {
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
  const out: DpkgDiversion[] = [];
  const it = lines(text);
  for (;;) {
    const a = it.next();
    const b = it.next();
    const c = it.next();
    if (a.done === true || b.done === true || c.done === true) break;
    const from = normaliseDpkgPath(a.value);
    const to = normaliseDpkgPath(b.value);
    const by = c.value.trim();
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
  const out: string[] = [];
  const it = lines(text);
  it.next(); // the status line
  const master = normaliseDpkgPath(it.next().value ?? '');
  if (master === undefined) return out;
  out.push(master);
  for (;;) {
    const name = it.next();
    if (name.done === true || name.value === '') break;
    const link = it.next();
    if (link.done === true) break;
    const path = normaliseDpkgPath(link.value);
    if (path !== undefined) out.push(path);
  }
  return out;
}
