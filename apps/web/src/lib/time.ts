import { useEffect, useState } from 'react';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type DateLike = string | number | Date;
const ms = (d: DateLike) => (d instanceof Date ? d.getTime() : typeof d === 'number' ? d : Date.parse(d));

/**
 * "just now", "5 minutes ago", "in 3 days", then a plain date past a month. `past` is for
 * moments that already happened (created, last used): a server clock slightly ahead of the
 * browser's then still reads "just now", never "in a few seconds".
 */
export function relativeTime(date: DateLike, now: number = Date.now(), opts: { past?: boolean } = {}): string {
  let diff = ms(date) - now;
  if (opts.past && diff > 0) diff = Math.max(0, diff - 5 * 60_000);
  const abs = Math.abs(diff);
  const future = diff > 0;
  if (abs < 45_000) return future ? 'in a few seconds' : 'just now';
  const say = (n: number, unit: string) => {
    const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
    return future ? `in ${text}` : `${text} ago`;
  };
  if (abs < HOUR) return say(Math.max(1, Math.round(abs / MINUTE)), 'minute');
  if (abs < DAY) return say(Math.round(abs / HOUR), 'hour');
  if (abs < 30 * DAY) return say(Math.round(abs / DAY), 'day');
  return formatDate(date);
}

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export const formatDate = (d: DateLike) => dateFmt.format(new Date(ms(d)));
export const formatDateTime = (d: DateLike) => dateTimeFmt.format(new Date(ms(d)));

/** 60000 → "1 minute", 3600000 → "1 hour", 1500 → "1.5 seconds". */
export function formatDuration(durationMs: number): string {
  const units: [number, string][] = [
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (durationMs >= size && durationMs % size === 0) {
      const n = durationMs / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  const s = durationMs / 1000;
  return `${s} second${s === 1 ? '' : 's'}`;
}

/** The current time, re-rendering every `everyMs` so relative times stay true while a screen is open. */
export function useNow(everyMs = 15_000): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return Date.now();
}
