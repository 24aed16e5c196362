import { describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { rawFile } from '../helpers/raw-tar.js';
import { NO_CAPTURE } from './corpus-runner.js';
import { hugeEntryHeader, streamedZeroBomb } from './hostile-tar.js';

/**
 * Memory on a decompression bomb: 2 GiB of tar, gzipped on the fly (nothing big is ever held by the
 * test), read with the default caps except maxUncompressedBytes = 1 GiB. Reading must stop at the
 * cap with LAYER_TOO_LARGE, and the resident set must stay flat: a leak or buffering check with a
 * generous bound, not a timing assertion. The measured peak is printed for the closing note.
 */

const GiB = 1024 ** 3;
const CAP = GiB;
/** Growth of the resident set allowed over the start (the gzip producer runs in this process too). */
const RSS_BOUND = 300 * 1024 * 1024;

async function peakRssWhile(
  run: () => Promise<unknown>,
): Promise<{ start: number; peak: number; outcome: unknown }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const outcome = await run().then(
      () => 'succeeded',
      (error: unknown) => error,
    );
    peak = Math.max(peak, process.memoryUsage.rss());
    return { start, peak, outcome };
  } finally {
    clearInterval(sampler);
  }
}

const MB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

describe('readLayer on a 2 GiB decompression bomb', () => {
  it.each([
    ['one 2 GiB file entry (content streams through hashing)', hugeEntryHeader('zeros', 2 * GiB)],
    ['2 GiB of zero blocks after a small file (read as end-of-archive padding)', rawFile('a', 'A')],
  ])('stops at the 1 GiB cap with flat memory: %s', async (label, head) => {
    const zeros = 2 * GiB;
    const { start, peak, outcome } = await peakRssWhile(() =>
      readLayer(streamedZeroBomb(head, zeros), NO_CAPTURE, { maxUncompressedBytes: CAP }),
    );
    console.log(`bomb (${label}): rss start ${MB(start)}, peak ${MB(peak)}, growth ${MB(peak - start)}`);
    expect(outcome).toBeInstanceOf(ImageChangelogError);
    expect((outcome as ImageChangelogError).code).toBe('LAYER_TOO_LARGE');
    expect((outcome as ImageChangelogError).message).toContain(`past ${CAP} bytes`);
    expect(peak - start).toBeLessThan(RSS_BOUND);
  });
});
