import { asc, gt } from "drizzle-orm";
import { database, inTenant } from "../worker/db/client";
import { alertRules, escalationPolicies, silences, vehicles, type EscalationStep, type Severity } from "../worker/db/schema";
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
  #silences?: (typeof silences.$inferSelect)[];
  #escalation?: Map<Severity, EscalationStep[]>;

  constructor(
    private readonly db: D1Database,
    private readonly tenantId: string,
  ) {}

  invalidate() {
    this.#vehicles = undefined;
    this.#rules = undefined;
    this.#silences = undefined;
    this.#escalation = undefined;
  }

  /** Silences that have not ended (the caller checks start and matchers at alert time). */
  async silences(now = Date.now()) {
    this.#silences ??= await database(this.db).select().from(silences).where(inTenant(silences, this.tenantId, gt(silences.endsAt, now)));
    return this.#silences;
  }

  async escalationSteps(severity: Severity): Promise<EscalationStep[]> {
    this.#escalation ??= new Map(
      (await database(this.db).select().from(escalationPolicies).where(inTenant(escalationPolicies, this.tenantId))).map((p) => [p.severity, p.steps]),
    );
    return this.#escalation.get(severity) ?? [];
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

