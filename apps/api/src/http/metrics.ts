import { createCounter, createHistogram, labelSets, renderCounter, renderGauge } from '../observability/prometheus';
import type { Services } from '../services';
import type { RequestObserver } from './request-timing';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createHttpMetrics(services: Services) {
  const requests = createCounter('keyward_http_requests_total', 'HTTP requests by method, route pattern and status');
  const latency = createHistogram('keyward_http_request_duration_seconds', 'HTTP request latency by method, route pattern and status', LATENCY_BUCKETS);

  // Requests no route claimed (404s, the UI's files) share one label: raw paths would make a
  // series per id.
  const labelsOf = labelSets(['method', 'route', 'status'] as const);
  const observe: RequestObserver = ({ method, status, durationMs, route }) => {
    const labels = labelsOf(method, route ?? 'unmatched', String(status));
    requests.inc(labels);
    latency.observe(durationMs / 1000, labels);
  };

  /** Everything else is read at scrape time from the services that own it. */
  function render(): string {
    const cache = services.cache.stats();
    const lookups = cache.hits + cache.misses;
    return `${[
      requests.render(),
      latency.render(),
      renderCounter(
        'keyward_verifications_total',
        'Key verifications by outcome',
        [...services.verifier.outcomes()].map(([outcome, value]) => ({ labels: { outcome }, value })),
      ),
      renderCounter('keyward_key_cache_hits_total', 'Verification cache lookups answered from memory', [{ value: cache.hits }]),
      renderCounter('keyward_key_cache_misses_total', 'Verification cache lookups that went to the database', [{ value: cache.misses }]),
      renderCounter('keyward_key_state_queries_total', 'Database queries that loaded verification state, each for a batch of cache misses', [
        { value: services.keyStateQueries() },
      ]),
      renderGauge('keyward_key_cache_hit_ratio', 'Share of verification cache lookups answered from memory since start', [
        { value: lookups ? cache.hits / lookups : 0 },
      ]),
      renderGauge('keyward_key_cache_entries', 'Keys held in the verification cache', [
        { labels: { kind: 'known' }, value: cache.entries },
        { labels: { kind: 'unknown' }, value: cache.negative },
      ]),
      renderGauge('keyward_usage_pending', 'Buffered usage records waiting for the next flush', [{ value: services.usage.pending() }]),
      services.notificationLag.render(),
      renderGauge('keyward_notification_listener_connected', '1 while key-change notifications are being received', [
        { value: services.handle.listenerConnected() ? 1 : 0 },
      ]),
    ].join('\n')}\n`;
  }

  return { observe, render };
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
