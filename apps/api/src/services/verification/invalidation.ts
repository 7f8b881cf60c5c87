import type { DbHandle } from '@keyward/db';
import type { Logger } from '../../http/logger';
import type { KeyChange, KeyEvents } from '../key-events';
import type { KeyCache } from './key-cache';

export const INVALIDATION_CHANNEL = 'keyward_key_changes';

/** NOTIFY payloads are capped at 8000 bytes; 100 hex hashes stay well under. */
const HASHES_PER_MESSAGE = 100;

export interface InvalidationOptions {
  /** Cache TTL while notifications flow: invalidations keep entries fresh, the TTL is a backstop. */
  ttlMs: number;
  /** Cache TTL while the notification connection is down, bounding staleness until it is back. */
  fallbackTtlMs: number;
  /** Told how long each readable notification took from publish to receipt, in milliseconds. */
  onDelivered?: (lagMs: number) => void;
  now?: () => number;
}

/**
 * A change as sent: `at` (publish time, ms since the epoch) was added later, so payloads from
 * older instances lack it and older instances ignore it.
 */
interface Received {
  change: KeyChange;
  at: number | undefined;
}

function parseChange(payload: string): Received | null {
  try {
    const v = JSON.parse(payload) as Partial<KeyChange> & { hashes?: unknown; organizationId?: unknown; at?: unknown };
    const at = typeof v.at === 'number' && Number.isFinite(v.at) ? v.at : undefined;
    if (v.kind === 'keys' && Array.isArray(v.hashes) && v.hashes.every((h) => typeof h === 'string')) {
      return { change: { kind: 'keys', hashes: v.hashes as string[] }, at };
    }
    if (v.kind === 'org' && typeof v.organizationId === 'string') {
      return { change: { kind: 'org', organizationId: v.organizationId }, at };
    }
  } catch {
    // A payload we cannot read is dropped below, with a log line.
  }
  return null;
}

function messages(change: KeyChange, at: number): string[] {
  if (change.kind === 'org') return [JSON.stringify({ ...change, at })];
  const out: string[] = [];
  for (let i = 0; i < change.hashes.length; i += HASHES_PER_MESSAGE) {
    out.push(JSON.stringify({ kind: 'keys', hashes: change.hashes.slice(i, i + HASHES_PER_MESSAGE), at }));
  }
  return out;
}

/**
 * Publishes this process's key changes to every other instance. On its own for processes that
 * change keys but verify none (the CLI); `startInvalidation` adds the listening half.
 */
export function broadcastKeyChanges(handle: DbHandle, events: KeyEvents, log: Logger, now: () => number = Date.now): () => void {
  return events.subscribe(async (change) => {
    for (const m of messages(change, now())) {
      try {
        await handle.notify(INVALIDATION_CHANNEL, m);
      } catch (err) {
        // Other instances fall back to their TTL; the change itself is already committed.
        log.warn({ err }, 'could not broadcast a key change');
      }
    }
  });
}

/**
 * Keeps every instance's key cache honest: a change made here (already dropped from the local
 * cache by its own subscriber) is broadcast through PostgreSQL NOTIFY to the others. While the listener is down the cache
 * falls back to a short TTL; when it comes back (notifications may have been missed) the
 * cache is cleared.
 */
export async function startInvalidation(
  handle: DbHandle,
  events: KeyEvents,
  cache: KeyCache,
  log: Logger,
  opts: InvalidationOptions,
): Promise<() => Promise<void>> {
  const now = opts.now ?? Date.now;
  const unsubscribeEvents = broadcastKeyChanges(handle, events, log, now);

  const unlisten = await handle.listen(INVALIDATION_CHANNEL, (payload) => {
    const received = parseChange(payload);
    if (!received) {
      log.warn('ignored an unreadable key-change notification');
      return;
    }
    cache.invalidate(received.change);
    // Clocks of two machines may disagree a little; a negative lag is reported as none.
    if (received.at !== undefined) opts.onDelivered?.(Math.max(0, now() - received.at));
  });

  const applyState = (connected: boolean) => {
    if (connected) {
      cache.clear();
      cache.setTtl(opts.ttlMs);
    } else {
      cache.setTtl(opts.fallbackTtlMs);
      log.warn('key-change notifications are down; verifying with a short cache TTL until they are back');
    }
  };
  cache.setTtl(handle.listenerConnected() ? opts.ttlMs : opts.fallbackTtlMs);
  const unsubscribeState = handle.onListenerStateChange(applyState);

  return async () => {
    unsubscribeEvents();
    unsubscribeState();
    await unlisten();
  };
}
