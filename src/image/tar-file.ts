import { constants, createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { FILE_READ_CHUNK_BYTES } from '../util/read-chunks.js';
import { ImageChangelogError, type ErrorCode } from '../util/errors.js';
import { trimTrailingNuls } from '../util/trim-nul.js';

/** One member of a tar file: where its content sits, without reading it. */
export interface TarMember {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  /** Byte offset of the content in the file. */
  offset: number;
  size: number;
  linkname?: string;
}

export interface TarFileOptions {
  /** Largest PAX or GNU long-name header accepted (default 1 MiB). */
  maxExtendedHeader?: number;
  /** Most members indexed (default 1,000,000): archives of images hold few; this bounds memory. */
  maxMembers?: number;
}

const BLOCK = 512;

function normalizeName(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return parts.join('/');
}

function readString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? length : nul).toString('utf8');
}

/** Numeric fields are octal text, or base-256 when the high bit of the first byte is set (GNU). */
function readNumber(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    if ((field[0]! & 0x40) !== 0) return Number.NaN; // negative
    let value = field[0]! & 0x3f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return Number.isSafeInteger(value) ? value : Number.NaN;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : Number.NaN;
}

function checksumOk(block: Buffer): boolean {
  const stored = readNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** PAX records: `<length> <key>=<value>\n`, where length counts the whole record. */
function parsePax(buf: Buffer, bad: (why: string) => Error): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break;
    const space = buf.indexOf(0x20, pos);
    const length = space === -1 ? Number.NaN : Number(buf.toString('latin1', pos, space));
    if (!Number.isSafeInteger(length) || length <= space - pos || pos + length > buf.length)
      throw bad('malformed PAX record');
    const record = buf.toString('utf8', space + 1, pos + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw bad('malformed PAX record');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return out;
}

/**
 * Random access into an uncompressed tar FILE: the headers are scanned once (content skipped by
 * size), then each member is read straight from its offset. Nothing is extracted.
 */
export class TarFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly byName: Map<string, TarMember>,
  ) {}

  static async open(path: string, options: TarFileOptions = {}): Promise<TarFile> {
    let handle: FileHandle;
    try {
      // Without blocking: a FIFO in the archive's place is refused below instead of hanging here.
      handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a directory'
              : (code ?? (err as Error).message);
      throw new ImageChangelogError('IMAGE_NOT_FOUND', `cannot open archive ${path}: ${why}`, {
        subject: path,
        cause: err,
      });
    }
    try {
      const s = await handle.stat();
      if (!s.isFile()) {
        const what = s.isDirectory() ? 'it is a directory' : 'it is not a regular file';
        throw new ImageChangelogError('IMAGE_NOT_FOUND', `cannot open archive ${path}: ${what}`, {
          subject: path,
        });
      }
      const members = await scan(path, handle, options);
      return new TarFile(path, handle, members);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Member names in archive order of last appearance (later duplicates win, as in tar). */
  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.resolve(name, false) !== undefined;
  }

  /** The member holding `name`'s content, following symlinks and hardlinks inside the archive. */
  member(name: string): TarMember | undefined {
    return this.resolve(name, false);
  }

  private resolve(name: string, strict: boolean): TarMember | undefined {
    let current = normalizeName(name);
    for (let hops = 0; hops < 16; hops++) {
      const m = this.byName.get(current);
      if (!m) break;
      if (m.type === 'symlink' && m.linkname !== undefined) {
        if (m.linkname.startsWith('/')) break;
        current = normalizeName(posix.normalize(posix.join(posix.dirname(m.name), m.linkname)));
        if (current.startsWith('..')) break;
        continue;
      }
      if (m.type === 'hardlink' && m.linkname !== undefined) {
        current = normalizeName(m.linkname);
        continue;
      }
      return m;
    }
    if (strict) throw this.error(`no regular file "${name}" in the archive`);
    return undefined;
  }

  /** A fresh stream of a member's content. */
  openMember(name: string): Readable {
    const m = this.resolve(name, true)!;
    if (m.type !== 'file') throw this.error(`"${name}" is not a regular file`);
    if (m.size === 0) return Readable.from([]);
    // Each stream opens the file itself: a destroyed stream on a shared handle would close it for all.
    return createReadStream(this.path, {
      start: m.offset,
      end: m.offset + m.size - 1,
      highWaterMark: FILE_READ_CHUNK_BYTES,
    });
  }

  /** A member's whole content; refuses members over `maxBytes` before reading them. */
  async readMember(
    name: string,
    maxBytes: number,
    tooLargeCode: ErrorCode = 'MANIFEST_TOO_LARGE',
  ): Promise<Buffer> {
    const m = this.resolve(name, true)!;
    if (m.type !== 'file') throw this.error(`"${name}" is not a regular file`);
    if (m.size > maxBytes) {
      throw new ImageChangelogError(
        tooLargeCode,
        `${this.path}: ${name} is ${m.size} bytes, over the ${maxBytes}-byte limit`,
        { subject: name },
      );
    }
    const buf = Buffer.alloc(m.size);
    const { bytesRead } = await this.handle.read(buf, 0, m.size, m.offset);
    if (bytesRead !== m.size) throw this.error(`${name} is truncated`);
    return buf;
  }

  /** The first bytes of a member (fewer when it is shorter), e.g. to sniff compression. */
  async readMemberPrefix(name: string, length: number): Promise<Buffer> {
    const m = this.resolve(name, true)!;
    if (m.type !== 'file') throw this.error(`"${name}" is not a regular file`);
    const buf = Buffer.alloc(Math.min(length, m.size));
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, m.offset);
    return buf.subarray(0, bytesRead);
  }

  async close(): Promise<void> {
    try {
      await this.handle.close();
    } catch {
      // Already closed: close() is safe to call twice.
    }
  }

  private error(what: string): ImageChangelogError {
    return new ImageChangelogError('ARCHIVE_INVALID', `${this.path}: ${what}`, { subject: this.path });
  }
}

async function scan(
  path: string,
  handle: FileHandle,
  options: TarFileOptions,
): Promise<Map<string, TarMember>> {
  const maxExtended = options.maxExtendedHeader ?? 1024 * 1024;
  const maxMembers = options.maxMembers ?? 1_000_000;
  const fileSize = (await handle.stat()).size;
  const members = new Map<string, TarMember>();
  const block = Buffer.alloc(BLOCK);
  let pos = 0;
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  const bad = (why: string, at = pos): ImageChangelogError =>
    new ImageChangelogError('ARCHIVE_INVALID', `${path}: ${why} (tar header at offset ${at})`, {
      subject: path,
    });

  const readContent = async (size: number, offset: number): Promise<Buffer> => {
    if (size > maxExtended)
      throw bad(`extended header of ${size} bytes is over the ${maxExtended}-byte limit`);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, offset);
    if (bytesRead !== size) throw bad('archive ends inside a header');
    return buf;
  };

  while (pos + BLOCK <= fileSize) {
    const { bytesRead } = await handle.read(block, 0, BLOCK, pos);
    if (bytesRead !== BLOCK) throw bad('archive ends inside a header');
    if (block.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumOk(block)) {
      throw bad(
        pos === 0
          ? 'not a tar archive (header checksum does not match)'
          : 'header checksum does not match: the archive is corrupt',
      );
    }
    const typeflag = String.fromCharCode(block[156]!);
    let size = readNumber(block, 124, 12);
    if (pax.has('size')) size = Number(pax.get('size'));
    if (!Number.isSafeInteger(size) || size < 0) throw bad('invalid size field');
    const offset = pos + BLOCK;
    if (offset + size > fileSize)
      throw bad(`member claims ${size} bytes but the archive ends at ${fileSize}`);
    const next = offset + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'x') {
      pax = parsePax(await readContent(size, offset), (why) => bad(why));
    } else if (typeflag === 'g') {
      // Global PAX headers carry defaults (mtime, charset) none of our lookups depend on.
    } else if (typeflag === 'L') {
      longName = trimTrailingNuls((await readContent(size, offset)).toString('utf8'));
    } else if (typeflag === 'K') {
      longLink = trimTrailingNuls((await readContent(size, offset)).toString('utf8'));
    } else {
      const magic = block.toString('latin1', 257, 263);
      const prefix = magic === 'ustar\0' ? readString(block, 345, 155) : '';
      const rawName =
        pax.get('path') ??
        longName ??
        (prefix ? `${prefix}/${readString(block, 0, 100)}` : readString(block, 0, 100));
      const linkname = pax.get('linkpath') ?? longLink ?? readString(block, 157, 100);
      const type: TarMember['type'] =
        typeflag === '0' || typeflag === '\0' || typeflag === '7'
          ? 'file'
          : typeflag === '5'
            ? 'directory'
            : typeflag === '2'
              ? 'symlink'
              : typeflag === '1'
                ? 'hardlink'
                : 'other';
      const name = normalizeName(rawName);
      if (name !== '') {
        members.delete(name); // re-insert so names() reflects the last occurrence
        members.set(name, {
          name,
          type,
          offset,
          size: type === 'file' ? size : 0,
          ...(linkname ? { linkname } : {}),
        });
        if (members.size > maxMembers) throw bad(`more than ${maxMembers} members`);
      }
      pax = new Map();
      longName = undefined;
      longLink = undefined;
    }
    pos = next;
  }
  if (pos + BLOCK > fileSize && pos < fileSize) {
    const rest = Buffer.alloc(fileSize - pos);
    await handle.read(rest, 0, rest.length, pos);
    if (rest.some((b) => b !== 0)) throw bad('archive ends inside a header (truncated)');
  }
  return members;
}
