import { parseGoInt } from './tar-numbers.js';
import { TarHeaderError } from './tar-header.js';

/** Keys whose value is a USTAR string field: Go refuses a NUL in their value. */
const STRING_KEYS = new Set(['path', 'linkpath', 'uname', 'gname']);

/**
 * The records of a PAX extended header ('x' or 'g'), parsed as Go's archive/tar parses them
 * (strconv.go parsePAXRecord): `LEN key=value\n` where LEN is a decimal (sign allowed) counting the
 * whole record, at least 5 and within the data; the record must end in a newline; the key is
 * non-empty; NUL is refused in the key, and in the value of the four string keys. Any violation
 * fails the whole header, as in Go: never a best guess at the path. A later record of the same
 * key replaces an earlier one. GNU sparse 0.0 offset/numbytes pairs are reported by their keys,
 * which is all the caller needs to refuse sparse files.
 * Values are returned as bytes (a path need not be UTF-8).
 */
export function parsePaxRecords(data: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) throw new TarHeaderError('holds a PAX record without a length');
    const length = parseGoInt(data.toString('latin1', at, space));
    const left = data.length - at;
    if (length === null || length < 5n || length > BigInt(left)) {
      throw new TarHeaderError('holds a PAX record with an invalid length');
    }
    const end = at + Number(length);
    if (end - 1 <= space || data[end - 1] !== 0x0a) {
      throw new TarHeaderError('holds a PAX record that does not end in a newline where its length says');
    }
    const record = data.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw new TarHeaderError('holds a PAX record without a key');
    const key = record.toString('latin1', 0, equals);
    const value = record.subarray(equals + 1);
    if (STRING_KEYS.has(key) ? value.includes(0) : key.includes('\0')) {
      throw new TarHeaderError(`holds a PAX record ${JSON.stringify(key)} with a NUL byte`);
    }
    records.set(key, value);
    at = end;
  }
  return records;
}
