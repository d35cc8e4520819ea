/**
 * Weekly shifts in a technician's IANA time zone, turned into UTC windows. Only
 * `Intl.DateTimeFormat` is used for zone math (no date library), so the same code runs in
 * workerd, Node and the browser.
 */

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

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const IANA_NAME = /^(?:UTC|GMT|[A-Za-z][A-Za-z_-]*(?:\/[A-Za-z0-9_+-]+){1,2})$/;

/** `HH:MM` (24-hour) → minutes after midnight, or null when it is not a valid clock time. */
export function parseClock(value: string): number | null {
  const match = CLOCK.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for an IANA zone name the runtime knows (`Europe/Berlin`, `UTC`); offsets like `+01:00` are not names. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!IANA_NAME.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `timeZone` at instant `ms`. */
export function zonedParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** Offset of the zone from UTC at instant `ms`, in milliseconds (Berlin in summer: +7,200,000). */
export function zoneOffset(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time. A time skipped by a spring-forward gap maps to the
 * same distance after the gap (02:30 → 03:30 local); a time repeated in autumn maps to its
 * first occurrence — the "compatible" rule of Temporal.
 */
export function localToUtc(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  // Transitions are never less than a day apart: the offsets a day either side are the only candidates.
  const candidates = [wall - zoneOffset(wall - DAY_MS, timeZone), wall - zoneOffset(wall + DAY_MS, timeZone)];
  const valid = candidates.filter((c) => zoneOffset(c, timeZone) === wall - c);
  return valid.length ? Math.min(...valid) : Math.max(...candidates);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export const isoWeekday = (year: number, month: number, day: number) => ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;

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
