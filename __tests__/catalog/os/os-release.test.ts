import { describe, expect, it } from 'vitest';
import { findOsRelease, parseOsRelease } from '../../../src/catalog/os/os-release.js';
import type { CatalogContext, TreeEntry } from '../../../src/catalog/types.js';
import { memoryCatalogContext } from '../../helpers/fs-context.js';

const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

const ALMA = `NAME="AlmaLinux"
VERSION="9.3 (Shamrock Pampas Cat)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.3 (Shamrock Pampas Cat)"
`;

function withSymlink(ctx: CatalogContext, path: string, link: string): CatalogContext {
  (ctx.tree.entries as Map<string, TreeEntry>).set(path, {
    path,
    type: 'symlink',
    link,
    mode: 0o777,
    uid: 0,
    gid: 0,
    size: 0,
    layer: 0,
  });
  return ctx;
}

describe('os-release', () => {
  it('reads id, version, codename and pretty name when values are quoted or not', () => {
    expect(parseOsRelease(DEBIAN, 'etc/os-release')).toEqual({
      id: 'debian',
      versionId: '12',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      versionCodename: 'bookworm',
      path: 'etc/os-release',
    });
  });

  it('splits ID_LIKE into words when several are given', () => {
    const r = parseOsRelease(ALMA, 'usr/lib/os-release');
    expect(r.id).toBe('almalinux');
    expect(r.idLike).toEqual(['rhel', 'centos', 'fedora']);
    expect(r.versionId).toBe('9.3');
  });

  it('unescapes shell escapes and joins quoted parts when values use them', () => {
    const text = `# a comment\nPRETTY_NAME="Say \\"hi\\" \\\\ \\$HOME"\nID='my-os'\nVERSION_ID=1.0\\ beta\n  \n`;
    const r = parseOsRelease(text, 'etc/os-release');
    expect(r.prettyName).toBe('Say "hi" \\ $HOME');
    expect(r.id).toBe('my-os');
    expect(r.versionId).toBe('1.0 beta');
  });

  it('defaults the id to linux and skips broken lines when the file is garbage', () => {
    const r = parseOsRelease(
      '\u0000\u0001garbage\nID="unterminated\n=novalue\nPRETTY_NAME\n',
      'etc/os-release',
    );
    expect(r).toEqual({ id: 'linux', path: 'etc/os-release' });
  });

  it('prefers etc/os-release over usr/lib/os-release when both exist', () => {
    const ctx = memoryCatalogContext({ 'etc/os-release': 'ID=admin\n', 'usr/lib/os-release': DEBIAN });
    expect(findOsRelease(ctx)?.id).toBe('admin');
  });

  it('follows the etc/os-release symlink when it points into usr/lib', () => {
    const ctx = withSymlink(
      memoryCatalogContext({ 'usr/lib/os-release': DEBIAN }),
      'etc/os-release',
      '../usr/lib/os-release',
    );
    expect(findOsRelease(ctx)).toMatchObject({ id: 'debian', path: 'etc/os-release' });
  });

  it('follows an absolute symlink to a file elsewhere when the vendor copy is absent', () => {
    const ctx = withSymlink(
      memoryCatalogContext({ 'usr/lib/os-release.d/real': ALMA }),
      'etc/os-release',
      '/usr/lib/os-release.d/real',
    );
    expect(findOsRelease(ctx)?.id).toBe('almalinux');
  });

  it('stops on a symlink loop and returns nothing when no file exists', () => {
    const ctx = memoryCatalogContext({});
    withSymlink(ctx, 'etc/os-release', 'os-release2');
    withSymlink(ctx, 'etc/os-release2', 'os-release');
    expect(findOsRelease(ctx)).toBeUndefined();
  });
});
