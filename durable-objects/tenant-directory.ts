import { asc } from "drizzle-orm";
import { database, inTenant } from "../worker/db/client";
import { alertRules, vehicles } from "../worker/db/schema";
import type { RuleDef } from "../worker/domain/rule-engine";
import { toRuleDef } from "../worker/services/rules";

export interface VehicleRef {
  id: string;
  externalId: string;
  name: string;
  driverId: string | null;
}

/**
 * The tenant's vehicles and rules as the hot path needs them, read from D1 once and kept
 * until the API invalidates them (a vehicle or rule changed).
 */
export class TenantDirectory {
  #vehicles?: { byExternal: Map<string, VehicleRef>; byId: Map<string, VehicleRef> };
  #rules?: RuleDef[];

  constructor(
    private readonly db: D1Database,
    private readonly tenantId: string,
  ) {}

  invalidate() {
    this.#vehicles = undefined;
    this.#rules = undefined;
  }

  async vehicles() {
    if (!this.#vehicles) {
      const rows = await database(this.db)
        .select({ id: vehicles.id, externalId: vehicles.externalId, name: vehicles.name, driverId: vehicles.driverId })
        .from(vehicles)
        .where(inTenant(vehicles, this.tenantId));
      this.#vehicles = { byExternal: new Map(rows.map((v) => [v.externalId, v])), byId: new Map(rows.map((v) => [v.id, v])) };
    }
    return this.#vehicles;
  }

  async rules() {
    this.#rules ??= (
      await database(this.db).select().from(alertRules).where(inTenant(alertRules, this.tenantId)).orderBy(asc(alertRules.id))
    ).map(toRuleDef);
    return this.#rules;
  }
}

