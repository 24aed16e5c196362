import { trimTrailingNuls } from '../../util/trim-nul.js';

/**
 * ELF note segments read while a binary streams. The ELF header and the program headers sit at the start
 * of the file, and they say where the PT_NOTE segments are (file offset and size), so the notes can be
 * picked out of the stream as it passes, without the section headers at the end of the file.
 *
 * The one note read today is the systemd package-notes one (https://systemd.io/ELF_PACKAGE_METADATA/):
 * owner `FDO`, type 0xcafe1a7e, a NUL-terminated JSON object such as
 * `{"type":"rpm","name":"systemd","version":"254-1.fc39","architecture":"x86_64","osCpe":"cpe:/o:..."}`.
 */

export interface PackageNote {
  type: string;
  name: string;
  version: string;
  architecture?: string;
  os?: string;
  osVersion?: string;
  osCpe?: string;
  debugInfoUrl?: string;
}

const PT_NOTE = 4;
const NOTE_FDO_PACKAGING_METADATA = 0xcafe1a7e;
/** Program headers beyond this offset are not looked for (linkers put them right after the ELF header). */
const MAX_HEADER_BYTES = 64 * 1024;
/** Note bytes kept per binary; package notes are a few hundred bytes. */
export const MAX_NOTE_BYTES = 64 * 1024;
const MAX_FIELD = 1024;

interface Range {
  offset: number;
  size: number;
  data: Buffer[];
  got: number;
}

interface ElfLayout {
  little: boolean;
  notes: Range[];
}

/** The PT_NOTE ranges of an ELF image whose first bytes are `head`; 'more' when the headers have not all arrived. */
export function parseElfHead(head: Buffer): ElfLayout | 'more' | undefined {
  if (head.length < 64) return 'more';
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const little = data === 1;
  const wide = cls === 2;
  const u16 = (at: number) => (little ? head.readUInt16LE(at) : head.readUInt16BE(at));
  const u32 = (at: number) => (little ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const uword = (at: number) =>
    wide ? Number(little ? head.readBigUInt64LE(at) : head.readBigUInt64BE(at)) : u32(at);
  const phoff = uword(wide ? 32 : 28);
  const phentsize = u16(wide ? 54 : 42);
  const phnum = u16(wide ? 56 : 44);
  if (phnum === 0) return { little, notes: [] };
  if (phentsize < (wide ? 56 : 32)) return undefined;
  const end = phoff + phentsize * phnum;
  if (end > MAX_HEADER_BYTES) return undefined;
  if (head.length < end) return 'more';
  const notes: Range[] = [];
  let budget = MAX_NOTE_BYTES;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (u32(at) !== PT_NOTE) continue;
    const offset = wide ? uword(at + 8) : u32(at + 4);
    const size = wide ? uword(at + 32) : u32(at + 16);
    if (size === 0 || size > budget) continue;
    budget -= size;
    notes.push({ offset, size, data: [], got: 0 });
  }
  return { little, notes };
}

/** Walk the notes of one segment; calls back with each note's owner, type and descriptor. */
function eachNote(
  seg: Buffer,
  little: boolean,
  visit: (owner: string, type: number, desc: Buffer) => void,
): void {
  const u32 = (at: number) => (little ? seg.readUInt32LE(at) : seg.readUInt32BE(at));
  const align4 = (n: number) => (n + 3) & ~3;
  for (let at = 0; at + 12 <= seg.length;) {
    const namesz = u32(at);
    const descsz = u32(at + 4);
    const type = u32(at + 8);
    const nameAt = at + 12;
    const descAt = nameAt + align4(namesz);
    const next = descAt + align4(descsz);
    if (descAt + descsz > seg.length || namesz > seg.length) return;
    const owner = trimTrailingNuls(seg.toString('latin1', nameAt, nameAt + namesz));
    visit(owner, type, seg.subarray(descAt, descAt + descsz));
    at = next;
  }
}

function field(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v.slice(0, MAX_FIELD) : undefined;
}

/** Package notes of one note segment; invalid JSON is a problem string. */
export function readPackageNotes(seg: Buffer, little: boolean, problems: string[]): PackageNote[] {
  const out: PackageNote[] = [];
  eachNote(seg, little, (owner, type, desc) => {
    if (owner !== 'FDO' || type !== NOTE_FDO_PACKAGING_METADATA) return;
    const text = trimTrailingNuls(desc.toString('utf8'));
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      problems.push('package note is not JSON');
      return;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      problems.push('package note is not a JSON object');
      return;
    }
    const o = obj as Record<string, unknown>;
    const [t, name, version] = [field(o, 'type'), field(o, 'name'), field(o, 'version')];
    if (!t || !name || !version) {
      problems.push('package note without type, name or version');
      return;
    }
    const note: PackageNote = { type: t, name, version };
    for (const key of ['architecture', 'os', 'osVersion', 'osCpe', 'debugInfoUrl'] as const) {
      const v = field(o, key);
      if (v !== undefined) note[key] = v;
    }
    out.push(note);
  });
  return out;
}

/** Collects the PT_NOTE ranges as the file streams past. */
export class NoteCollector {
  private offset = 0;

  constructor(private readonly layout: ElfLayout) {}

  /** `chunk` starts at file offset `at`. */
  write(chunk: Buffer, at: number): void {
    this.offset = at + chunk.length;
    for (const r of this.layout.notes) {
      const from = Math.max(r.offset, at);
      const to = Math.min(r.offset + r.size, at + chunk.length);
      if (from >= to) continue;
      r.data.push(Buffer.from(chunk.subarray(from - at, to - at)));
      r.got += to - from;
    }
  }

  get pending(): boolean {
    return this.layout.notes.some((r) => r.offset + r.size > this.offset);
  }

  notes(problems: string[]): PackageNote[] {
    const out: PackageNote[] = [];
    for (const r of this.layout.notes)
      if (r.got === r.size)
        out.push(...readPackageNotes(Buffer.concat(r.data), this.layout.little, problems));
    return out;
  }
}
