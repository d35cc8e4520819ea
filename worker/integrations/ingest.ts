import { AppError, type FieldError } from "../lib/problem";
import { ingestEvents } from "../services/ingest";
import type { VendorEvent } from "./common";

/**
 * `ingestEvents` for vendor webhooks: the hub names an unknown vehicle by our batch index
 * (`events.3.vehicleId`); the vendor is told the field of its own payload instead.
 */
export async function ingestVendorEvents(env: Env, tenantId: string, key: string, events: VendorEvent[]) {
  try {
    return await ingestEvents(
      env,
      tenantId,
      key,
      events.map(({ vehiclePath: _, ...event }) => event),
    );
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "validation" || !error.errors) throw error;
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    for (const e of error.errors) {
      const index = /^events\.(\d+)\.vehicleId$/.exec(e.path)?.[1];
      const path = index !== undefined ? (events[Number(index)]?.vehiclePath ?? e.path) : e.path;
      if (seen.has(`${path}\u0000${e.message}`)) continue;
      seen.add(`${path}\u0000${e.message}`);
      errors.push({ path, message: e.message });
    }
    throw new AppError("validation", error.detail, errors);
  }
}
