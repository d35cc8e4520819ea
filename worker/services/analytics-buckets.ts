/**
 * Time buckets of the analytics series, aligned to local midnights or local hours of an IANA
 * zone. Boundaries are computed here (Intl via the maintenance zone helpers) and handed to SQL
 * as plain epoch-ms ranges, so DST days have 23 or 25 hourly buckets and zones with
 * non-whole-hour offsets (Asia/Kolkata +05:30, Asia/Kathmandu +05:45) or 30-minute DST shifts
 * (Australia/Lord_Howe) get their own hour starts.
 */
import { HOUR_MS, localToUtc, zonedParts, zoneOffset } from "../domain/time-zone";

export const BUCKETS = ["hour", "day"] as const;
export type Bucket = (typeof BUCKETS)[number];
/** More buckets than this is a 400: the series would be unreadable and the query large. */
export const MAX_BUCKETS = 2000;

export interface BucketRange {
  /** The bucket's own start (a local midnight or hour), reported to the client. */
  start: number;
  end: number;
}

/** The local midnight at or before `ms`. */
function dayFloor(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return localToUtc(p.year, p.month, p.day, 0, timeZone);
}

function nextMidnight(start: number, timeZone: string): number {
  // Noon of the bucket's day is safely inside it whatever the DST shift; the next date's midnight follows.
  const p = zonedParts(start + 12 * HOUR_MS, timeZone);
  return localToUtc(p.year, p.month, p.day + 1, 0, timeZone);
}

// Every zone offset in use is a multiple of 15 minutes, so local hour starts lie on this UTC grid.
const GRID_MS = 15 * 60_000;
const localHourIndex = (ms: number, timeZone: string) => Math.floor((ms + zoneOffset(ms, timeZone)) / HOUR_MS);

/**
 * Where a local hour starts: the wall clock reads minute 0 (which also splits New York's repeated
 * 01:00 hour in autumn), or the hour changed without passing minute 0 (Lord Howe's 30-minute
 * spring jump from 01:59 to 02:30 starts hour 02 at :30).
 */
const isHourMark = (ms: number, timeZone: string) =>
  (ms + zoneOffset(ms, timeZone)) % HOUR_MS === 0 || localHourIndex(ms, timeZone) !== localHourIndex(ms - GRID_MS, timeZone);

/** The last local hour start at or before `ms`. */
function hourFloor(ms: number, timeZone: string): number {
  let mark = Math.floor(ms / GRID_MS) * GRID_MS;
  while (!isHourMark(mark, timeZone)) mark -= GRID_MS;
  return mark;
}

/** The next local hour start after `start` (usually an hour later; not across a 30-minute DST shift). */
function nextHourMark(start: number, timeZone: string): number {
  // From minute 0 with the same offset an hour later, no transition lies between: that is the next start.
  const offset = zoneOffset(start, timeZone);
  if ((start + offset) % HOUR_MS === 0 && zoneOffset(start + HOUR_MS, timeZone) === offset) return start + HOUR_MS;
  for (let mark = start + GRID_MS; ; mark += GRID_MS) if (isHourMark(mark, timeZone)) return mark;
}

/**
 * Buckets covering [from, to): the first starts at or before `from`, the last ends at or after
 * `to`. Returns null when there would be more than `MAX_BUCKETS`.
 */
export function bucketRanges(bucket: Bucket, from: number, to: number, timeZone: string): BucketRange[] | null {
  const out: BucketRange[] = [];
  let start = bucket === "day" ? dayFloor(from, timeZone) : hourFloor(from, timeZone);
  while (start < to) {
    if (out.length === MAX_BUCKETS) return null;
    const end = bucket === "day" ? nextMidnight(start, timeZone) : nextHourMark(start, timeZone);
    out.push({ start, end });
    start = end;
  }
  return out;
}
