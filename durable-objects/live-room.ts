import type { AlertEvent } from "../worker/domain/alert";
import type { ServerMessage } from "../worker/domain/live-protocol";
import type { Role } from "../worker/domain/roles";

/** What each socket carries through hibernation (serializeAttachment). */
export interface Viewer {
  userId: string;
  role: Role;
  /** A technician's own technician record (null: none linked; it then sees open work orders only). */
  technicianId?: string | null;
}

/** A driver sees only alerts of vehicles assigned to it; staff see the whole tenant. */
export type DriverOf = (vehicleId: string) => string | null | undefined;

export const canSee = (viewer: Viewer, event: AlertEvent, driverOf: DriverOf) =>
  viewer.role !== "driver" || driverOf(event.alert.vehicleId) === viewer.userId;

export const toMessage = (event: AlertEvent): ServerMessage => ({ type: event.kind, seq: event.seq, alert: event.alert });

export const sseFrame = (event: AlertEvent) => `id: ${event.seq}\nevent: ${event.kind}\ndata: ${JSON.stringify(toMessage(event))}\n\n`;

/** An open Server-Sent Events stream (these keep the object awake; sockets hibernate). */
export interface SseClient {
  viewer: Viewer;
  writer: WritableStreamDefaultWriter<Uint8Array>;
}

const encoder = new TextEncoder();

/** Sends each event a viewer may see to every open socket and SSE stream. */
export function broadcast(events: AlertEvent[], sockets: WebSocket[], sse: Set<SseClient>, driverOf: DriverOf) {
  if (!events.length) return;
  for (const ws of sockets) {
    const viewer = ws.deserializeAttachment() as Viewer | null;
    if (!viewer) continue;
    for (const event of events) {
      if (!canSee(viewer, event, driverOf)) continue;
      try {
        ws.send(JSON.stringify(toMessage(event)));
      } catch {
        // A socket closing under us; webSocketClose cleans up.
      }
    }
  }
  for (const client of sse) {
    const frames = events
      .filter((e) => canSee(client.viewer, e, driverOf))
      .map(sseFrame)
      .join("");
    if (frames) client.writer.write(encoder.encode(frames)).catch(() => sse.delete(client));
  }
}

/**
 * Whether a viewer may receive a work order, as the REST API decides (services/work-orders/read.ts
 * `visibleTo`): drivers none, technicians open ones and those assigned to them, others all.
 */
export function mayReadWorkOrder(viewer: Viewer, workOrder: Record<string, unknown>) {
  if (viewer.role === "driver") return false;
  if (viewer.role !== "technician") return true;
  return workOrder.status === "open" || (viewer.technicianId != null && workOrder.technicianId === viewer.technicianId);
}

/** Work orders are for staff, and for a technician only those it may read (notes and cost included). */
export function broadcastWorkOrder(workOrder: Record<string, unknown>, sockets: WebSocket[], sse: Set<SseClient>) {
  const message = JSON.stringify({ type: "workorder.updated", workOrder } satisfies ServerMessage);
  for (const ws of sockets) {
    const viewer = ws.deserializeAttachment() as Viewer | null;
    if (!viewer || !mayReadWorkOrder(viewer, workOrder)) continue;
    try {
      ws.send(message);
    } catch {
      // closing socket
    }
  }
  const frame = encoder.encode(`event: workorder.updated\ndata: ${message}\n\n`);
  for (const client of sse) if (mayReadWorkOrder(client.viewer, workOrder)) client.writer.write(frame).catch(() => sse.delete(client));
}
