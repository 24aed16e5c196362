import { parseControlStanzas, type ControlStanza } from './dpkg-control.js';
import { lines } from '../../util/lines.js';

/** A conffile as the status `Conffiles:` field records it. */
export interface DpkgConffile {
  path: string;
  /** md5 of the file as shipped, or undefined (`newconffile` while unpacking). */
  md5?: string;
  /** The package no longer ships it; dpkg still tracks it and leaves it on disk. */
  obsolete: boolean;
}

/** One package stanza of the dpkg database. */
export interface DpkgRecord {
  name: string;
  version: string;
  arch?: string;
  source: { name: string; version: string };
  /** `want flag state` from the Status field, when present. */
  status?: { want: string; flag: string; state: string };
  multiArch?: string;
  conffiles: DpkgConffile[];
  /** 1-based line of the stanza in its file. */
  line: number;
}

export interface DpkgStatusParse {
  records: DpkgRecord[];
  errors: Array<{ line: number; message: string }>;
}

/**
 * States in which a package's files are all on disk and configured (triggers pending or awaited
 * still count: only trigger processing is outstanding). `unpacked` and `half-configured` have their
 * files too but were never configured, `half-installed` is broken mid-way, `config-files` and
 * `not-installed` have no files: none of those is an installed package. The want field does not
 * matter: `hold`, `deinstall` or `purge` with state `installed` is still installed right now.
 */
const INSTALLED_STATES = new Set(['installed', 'triggers-pending', 'triggers-awaited']);

export function isInstalled(record: DpkgRecord): boolean {
  return record.status !== undefined && INSTALLED_STATES.has(record.status.state);
}

/** `Source: name` or `Source: name (version)`; no Source field means the binary's own name and version. */
function sourceOf(
  fields: Map<string, string>,
  name: string,
  version: string,
): { name: string; version: string } {
  const raw = fields.get('source');
  if (!raw) return { name, version };
  const m = /^(\S+)(?:\s*\(([^)]*)\))?/.exec(raw);
  if (!m) return { name, version };
  return { name: m[1] ?? name, version: m[2]?.trim() || version };
}

function conffilesOf(value: string | undefined): DpkgConffile[] {
  if (!value) return [];
  const out: DpkgConffile[] = [];
  for (const line of lines(value)) {
    const parts = line.trim().split(/\s+/);
    const [path, md5, ...flags] = parts;
    if (!path) continue;
    const conffile: DpkgConffile = { path, obsolete: flags.includes('obsolete') };
    if (md5 && /^[0-9a-f]{32}$/i.test(md5)) conffile.md5 = md5.toLowerCase();
    out.push(conffile);
  }
  return out;
}

function recordOf(stanza: ControlStanza): DpkgRecord | string {
  const f = stanza.fields;
  const name = f.get('package');
  const version = f.get('version');
  if (!name) return 'stanza has no Package field';
  if (!version) {
    // config-files and not-installed stanzas may lack a version; they are skipped anyway.
    const state = f.get('status')?.split(/\s+/)[2];
    if (state === 'not-installed' || state === 'config-files') return 'skip';
    return `package ${name} has no Version field`;
  }
  const record: DpkgRecord = {
    name,
    version,
    source: sourceOf(f, name, version),
    conffiles: conffilesOf(f.get('conffiles')),
    line: stanza.line,
  };
  const arch = f.get('architecture');
  if (arch) record.arch = arch;
  const multiArch = f.get('multi-arch');
  if (multiArch) record.multiArch = multiArch;
  const status = f.get('status')?.split(/\s+/);
  if (status && status.length === 3)
    record.status = { want: status[0] ?? '', flag: status[1] ?? '', state: status[2] ?? '' };
  return record;
}

const MAX_STANZA_ERRORS = 20;

/** Parse a status file (or a status.d file): every package stanza, installed or not. */
export function parseDpkgStatus(text: string): DpkgStatusParse {
  const { stanzas, errors } = parseControlStanzas(text);
  const records: DpkgRecord[] = [];
  // Like syntax errors, stanza errors are listed up to a cap and then counted: a hostile status file
  // of 100,000 broken stanzas must not become 100,000 problems.
  let unlisted = 0;
  for (const stanza of stanzas) {
    const r = recordOf(stanza);
    if (typeof r !== 'string') records.push(r);
    else if (r !== 'skip') {
      if (errors.length < MAX_STANZA_ERRORS) errors.push({ line: stanza.line, message: r });
      else unlisted++;
    }
  }
  if (unlisted > 0) errors.push({ line: 0, message: `${unlisted} more invalid stanzas not listed` });
  return { records, errors };
}
