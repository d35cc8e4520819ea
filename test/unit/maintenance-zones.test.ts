import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shiftWindows } from "../../worker/domain/maintenance/shifts";
import { isValidTimeZone, isoWeekday, localToUtc, parseClock, zonedParts, zoneOffset } from "../../worker/domain/time-zone";

const H = 3_600_000;
const utc = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe("clock times and zone names", () => {
  it("parses HH:MM 24-hour clock times only", () => {
    expect(parseClock("00:00")).toBe(0);
    expect(parseClock("08:30")).toBe(510);
    expect(parseClock("23:59")).toBe(1439);
    for (const bad of ["24:00", "7:00", "12:60", "12:5", "noon", "", "08:00:00"]) expect(parseClock(bad)).toBeNull();
  });

  it("accepts IANA names the runtime knows, nothing else", () => {
    for (const ok of ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata", "Etc/GMT+5"])
      expect(isValidTimeZone(ok)).toBe(true);
    for (const bad of ["Mars/Olympus_Mons", "+01:00", "Berlin", "", "Europe/Berlin; drop"]) expect(isValidTimeZone(bad)).toBe(false);
  });

  it("numbers weekdays ISO style (1 = Monday … 7 = Sunday)", () => {
    expect(isoWeekday(2026, 1, 5)).toBe(1);
    expect(isoWeekday(2026, 1, 11)).toBe(7);
  });
});

describe("local wall-clock time → UTC", () => {
  it("uses the offset in force on that date (Berlin winter +1, summer +2)", () => {
    expect(iso(localToUtc(2026, 1, 5, 8 * 60, "Europe/Berlin"))).toBe("2026-01-05T07:00:00.000Z");
    expect(iso(localToUtc(2026, 7, 6, 8 * 60, "Europe/Berlin"))).toBe("2026-07-06T06:00:00.000Z");
    expect(iso(localToUtc(2026, 1, 5, 8 * 60 + 30, "Asia/Kolkata"))).toBe("2026-01-05T03:00:00.000Z");
    expect(iso(localToUtc(2026, 1, 5, 8 * 60, "America/New_York"))).toBe("2026-01-05T13:00:00.000Z");
  });

  it("maps a time skipped by spring-forward past the gap, and a repeated autumn time to its first occurrence", () => {
    // Berlin, 2026-03-29: 02:00 → 03:00. 02:30 does not exist; it is read as 03:30 CEST.
    expect(iso(localToUtc(2026, 3, 29, 2 * 60 + 30, "Europe/Berlin"))).toBe("2026-03-29T01:30:00.000Z");
    // Berlin, 2026-10-25: 03:00 → 02:00. 02:30 happens twice; the first is 02:30 CEST.
    expect(iso(localToUtc(2026, 10, 25, 2 * 60 + 30, "Europe/Berlin"))).toBe("2026-10-25T00:30:00.000Z");
  });

  it("property: reading an instant's wall clock and converting back gives the instant (outside repeated hours)", () => {
    const zones = [
      "Europe/Berlin",
      "America/New_York",
      "Asia/Kolkata",
      "Australia/Lord_Howe",
      "UTC",
      "America/Sao_Paulo",
      "Asia/Kathmandu",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2025, 0, 1) / 60_000, max: Date.UTC(2028, 0, 1) / 60_000 }),
        (zone, minute) => {
          const t = minute * 60_000;
          const p = zonedParts(t, zone);
          const back = localToUtc(p.year, p.month, p.day, p.hour * 60 + p.minute, zone);
          // In a repeated autumn hour the wall clock names two instants; the first is chosen.
          const repeated = zoneOffset(t - H, zone) !== zoneOffset(t, zone) || zoneOffset(t, zone) !== zoneOffset(t + H, zone);
          if (!repeated) expect(back).toBe(t);
          else expect(zonedParts(back, zone)).toEqual(p);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("weekly shifts as UTC windows", () => {
  const weekOf = (mondayIso: string) => [utc(mondayIso), utc(mondayIso) + 7 * 24 * H] as const;

  it("places a Monday 08:00–16:00 Berlin shift at 07:00–15:00Z in January and 06:00–14:00Z in July", () => {
    const shifts = [{ weekday: 1, start: "08:00", end: "16:00" }];
    expect(shiftWindows(shifts, "Europe/Berlin", ...weekOf("2026-01-05T00:00:00Z")).map((w) => [iso(w.start), iso(w.end)])).toEqual([
      ["2026-01-05T07:00:00.000Z", "2026-01-05T15:00:00.000Z"],
    ]);
    expect(shiftWindows(shifts, "Europe/Berlin", ...weekOf("2026-07-06T00:00:00Z")).map((w) => [iso(w.start), iso(w.end)])).toEqual([
      ["2026-07-06T06:00:00.000Z", "2026-07-06T14:00:00.000Z"],
    ]);
  });

  it("runs a shift whose end is not after its start past midnight, including one begun the day before `from`", () => {
    const shifts = [{ weekday: 7, start: "22:00", end: "06:00" }];
    const [from, to] = weekOf("2026-01-05T00:00:00Z");
    // Sunday 2026-01-04 22:00 → Monday 06:00 (UTC zone), clipped at `from`; and Sunday 2026-01-11.
    expect(shiftWindows(shifts, "UTC", from, to).map((w) => [iso(w.start), iso(w.end)])).toEqual([
      ["2026-01-05T00:00:00.000Z", "2026-01-05T06:00:00.000Z"],
      ["2026-01-11T22:00:00.000Z", "2026-01-12T00:00:00.000Z"],
    ]);
  });

  it("merges shifts that touch across midnight into one window", () => {
    const shifts = [
      { weekday: 1, start: "16:00", end: "00:00" },
      { weekday: 2, start: "00:00", end: "08:00" },
    ];
    expect(shiftWindows(shifts, "Europe/London", ...weekOf("2026-01-05T00:00:00Z")).map((w) => [iso(w.start), iso(w.end)])).toEqual([
      ["2026-01-05T16:00:00.000Z", "2026-01-06T08:00:00.000Z"],
    ]);
  });

  it("keeps local hours across the DST change (a Sunday shift on 2026-03-29 in Berlin is 7 real hours long)", () => {
    const shifts = [{ weekday: 7, start: "00:00", end: "08:00" }];
    const windows = shiftWindows(shifts, "Europe/Berlin", utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z"));
    expect(windows.map((w) => [iso(w.start), iso(w.end)])).toEqual([["2026-03-28T23:00:00.000Z", "2026-03-29T06:00:00.000Z"]]);
  });

  it("returns nothing for no shifts or an empty range", () => {
    expect(shiftWindows([], "UTC", 0, 7 * 24 * H)).toEqual([]);
    expect(shiftWindows([{ weekday: 1, start: "08:00", end: "16:00" }], "UTC", 10, 10)).toEqual([]);
  });
});
