/**
 * Weekly shifts in a technician's IANA time zone, turned into UTC windows (zone math in
 * ../time-zone.ts).
 */
import { DAY_MS, isoWeekday, localToUtc, parseClock, zonedParts } from "../time-zone";

/** One weekly shift: ISO weekday (1 = Monday … 7 = Sunday), local `HH:MM` start and end. */
export interface Shift {
  weekday: number;
  start: string;
  end: string;
}

/** A half-open UTC interval [start, end) in epoch milliseconds. */
export interface Window {
  start: number;
  end: number;
}

/** Sorts and merges overlapping or touching windows. */
export function mergeWindows(windows: Window[]): Window[] {
  const sorted = windows.filter((w) => w.end > w.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Window[] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else out.push({ ...w });
  }
  return out;
}

/**
 * The UTC windows in [from, to) during which a technician with these weekly shifts works.
 * A shift whose end is not after its start runs past midnight into the next day
 * (`22:00`–`06:00`); windows that touch (`…–24:00` then `00:00–…`) merge into one.
 */
export function shiftWindows(shifts: readonly Shift[], timeZone: string, from: number, to: number): Window[] {
  if (!(to > from) || !shifts.length) return [];
  const parsed = shifts.map((s) => ({ weekday: s.weekday, start: parseClock(s.start), end: parseClock(s.end) }));
  // Start a day early: yesterday's overnight shift may reach into `from`.
  const first = zonedParts(from - DAY_MS, timeZone);
  const last = zonedParts(to + DAY_MS, timeZone);
  const lastDay = Date.UTC(last.year, last.month - 1, last.day);
  const windows: Window[] = [];
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(first.year, first.month - 1, first.day + i));
    if (date.getTime() > lastDay) break;
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const weekday = isoWeekday(y, m, d);
    for (const s of parsed) {
      if (s.weekday !== weekday || s.start === null || s.end === null) continue;
      const start = localToUtc(y, m, d, s.start, timeZone);
      const end = s.end > s.start ? localToUtc(y, m, d, s.end, timeZone) : localToUtc(y, m, d + 1, s.end, timeZone);
      const clipped = { start: Math.max(start, from), end: Math.min(end, to) };
      if (clipped.end > clipped.start) windows.push(clipped);
    }
  }
  return mergeWindows(windows);
}

/** True when [start, end) lies inside one of the (merged) windows. */
export const insideWindows = (windows: readonly Window[], start: number, end: number) =>
  windows.some((w) => w.start <= start && end <= w.end);
