import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createFileDigestsProbe,
  DEFAULT_FILE_DIGESTS_MAX_BYTES,
  EMPTY_FILE_DIGESTS,
  fileDigestsProbe,
} from '../../../src/catalog/probes/file-digests.js';
import { feed } from '../../helpers/zip.js';

describe('file-digests probe', () => {
  it('computes md5 and sha1 of the streamed content, whatever the chunking', () => {
    const content = Buffer.from('Package files are mostly small.\n'.repeat(1000));
    for (const chunk of [1, 100, content.length]) {
      const run = fileDigestsProbe.start('etc/x', content.length);
      feed(run, content, chunk);
      expect(run.end()).toEqual({
        md5: createHash('md5').update(content).digest('hex'),
        sha1: createHash('sha1').update(content).digest('hex'),
      });
    }
  });

  it('matches non-empty files up to the cap only, and the cap changes the cache version', () => {
    expect(fileDigestsProbe.matches('a', 1, 0o644)).toBe(true);
    expect(fileDigestsProbe.matches('a', DEFAULT_FILE_DIGESTS_MAX_BYTES, 0o644)).toBe(true);
    expect(fileDigestsProbe.matches('a', DEFAULT_FILE_DIGESTS_MAX_BYTES + 1, 0o644)).toBe(false);
    expect(fileDigestsProbe.matches('a', 0, 0o644)).toBe(false);
    const small = createFileDigestsProbe({ maxFileBytes: 10 });
    expect(small.matches('a', 11, 0o644)).toBe(false);
    expect(small.version).not.toBe(fileDigestsProbe.version);
  });

  it('knows the digests of empty content', () => {
    expect(EMPTY_FILE_DIGESTS).toEqual({
      md5: createHash('md5').digest('hex'),
      sha1: createHash('sha1').digest('hex'),
    });
  });
});
