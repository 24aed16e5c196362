/**
 * Extended attributes from a tar entry's PAX records, with their values byte for byte.
 *
 * Go's archive/tar (Docker, containerd, umoci, buildkit) writes an xattr as the PAX record
 * `SCHILY.xattr.NAME=<raw bytes>`; libarchive (bsdtar) writes `LIBARCHIVE.xattr.<url-encoded NAME>=
 * <base64>`. A file capability (`security.capability`) is a binary struct, so its value must be read
 * as bytes: decoding it as UTF-8 would replace bytes >= 0x80 (the bit of
 * cap_setuid, cap_sys_nice, cap_setfcap...) with U+FFFD; the tar reader keeps PAX values as bytes.
 *
 * Values are kept as base64 strings (JSON-serialisable for the layer-index cache). Records follow
 * Go's rules (pax-records): a later record for the same key wins; an empty value is no xattr.
 * Global (`g`) headers never apply to an entry, as in Go's reader and containerd.
 */
export type Xattrs = Record<string, string>;

const SCHILY = 'SCHILY.xattr.';
const LIBARCHIVE = 'LIBARCHIVE.xattr.';
/** Bound on one entry's xattrs (Linux caps a value at 64 KiB; a layer holds at most a few per file). */
const MAX_XATTRS = 64;

/** The xattrs among an entry's PAX records (see tar-reader), or undefined when there are none. */
export function xattrsFromPax(records: ReadonlyMap<string, Buffer> | null): Xattrs | undefined {
  if (records === null) return undefined;
  let out: Xattrs | undefined;
  for (const [key, raw] of records) {
    // An empty value is no xattr (Go's mergePAX skips empty records).
    if (raw.length === 0) continue;
    let name: string | undefined;
    let value: string | undefined;
    if (key.startsWith(SCHILY)) {
      name = Buffer.from(key.slice(SCHILY.length), 'latin1').toString('utf8');
      value = raw.toString('base64');
    } else if (key.startsWith(LIBARCHIVE)) {
      name = safeDecode(key.slice(LIBARCHIVE.length));
      value = Buffer.from(raw.toString('latin1'), 'base64').toString('base64');
    }
    if (name === undefined || name === '') continue;
    out ??= {};
    if (Object.keys(out).length < MAX_XATTRS) out[name] = value ?? '';
  }
  return out;
}

function safeDecode(name: string): string | undefined {
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
}
