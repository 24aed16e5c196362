import { describe, expect, it } from 'vitest';
import { normalizeEntryPath, parentPath } from '../../src/layers/paths.js';
import { ImageChangelogError } from '../../src/util/errors.js';

describe('normalizeEntryPath', () => {
  it.each([
    ['usr/bin/env', 'usr/bin/env'],
    ['./usr/bin/env', 'usr/bin/env'],
    ['/usr/bin/env', 'usr/bin/env'],
    ['//usr//bin///env', 'usr/bin/env'],
    ['usr/./bin/./env', 'usr/bin/env'],
    ['./etc/', 'etc'],
    ['etc/.', 'etc'],
    ['.hidden/..dots/.wh.x', '.hidden/..dots/.wh.x'],
    ['...', '...'],
  ])('normalises %j to %j', (name, expected) => {
    expect(normalizeEntryPath(name)).toBe(expected);
  });

  it('accepts name segments of up to 255 bytes (NAME_MAX), multibyte ones measured in bytes', () => {
    const longest = `usr/share/${'a'.repeat(255)}/${'é'.repeat(127)}x`;
    expect(normalizeEntryPath(longest)).toBe(longest);
  });

  it.each([
    ['an ASCII segment of 256 bytes', `usr/${'a'.repeat(256)}/x`, 256],
    ['a segment of 128 two-byte characters', `usr/${'é'.repeat(128)}`, 256],
    ['a 1 MiB last segment', `usr/lib/${'a'.repeat(1 << 20)}`, 1 << 20],
  ])('refuses %s with PATH_INVALID naming the layer, in a short line', (_, name, bytes) => {
    const err = (() => {
      try {
        normalizeEntryPath(name, 'sha256:layer');
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ImageChangelogError;
    expect(err).toBeInstanceOf(ImageChangelogError);
    expect(err.code).toBe('PATH_INVALID');
    expect(err.message).toContain(`segment of ${bytes} bytes`);
    expect(err.message).toContain('sha256:layer');
    expect(err.message.length).toBeLessThan(500);
  });

  it.each(['', '.', './', '/', '//', './.', '/./'])('returns null for the root spelled %j', (name) => {
    expect(normalizeEntryPath(name)).toBeNull();
  });

  it.each(['..', '../x', 'a/../b', 'a/..', '/../etc', './a/b/../../..'])(
    'rejects %j with PATH_ESCAPE naming the path and layer',
    (name) => {
      const err = (() => {
        try {
          normalizeEntryPath(name, 'sha256:layer');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ImageChangelogError);
      expect((err as ImageChangelogError).code).toBe('PATH_ESCAPE');
      expect((err as ImageChangelogError).message).toContain(JSON.stringify(name));
      expect((err as ImageChangelogError).message).toContain('sha256:layer');
    },
  );

  it('rejects a NUL byte with PATH_INVALID', () => {
    expect(() => normalizeEntryPath('etc/pass\0wd', 'L')).toThrow(
      expect.objectContaining({ code: 'PATH_INVALID' }),
    );
  });
});

describe('parentPath', () => {
  it('gives the parent, or the root as an empty string', () => {
    expect(parentPath('a/b/c')).toBe('a/b');
    expect(parentPath('a')).toBe('');
  });
});
