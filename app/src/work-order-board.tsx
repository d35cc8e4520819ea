/** The work-order board: one column per status, each card with its status-change actions. */
import type { WorkOrder, WorkOrderStatus } from "./maintenance-types";
import { Link } from "./router";
import { bookingText, nextActions, PRIORITY_TEXT, STATUS_ORDER, STATUS_TEXT } from "./work-order-status";

export interface BoardProps {
  workOrders: WorkOrder[];
  vehicleName: (id: string) => string;
  technicianName: (id: string | null) => string | null;
  busyId: string | null;
  onChangeStatus: (wo: WorkOrder, to: WorkOrderStatus) => void;
  /** Present when the user may book: an open work order gets a "Schedule" button. */
  onSchedule?: (wo: WorkOrder) => void;
}

function Card({ wo, vehicleName, technicianName, busyId, onChangeStatus, onSchedule }: Omit<BoardProps, "workOrders"> & { wo: WorkOrder }) {
  const booking = bookingText(wo);
  const tech = technicianName(wo.technicianId);
  return (
    <li className="wo-card">
      <p className="wo-title">
        <Link href={`/work-orders/${encodeURIComponent(wo.id)}`}>{wo.title}</Link>
      </p>
      <p className="wo-meta">
        {vehicleName(wo.vehicleId)} · priority {PRIORITY_TEXT[wo.priority].toLowerCase()}
        {wo.dueDate ? ` · due ${new Date(wo.dueDate).toLocaleDateString()}` : ""}
      </p>
      {booking ? (
        <p className="wo-meta">
          {booking}
          {tech ? ` · ${tech}` : ""}
        </p>
      ) : null}
      <div className="actions">
        {wo.status === "open" && onSchedule ? (
          <button type="button" className="button" onClick={() => onSchedule(wo)}>
            Schedule <span className="visually-hidden">{wo.title}</span>
          </button>
        ) : null}
        {wo.status === "in_progress" ? (
          <Link className="button" href={`/work-orders/${encodeURIComponent(wo.id)}#complete`}>
            Complete… <span className="visually-hidden">{wo.title}</span>
          </Link>
        ) : null}
        {nextActions(wo.status).map((a) => (
          <button key={a.to} type="button" className="button" disabled={busyId === wo.id} onClick={() => onChangeStatus(wo, a.to)}>
            {a.label} <span className="visually-hidden">{wo.title}</span>
          </button>
        ))}
      </div>
    </li>
  );
}

export function WorkOrderBoard(props: BoardProps) {
  return (
    <div className="wo-board">
      {STATUS_ORDER.map((status) => {
        const items = props.workOrders.filter((w) => w.status === status);
        return (
          <section key={status} className="wo-column" aria-labelledby={`wo-col-${status}`}>
            <h3 id={`wo-col-${status}`}>
              {STATUS_TEXT[status]} <span className="count">({items.length})</span>
            </h3>
            {items.length ? (
              <ul className="wo-list">
                {items.map((wo) => (
                  <Card key={wo.id} wo={wo} {...props} />
                ))}
              </ul>
            ) : (
              <p className="wo-none">None</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
