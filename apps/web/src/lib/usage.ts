/** Outcomes in the order bars stack them (bottom first) and the legend lists them. */
export const OUTCOMES = [
  'VALID',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
  'INSUFFICIENT_PERMISSIONS',
  'FORBIDDEN',
  'DISABLED',
  'EXPIRED',
  'NOT_FOUND',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABEL: Record<Outcome, string> = {
  VALID: 'Valid',
  RATE_LIMITED: 'Rate limited',
  USAGE_EXCEEDED: 'Usage exceeded',
  INSUFFICIENT_PERMISSIONS: 'Insufficient permissions',
  FORBIDDEN: 'Forbidden',
  DISABLED: 'Disabled',
  EXPIRED: 'Expired',
  NOT_FOUND: 'Not found',
};

export interface UsageInput {
  granularity: 'hour' | 'day';
  from: string | number | Date;
  to: string | number | Date;
  buckets: { start: string | number | Date; outcome: string; count: number }[];
}

export interface UsageSegment {
  outcome: Outcome;
  count: number;
  /** Cumulative count below this segment, for stacking. */
  offset: number;
}

export interface UsageBar {
  start: number;
  total: number;
  segments: UsageSegment[];
}

export interface UsageSeries {
  bars: UsageBar[];
  /** The largest bar, at least 1, so an empty chart still has a scale. */
  max: number;
  total: number;
  totals: Partial<Record<Outcome, number>>;
  /** Outcomes that occur, in stacking order: what the legend shows. */
  present: Outcome[];
}

const UNIT = { hour: 3_600_000, day: 86_400_000 } as const;
const time = (d: string | number | Date) => (d instanceof Date ? d.getTime() : typeof d === 'number' ? d : Date.parse(d));
const isOutcome = (o: string): o is Outcome => (OUTCOMES as readonly string[]).includes(o);

/**
 * Turns the sparse rows of `keys.usage` into one bar per hour or day from `from` to `to`,
 * with empty buckets filled in and outcomes stacked in a fixed order. Unknown outcomes
 * and rows outside the range are ignored.
 */
export function shapeUsage(data: UsageInput): UsageSeries {
  const unit = UNIT[data.granularity];
  const from = Math.floor(time(data.from) / unit) * unit;
  const to = time(data.to);
  const count = Math.max(0, Math.ceil((to - from) / unit));
  const byBucket = new Map<number, Map<Outcome, number>>();
  for (let i = 0; i < count; i++) byBucket.set(from + i * unit, new Map());
  const totals: Partial<Record<Outcome, number>> = {};
  for (const row of data.buckets) {
    if (!isOutcome(row.outcome) || !(row.count > 0)) continue;
    const start = Math.floor(time(row.start) / unit) * unit;
    const bucket = byBucket.get(start);
    if (!bucket) continue;
    bucket.set(row.outcome, (bucket.get(row.outcome) ?? 0) + row.count);
    totals[row.outcome] = (totals[row.outcome] ?? 0) + row.count;
  }
  const bars: UsageBar[] = [];
  for (const [start, counts] of byBucket) {
    let offset = 0;
    const segments: UsageSegment[] = [];
    for (const outcome of OUTCOMES) {
      const c = counts.get(outcome);
      if (!c) continue;
      segments.push({ outcome, count: c, offset });
      offset += c;
    }
    bars.push({ start, total: offset, segments });
  }
  const total = bars.reduce((n, b) => n + b.total, 0);
  return {
    bars,
    max: Math.max(1, ...bars.map((b) => b.total)),
    total,
    totals,
    present: OUTCOMES.filter((o) => (totals[o] ?? 0) > 0),
  };
}

/** A round ceiling for the y axis: 1, 2, 5, 10, 20, 50… at or above `max`. */
export function niceCeiling(max: number): number {
  if (max <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}
