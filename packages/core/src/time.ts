/** Instants are accepted as a Date or unix milliseconds so callers can inject `now`. */
export type Instant = Date | number;

export const DAY_MS = 86_400_000;

export function toMillis(instant: Instant): number {
  return typeof instant === "number" ? instant : instant.getTime();
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1-12) of a proleptic Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] as number);
}
