import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_EXPIRY_MS, type ExpiryInput, normalizeExpiry } from "./expiry";

const NOW = Date.parse("2026-06-25T12:00:00.000Z");
const DAY = 86_400_000;
const at = (ms: number) => ({ ok: true, expiresAt: new Date(ms) });
const err = (error: string) => expect.objectContaining({ ok: false, error, message: expect.any(String) });

describe("normalizeExpiry", () => {
  it.each<[string, ExpiryInput | null | undefined]>([
    ["empty object", {}],
    ["null input", null],
    ["undefined input", undefined],
    ["all null", { expiresIn: null, expiresAt: null, expires: null, expiresInDays: null }],
    ["all undefined", { expiresIn: undefined, expiresAt: undefined }],
  ])("never expires: %s", (_, input) => {
    expect(normalizeExpiry(input, { now: NOW })).toEqual({ ok: true, expiresAt: null });
  });

  it.each<[string, ExpiryInput, number]>([
    ["expiresIn seconds (seed 01)", { expiresIn: 2_592_000 }, NOW + 30 * DAY],
    ["expiresIn 1 second", { expiresIn: 1 }, NOW + 1000],
    ["expiresInDays (seed 05)", { expiresInDays: 90 }, NOW + 90 * DAY],
    ["expires unix ms (seed 04)", { expires: NOW + 1 }, NOW + 1],
    ["expiresAt Z", { expiresAt: "2026-07-25T12:00:00.000Z" }, NOW + 30 * DAY],
    ["expiresAt lowercase t/z", { expiresAt: "2026-07-25t12:00:00z" }, NOW + 30 * DAY],
    ["expiresAt without seconds", { expiresAt: "2026-07-25T12:00Z" }, NOW + 30 * DAY],
    ["expiresAt positive offset", { expiresAt: "2026-07-25T14:00:00+02:00" }, NOW + 30 * DAY],
    ["expiresAt negative offset", { expiresAt: "2026-07-25T07:30:00-04:30" }, NOW + 30 * DAY],
    ["expiresAt nanoseconds truncate to ms", { expiresAt: "2026-07-25T12:00:00.123456789Z" }, NOW + 30 * DAY + 123],
    ["expiresAt one fraction digit", { expiresAt: "2026-07-25T12:00:00.5Z" }, NOW + 30 * DAY + 500],
    ["expiresAt date-only is 00:00Z", { expiresAt: "2026-07-26" }, Date.parse("2026-07-26T00:00:00Z")],
    ["expiresAt Feb 29 of a leap year", { expiresAt: "2028-02-29T00:00:00Z" }, Date.parse("2028-02-29T00:00:00Z")],
    ["null siblings are ignored", { expiresIn: 60, expiresAt: null, expires: undefined }, NOW + 60_000],
  ])("%s", (_, input, expected) => {
    expect(normalizeExpiry(input, { now: NOW })).toEqual(at(expected));
  });

  it("accepts now as a Date and defaults to the clock", () => {
    expect(normalizeExpiry({ expiresIn: 60 }, { now: new Date(NOW) })).toEqual(at(NOW + 60_000));
    const result = normalizeExpiry({ expiresIn: 60 });
    expect(result.ok && result.expiresAt && Math.abs(result.expiresAt.getTime() - (Date.now() + 60_000))).toBeLessThan(5000);
  });

  it.each<[string, ExpiryInput, string, RegExp]>([
    ["ambiguous", { expiresIn: 60, expiresInDays: 1 }, "ambiguous", /expiresIn, expiresInDays/],
    ["ambiguous even if one is invalid", { expiresAt: "x", expires: 1 }, "ambiguous", /expiresAt, expires/],
    ["expiresIn string", { expiresIn: "60" }, "not_a_number", /^expiresIn must be a positive integer number of seconds$/],
    ["expiresIn NaN", { expiresIn: Number.NaN }, "not_a_number", /expiresIn/],
    ["expiresIn Infinity", { expiresIn: Number.POSITIVE_INFINITY }, "not_a_number", /expiresIn/],
    ["expiresIn fraction", { expiresIn: 1.5 }, "not_a_number", /expiresIn/],
    ["expiresIn boolean", { expiresIn: true }, "not_a_number", /expiresIn/],
    ["expiresIn zero", { expiresIn: 0 }, "in_past", /expiresIn must be a positive/],
    ["expiresIn negative", { expiresIn: -60 }, "in_past", /expiresIn/],
    ["expiresInDays fraction", { expiresInDays: 0.5 }, "not_a_number", /^expiresInDays must be a positive integer number of days$/],
    ["expiresInDays string", { expiresInDays: "90" }, "not_a_number", /expiresInDays/],
    ["expiresInDays zero", { expiresInDays: 0 }, "in_past", /expiresInDays/],
    ["expires fraction", { expires: NOW + 0.5 }, "not_a_number", /^expires must be an integer unix timestamp/],
    ["expires ISO string", { expires: "2030-01-01T00:00:00Z" }, "not_a_number", /expires/],
    ["expires -Infinity", { expires: Number.NEGATIVE_INFINITY }, "not_a_number", /expires/],
    ["expires equal to now", { expires: NOW }, "in_past", /^expires must be in the future$/],
    ["expires in the past", { expires: NOW - 1 }, "in_past", /expires/],
    ["expires in seconds by mistake", { expires: Math.floor(NOW / 1000) + 3600 }, "in_past", /expires/],
    ["expiresAt number", { expiresAt: NOW + DAY }, "invalid_date", /^expiresAt must be an ISO-8601/],
    ["expiresAt Feb 30", { expiresAt: "2026-02-30T00:00:00Z" }, "invalid_date", /expiresAt/],
    ["expiresAt Feb 29 non-leap", { expiresAt: "2027-02-29" }, "invalid_date", /expiresAt/],
    ["expiresAt month 13", { expiresAt: "2026-13-01" }, "invalid_date", /expiresAt/],
    ["expiresAt day 0", { expiresAt: "2026-12-00" }, "invalid_date", /expiresAt/],
    ["expiresAt hour 24", { expiresAt: "2026-12-01T24:00:00Z" }, "invalid_date", /expiresAt/],
    ["expiresAt minute 60", { expiresAt: "2026-12-01T12:60:00Z" }, "invalid_date", /expiresAt/],
    ["expiresAt leap second", { expiresAt: "2026-12-31T23:59:60Z" }, "invalid_date", /expiresAt/],
    ["expiresAt offset 24h", { expiresAt: "2026-12-01T12:00:00+24:00" }, "invalid_date", /expiresAt/],
    ["expiresAt no time zone", { expiresAt: "2026-12-01T12:00:00" }, "invalid_date", /time zone/],
    ["expiresAt basic offset", { expiresAt: "2026-12-01T12:00:00+0200" }, "invalid_date", /expiresAt/],
    ["expiresAt free text", { expiresAt: "next tuesday" }, "invalid_date", /expiresAt/],
    ["expiresAt RFC 2822", { expiresAt: "Tue, 01 Dec 2026 12:00:00 GMT" }, "invalid_date", /expiresAt/],
    ["expiresAt empty", { expiresAt: "" }, "invalid_date", /expiresAt/],
    ["expiresAt in the past", { expiresAt: "2020-01-01T00:00:00Z" }, "in_past", /^expiresAt must be in the future$/],
    ["expiresAt two-digit-era year", { expiresAt: "0050-01-01T00:00:00Z" }, "in_past", /expiresAt/],
    ["expiresAt today at midnight", { expiresAt: "2026-06-25" }, "in_past", /expiresAt/],
  ])("%s → %s", (_, input, error, message) => {
    const result = normalizeExpiry(input, { now: NOW });
    expect(result).toEqual(err(error));
    expect(!result.ok && result.message).toMatch(message);
  });

  describe("maxMs boundary", () => {
    it("defaults to ten years", () => {
      expect(DEFAULT_MAX_EXPIRY_MS).toBe(3652.5 * DAY);
      expect(normalizeExpiry({ expires: NOW + DEFAULT_MAX_EXPIRY_MS }, { now: NOW })).toEqual(at(NOW + DEFAULT_MAX_EXPIRY_MS));
      expect(normalizeExpiry({ expires: NOW + DEFAULT_MAX_EXPIRY_MS + 1 }, { now: NOW })).toEqual(err("too_far"));
      expect(normalizeExpiry({ expiresInDays: 3652 }, { now: NOW }).ok).toBe(true);
      expect(normalizeExpiry({ expiresInDays: 3653 }, { now: NOW })).toEqual(err("too_far"));
    });

    it.each<[string, ExpiryInput, ExpiryInput]>([
      ["expiresIn", { expiresIn: 3600 }, { expiresIn: 3601 }],
      ["expiresInDays", { expiresInDays: 1 }, { expiresInDays: 2 }],
      ["expires", { expires: NOW + 3_600_000 }, { expires: NOW + 3_600_001 }],
      ["expiresAt", { expiresAt: "2026-06-25T13:00:00.000Z" }, { expiresAt: "2026-06-25T13:00:00.001Z" }],
    ])("is inclusive for %s", (field, atLimit, beyond) => {
      const maxMs = field === "expiresInDays" ? DAY : 3_600_000;
      expect(normalizeExpiry(atLimit, { now: NOW, maxMs }).ok).toBe(true);
      const result = normalizeExpiry(beyond, { now: NOW, maxMs });
      expect(result).toEqual(err("too_far"));
      expect(!result.ok && result.message).toMatch(new RegExp(`^${field} must be no later than `));
    });

    it("rejects absurdly large values as too_far, not as an invalid Date", () => {
      expect(normalizeExpiry({ expiresIn: 1e300 }, { now: NOW })).toEqual(err("too_far"));
      expect(normalizeExpiry({ expires: Number.MAX_SAFE_INTEGER }, { now: NOW })).toEqual(err("too_far"));
      expect(normalizeExpiry({ expiresAt: "9999-12-31T23:59:59Z" }, { now: NOW })).toEqual(err("too_far"));
    });
  });
});
