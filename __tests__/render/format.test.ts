import { describe, expect, it } from 'vitest';
import type { FileChange, FileState } from '../../src/diff/types.js';
import {
  byImportance,
  fileDetails,
  formatBytesPair,
  formatExactBytes,
  formatSizeDelta,
  settingValues,
} from '../../src/render/format.js';

describe('format', () => {
  it('groups exact bytes by thousands', () => {
    expect(formatExactBytes(7)).toBe('7 B');
    expect(formatExactBytes(1234)).toBe('1,234 B');
    expect(formatExactBytes(6_912_345)).toBe('6,912,345 B');
  });

  it('shows exact bytes when two different sizes round to the same text', () => {
    expect(formatBytesPair(1234, 1236)).toEqual(['1,234 B', '1,236 B']);
    expect(formatBytesPair(6_912_345, 6_898_000)).toEqual(['6,912,345 B', '6,898,000 B']);
  });

  it('keeps rounded sizes when they already differ or the sizes are equal', () => {
    expect(formatBytesPair(659_000, 826_000)).toEqual(['659 kB', '826 kB']);
    expect(formatBytesPair(1234, 1234)).toEqual(['1.2 kB', '1.2 kB']);
  });

  it('says <0.1% instead of a rounded zero percent', () => {
    expect(formatSizeDelta(10_000_000, 10_001_700)).toBe('+1.7 kB (<0.1%)');
    expect(formatSizeDelta(10_001_700, 10_000_000)).toBe('-1.7 kB (<0.1%)');
    expect(formatSizeDelta(1000, 1254)).toBe('+254 B (+25.4%)');
    expect(formatSizeDelta(5, 5)).toBe('±0');
  });

  it('formats size settings as a pair and leaves other settings alone', () => {
    expect(settingValues('size.compressed', '6912345', '6898000')).toEqual(['6,912,345 B', '6,898,000 B']);
    expect(settingValues('size.compressed', undefined, '6898000')).toEqual([undefined, '6.9 MB']);
    expect(settingValues('user', '1000', '0')).toEqual(['1000', '0']);
  });

  it('describes a content change by its sizes, exact when rounding hides the difference', () => {
    const state = (size: number): FileState => ({
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size,
      layer: 0,
    });
    const change = (b: number, a: number): FileChange => ({
      path: 'etc/x',
      kind: 'modified',
      aspects: ['content'],
      before: state(b),
      after: state(a),
      owners: [],
      ownership: 'none',
    });
    expect(fileDetails(change(7, 7)).facts).toEqual(['content (same size, 7 B)']);
    expect(fileDetails(change(1234, 1236)).facts).toEqual(['content (1,234 B → 1,236 B)']);
    expect(fileDetails(change(29, 7)).facts).toEqual(['content (29 B → 7 B)']);
  });
});

describe('byImportance', () => {
  it('puts user, entrypoint, cmd, ports, env, workdir, volumes, healthcheck and labels before the rest', () => {
    const keys = [
      'cmd',
      'entrypoint',
      'env.A',
      'healthcheck',
      'label.a',
      'label.b',
      'port.80/tcp',
      'shell',
      'stopsignal',
      'user',
      'volume./data',
      'workdir',
    ];
    expect(byImportance(keys.map((key) => ({ key }))).map((s) => s.key)).toEqual([
      'user',
      'entrypoint',
      'cmd',
      'port.80/tcp',
      'env.A',
      'workdir',
      'volume./data',
      'healthcheck',
      'label.a',
      'label.b',
      'shell',
      'stopsignal',
    ]);
  });
});
