import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  debianChangelogProbe,
  debianChangelogText,
  HEAD_BYTES,
} from '../../../src/catalog/changelog/debian-changelog-probe.js';

/** Feed `bytes` to a probe run in pieces cut at `cuts`, as a layer reader's chunks would come. */
function run(bytes: Buffer, cuts: number[]) {
  const probe = debianChangelogProbe.start('usr/share/doc/p/changelog.Debian.gz', bytes.byteLength);
  let at = 0;
  for (const cut of [
    ...cuts.map((c) => c % (bytes.byteLength + 1)).sort((a, b) => a - b),
    bytes.byteLength,
  ]) {
    if (cut > at) probe.write(bytes.subarray(at, cut));
    at = Math.max(at, cut);
  }
  return probe.end();
}

describe('debian changelog probe', () => {
  it('keeps the same head of a gzip changelog however the layer cuts it', () => {
    const line = fc.stringMatching(/^[ -~]{0,70}$/);
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 4000 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (lines, cuts) => {
          const text = lines.join('\n');
          const gz = gzipSync(Buffer.from(text, 'latin1'));
          const head = run(gz, cuts);
          expect(head).toEqual(run(gz, []));
          expect(debianChangelogText(head!)).toBe(text.slice(0, HEAD_BYTES));
          expect(head?.complete).toBe(text.length < HEAD_BYTES);
        },
      ),
      { numRuns: 150 },
    );
  });
});
