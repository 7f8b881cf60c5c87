import type { KeyChange } from '../key-events';
import type { KeyState, KeyStateLoader } from './key-state';
import { Lru } from './lru';

export interface KeyCacheOptions {
  /** Known keys held at once; the least recently used go first. */
  maxEntries?: number;
  /** Unknown hashes remembered at once, so a flood of random keys reaches the database once each. */
  maxNegative?: number;
  /**
   * How long an entry is trusted. Long while invalidations arrive (they are the real
   * freshness guarantee); the caller shortens it while the notification channel is down.
   */
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  state: KeyState;
  loadedAt: number;
}

/**
 * Caches verification state by key hash in front of a loader: positive entries (LRU),
 * negative entries for unknown hashes (bounded, oldest first), and single-flight loading so
 * concurrent first requests for one hash make one query. Invalidation is by hash or by
 * organization; a load racing an invalidation is not cached.
 */
export function createKeyCache(load: KeyStateLoader, opts: KeyCacheOptions = {}) {
  const maxEntries = opts.maxEntries ?? 100_000;
  const maxNegative = opts.maxNegative ?? 200_000;
  const now = opts.now ?? Date.now;
  let ttlMs = opts.ttlMs ?? 5 * 60_000;

  const entries = new Lru<string, Entry>(maxEntries);
  const negative = new Map<string, number>();
  const inflight = new Map<string, Promise<KeyState | null>>();
  // Bumped by every invalidation; a load that started before a bump must not be cached.
  let generation = 0;
  let hits = 0;
  let misses = 0;

  function remember(hash: string, state: KeyState | null, t: number) {
    if (state) {
      entries.set(hash, { state, loadedAt: t });
      negative.delete(hash);
    } else {
      negative.set(hash, t);
      if (negative.size > maxNegative) {
        const oldest = negative.keys().next().value;
        if (oldest !== undefined) negative.delete(oldest);
      }
    }
  }

  function cached(hash: string, t: number): KeyState | null | undefined {
    const e = entries.get(hash);
    if (e) {
      if (t - e.loadedAt < ttlMs) return e.state;
      entries.delete(hash);
      return undefined;
    }
    const n = negative.get(hash);
    if (n !== undefined) {
      if (t - n < ttlMs) return null;
      negative.delete(hash);
    }
    return undefined;
  }

  /** The cached answer without a promise (the hot path): undefined means "not cached, call get". */
  function peek(hash: string, t: number = now()): KeyState | null | undefined {
    const hit = cached(hash, t);
    if (hit !== undefined) hits++;
    return hit;
  }

  const get: KeyStateLoader = (hash) => {
    const t = now();
    const hit = cached(hash, t);
    if (hit !== undefined) {
      hits++;
      return Promise.resolve(hit);
    }
    const pending = inflight.get(hash);
    if (pending) return pending;
    misses++;
    const startedAt = generation;
    const p = load(hash)
      .then((state) => {
        if (generation === startedAt) remember(hash, state, t);
        return state;
      })
      .finally(() => inflight.delete(hash));
    inflight.set(hash, p);
    return p;
  };

  function invalidate(change: KeyChange): void {
    generation++;
    if (change.kind === 'keys') {
      for (const h of change.hashes) {
        entries.delete(h);
        negative.delete(h);
      }
      return;
    }
    for (const [h, e] of entries.entries()) if (e.state.organizationId === change.organizationId) entries.delete(h);
  }

  function clear(): void {
    generation++;
    entries.clear();
    negative.clear();
  }

  return {
    peek,
    get,
    invalidate,
    clear,
    setTtl(ms: number) {
      ttlMs = ms;
    },
    stats: () => ({ entries: entries.size, negative: negative.size, hits, misses }),
  };
}

export type KeyCache = ReturnType<typeof createKeyCache>;
