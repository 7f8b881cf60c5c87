/** Loads many keys at once; a key missing from the returned map has no value. */
export type BatchFn<K, V> = (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>;

export interface BatchLoaderOptions {
  /** Keys per call of the batch function, so one query stays bounded. */
  maxBatch?: number;
  /** Batch calls running at once; keys asked for meanwhile wait for the next free slot. */
  maxInFlight?: number;
}

interface Waiter<V> {
  promise: Promise<V | null>;
  resolve: (value: V | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces single-key loads into calls of `batch`. Keys asked for in one event-loop turn go
 * out together (on setImmediate); while `maxInFlight` calls are running, new keys queue up and
 * leave as the next batch when one finishes, so under load each call carries many keys instead
 * of each key waiting on a call of its own. A failed call rejects only the keys it carried.
 */
export function createBatchLoader<K, V>(batch: BatchFn<K, V>, opts: BatchLoaderOptions = {}): (key: K) => Promise<V | null> {
  const maxBatch = opts.maxBatch ?? 500;
  const maxInFlight = opts.maxInFlight ?? 3;
  // Map order is arrival order, so the oldest keys leave first.
  const queue = new Map<K, Waiter<V>>();
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inFlight >= maxInFlight || queue.size === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    while (inFlight < maxInFlight && queue.size > 0) {
      const taken = new Map<K, Waiter<V>>();
      for (const [key, waiter] of queue) {
        if (taken.size === maxBatch) break;
        taken.set(key, waiter);
        queue.delete(key);
      }
      void send(taken);
    }
  }

  async function send(taken: Map<K, Waiter<V>>): Promise<void> {
    inFlight++;
    try {
      const found = await batch([...taken.keys()]);
      for (const [key, waiter] of taken) waiter.resolve(found.get(key) ?? null);
    } catch (error) {
      for (const waiter of taken.values()) waiter.reject(error);
    } finally {
      inFlight--;
      schedule();
    }
  }

  return (key) => {
    const queued = queue.get(key);
    if (queued) return queued.promise;
    let resolve!: Waiter<V>['resolve'];
    let reject!: Waiter<V>['reject'];
    const promise = new Promise<V | null>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    queue.set(key, { promise, resolve, reject });
    schedule();
    return promise;
  };
}
