import type { Severity } from "../worker/domain/alert";
import type { GeofenceShape } from "../worker/domain/geo";
import type { EscalationStep } from "../worker/domain/notifications";
import type { RuleDef } from "../worker/domain/rule-engine";
import type { ActiveSilence } from "../worker/domain/silence";
import type { HubPorts, VehicleRef } from "./hub-ports";

/**
 * The tenant's vehicles, rules, silences and escalation policies as the hot path needs them,
 * read once (through the ports) and kept until the API invalidates them.
 */
export class TenantDirectory {
  #vehicles?: { byExternal: Map<string, VehicleRef>; byId: Map<string, VehicleRef> };
  #rules?: RuleDef[];
  #silences?: ActiveSilence[];
  #escalation?: Map<Severity, EscalationStep[]>;
  #alertUpdateWebhooks?: boolean;
  #geofences?: Map<string, GeofenceShape>;
  #shards?: number;

  constructor(
    private readonly ports: HubPorts,
    private readonly tenantId: string,
    /** The count the last change of it handed this object (shard-handoff.ts); D1's is used before any. */
    private readonly handedCount: () => number | undefined = () => undefined,
  ) {}

  invalidate() {
    this.#vehicles = undefined;
    this.#rules = undefined;
    this.#silences = undefined;
    this.#escalation = undefined;
    this.#alertUpdateWebhooks = undefined;
    this.#geofences = undefined;
    this.#shards = undefined;
  }

  /** How many objects the tenant's ingest is spread over (shards.ts). */
  async shards() {
    const handed = this.handedCount();
    if (handed) return handed;
    this.#shards ??= await this.ports.ingestShards(this.tenantId);
    return this.#shards;
  }

  async geofences() {
    this.#geofences ??= await this.ports.geofences(this.tenantId);
    return this.#geofences;
  }

  /** Silences that have not ended (the caller checks start and matchers at alert time). */
  async silences(now = Date.now()) {
    this.#silences ??= await this.ports.silences(this.tenantId, now);
    return this.#silences;
  }

  /** Whether `alert.updated` jobs have a reader (an enabled webhook subscribed): the API invalidates after each webhook change. */
  async alertUpdateWebhooks(): Promise<boolean> {
    this.#alertUpdateWebhooks ??= await this.ports.alertUpdateWebhooks(this.tenantId);
    return this.#alertUpdateWebhooks;
  }

  /** Each severity's escalation steps: the alarm schedules new alerts' steps by them. */
  async escalationPolicies(): Promise<Map<Severity, EscalationStep[]>> {
    this.#escalation ??= await this.ports.escalationPolicies(this.tenantId);
    return this.#escalation;
  }

  async vehicles() {
    if (!this.#vehicles) {
      const rows = await this.ports.vehicles(this.tenantId);
      this.#vehicles = { byExternal: new Map(rows.map((v) => [v.externalId, v])), byId: new Map(rows.map((v) => [v.id, v])) };
    }
    return this.#vehicles;
  }

  async rules() {
    this.#rules ??= await this.ports.rules(this.tenantId);
    return this.#rules;
  }
}
