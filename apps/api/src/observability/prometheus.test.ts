import { describe, expect, it } from 'vitest';
import { createCounter, createHistogram, labelSets } from './prometheus';

describe('prometheus exposition', () => {
  it('hands out one frozen labels object per combination of values', () => {
    const labelsOf = labelSets(['method', 'route'] as const);
    const a = labelsOf('GET', '/x');
    expect(labelsOf('GET', '/x')).toBe(a);
    expect(labelsOf('GET', '/y')).not.toBe(a);
    // The separator cannot be faked by values that contain the joined form.
    expect(labelsOf('GET/', 'x')).not.toBe(labelsOf('GET', '/x'));
    expect(a).toEqual({ method: 'GET', route: '/x' });
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('counts shared and fresh labels objects with equal values as one series, escaped', () => {
    const c = createCounter('t_total', 'help');
    const labelsOf = labelSets(['route'] as const);
    c.inc(labelsOf('/a"b\\c'));
    c.inc(labelsOf('/a"b\\c'));
    c.inc({ route: '/a"b\\c' });
    c.inc();
    expect(c.render().split('\n')).toEqual(['# HELP t_total help', '# TYPE t_total counter', 't_total{route="/a\\"b\\\\c"} 3', 't_total 1']);
  });

  it('renders cumulative buckets, sum and count per series', () => {
    const h = createHistogram('t_seconds', 'help', [0.1, 1]);
    const labelsOf = labelSets(['route'] as const);
    h.observe(0.05, labelsOf('/a'));
    h.observe(0.5, labelsOf('/a'));
    h.observe(5, labelsOf('/a'));
    expect(h.render().split('\n').slice(2)).toEqual([
      't_seconds_bucket{route="/a",le="0.1"} 1',
      't_seconds_bucket{route="/a",le="1"} 2',
      't_seconds_bucket{route="/a",le="+Inf"} 3',
      't_seconds_sum{route="/a"} 5.55',
      't_seconds_count{route="/a"} 3',
    ]);
  });
});
