import { describe, expect, it } from 'vitest';
import { cutList } from '../../src/util/cut-list.js';

describe('cutList', () => {
  it('lists short lists whole and says none for an empty one', () => {
    expect(cutList([])).toBe('none');
    expect(cutList(['a', 'b'])).toBe('a, b');
    expect(cutList(['a', 'b'], { separator: '; ' })).toBe('a; b');
  });

  it('cuts a long list with a count, and long items with an ellipsis', () => {
    const items = Array.from({ length: 18_000 }, (_, i) => `p${i}`);
    const line = cutList(items);
    expect(line).toBe(`${items.slice(0, 20).join(', ')} (and 17,980 more)`);
    expect(cutList(['a', 'b', 'c'], { max: 2 })).toBe('a, b (and 1 more)');
    expect(cutList(['x'.repeat(500)])).toBe(`${'x'.repeat(100)}…`);
  });
});
