import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/util/atomic-write.js';

describe('atomic-write', () => {
  it('writes the whole file and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-'));
    await writeFileAtomic(join(dir, 'sub', 'out.json'), '{"a":1}');
    expect(readFileSync(join(dir, 'sub', 'out.json'), 'utf8')).toBe('{"a":1}');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['out.json']);
  });

  it('writes into /dev/null without replacing the device by a plain file', async () => {
    await writeFileAtomic('/dev/null', 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});
