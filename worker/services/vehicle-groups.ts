/** "Vehicles in group X" over the `vehicle_groups` index, for scoping rules and silences. */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { vehicleGroups, vehicles } from "../db/schema";
import { expandGroupSilence, type ActiveSilence } from "../domain/silence";
import { idChunks } from "../lib/id-chunks";

/** Group name → the tenant's vehicle ids in it (only for the groups asked about). */
export async function groupMembers(db: Db, tenantId: string, groups: string[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  for (const chunk of idChunks(groups)) {
    const rows = await db
      .select({ group: vehicleGroups.groupName, vehicleId: vehicleGroups.vehicleId })
      .from(vehicleGroups)
      .where(and(eq(vehicleGroups.tenantId, tenantId), inArray(vehicleGroups.groupName, chunk)));
    for (const r of rows) members.set(r.group, [...(members.get(r.group) ?? []), r.vehicleId]);
  }
  return members;
}

/** Silences with their group scopes resolved to vehicle matchers (see expandGroupSilence). */
export async function resolveSilenceGroups<S extends ActiveSilence & { groups?: string[] | null }>(
  db: Db,
  tenantId: string,
  silences: S[],
): Promise<ActiveSilence[]> {
  const scoped = silences.flatMap((s) => s.groups ?? []);
  const members = scoped.length ? await groupMembers(db, tenantId, scoped) : new Map<string, string[]>();
  return silences.flatMap((s) => expandGroupSilence(s, (g) => members.get(g) ?? []));
}

/**
 * Rules with their group scopes resolved: a group-scoped rule's `vehicleIds` become the vehicles
 * of its groups (within its own `vehicleIds`, when it names some), so the tenant object's rule
 * engine filters by vehicle as before.
 */
export async function resolveRuleGroups<R extends { vehicleIds: string[] | null }>(
  db: Db,
  tenantId: string,
  rules: (R & { groups?: string[] })[],
): Promise<R[]> {
  const scoped = rules.flatMap((r) => r.groups ?? []);
  if (!scoped.length) return rules;
  const members = await groupMembers(db, tenantId, scoped);
  return rules.map((r) => {
    if (!r.groups?.length) return r;
    const inGroups = new Set(r.groups.flatMap((g) => members.get(g) ?? []));
    return { ...r, vehicleIds: [...inGroups].filter((id) => r.vehicleIds === null || r.vehicleIds.includes(id)) };
  });
}

/** A vehicle's groups (empty when it has none or is not the tenant's). */
export async function groupsOfVehicle(db: Db, tenantId: string, vehicleId: string): Promise<string[]> {
  const [row] = await db
    .select({ groups: vehicles.groups })
    .from(vehicles)
    .where(and(eq(vehicles.tenantId, tenantId), eq(vehicles.id, vehicleId)));
  return row?.groups ?? [];
}
