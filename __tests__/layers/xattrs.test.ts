import { describe, expect, it } from 'vitest';
import { deserializeLayerIndex, serializeLayerIndex } from '../../src/cache/layer-index-cache.js';
import type { InventoryFile } from '../../src/catalog/types.js';
import { diffFiles } from '../../src/diff/files.js';
import { capabilitiesText, decodeCapabilities } from '../../src/layers/capabilities.js';
import { xattrsFromPax } from '../../src/layers/pax-xattrs.js';
import { parsePaxRecords } from '../../src/layers/pax-records.js';
import { readLayer } from '../../src/layers/read-layer.js';
import { squashLayers } from '../../src/layers/squash.js';
import type { CaptureSpec } from '../../src/layers/types.js';
import { memoryLayer } from '../helpers/memory-layer.js';
import { rawData, rawFile, rawHeader, rawTar } from '../helpers/raw-tar.js';
import { fileList } from '../../src/catalog/file-list.js';

const NO_CAPTURE: CaptureSpec = { globs: [], maxFileBytes: 0, probes: [] };

/** One PAX record `LEN key=value\n`, LEN counting itself. */
function record(key: string, value: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length++;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

function paxHeader(...records: Buffer[]): Buffer {
  const data = Buffer.concat(records);
  return Buffer.concat([
    rawHeader({ name: 'PaxHeaders/x', typeflag: 'x', size: data.length }),
    rawData(data),
  ]);
}

/** vfs_cap_data revision 2: magic (with the effective bit), then permitted/inheritable words. */
function capV2(permitted: bigint, inheritable = 0n, effective = true): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(0x02000000 | (effective ? 1 : 0), 0);
  b.writeUInt32LE(Number(permitted & 0xffffffffn), 4);
  b.writeUInt32LE(Number(inheritable & 0xffffffffn), 8);
  b.writeUInt32LE(Number(permitted >> 32n), 12);
  b.writeUInt32LE(Number(inheritable >> 32n), 16);
  return b;
}

const NET_RAW = 1n << 13n;
const SETUID = 1n << 7n; // byte 0x80: not valid UTF-8 on its own
const BPF = 1n << 39n;

describe('file capabilities', () => {
  it('decodes revision 2 into getcap text, grouping capabilities that share flags', () => {
    expect(decodeCapabilities(capV2(NET_RAW))?.text).toBe('cap_net_raw=ep');
    expect(decodeCapabilities(capV2(NET_RAW | SETUID))?.text).toBe('cap_setuid,cap_net_raw=ep');
    expect(decodeCapabilities(capV2(NET_RAW, SETUID, false))?.text).toBe('cap_setuid=i cap_net_raw=p');
    expect(decodeCapabilities(capV2(BPF))?.each).toEqual(['cap_bpf=ep']);
  });

  it('decodes revision 1 and revision 3 (with its namespace root id), and refuses other shapes', () => {
    const v1 = Buffer.alloc(12);
    v1.writeUInt32LE(0x01000001, 0);
    v1.writeUInt32LE(1 << 10, 4);
    expect(decodeCapabilities(v1)?.text).toBe('cap_net_bind_service=ep');
    const v3 = Buffer.concat([capV2(NET_RAW), Buffer.alloc(4)]);
    v3.writeUInt32LE(0x03000001, 0);
    v3.writeUInt32LE(100000, 20);
    expect(decodeCapabilities(v3)?.text).toBe('cap_net_raw=ep [rootid=100000]');
    expect(decodeCapabilities(Buffer.alloc(20))).toBeUndefined();
    expect(decodeCapabilities(capV2(NET_RAW).subarray(0, 16))).toBeUndefined();
    expect(capabilitiesText({ 'security.capability': Buffer.from('junk').toString('base64') })).toBe(
      'undecodable (4 bytes)',
    );
  });

  it('parses SCHILY and LIBARCHIVE xattr records byte for byte; later records win, empty deletes', () => {
    const cap = capV2(SETUID);
    const parsed = xattrsFromPax(
      parsePaxRecords(
        Buffer.concat([
          record('path', 'x'),
          record('SCHILY.xattr.security.capability', cap),
          record('SCHILY.xattr.user.gone', 'a'),
          record('SCHILY.xattr.user.gone', ''),
          record('LIBARCHIVE.xattr.user.na%3Dme', Buffer.from('hello').toString('base64')),
        ]),
      ),
    );
    expect(parsed).toEqual({
      'security.capability': cap.toString('base64'),
      'user.na=me': Buffer.from('hello').toString('base64'),
    });
    expect(xattrsFromPax(parsePaxRecords(record('path', 'x')))).toBeUndefined();
    // A malformed record fails the whole header (as in Go), never a guess at the xattrs.
    expect(() => parsePaxRecords(Buffer.from('99999 SCHILY.xattr.a=b\n'))).toThrow('invalid length');
  });

  it('keeps binary xattrs of a layer entry exactly, gives them to hardlinks, and carries them through the cache', async () => {
    const cap = capV2(SETUID | NET_RAW);
    const tar = rawTar(
      paxHeader(record('SCHILY.xattr.security.capability', cap), record('SCHILY.xattr.user.note', 'n')),
      rawFile('usr/bin/ping', 'ELF'),
      rawFile('usr/bin/plain', 'x'),
      rawHeader({ name: 'usr/bin/ping2', typeflag: '1', linkname: 'usr/bin/ping' }),
    );
    const index = await readLayer(memoryLayer(tar), NO_CAPTURE);
    const byPath = new Map(index.entries.toArray().map((e) => [e.path, e]));
    expect(byPath.get('usr/bin/ping')?.xattrs).toEqual({
      'security.capability': cap.toString('base64'),
      'user.note': Buffer.from('n').toString('base64'),
    });
    expect(byPath.get('usr/bin/plain')?.xattrs).toBeUndefined();
    expect(capabilitiesText(byPath.get('usr/bin/ping')?.xattrs)).toBe('cap_setuid,cap_net_raw=ep');

    const tree = squashLayers([index]);
    expect(capabilitiesText(tree.entries.get('usr/bin/ping2')?.xattrs)).toBe('cap_setuid,cap_net_raw=ep');

    const again = deserializeLayerIndex(Buffer.concat(serializeLayerIndex(index)));
    expect(again?.entries).toEqual(index.entries);
  });
});

describe('diffFiles and xattrs', () => {
  const file = (xattrs?: Record<string, string>): InventoryFile => ({
    path: 'usr/bin/ping',
    type: 'file',
    mode: 0o755,
    uid: 0,
    gid: 0,
    size: 3,
    sha256: 'a'.repeat(64),
    layer: 0,
    ownership: 'none',
    ...(xattrs ? { xattrs } : {}),
  });
  it('reports a capability gained on otherwise identical files as a metadata change, decoded', () => {
    const cap = { 'security.capability': capV2(NET_RAW).toString('base64') };
    const [change] = diffFiles(fileList([file()]), fileList([file(cap)]));
    expect(change?.kind).toBe('metadata');
    expect(change?.aspects).toEqual(['xattrs']);
    expect(change?.after?.capabilities).toBe('cap_net_raw=ep');
    expect(change?.before?.capabilities).toBeUndefined();
    expect(diffFiles(fileList([file(cap)]), fileList([file({ ...cap })]))).toEqual([]);
  });
});
