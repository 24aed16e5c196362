/**
 * Number parsing exactly as Go's archive/tar and strconv do it (Docker and containerd read layers
 * with them). Each returns null where Go reports an error, so a caller can refuse the layer there
 * instead of guessing a value (JavaScript's parseInt reads "512abc" as 512 and reframes the archive).
 */

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits only; int64 range. The result
 * is a BigInt so no precision is lost; callers decide which range they accept.
 */
export function parseGoInt(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const value = BigInt(s);
  return value > INT64_MAX || value < INT64_MIN ? null : value;
}

/** A Go integer that also fits a JavaScript number exactly, or null. */
export function parseGoSafeInt(s: string): number | null {
  const value = parseGoInt(s);
  if (value === null || value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    return null;
  }
  return Number(value);
}

/**
 * Go's parsePAXTime: whole seconds (ParseInt), optionally `.` and digits (sub-second, truncated).
 * Returns whole seconds, or null where Go fails the header.
 */
export function parsePaxTime(s: string): number | null {
  const dot = s.indexOf('.');
  const seconds = parseGoSafeInt(dot < 0 ? s : s.slice(0, dot));
  if (seconds === null) return null;
  if (dot >= 0 && !/^[0-9]*$/.test(s.slice(dot + 1))) return null;
  return seconds;
}

function isFieldPadding(byte: number): boolean {
  return byte === 0x20 || byte === 0;
}

/**
 * Go's parser.parseOctal: trim spaces and NULs at both ends, cut at the first NUL left, then every
 * character must be an octal digit (an empty field is 0).
 */
export function parseOctalField(field: Buffer): number | null {
  let start = 0;
  let end = field.length;
  while (start < end && isFieldPadding(field[start]!)) start++;
  while (end > start && isFieldPadding(field[end - 1]!)) end--;
  if (start === end) return 0;
  const nul = field.indexOf(0, start);
  if (nul >= 0 && nul < end) end = nul;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = field[i]! - 0x30;
    if (digit < 0 || digit > 7) return null;
    value = value * 8 + digit;
  }
  // A 12-byte field holds at most 12 octal digits (2^36): always exact.
  return value;
}

/**
 * Go's parser.parseNumeric: base-256 (GNU binary: the first byte's top bit set, the next bit the
 * sign) or octal. Returns a BigInt (base-256 reaches 2^63), or null where Go reports ErrHeader.
 */
export function parseNumericField(field: Buffer): bigint | null {
  if (field.length > 0 && (field[0]! & 0x80) !== 0) {
    const invert = (field[0]! & 0x40) !== 0 ? 0xff : 0;
    let x = 0n;
    for (let i = 0; i < field.length; i++) {
      let byte = field[i]! ^ invert;
      if (i === 0) byte &= 0x7f;
      if (x >> 56n > 0n) return null; // overflow
      x = (x << 8n) | BigInt(byte);
    }
    if (x >> 63n > 0n) return null;
    return invert === 0xff ? -x - 1n : x;
  }
  const octal = parseOctalField(field);
  return octal === null ? null : BigInt(octal);
}
