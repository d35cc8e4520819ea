const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export const formatNumber = (value: number | null | undefined, unit = "") =>
  value === null || value === undefined ? "—" : `${number.format(value)}${unit ? ` ${unit}` : ""}`;

export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : "—");

/** 24-hour HH:MM, as the offline banner shows it. */
export function formatClock(epochMs: number) {
  const d = new Date(epochMs);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function formatWait(seconds: number) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export const ROLE_NAMES = { admin: "Administrator", manager: "Fleet manager", technician: "Technician", driver: "Driver" } as const;
