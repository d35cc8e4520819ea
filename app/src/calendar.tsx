/**
 * A week calendar of bookings, one table per resource kind (technicians, bays): rows are the
 * resources, columns the seven days, so every booking is read with its row and column headers.
 * Each booking links to its work order, so the week is walked with Tab. A cell's free time is
 * the bookable time the API answers (GET /api/maintenance/availability), never just the gaps
 * between bookings: outside shifts or with the bay full, nothing is shown as free.
 */
import { type FreeInterval, freeSpansIn } from "./availability";
import type { WorkOrder } from "./maintenance-types";
import { Link } from "./router";
import { ScrollTable } from "./scroll-table";
import { formatTime } from "./work-order-status";

/** Local midnight of the Monday of the week containing `date`. */
export function weekStart(date: Date): Date {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const mondayOffset = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - mondayOffset);
  return d;
}

export function addDays(date: Date, days: number): Date {
  const d = new Date(date);
  d.setDate(d.getDate() + days);
  return d;
}

const dayHeader = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
const dayLong = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });

/** "Free 08:00–10:00, 12:00–16:00", "Free all day" or "No bookable time". */
function freeText(spans: { start: Date; end: Date }[], dayStart: number, dayEnd: number): string {
  if (!spans.length) return "No bookable time";
  if (spans.length === 1 && spans[0]!.start.getTime() === dayStart && spans[0]!.end.getTime() === dayEnd) return "Free all day";
  return `Free ${spans.map((w) => `${formatTime(w.start.toISOString())}–${formatTime(w.end.toISOString())}`).join(", ")}`;
}

export interface CalendarResource {
  id: string;
  name: string;
}

export function WeekCalendar({
  caption,
  resourceLabel,
  resources,
  week,
  workOrders,
  resourceOf,
  vehicleName,
  freeOf,
}: {
  caption: string;
  resourceLabel: string;
  resources: CalendarResource[];
  week: Date;
  workOrders: WorkOrder[];
  resourceOf: (wo: WorkOrder) => string | null;
  vehicleName: (id: string) => string;
  /** The resource's bookable intervals in the week; undefined while unknown (nothing is claimed). */
  freeOf?: (resourceId: string) => readonly FreeInterval[] | undefined;
}) {
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const booked = workOrders.filter((w) => w.scheduledStart && w.scheduledEnd && w.status !== "cancelled");
  const inCell = (resourceId: string, day: Date) => {
    const start = day.getTime();
    const end = addDays(day, 1).getTime();
    return booked
      .filter(
        (w) =>
          resourceOf(w) === resourceId && Date.parse(w.scheduledStart as string) < end && Date.parse(w.scheduledStart as string) >= start,
      )
      .sort((a, b) => Date.parse(a.scheduledStart as string) - Date.parse(b.scheduledStart as string));
  };
  const captionId = `cal-${resourceLabel.toLowerCase()}-caption`;
  if (!resources.length) return <p className="empty">No {resourceLabel.toLowerCase()}s are set up yet.</p>;
  return (
    <ScrollTable captionId={captionId} caption={caption} className="calendar">
      <thead>
        <tr>
          <th scope="col">{resourceLabel}</th>
          {days.map((d) => (
            <th scope="col" key={d.getTime()}>
              <abbr title={dayLong.format(d)}>{dayHeader.format(d)}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {resources.map((r) => (
          <tr key={r.id}>
            <th scope="row">{r.name}</th>
            {days.map((d) => {
              const items = inCell(r.id, d);
              const free = freeOf?.(r.id);
              const spans = free ? freeSpansIn(free, d.getTime(), addDays(d, 1).getTime()) : null;
              return (
                <td key={d.getTime()}>
                  {items.length ? (
                    <ul className="calendar-items">
                      {items.map((w) => (
                        <li key={w.id}>
                          <Link href={`/work-orders/${encodeURIComponent(w.id)}`} className="calendar-link">
                            {formatTime(w.scheduledStart as string)}–{formatTime(w.scheduledEnd as string)} {w.title}
                          </Link>
                          <span className="calendar-vehicle">{vehicleName(w.vehicleId)}</span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {spans ? <span className="calendar-free">{freeText(spans, d.getTime(), addDays(d, 1).getTime())}</span> : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
}
