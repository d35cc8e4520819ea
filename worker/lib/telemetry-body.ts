import type { IncomingEvent, IngestResult } from "../domain/telemetry";
import { readJsonBody } from "./json-body";
import { fieldErrors } from "./validation";
import { TelemetryBatchSchema } from "../schemas/telemetry";

/**
 * A verified Standard Webhooks telemetry body as the object's events, or the batch's rejection
 * naming each bad field. Runs where the events are used: in the tenant's object for an unsharded
 * tenant (the body crosses RPC as bytes, not as 500 cloned objects), in the Worker before a
 * sharded tenant's batch is split.
 */
export function readTelemetryBody(bytes: Uint8Array): { ok: true; events: IncomingEvent[] } | Extract<IngestResult, { ok: false }> {
  const body = readJsonBody(bytes);
  if (!body.ok) return body;
  const batch = TelemetryBatchSchema.safeParse(body.value);
  if (!batch.success) return { ok: false, detail: "The request has invalid fields.", errors: fieldErrors(batch.error) };
  return {
    ok: true,
    events: batch.data.events.map((e) => ({
      vehicleId: e.vehicleId,
      ts: Date.parse(e.ts),
      readings: e.readings,
      ...(e.dtc ? { dtc: e.dtc } : {}),
    })),
  };
}
