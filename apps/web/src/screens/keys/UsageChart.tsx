import { useEffect, useRef, useState } from 'react';
import { trpc } from '../../api';
import { niceCeiling, OUTCOME_LABEL, type Outcome, shapeUsage, type UsageBar } from '../../lib/usage';
import { Segmented } from '../../ui/Field';
import { ErrorState, LoadingState } from '../../ui/States';

type Range = '24h' | '7d' | '30d';
const RANGES = [
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
] as const;

const COLOR: Record<Outcome, string> = {
  VALID: 'var(--chart-valid)',
  RATE_LIMITED: 'var(--chart-rate-limited)',
  USAGE_EXCEEDED: 'var(--chart-usage-exceeded)',
  INSUFFICIENT_PERMISSIONS: 'var(--chart-insufficient-permissions)',
  FORBIDDEN: 'var(--chart-forbidden)',
  DISABLED: 'var(--chart-disabled)',
  EXPIRED: 'var(--chart-expired)',
  NOT_FOUND: 'var(--chart-not-found)',
};

const HEIGHT = 180;
const PAD = { top: 8, right: 8, bottom: 22, left: 40 };

function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(240, Math.floor(entry.contentRect.width)));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

/** Verifications of one key per hour or day, stacked by outcome. */
export function UsageChart({ keyId }: { keyId: string }) {
  const [range, setRange] = useState<Range>('24h');
  const usage = trpc.keys.usage.useQuery({ id: keyId, range }, { refetchInterval: 30_000 });
  const [ref, width] = useWidth<HTMLDivElement>(640);

  return (
    <div className="chart" ref={ref}>
      <div className="chart__controls">
        <Segmented legend="Time range" hideLegend name={`usage-range-${keyId}`} value={range} options={RANGES} onChange={setRange} />
        {usage.data ? (
          <Total n={shapeUsage(usage.data).total} />
        ) : null}
      </div>
      {usage.isPending ? (
        <LoadingState label="Loading usage…" />
      ) : usage.isError ? (
        <ErrorState title="Could not load usage" error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        <Bars data={usage.data} width={width} range={range} />
      )}
    </div>
  );
}

function Bars({ data, width, range }: { data: Parameters<typeof shapeUsage>[0]; width: number; range: Range }) {
  const series = shapeUsage(data);
  const top = niceCeiling(series.max);
  const innerW = width - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const n = Math.max(1, series.bars.length);
  const slot = innerW / n;
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const labelEvery = data.granularity === 'hour' ? Math.ceil(n / Math.max(1, Math.floor(innerW / 60))) : Math.ceil(n / Math.max(1, Math.floor(innerW / 56)));
  const fmt = (t: number) =>
    data.granularity === 'hour'
      ? new Date(t).toLocaleTimeString(undefined, { hour: 'numeric' })
      : new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const describe = (b: UsageBar) =>
    `${data.granularity === 'hour' ? new Date(b.start).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : new Date(b.start).toLocaleDateString(undefined, { dateStyle: 'medium' })}: ${b.total} verification${b.total === 1 ? '' : 's'}${b.segments.length ? ` (${b.segments.map((s) => `${OUTCOME_LABEL[s.outcome].toLowerCase()} ${s.count}`).join(', ')})` : ''}`;
  const rangeWords = RANGES.find((r) => r.value === range)?.label ?? range;

  return (
    <figure className="chart__figure">
      <svg
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={`Verifications in the last ${rangeWords}: ${series.total} in total${series.present.map((o) => `, ${OUTCOME_LABEL[o].toLowerCase()} ${series.totals[o]}`).join('')}.`}
      >
        {[0, top / 2, top].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} className="chart__grid" />
            <text x={PAD.left - 6} y={y(v)} dy="0.32em" textAnchor="end" className="chart__axis">
              {Number.isInteger(v) ? v.toLocaleString() : ''}
            </text>
          </g>
        ))}
        {series.bars.map((b, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={b.start}>
              <title>{describe(b)}</title>
              <rect x={PAD.left + i * slot} y={PAD.top} width={slot} height={innerH} fill="transparent" />
              {b.segments.map((s) => (
                <rect
                  key={s.outcome}
                  x={x}
                  width={barW}
                  y={y(s.offset + s.count)}
                  height={Math.max(1, y(s.offset) - y(s.offset + s.count))}
                  fill={COLOR[s.outcome]}
                  rx={Math.min(2, barW / 4)}
                />
              ))}
              {i % labelEvery === 0 ? (
                <text x={PAD.left + i * slot + slot / 2} y={HEIGHT - 6} textAnchor="middle" className="chart__axis">
                  {fmt(b.start)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__legend">
        {series.total === 0 ? (
          <span className="muted">No verifications in the last {rangeWords}.</span>
        ) : (
          series.present.map((o) => (
            <span key={o} className="chart__legend-item">
              <span className="chart__swatch" style={{ background: COLOR[o] }} aria-hidden="true" />
              {OUTCOME_LABEL[o]} <strong>{(series.totals[o] ?? 0).toLocaleString()}</strong>
            </span>
          ))
        )}
      </figcaption>
    </figure>
  );
}

const Total = ({ n }: { n: number }) => (
  <span className="muted">
    {n.toLocaleString()} verification{n === 1 ? '' : 's'}
  </span>
);
