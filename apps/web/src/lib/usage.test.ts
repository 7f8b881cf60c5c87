import { describe, expect, it } from 'vitest';
import { niceCeiling, shapeUsage } from './usage';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 0, 10, 0, 0, 0);

describe('shapeUsage', () => {
  it('makes one bar per hour from `from` to `to`, filling empty hours with zero', () => {
    const s = shapeUsage({ granularity: 'hour', from: new Date(T0).toISOString(), to: new Date(T0 + 24 * H - 1).toISOString(), buckets: [] });
    expect(s.bars).toHaveLength(24);
    expect(s.bars[0]?.start).toBe(T0);
    expect(s.bars[23]?.start).toBe(T0 + 23 * H);
    expect(s.bars.every((b) => b.total === 0 && b.segments.length === 0)).toBe(true);
    expect(s.total).toBe(0);
    expect(s.max).toBe(1);
    expect(s.present).toEqual([]);
  });

  it('stacks outcomes in a fixed order whatever order the rows come in', () => {
    const s = shapeUsage({
      granularity: 'hour',
      from: T0,
      to: T0 + 3 * H,
      buckets: [
        { start: new Date(T0 + H).toISOString(), outcome: 'RATE_LIMITED', count: 2 },
        { start: new Date(T0 + H).toISOString(), outcome: 'VALID', count: 5 },
        { start: new Date(T0 + H).toISOString(), outcome: 'NOT_FOUND', count: 1 },
      ],
    });
    const bar = s.bars[1];
    expect(bar?.total).toBe(8);
    expect(bar?.segments).toEqual([
      { outcome: 'VALID', count: 5, offset: 0 },
      { outcome: 'RATE_LIMITED', count: 2, offset: 5 },
      { outcome: 'NOT_FOUND', count: 1, offset: 7 },
    ]);
    expect(s.max).toBe(8);
    expect(s.totals).toEqual({ VALID: 5, RATE_LIMITED: 2, NOT_FOUND: 1 });
    expect(s.present).toEqual(['VALID', 'RATE_LIMITED', 'NOT_FOUND']);
  });

  it('sums rows of the same bucket and outcome, and buckets by day', () => {
    const s = shapeUsage({
      granularity: 'day',
      from: T0,
      to: T0 + 7 * D,
      buckets: [
        { start: T0 + 2 * D, outcome: 'VALID', count: 3 },
        { start: new Date(T0 + 2 * D).toISOString(), outcome: 'VALID', count: 4 },
        { start: new Date(T0 + 6 * D).toISOString(), outcome: 'USAGE_EXCEEDED', count: 1 },
      ],
    });
    expect(s.bars).toHaveLength(7);
    expect(s.bars[2]?.total).toBe(7);
    expect(s.bars[6]?.segments[0]).toEqual({ outcome: 'USAGE_EXCEEDED', count: 1, offset: 0 });
    expect(s.total).toBe(8);
  });

  it('ignores unknown outcomes, zero counts and rows outside the range', () => {
    const s = shapeUsage({
      granularity: 'hour',
      from: T0,
      to: T0 + 2 * H,
      buckets: [
        { start: new Date(T0 - H).toISOString(), outcome: 'VALID', count: 9 },
        { start: new Date(T0 + 5 * H).toISOString(), outcome: 'VALID', count: 9 },
        { start: new Date(T0).toISOString(), outcome: 'SOMETHING_NEW', count: 9 },
        { start: new Date(T0).toISOString(), outcome: 'VALID', count: 0 },
        { start: new Date(T0 + H).toISOString(), outcome: 'VALID', count: 1 },
      ],
    });
    expect(s.total).toBe(1);
    expect(s.bars.map((b) => b.total)).toEqual([0, 1]);
  });

  it('counts the current, partial hour as a bar', () => {
    const s = shapeUsage({ granularity: 'hour', from: T0, to: T0 + 2 * H + 10 * 60_000, buckets: [] });
    expect(s.bars).toHaveLength(3);
  });
});

describe('niceCeiling', () => {
  it('rounds the top of the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 2, 3, 7, 10, 11, 26, 99, 101, 4_900].map(niceCeiling)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 100, 200, 5_000]);
  });
});
