/** Work-order statuses and priorities in words, and which status changes each status allows. */
import type { WorkOrder, WorkOrderStatus } from "./maintenance-types";

export const STATUS_ORDER: WorkOrderStatus[] = ["open", "scheduled", "in_progress", "completed", "cancelled"];

export const STATUS_TEXT: Record<WorkOrderStatus, string> = {
  open: "Open",
  scheduled: "Scheduled",
  in_progress: "In progress",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const PRIORITY_TEXT: Record<WorkOrder["priority"], string> = { urgent: "Urgent", high: "High", normal: "Normal", low: "Low" };

/** Status changes a button can make directly (booking and completion have their own forms). */
export function nextActions(status: WorkOrderStatus): { to: WorkOrderStatus; label: string }[] {
  switch (status) {
    case "scheduled":
      return [
        { to: "in_progress", label: "Start work" },
        { to: "cancelled", label: "Cancel" },
      ];
    case "in_progress":
    case "open":
      return [{ to: "cancelled", label: "Cancel" }];
    default:
      return [];
  }
}

const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayTime = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

/** "Mon 24 Nov, 08:00–09:30", or null when not booked. */
export function bookingText(wo: Pick<WorkOrder, "scheduledStart" | "scheduledEnd">): string | null {
  if (!wo.scheduledStart || !wo.scheduledEnd) return null;
  return `${dayTime.format(new Date(wo.scheduledStart))}–${time.format(new Date(wo.scheduledEnd))}`;
}

export const formatTime = (iso: string) => time.format(new Date(iso));

/** Cents → "123.45" in the user's locale. */
export const formatCost = (cents: number | null) =>
  cents === null ? "—" : new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
