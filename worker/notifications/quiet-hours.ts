import type { QuietHours } from "../db/schema";

/** Minutes since local midnight of `at` in `timeZone`, plus the offset to move back to UTC. */
function localClock(at: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return { minutes: +parts.hour! * 60 + +parts.minute!, seconds: +parts.second!, offsetMs: asUtc - Math.floor(at / 1000) * 1000 };
}

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
};

/**
 * If `at` falls in the quiet period (start inclusive, end exclusive, may cross midnight, in the
 * user's time zone), the epoch ms at which it ends; otherwise null.
 */
export function quietUntil(quiet: QuietHours | null | undefined, at: number): number | null {
  if (!quiet) return null;
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  if (start === end) return null;
  const { minutes, seconds } = localClock(at, quiet.timeZone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  const minutesLeft = (end - minutes + 1440) % 1440 || 1440;
  // Step to the local end time; re-check the zone's offset there (a DST change may fall in between).
  let until = at - seconds * 1000 - (at % 1000) + minutesLeft * 60_000;
  const drift = localClock(until, quiet.timeZone).minutes - end;
  if (drift !== 0) until -= (((drift + 720) % 1440) - 720) * 60_000;
  return until;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}
