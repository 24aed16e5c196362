import type { DigestAlgorithm, OwnedFile } from '../types.js';
import { pythonProjectLinks, type ProjectLinks } from './project-links.js';
import { joinPath } from './tree-paths.js';
import { lines } from '../../util/lines.js';

/**
 * Python's installed-package metadata: the core metadata file (`METADATA` in a .dist-info folder,
 * `PKG-INFO` in .egg-info; RFC 822 style headers) and the wheel `RECORD` (CSV: path, hash, size).
 */

export interface PythonMetadata {
  name: string;
  version: string;
  license?: string;
  /** `Project-URL: Changelog, …` and the source or home page, for a changelog link. */
  links?: ProjectLinks;
}

/** Headers of an RFC 822 style block, up to the first empty line (the body is the description). */
export function parseHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  let lastIndex = -1;
  for (const raw of lines(text)) {
    if (raw === '') break;
    if (/^[ \t]/.test(raw)) {
      // Continuation of the previous header's value.
      if (last && lastIndex >= 0) last[lastIndex] = `${last[lastIndex] ?? ''}\n${raw.trim()}`;
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    const key = raw.slice(0, colon).trim().toLowerCase();
    const list = headers.get(key) ?? [];
    list.push(raw.slice(colon + 1).trim());
    headers.set(key, list);
    last = list;
    lastIndex = list.length - 1;
  }
  return headers;
}

/** Parse METADATA / PKG-INFO. Throws when Name or Version is missing (not a package's metadata). */
export function parsePythonMetadata(text: string): PythonMetadata {
  if (text.includes('\0')) throw new Error('binary content, not a metadata file');
  const headers = parseHeaders(text);
  const name = headers.get('name')?.[0];
  const version = headers.get('version')?.[0];
  if (!name || !version) throw new Error(`missing ${name ? 'Version' : 'Name'} header`);
  const meta: PythonMetadata = { name, version };
  const license = licenseOf(headers);
  if (license !== undefined) meta.license = license;
  const links = pythonProjectLinks(headers);
  if (links.changelogUrl !== undefined || links.repositoryUrl !== undefined) meta.links = links;
  return meta;
}

function licenseOf(headers: Map<string, string[]>): string | undefined {
  const expression = headers.get('license-expression')?.[0];
  if (expression) return expression;
  // `License:` often holds the whole license text; only a short single line is an identifier.
  const license = headers.get('license')?.[0];
  if (license && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= 100) return license;
  const fromClassifiers = (headers.get('classifier') ?? [])
    .filter((c) => c.startsWith('License ::'))
    .map((c) => c.split('::').pop()?.trim() ?? '')
    .filter((c) => c !== '' && c !== 'OSI Approved');
  return fromClassifiers.length > 0 ? fromClassifiers.join(' AND ') : undefined;
}

/** Split one CSV line (RFC 4180 quoting, as Python's csv module writes it). Throws on a broken quote. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i >= line.length) return fields;
      if (line[i] !== ',') throw new Error('text after a quoted field');
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** Digest sizes in bytes: a hash of another size is garbage and is dropped. */
const recordAlgorithms: ReadonlyMap<string, number> = new Map<DigestAlgorithm, number>([
  ['md5', 16],
  ['sha1', 20],
  ['sha256', 32],
  ['sha384', 48],
  ['sha512', 64],
]);

export interface RecordResult {
  files: OwnedFile[];
  /** Lines that could not be used, with the reason. */
  rejected: string[];
}

/**
 * Parse a RECORD. Paths are relative to the site-packages folder (`siteDir`) and may climb out of it
 * (`../../../bin/tool`); hashes are `algo=<urlsafe base64, unpadded>` and become lower-case hex.
 */
export function parseRecord(text: string, siteDir: string): RecordResult {
  const files: OwnedFile[] = [];
  const rejected: string[] = [];
  let n = -1;
  for (const line of lines(text)) {
    n++;
    if (line.trim() === '') continue;
    let fields: string[];
    try {
      fields = splitCsvLine(line);
    } catch (err) {
      rejected.push(`line ${n + 1}: ${(err as Error).message}`);
      continue;
    }
    const [rawPath = '', hash = ''] = fields;
    const path = rawPath === '' ? undefined : joinPath(siteDir, rawPath);
    if (path === undefined) {
      rejected.push(`line ${n + 1}: path outside the image`);
      continue;
    }
    const file: OwnedFile = { path };
    const eq = hash.indexOf('=');
    if (eq > 0) {
      const algorithm = hash.slice(0, eq).toLowerCase();
      const bytes = Buffer.from(hash.slice(eq + 1), 'base64url');
      if (recordAlgorithms.get(algorithm) === bytes.length) {
        file.digest = { algorithm: algorithm as DigestAlgorithm, value: bytes.toString('hex') };
      }
    }
    files.push(file);
  }
  return { files, rejected };
}

/** Lines of installed-files.txt / SOURCES.txt, joined onto `baseDir`; lines escaping the root are dropped. */
export function parsePathList(text: string, baseDir: string): string[] {
  const out: string[] = [];
  for (const line of lines(text)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const path = joinPath(baseDir, trimmed);
    if (path !== undefined) out.push(path);
  }
  return out;
}
