/**
 * Just enough of the Prometheus text exposition format (version 0.0.4) for our own metrics;
 * prom-client is not a dependency, and counters, histograms and gauges are all we publish.
 */
export type Labels = Record<string, string>;

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels);
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}` : '';
}

// Callers that observe on every request pass the same labels object each time (see
// labelSet), so its text is worked out once rather than on every observation.
const rendered = new WeakMap<Labels, string>();
const NO_LABELS: Labels = Object.freeze({});

function labelText(labels: Labels): string {
  let text = rendered.get(labels);
  if (text === undefined) {
    text = renderLabels(labels);
    rendered.set(labels, text);
  }
  return text;
}

/**
 * One shared, frozen labels object per distinct combination of values, so hot observers
 * neither allocate labels nor re-render their text. Bounded by the series a metric may have.
 */
export function labelSets<K extends string>(names: readonly K[]) {
  const sets = new Map<string, Readonly<Record<K, string>>>();
  return (...values: string[]): Readonly<Record<K, string>> => {
    const id = values.join('\u0000');
    let set = sets.get(id);
    if (set === undefined) {
      set = Object.freeze(Object.fromEntries(names.map((n, i) => [n, values[i] ?? ''])) as Record<K, string>);
      sets.set(id, set);
    }
    return set;
  };
}

const header = (name: string, help: string, type: string) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];

export function createCounter(name: string, help: string) {
  const series = new Map<string, number>();
  return {
    inc(labels: Labels = NO_LABELS, by = 1): void {
      const id = labelText(labels);
      series.set(id, (series.get(id) ?? 0) + by);
    },
    render: (): string => [...header(name, help, 'counter'), ...[...series].map(([id, v]) => `${name}${id} ${v}`)].join('\n'),
  };
}

export type Counter = ReturnType<typeof createCounter>;

export function createHistogram(name: string, help: string, buckets: readonly number[]) {
  const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  return {
    observe(value: number, labels: Labels = NO_LABELS): void {
      const id = labelText(labels);
      let s = series.get(id);
      if (!s) {
        s = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
        series.set(id, s);
      }
      const i = buckets.findIndex((b) => value <= b);
      if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
      s.sum += value;
      s.count++;
    },
    render(): string {
      const lines = header(name, help, 'histogram');
      for (const s of series.values()) {
        // Buckets are cumulative in the exposition format.
        let cumulative = 0;
        buckets.forEach((b, i) => {
          cumulative += s.counts[i] ?? 0;
          lines.push(`${name}_bucket${renderLabels({ ...s.labels, le: String(b) })} ${cumulative}`);
        });
        lines.push(`${name}_bucket${renderLabels({ ...s.labels, le: '+Inf' })} ${s.count}`);
        lines.push(`${name}_sum${labelText(s.labels)} ${s.sum}`);
        lines.push(`${name}_count${labelText(s.labels)} ${s.count}`);
      }
      return lines.join('\n');
    },
  };
}

export type Histogram = ReturnType<typeof createHistogram>;

/** A value read at scrape time (queue lengths, ratios), so nothing has to keep it updated. */
export function renderGauge(name: string, help: string, samples: ReadonlyArray<{ labels?: Labels; value: number }>): string {
  return [...header(name, help, 'gauge'), ...samples.map((s) => `${name}${renderLabels(s.labels ?? {})} ${s.value}`)].join('\n');
}

export function renderCounter(name: string, help: string, samples: ReadonlyArray<{ labels?: Labels; value: number }>): string {
  return [...header(name, help, 'counter'), ...samples.map((s) => `${name}${renderLabels(s.labels ?? {})} ${s.value}`)].join('\n');
}
