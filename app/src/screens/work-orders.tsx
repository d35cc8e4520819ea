/**
 * Work orders: search with facets and paging over all of them, the board by status, the week
 * calendar per technician and bay, booking and auto-scheduling. The board and the calendars get
 * every open, scheduled and in-progress work order (paged through to the end, never cut at a
 * limit), so no booking is missing from the calendar, plus the latest finished ones.
 */
import { useRef, useState } from "react";
import { ApiError, client, describeError, unwrap } from "../api";
import { changeWorkOrderStatus } from "../action-queue";
import { type Availability, loadAvailability } from "../availability";
import { addDays, WeekCalendar, weekStart } from "../calendar";
import type { WorkOrder, WorkOrderStatus } from "../maintenance-types";
import { Page, Status } from "../page";
import { session } from "../session";
import { useApi } from "../use-api";
import { withLiveWorkOrders } from "../live-merge";
import { useLiveWorkOrders } from "../live-work-orders";
import { AutoSchedule } from "../work-order-auto-schedule";
import { WorkOrderBoard } from "../work-order-board";
import { ScheduleForm } from "../work-order-schedule-form";
import { NewWorkOrder } from "../work-order-new-form";
import { DownloadButton } from "../download-button";
import { STATUS_TEXT } from "../work-order-status";
import { WorkOrderSearch } from "../work-order-search";
import "../maintenance.css";

const ACTIVE: WorkOrderStatus[] = ["open", "scheduled", "in_progress"];
const FINISHED: WorkOrderStatus[] = ["completed", "cancelled"];
const RECENT_FINISHED = "50";

/** Every work order of a status, page by page. */
async function allOf(status: WorkOrderStatus): Promise<WorkOrder[]> {
  const items: WorkOrder[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(client.api["work-orders"].$get({ query: { status, limit: "500", cursor } }));
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Active work orders in full and the latest finished ones, newest first as the API lists them. */
async function boardWorkOrders(): Promise<WorkOrder[]> {
  const lists = await Promise.all([
    ...ACTIVE.map(allOf),
    ...FINISHED.map(async (status) => (await unwrap(client.api["work-orders"].$get({ query: { status, limit: RECENT_FINISHED } }))).items),
  ]);
  return lists.flat().sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** A list the caller's role may not read (technicians cannot list the shop) counts as empty. */
async function orEmpty<T>(load: Promise<{ items: T[] }>): Promise<{ items: T[] }> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return { items: [] };
    throw error;
  }
}

/** Changes whenever any booking does, so the bookable time is asked again after live changes. */
const bookingsKey = (workOrders: WorkOrder[]) =>
  workOrders
    .filter((w) => w.scheduledStart && (w.status === "scheduled" || w.status === "in_progress"))
    .map((w) => `${w.id}/${w.scheduledStart}/${w.scheduledEnd}/${w.technicianId}/${w.bayId}`)
    .sort()
    .join(",");

/** The week's bookable time from now on (15-minute bookings: every free quarter hour), or none for a past week. */
async function weekAvailability(week: Date): Promise<Availability | null> {
  const from = new Date(Math.max(week.getTime(), Date.now()));
  const to = addDays(week, 7);
  if (to <= from) return null;
  return loadAvailability({ from, to, durationMinutes: 15 });
}

const weekLabel = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long", year: "numeric" });

export default function WorkOrders() {
  const role = session.get()?.user.role;
  const canBook = role === "admin" || role === "manager";
  const [version, setVersion] = useState(0);
  const data = useApi(`work-orders:${version}`, async () => {
    const [workOrders, vehicles, technicians, bays] = await Promise.all([
      boardWorkOrders(),
      unwrap(client.api.vehicles.$get({ query: { limit: "500" } })),
      orEmpty(unwrap(client.api.technicians.$get({ query: { limit: "500" } }))),
      orEmpty(unwrap(client.api.bays.$get({ query: { limit: "500" } }))),
    ]);
    return { workOrders, vehicles: vehicles.items, technicians: technicians.items, bays: bays.items };
  });
  const [week, setWeek] = useState(() => weekStart(new Date()));
  const [selectedId, setSelectedId] = useState("");
  const [busyId, setBusyId] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const scheduleRef = useRef<HTMLDivElement>(null);
  const liveWorkOrders = useLiveWorkOrders<WorkOrder>();
  const refresh = () => setVersion((v) => v + 1);

  // Keep showing the last answer while a refresh after a change loads (forms keep their state).
  const last = useRef<typeof data.data>(undefined);
  if (data.state === "ok") last.current = data.data;
  const current = data.state === "ok" ? data.data : last.current;
  const shown = current ? withLiveWorkOrders(current.workOrders, liveWorkOrders) : [];
  const free = useApi(`availability:${canBook}:${week.getTime()}:${bookingsKey(shown)}`, () =>
    canBook ? weekAvailability(week) : Promise.resolve(null),
  );

  if (!current && data.state !== "error")
    return (
      <Page title="Work orders">
        <Status>Loading work orders…</Status>
      </Page>
    );
  if (!current)
    return (
      <Page title="Work orders">
        <Status error>{describeError(data.error)}</Status>
      </Page>
    );

  const { vehicles, technicians, bays } = current;
  // Other people's changes and new work orders, from the live stream, over what was loaded.
  const workOrders = withLiveWorkOrders(current.workOrders, liveWorkOrders);
  const vehicleNames = new Map(vehicles.map((v) => [v.id, v.name]));
  const vehicleName = (id: string) => vehicleNames.get(id) ?? id;
  const technicianName = (id: string | null) => (id ? (technicians.find((t) => t.id === id)?.name ?? null) : null);
  // Bookable time per resource; unknown (nothing claimed) until loaded, none at all for a past week.
  const freeAnswer = free.state === "ok" ? free.data : undefined;
  const freeOf = (pick: (i: Availability["items"][number]) => string | null) => (id: string) =>
    free.state !== "ok" ? undefined : (freeAnswer?.items.filter((i) => pick(i) === id) ?? []);
  const titleOf = (id: string) => workOrders.find((w) => w.id === id)?.title ?? id;

  async function changeStatus(wo: WorkOrder, to: WorkOrderStatus) {
    setBusyId(wo.id);
    setMessage(null);
    try {
      // Queued on this device when offline, replayed in order when back (see action-queue.ts).
      const result = await changeWorkOrderStatus(wo.id, to, `${STATUS_TEXT[to]}: ${wo.title}`);
      if (result.queued) {
        setMessage({
          text: `You are offline: “${wo.title}” will be set to ${STATUS_TEXT[to].toLowerCase()} when you are back online.`,
          error: false,
        });
      } else {
        setMessage({ text: `“${wo.title}” is now ${STATUS_TEXT[to].toLowerCase()}.`, error: false });
        refresh();
      }
    } catch (error) {
      setMessage({ text: `Could not change “${wo.title}”: ${describeError(error)}`, error: true });
    } finally {
      setBusyId(null);
    }
  }

  const schedule = (wo: WorkOrder) => {
    setSelectedId(wo.id);
    scheduleRef.current?.scrollIntoView({ block: "start" });
    scheduleRef.current?.querySelector<HTMLElement>("#schedule-technician")?.focus();
  };

  return (
    <Page title="Work orders" intro="Work orders from plans, alerts and risk predictions, by status, with the shop's week and booking.">
      <p className={message?.error ? "status status-error" : "status"} role="status">
        {message?.text}
      </p>
      {canBook ? (
        <div className="actions">
          <NewWorkOrder
            vehicles={vehicles}
            onCreated={(wo) => {
              setMessage({ text: `Work order “${wo.title}” created.`, error: false });
              refresh();
            }}
          />
          <DownloadButton label="Export CSV" path="/api/reports/work-orders.csv" fileName="work-orders.csv" />
        </div>
      ) : null}
      <WorkOrderSearch vehicles={vehicles} />
      <section aria-labelledby="board-heading">
        <h2 id="board-heading">Board</h2>
        <WorkOrderBoard
          workOrders={workOrders}
          vehicleName={vehicleName}
          technicianName={technicianName}
          busyId={busyId}
          onChangeStatus={changeStatus}
          onSchedule={canBook ? schedule : undefined}
        />
      </section>
      {canBook ? (
        <section aria-labelledby="booking-heading" ref={scheduleRef}>
          <h2 id="booking-heading">Booking</h2>
          <ScheduleForm
            workOrders={workOrders}
            technicians={technicians}
            bays={bays}
            selectedId={selectedId}
            onSelect={setSelectedId}
            onScheduled={refresh}
          />
          <AutoSchedule titleOf={titleOf} technicianName={technicianName} onDone={refresh} />
        </section>
      ) : null}
      <section aria-labelledby="week-heading">
        <h2 id="week-heading">Week of {weekLabel.format(week)}</h2>
        <div className="actions week-nav">
          <button type="button" className="button" onClick={() => setWeek((w) => addDays(w, -7))}>
            Previous week
          </button>
          <button type="button" className="button" onClick={() => setWeek(weekStart(new Date()))}>
            This week
          </button>
          <button type="button" className="button" onClick={() => setWeek((w) => addDays(w, 7))}>
            Next week
          </button>
        </div>
        <h3>Technicians</h3>
        <WeekCalendar
          caption={`Bookings per technician, week of ${weekLabel.format(week)}`}
          resourceLabel="Technician"
          resources={technicians}
          week={week}
          workOrders={workOrders}
          resourceOf={(w) => w.technicianId}
          vehicleName={vehicleName}
          freeOf={canBook ? freeOf((i) => (i.bayId ? null : i.technicianId)) : undefined}
        />
        <h3>Bays</h3>
        <WeekCalendar
          caption={`Bookings per bay, week of ${weekLabel.format(week)}`}
          resourceLabel="Bay"
          resources={bays}
          week={week}
          workOrders={workOrders}
          resourceOf={(w) => w.bayId}
          vehicleName={vehicleName}
          freeOf={canBook ? freeOf((i) => (i.technicianId ? null : i.bayId)) : undefined}
        />
      </section>
    </Page>
  );
}
