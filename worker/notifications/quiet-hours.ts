import type { QuietHours } from "../domain/notifications";
import { MINUTE_MS, parseClock, zonedParts } from "../domain/time-zone";

const DAY_MINUTES = 1440;

/** Minutes and seconds since local midnight of `at` in `timeZone`. */
function localClock(at: number, timeZone: string) {
  const { hour, minute, second } = zonedParts(at, timeZone);
  return { minutes: hour * 60 + minute, seconds: second };
}

/**
 * If `at` falls in the quiet period (start inclusive, end exclusive, may cross midnight, in the
 * user's time zone), the epoch ms at which it ends; otherwise null.
 */
export function quietUntil(quiet: QuietHours | null | undefined, at: number): number | null {
  if (!quiet) return null;
  const start = parseClock(quiet.start);
  const end = parseClock(quiet.end);
  if (start === null || end === null || start === end) return null;
  const { minutes, seconds } = localClock(at, quiet.timeZone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  const minutesLeft = (end - minutes + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  // Step to the local end time; re-check the zone's offset there (a DST change may fall in between).
  let until = at - seconds * 1000 - (at % 1000) + minutesLeft * MINUTE_MS;
  const drift = localClock(until, quiet.timeZone).minutes - end;
  if (drift !== 0) until -= (((drift + 720) % DAY_MINUTES) - 720) * MINUTE_MS;
  return until;
}
