import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBatchLoader } from './batch-loader';

/**
 * A batch function over a fixed map that records each call and holds it until released, so a
 * test decides when a batch finishes (or fails).
 */
function fakeBatch(known: Record<string, number> = {}) {
  const calls: { keys: string[]; settle: (error?: Error) => void }[] = [];
  let running = 0;
  let peak = 0;
  const batch = (keys: readonly string[]) => {
    running++;
    peak = Math.max(peak, running);
    return new Promise<Map<string, number>>((resolve, reject) => {
      calls.push({
        keys: [...keys],
        settle(error) {
          running--;
          if (error) reject(error);
          else resolve(new Map(keys.filter((k) => k in known).map((k) => [k, known[k] as number])));
        },
      });
    });
  };
  return {
    batch,
    calls,
    peak: () => peak,
    /** Finishes the call at `index` (in call order) successfully, or with `error`. */
    settle(index: number, error?: Error) {
      const call = calls[index];
      if (!call) throw new Error(`no batch call ${index}`);
      call.settle(error);
    },
  };
}

describe('batch loader', () => {
  it('sends keys asked for in one turn as one batch and routes each result to its caller', async () => {
    const f = fakeBatch({ a: 1, b: 2, c: 3 });
    const load = createBatchLoader(f.batch);
    const pending = Promise.all(['c', 'missing', 'a', 'b'].map(load));
    await nextTurn();
    expect(f.calls.map((c) => c.keys)).toEqual([['c', 'missing', 'a', 'b']]);
    f.settle(0);
    expect(await pending).toEqual([3, null, 1, 2]);
  });

  it('asks for a key once per batch however many callers want it', async () => {
    const f = fakeBatch({ a: 1 });
    const load = createBatchLoader(f.batch);
    const pending = Promise.all([load('a'), load('a'), load('b'), load('a')]);
    await nextTurn();
    expect(f.calls[0]?.keys).toEqual(['a', 'b']);
    f.settle(0);
    expect(await pending).toEqual([1, 1, null, 1]);
  });

  it('rejects only the callers of a failed batch, and the next batch works', async () => {
    const f = fakeBatch({ a: 1, b: 2 });
    const load = createBatchLoader(f.batch);
    const failed = [load('a'), load('x')];
    await nextTurn();
    const next = [load('a'), load('b')];
    await nextTurn();
    expect(f.calls.map((c) => c.keys)).toEqual([['a', 'x'], ['a', 'b']]);
    const boom = new Error('connection lost');
    f.settle(0, boom);
    f.settle(1);
    expect(await Promise.allSettled(failed)).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
    expect(await Promise.all(next)).toEqual([1, 2]);
    const after = load('b');
    await nextTurn();
    f.settle(2);
    expect(await after).toBe(2);
  });

  it('rejects its callers when the batch function throws before returning a promise', async () => {
    const boom = new Error('bad input');
    const load = createBatchLoader<string, number>(() => {
      throw boom;
    });
    await expect(load('a')).rejects.toBe(boom);
  });

  it('keeps at most maxInFlight batches running and gathers later keys into the next batch', async () => {
    const f = fakeBatch({ a: 1, e: 5 });
    const load = createBatchLoader(f.batch, { maxInFlight: 2 });
    const first = [load('a'), load('b')];
    await nextTurn();
    const second = [load('c')];
    await nextTurn();
    // Both slots are taken: these wait, over several turns, for one to free up.
    const waiting = [load('d')];
    await nextTurn();
    waiting.push(load('e'), load('d'));
    await nextTurn();
    expect(f.calls.map((c) => c.keys)).toEqual([['a', 'b'], ['c']]);

    f.settle(1);
    expect(await Promise.all(second)).toEqual([null]);
    await nextTurn();
    expect(f.calls.map((c) => c.keys)).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
    f.settle(0);
    f.settle(2);
    expect(await Promise.all([...first, ...waiting])).toEqual([1, null, null, 5, null]);
    expect(f.peak()).toBe(2);
  });

  it('splits a queue longer than maxBatch into several batches, oldest keys first', async () => {
    const f = fakeBatch({ k0: 0, k6: 6 });
    const load = createBatchLoader(f.batch, { maxBatch: 3, maxInFlight: 2 });
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    const pending = Promise.all(keys.map(load));
    await nextTurn();
    expect(f.calls.map((c) => c.keys)).toEqual([
      ['k0', 'k1', 'k2'],
      ['k3', 'k4', 'k5'],
    ]);
    f.settle(0);
    await nextTurn();
    await nextTurn();
    expect(f.calls[2]?.keys).toEqual(['k6']);
    f.settle(1);
    f.settle(2);
    expect(await pending).toEqual([0, null, null, null, null, null, 6]);
  });
});
