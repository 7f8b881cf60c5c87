import { describe, expect, it } from 'vitest';
import { Lru } from './lru';

describe('Lru', () => {
  it('holds at most its capacity and drops the oldest first', () => {
    const lru = new Lru<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) lru.set(k, i);
    expect(lru.size).toBe(3);
    expect(lru.get('a')).toBeUndefined();
    expect([...lru.entries()]).toEqual([
      ['b', 1],
      ['c', 2],
      ['d', 3],
    ]);
  });

  it('keeps an entry that is read while it ages, however many others come and go', () => {
    const lru = new Lru<string, number>(100);
    lru.set('hot', 1);
    for (let i = 0; i < 10_000; i++) {
      lru.set(`cold${i}`, i);
      expect(lru.get('hot')).toBe(1);
    }
    expect(lru.size).toBe(100);
  });

  it('never evicts an entry read within the newer half of its capacity', () => {
    const lru = new Lru<number, number>(10);
    for (let i = 0; i < 10; i++) lru.set(i, i);
    // 0 is the oldest; reading it moves it to the young end once it has aged past half.
    expect(lru.get(0)).toBe(0);
    lru.set(10, 10);
    expect(lru.get(0)).toBe(0);
    expect(lru.get(1)).toBeUndefined();
  });

  it('updates in place, deletes and clears', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.size).toBe(1);
    expect(lru.get('a')).toBe(2);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    lru.set('b', 1);
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('refuses a capacity that could not hold anything', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
    expect(() => new Lru(1.5)).toThrow(RangeError);
  });
});
