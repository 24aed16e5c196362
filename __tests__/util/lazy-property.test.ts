import { describe, expect, it } from 'vitest';
import { defineLazy } from '../../src/util/lazy-property.js';

describe('defineLazy', () => {
  it('computes on the first read only, and is a plain enumerable property for JSON and spreads', () => {
    let calls = 0;
    const obj: { a: number; b?: string } = { a: 1 };
    defineLazy(obj, 'b', () => {
      calls++;
      return 'x';
    });
    expect(calls).toBe(0);
    expect(JSON.stringify(obj)).toBe('{"a":1,"b":"x"}');
    expect({ ...obj }).toEqual({ a: 1, b: 'x' });
    expect(obj.b).toBe('x');
    expect(calls).toBe(1);
  });

  it('takes an assignment instead of computing', () => {
    const obj: { b?: string } = {};
    defineLazy(obj, 'b', () => {
      throw new Error('not to be computed');
    });
    obj.b = 'set';
    expect(obj.b).toBe('set');
  });

  it('leaves an undefined result out of JSON, as an absent property', () => {
    const obj: { a: number; b?: string } = { a: 1 };
    defineLazy(obj, 'b', () => undefined);
    expect(JSON.stringify(obj)).toBe('{"a":1}');
  });
});
