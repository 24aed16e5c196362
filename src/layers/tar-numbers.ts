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
  return parseOctalAt(field, 0, field.length);
}

/** parseOctalField over `length` bytes of `bytes` from `offset`, without a view of them. */
export function parseOctalAt(bytes: Uint8Array, offset: number, length: number): number | null {
  let start = offset;
  let end = offset + length;
  while (start < end && isFieldPadding(bytes[start]!)) start++;
  while (end > start && isFieldPadding(bytes[end - 1]!)) end--;
  if (start === end) return 0;
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === 0) break; // Go's parseString: the value ends at the first NUL left
    const digit = byte - 0x30;
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
  if (field.length > 0 && (field[0]! & 0x80) !== 0) return parseBase256(field, 0, field.length);
  const octal = parseOctalField(field);
  return octal === null ? null : BigInt(octal);
}

/**
 * A numeric field's value as a number when it is a safe integer (every octal field, and nearly every
 * base-256 one), else as the exact BigInt; null where Go reports ErrHeader. The header decoder's form:
 * no BigInt and no view per field in the common case.
 */
export type TarNumber = number | bigint;

export function parseNumericAt(bytes: Uint8Array, offset: number, length: number): TarNumber | null {
  if (length > 0 && (bytes[offset]! & 0x80) !== 0) {
    const value = parseBase256(bytes, offset, length);
    if (value === null) return null;
    return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
  }
  return parseOctalAt(bytes, offset, length);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function parseBase256(bytes: Uint8Array, offset: number, length: number): bigint | null {
  const invert = (bytes[offset]! & 0x40) !== 0 ? 0xff : 0;
  let x = 0n;
  for (let i = 0; i < length; i++) {
    let byte = bytes[offset + i]! ^ invert;
    if (i === 0) byte &= 0x7f;
    if (x >> 56n > 0n) return null; // overflow
    x = (x << 8n) | BigInt(byte);
  }
  if (x >> 63n > 0n) return null;
  return invert === 0xff ? -x - 1n : x;
}
