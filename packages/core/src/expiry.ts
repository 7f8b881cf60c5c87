/**
 * Normalises the four documented ways of asking for an expiry into one
 * absolute instant (or "never"):
 *
 * | field           | surface      | meaning                          |
 * |-----------------|--------------|----------------------------------|
 * | `expiresIn`     | Rybbit (01)  | positive integer seconds from now |
 * | `expiresAt`     | org keys (03)| ISO-8601 string                  |
 * | `expires`       | Unkey v1 (04)| integer unix milliseconds        |
 * | `expiresInDays` | Wubble (05)  | positive integer days from now   |
 *
 * Fields are typed `unknown` because this is a validation boundary: whatever a
 * request carried comes back as a typed error, never an exception. `null` and
 * `undefined` both mean "not set"; setting more than one field is ambiguous.
 *
 * `expiresAt` accepts RFC 3339 date-times (`T`/`t` separator, seconds and
 * fraction optional, zone `Z`/`z` or `±HH:MM` required) and, as a convenience,
 * a bare `YYYY-MM-DD`, read as 00:00 UTC of that day. A date-time without a
 * zone is rejected rather than guessed, and impossible calendar dates such as
 * 2026-02-30 are rejected rather than rolled over.
 */

import { DAY_MS, daysInMonth, type Instant, toMillis } from "./time";

const SECOND_MS = 1000;
/** Ten Julian years. */
export const DEFAULT_MAX_EXPIRY_MS = 3652.5 * DAY_MS;

export interface ExpiryInput {
  expiresIn?: unknown;
  expiresAt?: unknown;
  expires?: unknown;
  expiresInDays?: unknown;
}

export type ExpiryError = "not_a_number" | "invalid_date" | "in_past" | "too_far" | "ambiguous";

export type ExpiryResult =
  | { ok: true; expiresAt: Date | null }
  | { ok: false; error: ExpiryError; message: string };

const FIELDS = ["expiresIn", "expiresAt", "expires", "expiresInDays"] as const;

export function normalizeExpiry(
  input: ExpiryInput | null | undefined,
  opts: { now?: Instant; maxMs?: number } = {},
): ExpiryResult {
  const set = FIELDS.filter((field) => input?.[field] !== undefined && input?.[field] !== null);
  const [field] = set;
  if (field === undefined || input == null) return { ok: true, expiresAt: null };
  if (set.length > 1) {
    return fail("ambiguous", `set only one of ${set.join(", ")}`);
  }

  const now = toMillis(opts.now ?? Date.now());
  const maxMs = opts.maxMs ?? DEFAULT_MAX_EXPIRY_MS;
  const value = input[field];

  let at: number;
  switch (field) {
    case "expiresIn":
      if (!isInteger(value)) return fail("not_a_number", "expiresIn must be a positive integer number of seconds");
      if (value <= 0) return fail("in_past", "expiresIn must be a positive integer number of seconds");
      at = now + value * SECOND_MS;
      break;
    case "expiresInDays":
      if (!isInteger(value)) return fail("not_a_number", "expiresInDays must be a positive integer number of days");
      if (value <= 0) return fail("in_past", "expiresInDays must be a positive integer number of days");
      at = now + value * DAY_MS;
      break;
    case "expires":
      if (!isInteger(value)) return fail("not_a_number", "expires must be an integer unix timestamp in milliseconds");
      at = value;
      break;
    case "expiresAt": {
      const parsed = typeof value === "string" ? parseIsoInstant(value) : null;
      if (parsed === null) {
        return fail("invalid_date", "expiresAt must be an ISO-8601 date-time with a time zone, e.g. 2030-01-31T12:00:00Z");
      }
      at = parsed;
      break;
    }
  }

  if (at <= now) return fail("in_past", `${field} must be in the future`);
  if (at - now > maxMs) {
    return fail("too_far", `${field} must be no later than ${new Date(now + maxMs).toISOString()}`);
  }
  return { ok: true, expiresAt: new Date(at) };
}

function fail(error: ExpiryError, message: string): ExpiryResult {
  return { ok: false, error, message };
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2}):(\d{2})))?$/;

/** Unix ms of a strict ISO-8601 instant (see the module comment), or null. */
function parseIsoInstant(text: string): number | null {
  const m = ISO_INSTANT.exec(text);
  if (m === null) return null;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", , sign, offH = "0", offM = "0"] =
    m;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  const oh = Number(offH);
  const om = Number(offM);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59) return null;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  date.setUTCFullYear(y, mo - 1, d);
  const offset = (sign === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  return date.getTime() - offset;
}
