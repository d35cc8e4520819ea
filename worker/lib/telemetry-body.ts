import type { IncomingEvent, IngestResult } from "../domain/telemetry";
import { plainTelemetryEvents, TelemetryBatchSchema } from "../schemas/telemetry";
import { readJsonBody } from "./json-body";
import { fieldErrors } from "./validation";

/** A verified body's events and its text (the object stores the text as the batch's raw row). */
export type TelemetryBody = { ok: true; events: IncomingEvent[]; text: string };

/**
 * A verified Standard Webhooks telemetry body as the object's events, or the batch's rejection
 * naming each bad field. Runs where the events are used: in the tenant's object for an unsharded
 * tenant (the body crosses RPC as bytes, not as 500 cloned objects), in the Worker before a
 * sharded tenant's batch is split.
 */
export function readTelemetryBody(bytes: Uint8Array): TelemetryBody | Extract<IngestResult, { ok: false }> {
  const body = readJsonBody(bytes);
  if (!body.ok) return body;
  const plain = plainTelemetryEvents(body.value);
  if (plain) return { ok: true, events: plain, text: body.text };
  const batch = TelemetryBatchSchema.safeParse(body.value);
  if (!batch.success) return { ok: false, detail: "The request has invalid fields.", errors: fieldErrors(batch.error) };
  return { ok: true, events: batch.data.events.map(incomingEvent), text: body.text };
}

/** An event of a validated body, as sent: the vehicle's externalId, an ISO time, readings may be left out. */
export interface BodyEvent {
  vehicleId: string;
  ts: string;
  readings?: Record<string, number>;
  dtc?: string[];
}

/** A validated body's event as the object takes it (event time in epoch ms; readings default to none). */
export const incomingEvent = (e: BodyEvent): IncomingEvent => ({
  vehicleId: e.vehicleId,
  ts: Date.parse(e.ts),
  readings: e.readings ?? {},
  ...(e.dtc ? { dtc: e.dtc } : {}),
});
