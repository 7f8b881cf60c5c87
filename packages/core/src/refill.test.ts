import { describe, expect, it } from "vitest";
import { applyRefill, lastScheduledRefill, nextRefillAt, type RefillConfig, validateRefill } from "./refill";

const d = (iso: string) => new Date(iso);
const daily: RefillConfig = { interval: "daily", amount: 100 };
const monthly = (refillDay?: number): RefillConfig => ({ interval: "monthly", amount: 100, refillDay });

describe("lastScheduledRefill / nextRefillAt", () => {
  it.each<[string, RefillConfig, string, string, string]>([
    ["daily mid-day", daily, "2026-06-25T12:00:00Z", "2026-06-25T00:00:00Z", "2026-06-26T00:00:00Z"],
    ["daily exactly at midnight", daily, "2026-06-25T00:00:00.000Z", "2026-06-25T00:00:00Z", "2026-06-26T00:00:00Z"],
    ["daily 1 ms before midnight", daily, "2026-06-24T23:59:59.999Z", "2026-06-24T00:00:00Z", "2026-06-25T00:00:00Z"],
    ["daily across a year", daily, "2026-12-31T18:00:00Z", "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z"],
    ["monthly default day 1", monthly(), "2026-06-25T12:00:00Z", "2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z"],
    ["monthly day 15 before it", monthly(15), "2026-06-14T23:59:59Z", "2026-05-15T00:00:00Z", "2026-06-15T00:00:00Z"],
    ["monthly day 15 at it", monthly(15), "2026-06-15T00:00:00Z", "2026-06-15T00:00:00Z", "2026-07-15T00:00:00Z"],
    ["monthly 31 → Feb 28 (2027)", monthly(31), "2027-02-28T12:00:00Z", "2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z"],
    ["monthly 31 → Feb 29 (2028)", monthly(31), "2028-02-29T12:00:00Z", "2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"],
    ["monthly 31 before Feb 29 (2028)", monthly(31), "2028-02-28T12:00:00Z", "2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z"],
    ["monthly 31 → Apr 30", monthly(31), "2026-04-30T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-31T00:00:00Z"],
    ["monthly 31 early May → Apr 30", monthly(31), "2026-05-10T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-31T00:00:00Z"],
    ["monthly 30 in February", monthly(30), "2026-03-01T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-30T00:00:00Z"],
    ["monthly across a year", monthly(15), "2027-01-10T00:00:00Z", "2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z"],
    ["monthly 31 in December", monthly(31), "2026-12-31T23:59:59Z", "2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z"],
    ["monthly 29 in a century non-leap year", monthly(29), "2100-03-01T00:00:00Z", "2100-02-28T00:00:00Z", "2100-03-29T00:00:00Z"],
  ])("%s", (_, config, now, last, next) => {
    expect(lastScheduledRefill(config, d(now))).toEqual(d(last));
    expect(lastScheduledRefill(config, d(now).getTime())).toEqual(d(last));
    expect(nextRefillAt(config, d(now))).toEqual(d(next));
  });
});

describe("applyRefill", () => {
  const now = d("2026-06-25T12:00:00Z");

  it("sets remaining to amount (does not add) when a scheduled refill has passed", () => {
    const state = { remaining: 42, lastRefillAt: d("2026-06-24T00:00:00Z") };
    expect(applyRefill(state, daily, now)).toEqual({ remaining: 100, lastRefillAt: now, refilled: true });
    expect(applyRefill({ ...state, remaining: 0 }, daily, now).remaining).toBe(100);
    expect(applyRefill({ ...state, remaining: 250 }, daily, now).remaining).toBe(100);
  });

  it("does nothing when already refilled since the last scheduled instant", () => {
    const state = { remaining: 7, lastRefillAt: d("2026-06-25T00:00:00Z") };
    expect(applyRefill(state, daily, now)).toEqual({ remaining: 7, lastRefillAt: state.lastRefillAt, refilled: false });
  });

  it("refills once per period however often it is called", () => {
    const first = applyRefill({ remaining: 0, lastRefillAt: null, createdAt: d("2026-06-01T00:00:00Z") }, daily, now);
    expect(first.refilled).toBe(true);
    const again = applyRefill({ ...first, remaining: 3 }, daily, d("2026-06-25T23:59:59.999Z"));
    expect(again).toMatchObject({ remaining: 3, refilled: false });
    expect(applyRefill({ ...first, remaining: 3 }, daily, d("2026-06-26T00:00:00Z"))).toMatchObject({ remaining: 100, refilled: true });
  });

  it("daily at the midnight boundary", () => {
    const state = { remaining: 0, lastRefillAt: d("2026-06-24T08:00:00Z") };
    expect(applyRefill(state, daily, d("2026-06-24T23:59:59.999Z")).refilled).toBe(false);
    expect(applyRefill(state, daily, d("2026-06-25T00:00:00.000Z")).refilled).toBe(true);
  });

  it("uses createdAt when never refilled", () => {
    const created = { remaining: 5, lastRefillAt: null };
    expect(applyRefill({ ...created, createdAt: d("2026-06-25T06:00:00Z") }, daily, now).refilled).toBe(false);
    expect(applyRefill({ ...created, createdAt: d("2026-06-25T00:00:00Z") }, daily, now).refilled).toBe(false);
    expect(applyRefill({ ...created, createdAt: d("2026-06-24T23:59:59Z") }, daily, now)).toEqual({
      remaining: 100,
      lastRefillAt: now,
      refilled: true,
    });
    expect(applyRefill({ ...created, createdAt: d("2026-06-10T00:00:00Z") }, monthly(15), now).refilled).toBe(true);
    expect(applyRefill({ ...created, createdAt: d("2026-06-16T00:00:00Z") }, monthly(15), now).refilled).toBe(false);
  });

  it("treats a key with no history as due", () => {
    expect(applyRefill({ remaining: 0, lastRefillAt: null }, daily, now)).toEqual({ remaining: 100, lastRefillAt: now, refilled: true });
  });

  it("leaves unlimited keys (remaining null) alone", () => {
    expect(applyRefill({ remaining: null, lastRefillAt: null }, daily, now)).toEqual({ remaining: null, lastRefillAt: null, refilled: false });
  });

  it("monthly day 31 refills on Feb 28 in 2027 and Feb 29 in 2028", () => {
    const jan = { remaining: 0, lastRefillAt: d("2027-01-31T00:00:00Z") };
    expect(applyRefill(jan, monthly(31), d("2027-02-27T23:59:59Z")).refilled).toBe(false);
    expect(applyRefill(jan, monthly(31), d("2027-02-28T00:00:00Z")).refilled).toBe(true);
    const jan28 = { remaining: 0, lastRefillAt: d("2028-01-31T00:00:00Z") };
    expect(applyRefill(jan28, monthly(31), d("2028-02-28T23:59:59Z")).refilled).toBe(false);
    expect(applyRefill(jan28, monthly(31), d("2028-02-29T00:00:00Z")).refilled).toBe(true);
  });
});

describe("validateRefill", () => {
  it.each<unknown>([
    { interval: "daily", amount: 1 },
    { interval: "monthly", amount: 100 },
    { interval: "monthly", amount: 100, refillDay: 1 },
    { interval: "monthly", amount: 100, refillDay: 31 },
    { interval: "daily", amount: 5, refillDay: null },
  ])("accepts %j", (config) => {
    const result = validateRefill(config);
    expect(result.ok).toBe(true);
  });

  it("returns a clean typed config", () => {
    expect(validateRefill({ interval: "daily", amount: 5, refillDay: null })).toEqual({ ok: true, config: { interval: "daily", amount: 5 } });
    expect(validateRefill({ interval: "monthly", amount: 5, refillDay: 15 })).toEqual({
      ok: true,
      config: { interval: "monthly", amount: 5, refillDay: 15 },
    });
  });

  it.each<[unknown, string, RegExp]>([
    [null, "invalid_interval", /refill must be an object/],
    ["daily", "invalid_interval", /refill must be an object/],
    [{ amount: 1 }, "invalid_interval", /^refill\.interval must be "daily" or "monthly"$/],
    [{ interval: "weekly", amount: 1 }, "invalid_interval", /refill\.interval/],
    [{ interval: "daily" }, "invalid_amount", /^refill\.amount must be a positive integer$/],
    [{ interval: "daily", amount: 0 }, "invalid_amount", /refill\.amount/],
    [{ interval: "daily", amount: -5 }, "invalid_amount", /refill\.amount/],
    [{ interval: "daily", amount: 1.5 }, "invalid_amount", /refill\.amount/],
    [{ interval: "daily", amount: "10" }, "invalid_amount", /refill\.amount/],
    [{ interval: "daily", amount: Number.POSITIVE_INFINITY }, "invalid_amount", /refill\.amount/],
    [{ interval: "daily", amount: 10, refillDay: 1 }, "invalid_refill_day", /only allowed with interval "monthly"/],
    [{ interval: "monthly", amount: 10, refillDay: 0 }, "invalid_refill_day", /^refill\.refillDay must be an integer from 1 to 31$/],
    [{ interval: "monthly", amount: 10, refillDay: 32 }, "invalid_refill_day", /refillDay/],
    [{ interval: "monthly", amount: 10, refillDay: 15.5 }, "invalid_refill_day", /refillDay/],
    [{ interval: "monthly", amount: 10, refillDay: "15" }, "invalid_refill_day", /refillDay/],
  ])("rejects %j with %s", (config, error, message) => {
    expect(validateRefill(config)).toEqual({ ok: false, error, message: expect.stringMatching(message) });
  });
});
