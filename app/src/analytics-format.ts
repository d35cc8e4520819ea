/** Words and labels for the Analytics screen: durations, bucket labels in a time zone, periods. */

/** 95 → "1 min 35 s", 7200 → "2 h", null → "—". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

/** A bucket's start as the x-axis label, in the chosen time zone. */
export function bucketLabel(iso: string, bucket: "hour" | "day", timeZone: string): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === "hour"
      ? { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }
      : { timeZone, day: "numeric", month: "short" };
  return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
}

export const PERIODS = [
  { id: "24h", label: "Last 24 hours", days: 1, bucket: "hour" },
  { id: "7d", label: "Last 7 days", days: 7, bucket: "day" },
  { id: "30d", label: "Last 30 days", days: 30, bucket: "day" },
  { id: "90d", label: "Last 90 days", days: 90, bucket: "day" },
] as const;
export type PeriodId = (typeof PERIODS)[number]["id"];

/** The browser's IANA time zone, or UTC when it does not say. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** Time zones to offer: every zone the browser knows, with the current one and UTC always present. */
export function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", current, ...known])].sort();
}
