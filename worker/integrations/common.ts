import type { z } from "@hono/zod-openapi";
import type { FieldError } from "../lib/problem";
import { fieldErrors } from "../lib/validation";
import { type SignedBody, signedMessage } from "../lib/webhook-signature";

/**
 * What every vendor mapper produces: a FleetPulse telemetry event (vehicle still named by its
 * `externalId`) plus the path of the vendor field that named the vehicle, so an unknown vehicle
 * is reported at the vendor's own field (`data.vehicle.id`), not at our internal batch index.
 */
export interface VendorEvent {
  vehicleId: string;
  ts: number;
  readings: Record<string, number>;
  dtc?: string[];
  /** See TelemetryEvent: `dtc` is a change to the vehicle's active codes, not the full list. */
  dtcChange?: "opened" | "closed";
  vehiclePath: string;
}

export const MPH_TO_KPH = 1.609344;
export const MILES_TO_KM = 1.609344;
export const GALLONS_TO_L = 3.785411784;
export const STANDARD_GRAVITY = 9.80665;

/** Unit conversions produce float noise (0.1 × 3 → 0.30000000000000004); 6 decimals keeps GPS to 0.1 m. */
export const tidy = (x: number) => Math.round(x * 1e6) / 1e6;

const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_FUTURE_MS = 5 * 60 * 1000;

/** The same event-time window as the telemetry webhook: at most 7 days old, 5 minutes ahead. */
export function timeProblem(ts: number, now = Date.now()): string | null {
  if (!Number.isFinite(ts)) return "Must be an ISO 8601 time";
  if (ts < now - MAX_AGE_MS || ts > now + MAX_FUTURE_MS) return "Must be at most 7 days old and at most 5 minutes in the future";
  return null;
}

/** Vendor ids arrive as numbers or strings; `externalId` is always a string. */
export const idString = (id: string | number) => String(id);

/** A DTC in the form the rule engine and the telemetry schema use (`P0217`, `SPN110-FMI0`). */
export function j1939Code(spn: number | string, fmi: number | string | null | undefined): string {
  return fmi === null || fmi === undefined || fmi === "" ? `SPN${spn}` : `SPN${spn}-FMI${fmi}`;
}

/** Merges events of the same vehicle and time into one, so one sample is one event. */
export function mergeByVehicleAndTime(events: VendorEvent[]): VendorEvent[] {
  const merged = new Map<string, VendorEvent>();
  for (const e of events) {
    const key = `${e.vehicleId}\u0000${e.ts}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...e, readings: { ...e.readings }, ...(e.dtc ? { dtc: [...e.dtc] } : {}) });
      continue;
    }
    Object.assign(seen.readings, e.readings);
    if (e.dtc) seen.dtc = [...new Set([...(seen.dtc ?? []), ...e.dtc])];
  }
  return [...merged.values()];
}

/** Lowercase hex of a byte array. */
export function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** HMAC hex digest of `prefix` + the body's exact bytes, with the Web Crypto API (no node:crypto in the pure modules). */
export async function hmacHex(hash: "SHA-1" | "SHA-256", key: Uint8Array<ArrayBuffer>, prefix: string, body: SignedBody): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", cryptoKey, signedMessage(prefix, body)));
}

/** Parses `value` (found at `prefix` in the vendor body) and names every bad field by its full path. */
export function parseAt<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix: string,
): { ok: true; data: z.infer<T> } | { ok: false; errors: FieldError[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const errors = fieldErrors(result.error).map((e) => ({
    ...e,
    path: e.path === "(body)" ? prefix || "(body)" : prefix ? `${prefix}.${e.path}` : e.path,
  }));
  return { ok: false, errors };
}
