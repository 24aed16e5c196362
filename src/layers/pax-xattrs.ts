import type { Extract } from 'tar-stream';

/**
 * Extended attributes from a tar entry's PAX records, with their values byte for byte.
 *
 * Go's archive/tar (Docker, containerd, umoci, buildkit) writes an xattr as the PAX record
 * `SCHILY.xattr.NAME=<raw bytes>`; libarchive (bsdtar) writes `LIBARCHIVE.xattr.<url-encoded NAME>=
 * <base64>`. A file capability (`security.capability`) is a binary struct, so its value must be read
 * as bytes: tar-stream decodes every PAX value as UTF-8, which replaces bytes >= 0x80 (the bit of
 * cap_setuid, cap_sys_nice, cap_setfcap...) with U+FFFD. We therefore parse the raw PAX block
 * ourselves, alongside tar-stream (see `watchPaxXattrs`).
 *
 * Values are kept as base64 strings (JSON-serialisable for the layer-index cache). Records follow
 * Go's rules: a later record for the same key wins; an empty value deletes the key. Global (`g`)
 * headers are ignored for xattrs, as Go's reader and containerd ignore them.
 */
export type Xattrs = Record<string, string>;

const SCHILY = 'SCHILY.xattr.';
const LIBARCHIVE = 'LIBARCHIVE.xattr.';
/** Bound on one entry's xattrs (Linux caps a value at 64 KiB; a layer holds at most a few per file). */
const MAX_XATTRS = 64;

/** The xattrs a PAX extended-header block names, or undefined when it names none. */
export function parsePaxXattrs(block: Buffer): Xattrs | undefined {
  let out: Xattrs | undefined;
  let at = 0;
  while (at < block.length) {
    const space = block.indexOf(0x20, at);
    if (space < 0 || space - at > 20) break;
    const length = Number(block.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= space - at + 1 || at + length > block.length) break;
    const end = at + length; // the record ends with '\n' at end - 1
    const eq = block.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= end) break;
    const key = block.toString('utf8', space + 1, eq);
    const raw = block.subarray(eq + 1, block[end - 1] === 0x0a ? end - 1 : end);
    at = end;
    let name: string | undefined;
    let value: string | undefined;
    if (key.startsWith(SCHILY)) {
      name = key.slice(SCHILY.length);
      value = raw.toString('base64');
    } else if (key.startsWith(LIBARCHIVE)) {
      name = safeDecode(key.slice(LIBARCHIVE.length));
      value = Buffer.from(raw.toString('latin1'), 'base64').toString('base64');
    }
    if (name === undefined || name === '') continue;
    out ??= {};
    if (raw.length === 0) delete out[name];
    else if (name in out || Object.keys(out).length < MAX_XATTRS) out[name] = value ?? '';
  }
  return out !== undefined && Object.keys(out).length > 0 ? out : undefined;
}

function safeDecode(name: string): string | undefined {
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
}

/** The parts of tar-stream's extractor this hook relies on (stable since tar-stream 3.0). */
interface ExtractInternals {
  _decodeLongHeader?: (buf: Buffer) => void;
  _header?: { type?: string } | null;
}

/**
 * Call `onPax` with the xattrs of each PAX (`x`) header the extractor decodes, before the entry it
 * belongs to is emitted. tar-stream offers no hook for the raw block, so this wraps its decoder on
 * this one instance; tests over binary capability values fail loudly should that decoder move.
 */
export function watchPaxXattrs(extract: Extract, onPax: (xattrs: Xattrs | undefined) => void): void {
  const internals = extract as unknown as ExtractInternals;
  const decode = internals._decodeLongHeader;
  if (typeof decode !== 'function') {
    throw new Error('tar-stream no longer decodes long headers in _decodeLongHeader: xattrs cannot be read');
  }
  internals._decodeLongHeader = function (this: ExtractInternals, buf: Buffer): void {
    decode.call(this, buf);
    if (this._header?.type === 'pax-header') onPax(parsePaxXattrs(buf));
  };
}
