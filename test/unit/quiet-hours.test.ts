import { describe, expect, it } from "vitest";
import { isValidTimeZone } from "../../worker/domain/time-zone";
import { quietUntil } from "../../worker/notifications/quiet-hours";

const berlinNight = { start: "22:00", end: "06:00", timeZone: "Europe/Berlin" };
const utc = (iso: string) => Date.parse(iso);

describe("quiet hours", () => {
  it("crosses midnight in the user's zone: start inclusive, end exclusive", () => {
    // Winter: Berlin is UTC+1, so 22:00 local = 21:00Z and 06:00 local = 05:00Z.
    expect(quietUntil(berlinNight, utc("2026-01-15T20:59:59Z"))).toBeNull();
    expect(quietUntil(berlinNight, utc("2026-01-15T21:00:00Z"))).toBe(utc("2026-01-16T05:00:00Z"));
    expect(quietUntil(berlinNight, utc("2026-01-16T03:30:00Z"))).toBe(utc("2026-01-16T05:00:00Z"));
    expect(quietUntil(berlinNight, utc("2026-01-16T05:00:00Z"))).toBeNull();
  });

  it("handles a same-day window and summer time", () => {
    const lunch = { start: "12:00", end: "13:30", timeZone: "America/New_York" };
    expect(quietUntil(lunch, utc("2026-07-01T16:15:00Z"))).toBe(utc("2026-07-01T17:30:00Z")); // EDT = UTC−4
    expect(quietUntil(lunch, utc("2026-07-01T17:30:00Z"))).toBeNull();
    expect(quietUntil(berlinNight, utc("2026-07-01T20:00:00Z"))).toBe(utc("2026-07-02T04:00:00Z")); // CEST = UTC+2
  });

  it("lands on the local end time across a DST change inside the window", () => {
    // Europe/Berlin springs forward on 2026-03-29 at 02:00 → 03:00.
    expect(quietUntil(berlinNight, utc("2026-03-28T22:00:00Z"))).toBe(utc("2026-03-29T04:00:00Z"));
  });

  it("is off when absent or empty, and validates zones", () => {
    expect(quietUntil(null, Date.now())).toBeNull();
    expect(quietUntil({ start: "08:00", end: "08:00", timeZone: "UTC" }, Date.now())).toBeNull();
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
  });
});
