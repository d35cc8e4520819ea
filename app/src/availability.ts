/**
 * Bookable time from GET /api/maintenance/availability: the API judges every start by the same
 * booking rules as PATCH /api/work-orders/:id, so the booking form and the week calendar offer
 * only time a booking will be accepted for. Here: the request, and the intervals turned into the
 * starts a form lists and the spans a calendar day shows.
 */
import type { InferResponseType } from "hono/client";
import { client, unwrap } from "./api";
import type { Client } from "./api-types";

export type Availability = InferResponseType<Client["api"]["maintenance"]["availability"]["$get"], 200>;
export type FreeInterval = Availability["items"][number];

const MINUTE = 60_000;

export function loadAvailability(query: {
  from: Date;
  to: Date;
  durationMinutes?: number;
  workOrderId?: string;
  technicianId?: string;
  bayId?: string;
}): Promise<Availability> {
  const { from, to, durationMinutes, ...ids } = query;
  return unwrap(
    client.api.maintenance.availability.$get({
      query: {
        from: from.toISOString(),
        to: to.toISOString(),
        ...(durationMinutes ? { durationMinutes: String(durationMinutes) } : {}),
        ...Object.fromEntries(Object.entries(ids).filter(([, v]) => v)),
      },
    }),
  );
}

/** Every step-aligned start the intervals allow for a booking of the answer's duration. */
export function bookableStarts(answer: Availability): Date[] {
  const duration = answer.durationMinutes * MINUTE;
  const step = answer.stepMinutes * MINUTE;
  const starts: Date[] = [];
  for (const w of answer.items) {
    for (let s = Date.parse(w.start); s + duration <= Date.parse(w.end); s += step) starts.push(new Date(s));
  }
  return starts.sort((a, b) => a.getTime() - b.getTime());
}

/** The free spans of one resource that fall within [dayStart, dayEnd), clipped to the day. */
export function freeSpansIn(items: readonly FreeInterval[], dayStart: number, dayEnd: number): { start: Date; end: Date }[] {
  return items
    .map((w) => ({ start: Math.max(Date.parse(w.start), dayStart), end: Math.min(Date.parse(w.end), dayEnd) }))
    .filter((w) => w.end > w.start)
    .sort((a, b) => a.start - b.start)
    .map((w) => ({ start: new Date(w.start), end: new Date(w.end) }));
}
