import { Transform, type TransformCallback } from 'node:stream';

/**
 * Walks the frame and block headers of a zstd stream without decompressing, so we can tell a
 * complete stream from a truncated one. Node's native zstd decompressor ends quietly on a truncated
 * frame (nodejs/node#64592), and a silently short layer must never pass as a good one.
 *
 * Format (RFC 8878): frames are `magic, frame header, blocks..., [checksum]`; skippable frames are
 * `magic 0x184D2A5?, u32 size, data`. Each block header is 3 bytes: last flag, type, size.
 */
const Field = {
  Magic: 0,
  SkippableSize: 1,
  FrameHeaderDescriptor: 2,
  BlockHeader: 3,
  FrameHeaderRest: 4,
} as const;
type Field = (typeof Field)[keyof typeof Field];
/** Bytes of each field, indexed by Field (the frame header's rest has the length its descriptor says). */
const FIELD_BYTES = [4, 4, 1, 3, 0] as const;

const ZSTD_MAGIC = 0xfd2fb528;
const DICT_ID_BYTES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;

/**
 * A frame header declares a window or content size larger than the caller's bound. A decoder sizes
 * its buffers from these (fzstd, Node 20's JavaScript path, allocates the window up front: five
 * frames claiming 2 GB in a 10 KB layer took 9.8 GB), so the frame is refused before any decoding.
 */
export class ZstdDeclaredTooLarge extends Error {
  constructor(
    readonly what: 'window' | 'content size',
    readonly declared: number,
    readonly bound: number,
  ) {
    super(`zstd: a frame header declares a ${what} of ${declared} bytes, over the bound of ${bound}`);
  }
}

/**
 * The largest window a frame may declare: the reference decoder's default limit (windowLog 27,
 * ZSTD_WINDOWLOG_LIMIT_DEFAULT), which Node's native zstd keeps too. Frames that need more were made
 * with `--long` and need `--memory` to decode with zstd itself.
 */
export const ZSTD_MAX_WINDOW_BYTES = 128 * 1024 * 1024;

export class ZstdFrameTracker {
  private field: Field = Field.Magic;
  private readonly bytes = Buffer.alloc(16);
  private restBytes = 0;
  private singleSegment = false;
  private descriptor = 0;

  private readonly maxWindow: number;

  /**
   * @param maxContentBytes refuse frames declaring a bigger content size or window (default: no bound
   *   on content; a window is always bounded by ZSTD_MAX_WINDOW_BYTES)
   */
  constructor(private readonly maxContentBytes = Number.POSITIVE_INFINITY) {
    this.maxWindow = Math.min(maxContentBytes, ZSTD_MAX_WINDOW_BYTES);
  }
  private have = 0;
  /** Bytes to pass over (header rest, block content) before the next field. */
  private skip = 0;
  private checksum = false;
  private frames = 0;

  /** Feed the next stored bytes; throws when they cannot be zstd. */
  update(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - i);
        this.skip -= k;
        i += k;
        continue;
      }
      const need = this.field === Field.FrameHeaderRest ? this.restBytes : FIELD_BYTES[this.field];
      while (this.have < need && i < n) this.bytes[this.have++] = chunk[i++]!;
      if (this.have < need) return;
      this.have = 0;
      this.onField();
    }
  }

  /** True when the bytes so far end exactly after a complete frame. */
  get complete(): boolean {
    return this.frames > 0 && this.field === Field.Magic && this.have === 0 && this.skip === 0;
  }

  private onField(): void {
    const b = this.bytes;
    switch (this.field) {
      case Field.Magic: {
        const magic = b.readUInt32LE(0);
        if (magic === ZSTD_MAGIC) this.field = Field.FrameHeaderDescriptor;
        else if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) this.field = Field.SkippableSize;
        else throw new Error('zstd: bad frame magic number');
        return;
      }
      case Field.SkippableSize:
        this.skip = b.readUInt32LE(0);
        this.field = Field.Magic;
        return;
      case Field.FrameHeaderDescriptor: {
        const d = b[0]!;
        if (d & 0x08) throw new Error('zstd: reserved bit set in frame header');
        const singleSegment = (d >> 5) & 1;
        const contentSizeFlag = d >> 6;
        this.checksum = ((d >> 2) & 1) === 1;
        this.singleSegment = singleSegment === 1;
        this.descriptor = d;
        this.restBytes =
          (singleSegment ? 0 : 1) +
          DICT_ID_BYTES[d & 3]! +
          (contentSizeFlag === 0 ? singleSegment : CONTENT_SIZE_BYTES[contentSizeFlag]!);
        this.field = this.restBytes > 0 ? Field.FrameHeaderRest : Field.BlockHeader;
        return;
      }
      case Field.FrameHeaderRest:
        this.checkDeclaredSizes();
        this.field = Field.BlockHeader;
        return;
      case Field.BlockHeader: {
        const h = b[0]! | (b[1]! << 8) | (b[2]! << 16);
        const last = h & 1;
        const type = (h >> 1) & 3;
        if (type === 3) throw new Error('zstd: reserved block type');
        // An RLE block stores one byte however long it expands.
        this.skip = type === 1 ? 1 : h >>> 3;
        if (last) {
          if (this.checksum) this.skip += 4;
          this.frames++;
          this.field = Field.Magic;
        }
        return;
      }
    }
  }
  /** RFC 8878 3.1.1.1: the window descriptor (unless single segment) and the frame content size. */
  private checkDeclaredSizes(): void {
    const b = this.bytes;
    const d = this.descriptor;
    let at = 0;
    if (!this.singleSegment) {
      const exponent = b[0]! >> 3;
      const base = 2 ** (10 + exponent);
      const window = base + (base / 8) * (b[0]! & 7);
      if (window > this.maxWindow) throw new ZstdDeclaredTooLarge('window', window, this.maxWindow);
      at = 1;
    }
    at += DICT_ID_BYTES[d & 3]!;
    const fcsBytes = d >> 6 === 0 ? (this.singleSegment ? 1 : 0) : CONTENT_SIZE_BYTES[d >> 6]!;
    let size = 0;
    for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + b[at + i]!;
    if (fcsBytes === 2) size += 256;
    if (fcsBytes > 0 && size > this.maxContentBytes) {
      throw new ZstdDeclaredTooLarge('content size', size, this.maxContentBytes);
    }
    // A single-segment frame's content size is its window: the decoder allocates all of it.
    if (this.singleSegment && size > this.maxWindow)
      throw new ZstdDeclaredTooLarge('window', size, this.maxWindow);
  }
}

/**
 * A pass-through that fails at the end when the zstd stream it saw stops inside a frame, and at once
 * on a frame header declaring more content than `maxContentBytes` or a window over the bound.
 */
export class ZstdFrameCheck extends Transform {
  private readonly tracker: ZstdFrameTracker;

  constructor(maxContentBytes?: number) {
    super();
    this.tracker = new ZstdFrameTracker(maxContentBytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.tracker.update(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.tracker.complete ? null : new Error('zstd: unexpected end of data (incomplete frame)'));
  }
}
