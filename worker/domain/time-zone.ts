/**
 * Time-zone math on IANA zone names, the one implementation the product uses (quiet hours,
 * technicians' shifts, analytics buckets). Only `Intl.DateTimeFormat` is used (no date library),
 * so the same code runs in workerd, Node and the browser.
 */

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
export const isoWeekday = (year: number, month: number, day: number) =>
  ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
