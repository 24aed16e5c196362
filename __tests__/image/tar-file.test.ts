import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TarFile } from '../../src/image/tar-file.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { gnuLongName, rawData, rawFile, rawHeader, rawTar } from '../helpers/raw-tar.js';
import { makeTar } from '../helpers/tar.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tar-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tarFile(bytes: Buffer): Promise<string> {
  const path = join(dir, `t${n++}.tar`);
  await writeFile(path, bytes);
  return path;
}

async function openError(bytes: Buffer, options = {}): Promise<ImageChangelogError> {
  const err: unknown = await TarFile.open(await tarFile(bytes), options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ImageChangelogError))
    throw new Error(`expected an ImageChangelogError, got ${String(err)}`);
  return err;
}

describe('TarFile', () => {
  it('reads members in place, again and again, without extracting', async () => {
    const big = Buffer.alloc(70_000, 'x');
    const tar = await TarFile.open(
      await tarFile(
        await makeTar([
          { name: 'dir/' },
          { name: 'dir/a.txt', content: 'hello' },
          { name: 'big', content: big },
          { name: 'empty', content: '' },
        ]),
      ),
    );
    try {
      expect(tar.names()).toEqual(['dir', 'dir/a.txt', 'big', 'empty']);
      expect(await text(tar.openMember('dir/a.txt'))).toBe('hello');
      expect(await text(tar.openMember('./dir/a.txt'))).toBe('hello');
      expect((await text(tar.openMember('big'))).length).toBe(70_000);
      expect(await text(tar.openMember('big'))).toBe(big.toString());
      expect(await text(tar.openMember('empty'))).toBe('');
      expect((await tar.readMember('dir/a.txt', 100)).toString()).toBe('hello');
      expect((await tar.readMemberPrefix('big', 4)).toString()).toBe('xxxx');
      expect(tar.member('dir')?.type).toBe('directory');
    } finally {
      await tar.close();
      await tar.close();
    }
  });

  it('uses PAX path and size and GNU long names, and ignores global headers', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
    const paxRecords = (records: Record<string, string>): Buffer => {
      let body = '';
      for (const [k, v] of Object.entries(records)) {
        const rest = ` ${k}=${v}\n`;
        let len = rest.length + 1;
        while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
        body += `${len}${rest}`;
      }
      return Buffer.from(body);
    };
    const pax = paxRecords({ path: 'pax/very-long-name.txt' });
    const global = paxRecords({ comment: 'global' });
    const bytes = rawTar(
      rawHeader({ name: 'pax_global_header', typeflag: 'g', size: global.length }),
      rawData(global),
      rawHeader({ name: 'PaxHeaders/x', typeflag: 'x', size: pax.length }),
      rawData(pax),
      rawFile('short-name', 'from pax'),
      gnuLongName(long, { name: '', typeflag: '0', size: 8 }, 'from gnu'),
      rawFile('after', 'plain'),
    );
    const tar = await TarFile.open(await tarFile(bytes));
    try {
      expect(tar.names()).toEqual(['pax/very-long-name.txt', long, 'after']);
      expect(await text(tar.openMember('pax/very-long-name.txt'))).toBe('from pax');
      expect(await text(tar.openMember(long))).toBe('from gnu');
      expect(await text(tar.openMember('after'))).toBe('plain');
    } finally {
      await tar.close();
    }
  });

  it('lets the last of duplicate members win and follows links inside the archive', async () => {
    const tar = await TarFile.open(
      await tarFile(
        await makeTar([
          { name: 'a', content: 'first' },
          { name: 'a', content: 'second' },
          { name: 'id/layer.tar', type: 'symlink', linkname: '../a' },
          { name: 'hard', type: 'link', linkname: 'a' },
          { name: 'loop1', type: 'symlink', linkname: 'loop2' },
          { name: 'loop2', type: 'symlink', linkname: 'loop1' },
          { name: 'escape', type: 'symlink', linkname: '../../etc/passwd' },
        ]),
      ),
    );
    try {
      expect(await text(tar.openMember('a'))).toBe('second');
      expect(await text(tar.openMember('id/layer.tar'))).toBe('second');
      expect(await text(tar.openMember('hard'))).toBe('second');
      expect(tar.has('loop1')).toBe(false);
      expect(tar.has('escape')).toBe(false);
      expect(() => tar.openMember('loop1')).toThrow(/no regular file "loop1"/);
      expect(() => tar.openMember('missing')).toThrow(ImageChangelogError);
    } finally {
      await tar.close();
    }
  });

  it('refuses members over the size asked for before reading them', async () => {
    const tar = await TarFile.open(await tarFile(await makeTar([{ name: 'm', content: 'x'.repeat(1000) }])));
    await expect(tar.readMember('m', 999)).rejects.toMatchObject({ code: 'MANIFEST_TOO_LARGE' });
    await expect(tar.readMember('m', 999, 'CONFIG_TOO_LARGE')).rejects.toMatchObject({
      code: 'CONFIG_TOO_LARGE',
    });
    await tar.close();
  });

  it('says a file that is not a tar is not one', async () => {
    const err = await openError(Buffer.from('{"not": "a tar"}'.padEnd(2048, ' ')));
    expect(err.code).toBe('ARCHIVE_INVALID');
    expect(err.message).toContain('not a tar archive');
  });

  it('reports a corrupt header checksum with its offset', async () => {
    const second = rawHeader({ name: 'b', typeflag: '0', size: 0 });
    second[0] = 'c'.charCodeAt(0); // name changed after the checksum was written
    const err = await openError(rawTar(rawFile('a', 'x'), second));
    expect(err.code).toBe('ARCHIVE_INVALID');
    expect(err.message).toContain('checksum does not match');
    expect(err.message).toContain('offset 1024');
  });

  it('refuses a member whose size runs past the end of the file', async () => {
    const err = await openError(
      Buffer.concat([rawHeader({ name: 'a', typeflag: '0', size: 1_000_000 }), rawData('short')]),
    );
    expect(err.code).toBe('ARCHIVE_INVALID');
    expect(err.message).toContain('claims 1000000 bytes');
  });

  it('refuses a truncated header', async () => {
    const bytes = rawFile('a', 'x');
    const err = await openError(
      Buffer.concat([bytes, rawHeader({ name: 'b', typeflag: '0' }).subarray(0, 300)]),
    );
    expect(err.code).toBe('ARCHIVE_INVALID');
    expect(err.message).toContain('truncated');
  });

  it('refuses a PAX header over the limit without reading it', async () => {
    const err = await openError(
      Buffer.concat([
        rawHeader({ name: 'PaxHeaders/x', typeflag: 'x', size: 10 * 1024 * 1024 }),
        Buffer.alloc(10 * 1024 * 1024 + 1024),
      ]),
    );
    expect(err.code).toBe('ARCHIVE_INVALID');
    expect(err.message).toMatch(/extended header of 10485760 bytes is over the \d+-byte limit/);
  });

  it('refuses a malformed PAX record', async () => {
    const pax = Buffer.from('99999 path=x\n');
    const err = await openError(
      rawTar(rawHeader({ name: 'P', typeflag: 'x', size: pax.length }), rawData(pax), rawFile('a', '')),
    );
    expect(err.message).toContain('malformed PAX record');
  });

  it('refuses a size field that is not a number', async () => {
    const h = rawHeader({ name: 'a', typeflag: '0', size: 0 });
    h.write('9zz\0', 124, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const err = await openError(rawTar(h));
    expect(err.message).toContain('invalid size field');
  });

  it('bounds the number of members', async () => {
    const err = await openError(rawTar(rawFile('a', ''), rawFile('b', ''), rawFile('c', '')), {
      maxMembers: 2,
    });
    expect(err.message).toContain('more than 2 members');
  });

  it('says when the archive does not exist', async () => {
    await expect(TarFile.open(join(dir, 'absent.tar'))).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
  });
});
