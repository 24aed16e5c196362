import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normaliseDpkgPath } from '../../../src/catalog/os/dpkg-info.js';

/** The plain rule, segment by segment: what the fast path for already-normal lines must agree with. */
function reference(raw: string): string | undefined {
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return undefined;
  return segments.join('/');
}

describe('normaliseDpkgPath', () => {
  it('agrees with the segment-by-segment rule on any mix of slashes, dots and names', () => {
    const piece = fc.constantFrom('/', '.', '..', 'a', 'b.c', '.x', '..y', 'z..');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const raw = parts.join('');
        expect(normaliseDpkgPath(raw)).toBe(reference(raw));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps a plain line as it is, without the leading slash', () => {
    expect(normaliseDpkgPath('/usr/share/doc/bash/copyright')).toBe('usr/share/doc/bash/copyright');
    expect(normaliseDpkgPath('/.')).toBeUndefined();
    expect(normaliseDpkgPath('/usr/./lib/../x')).toBeUndefined();
    expect(normaliseDpkgPath('/usr//lib/')).toBe('usr/lib');
  });
});
