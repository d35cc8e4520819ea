/** How due a service is, as a word with an icon (never colour alone), and its forecast in words. */
import type { DueStatus } from "./maintenance-types";

const STATUS_TEXT: Record<DueStatus, string> = { ok: "OK", due_soon: "Due soon", overdue: "Overdue" };

function StatusIcon({ status }: { status: DueStatus }) {
  // Distinct shapes: a check, a clock, a warning triangle.
  if (status === "ok")
    return (
      <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="status-icon">
        <path d="M2 8.5l4 4 8-9" fill="none" stroke="currentColor" strokeWidth="2.2" />
      </svg>
    );
  if (status === "due_soon")
    return (
      <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="status-icon">
        <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <path d="M8 4v4.5l3 2" fill="none" stroke="currentColor" strokeWidth="1.8" />
      </svg>
    );
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="status-icon">
      <path d="M8 1.5L15 14.5H1z" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
      <path d="M8 6v4M8 11.5v1.5" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

export function DueBadge({ status }: { status: DueStatus }) {
  return (
    <span className={`due-badge due-${status}`}>
      <StatusIcon status={status} />
      {STATUS_TEXT[status]}
    </span>
  );
}

export const dueStatusText = (status: DueStatus) => STATUS_TEXT[status];

const DAY_MS = 86_400_000;

/** "due in ~12 days", "due today", "~3 days overdue"; null when there is no forecast. */
export function forecastText(forecastDate: string | null, status: DueStatus, now = Date.now()): string | null {
  if (!forecastDate) return null;
  const days = Math.round((Date.parse(forecastDate) - now) / DAY_MS);
  if (status === "overdue" && days >= 0) return "overdue now";
  if (days === 0) return "due today";
  const plural = (n: number) => `${n} day${n === 1 ? "" : "s"}`;
  return days > 0 ? `due in ~${plural(days)}` : `~${plural(-days)} overdue`;
}
