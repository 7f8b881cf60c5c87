import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryAfterSeconds, type SlidingWindowConfig, type SlidingWindowState, slidingWindow } from "./ratelimit";

const config: SlidingWindowConfig = { limit: 10, durationMs: 1000 };

/** Sends `count` requests at `now`, returning the last result and threading state. */
function burst(state: SlidingWindowState | undefined, count: number, now: number, cfg = config) {
  let result = slidingWindow(state, cfg, now);
  for (let i = 1; i < count; i++) result = slidingWindow(result.state, cfg, now);
  return result;
}

describe("slidingWindow", () => {
  it("counts up to the limit within one window, then denies", () => {
    const first = slidingWindow(undefined, config, 0);
    expect(first).toEqual({ allowed: true, limit: 10, remaining: 9, reset: 1000, state: { windowStart: 0, current: 1, previous: 0 } });
    const tenth = burst(first.state, 9, 999);
    expect(tenth).toMatchObject({ allowed: true, remaining: 0, state: { windowStart: 0, current: 10 } });
    const eleventh = slidingWindow(tenth.state, config, 999);
    expect(eleventh).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("does not consume on denial", () => {
    const full = burst(undefined, 10, 0);
    const denied = slidingWindow(full.state, config, 500);
    expect(denied.allowed).toBe(false);
    expect(denied.state).toEqual(full.state);
  });

  it("weights the previous window by its remaining overlap", () => {
    const full = burst(undefined, 10, 0);
    // At 1500 the sliding window still covers half of [0, 1000): 10 * 0.5 = 5 in use.
    const first = slidingWindow(full.state, config, 1500);
    expect(first).toMatchObject({ allowed: true, remaining: 4, reset: 2000, state: { windowStart: 1000, current: 1, previous: 10 } });
    const fifth = burst(first.state, 4, 1500);
    expect(fifth).toMatchObject({ allowed: true, remaining: 0, state: { current: 5 } });
    const sixth = slidingWindow(fifth.state, config, 1500);
    expect(sixth).toMatchObject({ allowed: false, remaining: 0, state: { current: 5 } });
  });

  it("rolls exactly at the window boundary", () => {
    const full = burst(undefined, 10, 0);
    expect(slidingWindow(full.state, config, 999).allowed).toBe(false);
    // At 1000 the previous window has full weight: still denied.
    const atBoundary = slidingWindow(full.state, config, 1000);
    expect(atBoundary).toMatchObject({ allowed: false, state: { windowStart: 1000, current: 0, previous: 10 } });
    // 10 * (1000 - 100) / 1000 = 9 in use at 1100: exactly one more fits.
    expect(slidingWindow(full.state, config, 1099).allowed).toBe(false);
    const after = slidingWindow(full.state, config, 1100);
    expect(after).toMatchObject({ allowed: true, remaining: 0 });
    expect(slidingWindow(after.state, config, 1100).allowed).toBe(false);
  });

  it("forgets everything after a whole idle window", () => {
    const full = burst(undefined, 10, 0);
    expect(slidingWindow(full.state, config, 2000)).toMatchObject({
      allowed: true,
      remaining: 9,
      state: { windowStart: 2000, current: 1, previous: 0 },
    });
  });

  it("rounds a fractional estimate in the caller's favour only by flooring remaining", () => {
    const three = burst(undefined, 3, 0);
    // 3 * 0.75 = 2.25 in use at 1250: 7.75 left, one consumed → 6.75 → 6.
    expect(slidingWindow(three.state, config, 1250)).toMatchObject({ allowed: true, remaining: 6 });
  });

  describe("reset", () => {
    it("is the end of the fixed window when allowed", () => {
      expect(slidingWindow(undefined, config, 1234).reset).toBe(2000);
    });

    it("is when the previous window has decayed enough, if the request fits this window", () => {
      const state = { windowStart: 1000, current: 5, previous: 10 };
      const denied = slidingWindow(state, config, 1500);
      expect(denied).toMatchObject({ allowed: false, reset: 1600 });
      expect(slidingWindow(state, config, 1599).allowed).toBe(false);
      expect(slidingWindow(state, config, 1600).allowed).toBe(true);
    });

    it("is inside the next window when this window is full", () => {
      const full = burst(undefined, 10, 0);
      const denied = slidingWindow(full.state, config, 500);
      expect(denied.reset).toBe(1100);
    });

    it("is the window end when the cost can never fit", () => {
      expect(slidingWindow(undefined, { ...config, cost: 11 }, 250)).toMatchObject({ allowed: false, reset: 1000, remaining: 10 });
    });

    it("is exact: the same request is denied 1 ms before reset and allowed at reset", () => {
      const arbitraries = [
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 100_000 }),
        fc.nat(),
      ] as const;
      fc.assert(
        fc.property(...arbitraries, (limit, durationMs, a, b, offset, c) => {
          const cost = 1 + (c % limit);
          const windowStart = 1_000_000 * durationMs;
          const state = { windowStart, current: a % (limit + 1), previous: b % (limit + 1) };
          const now = windowStart + (offset % durationMs);
          const cfg = { limit, durationMs, cost };
          const result = slidingWindow(state, cfg, now);
          if (result.allowed) return;
          expect(result.reset).toBeGreaterThan(now);
          expect(slidingWindow(state, cfg, result.reset - 1).allowed).toBe(false);
          expect(slidingWindow(state, cfg, result.reset).allowed).toBe(true);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe("cost", () => {
    it("consumes cost units and denies when they do not fit", () => {
      const eight = slidingWindow(undefined, { ...config, cost: 8 }, 0);
      expect(eight).toMatchObject({ allowed: true, remaining: 2 });
      const three = slidingWindow(eight.state, { ...config, cost: 3 }, 0);
      expect(three).toMatchObject({ allowed: false, remaining: 2, state: eight.state });
      expect(slidingWindow(eight.state, { ...config, cost: 2 }, 0)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it("cost 0 peeks without consuming", () => {
      const full = burst(undefined, 10, 0);
      const peek = slidingWindow(full.state, { ...config, cost: 0 }, 10);
      expect(peek).toMatchObject({ allowed: true, remaining: 0, state: full.state });
      const fresh = slidingWindow(undefined, { ...config, cost: 0 }, 10);
      expect(fresh).toMatchObject({ allowed: true, remaining: 10, state: { current: 0 } });
    });
  });

  it("keeps a state stamped with a later window (clock skew) at full previous weight", () => {
    const state = { windowStart: 2000, current: 4, previous: 3 };
    const result = slidingWindow(state, config, 1999);
    expect(result).toMatchObject({ allowed: true, remaining: 2, reset: 3000, state: { windowStart: 2000, current: 5, previous: 3 } });
  });

  it("never lets a fixed window's count exceed the limit", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2500), fc.integer({ min: 0, max: 4 })), { maxLength: 200 }), (events) => {
        let state: SlidingWindowState | undefined;
        let now = 0;
        for (const [gap, cost] of events) {
          now += gap;
          const result = slidingWindow(state, { ...config, cost }, now);
          expect(result.state.current).toBeLessThanOrEqual(config.limit);
          expect(result.remaining).toBeGreaterThanOrEqual(0);
          state = result.state;
        }
      }),
    );
  });

  it.each<SlidingWindowConfig>([
    { limit: 0, durationMs: 1000 },
    { limit: 1.5, durationMs: 1000 },
    { limit: 10, durationMs: 0 },
    { limit: 10, durationMs: Number.NaN },
    { limit: 10, durationMs: 1000, cost: -1 },
    { limit: 10, durationMs: 1000, cost: 0.5 },
  ])("rejects config %j", (cfg) => {
    expect(() => slidingWindow(undefined, cfg, 0)).toThrow(RangeError);
  });
});

describe("retryAfterSeconds", () => {
  it.each([
    [{ allowed: true, reset: 5000 }, 1000, 0],
    [{ allowed: false, reset: 1100 }, 1000, 1],
    [{ allowed: false, reset: 2000 }, 1000, 1],
    [{ allowed: false, reset: 2001 }, 1000, 2],
    [{ allowed: false, reset: 61_000 }, 1000, 60],
    [{ allowed: false, reset: 1000 }, 1000, 1],
  ])("%j at %i → %i", (result, now, expected) => {
    expect(retryAfterSeconds(result, now)).toBe(expected);
  });
});
