/** Seeding the shop through the real API for the maintenance and work-order browser tests. */
import { api } from "./api-client";
import type { FleetPulseContext } from "./support";

/** Vehicle ids by external id (TRUCK-001 …). */
export async function vehicleIds(ctx: FleetPulseContext, token: string): Promise<Map<string, string>> {
  const { items } = await api<{ items: { id: string; externalId: string }[] }>(ctx, token, "GET", "/api/vehicles?limit=500");
  return new Map(items.map((v) => [v.externalId, v.id]));
}

/** A short unique suffix so tests sharing the demo tenant do not see each other's rows. */
export const unique = () => Math.random().toString(36).slice(2, 8);

/** A technician on shift around the clock every day (UTC), so any test time is bookable. */
export function createTechnician(ctx: FleetPulseContext, token: string, name: string, skills: string[] = []) {
  const shifts = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "23:59" }));
  return api<{ id: string; name: string }>(ctx, token, "POST", "/api/technicians", { name, skills, shifts, timeZone: "UTC" });
}

export function createBay(ctx: FleetPulseContext, token: string, name: string) {
  return api<{ id: string; name: string }>(ctx, token, "POST", "/api/bays", { name, capacity: 1 });
}

export function createWorkOrder(
  ctx: FleetPulseContext,
  token: string,
  body: { vehicleId: string; title: string; skill?: string; durationMinutes?: number; source?: "manual" | "predictive" },
) {
  return api<{ id: string; title: string }>(ctx, token, "POST", "/api/work-orders", { priority: "normal", durationMinutes: 60, ...body });
}
