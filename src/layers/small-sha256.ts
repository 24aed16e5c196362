/**
 * SHA-256 (FIPS 180-4) of a short input, in JavaScript, written into a caller's buffer.
 *
 * Why: every regular file gets its SHA-256, and images hold hundreds of thousands of tiny files
 * (a 300,000-file synthetic layer, node_modules' one-line index.js files). For them node:crypto's
 * fixed cost per call (about 1.7 us for `crypto.hash` on the bench machine, plus a Buffer for the
 * result) is several times the work: one or two 64-byte blocks compress here in 0.6-1.5 us and
 * allocate nothing. Longer inputs go to node:crypto (SHA extensions, ~1.6 GB/s).
 * A property test compares every length up to several blocks with node:crypto.
 */

/** Inputs up to this many bytes take at most two blocks (the padding needs 9 bytes). */
export const SMALL_SHA256_MAX_BYTES = 119;

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Scratch state, reused by every call (JavaScript runs one call at a time). */
const W = new Int32Array(64);
const H = new Int32Array(8);
const BLOCKS = new Uint8Array(128);

/** SHA-256 of `data` (at most SMALL_SHA256_MAX_BYTES) into `out[offset .. offset + 32)`. */
export function smallSha256(data: Uint8Array, out: Uint8Array, offset = 0): void {
  const n = data.length;
  if (n > SMALL_SHA256_MAX_BYTES)
    throw new RangeError(`smallSha256 takes at most ${SMALL_SHA256_MAX_BYTES} bytes`);
  H.set(INITIAL);
  BLOCKS.fill(0);
  BLOCKS.set(data);
  BLOCKS[n] = 0x80;
  const end = n < 56 ? 64 : 128;
  const bits = n * 8; // < 2^10: the 64-bit length is its last two bytes
  BLOCKS[end - 2] = bits >>> 8;
  BLOCKS[end - 1] = bits & 0xff;
  compress(BLOCKS, 0);
  if (end === 128) compress(BLOCKS, 64);
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    const at = offset + i * 4;
    out[at] = v >>> 24;
    out[at + 1] = (v >>> 16) & 0xff;
    out[at + 2] = (v >>> 8) & 0xff;
    out[at + 3] = v & 0xff;
  }
}

function compress(b: Uint8Array, o: number): void {
  for (let i = 0; i < 16; i++) {
    const j = o + i * 4;
    W[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!;
    const y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b1 = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + s1 + ch + K[i]! + W[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b1) ^ (a & c) ^ (b1 & c);
    const t2 = (s0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b1;
    b1 = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b1) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}
