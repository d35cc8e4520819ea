/**
 * What the tenant's object needs from outside its own storage. The object is written against
 * this interface only; the Worker implements it on D1 and fetch (worker/hub/ports.ts), so
 * nothing under durable-objects/ imports the Worker's database or service code.
 */
import type { Alert, Severity } from "../worker/domain/alert";
import type { GeofenceShape } from "../worker/domain/geo";
import type { EscalationStep } from "../worker/domain/notifications";
import type { RuleDef } from "../worker/domain/rule-engine";
import type { ActiveSilence } from "../worker/domain/silence";
import type { IncomingEvent } from "../worker/domain/telemetry";
import type { RetentionDays } from "./retention";

export interface VehicleRef {
  id: string;
  externalId: string;
  name: string;
  driverId: string | null;
}

/** Hands a Geotab round to the hub; throws when the batch is rejected. */
export type GeotabIngest = (tenantId: string, key: string, events: IncomingEvent[]) => Promise<{ accepted: number; duplicate?: boolean }>;

/** A predictive alert with its component's forecast: what a predictive work order is opened from. */
export interface PredictiveProposal {
  alert: Alert;
  component: string;
  /** When the work should be done by (ms): the forecast's date, else sooner the higher the risk. */
  dueAt: number;
  score: number;
  score7d: number;
}

/** A work order the alarm proposed, as the API shows it (streamed to the tenant's staff). */
export type ProposedWorkOrder = { id: string } & Record<string, unknown>;

export interface HubPorts {
  vehicles(tenantId: string): Promise<VehicleRef[]>;
  /** The tenant's alert rules, in id order. */
  rules(tenantId: string): Promise<RuleDef[]>;
  /** The tenant's geofence shapes by id (for enter, exit and dwell rules). */
  geofences(tenantId: string): Promise<Map<string, GeofenceShape>>;
  /** Silences that have not ended at `now` (the caller checks start and matchers at alert time). */
  silences(tenantId: string, now: number): Promise<ActiveSilence[]>;
  /** Escalation steps of each severity that has a policy. */
  escalationPolicies(tenantId: string): Promise<Map<Severity, EscalationStep[]>>;
  /** Whether an enabled outbound webhook of the tenant subscribes to `alert.updated` (the only reader of those jobs). */
  alertUpdateWebhooks(tenantId: string): Promise<boolean>;
  /** Writes alert snapshots to D1; a snapshot never overwrites a newer one (higher `seq`). */
  /** `created`: the alerts raised since the last sync (no stored row to compare with, see alert-snapshots.ts). */
  saveAlerts(tenantId: string, alerts: Alert[], created: Set<string>): Promise<void>;
  /** An alert as D1 last saw it: the only copy once retention dropped a resolved alert from the object. */
  storedAlert(tenantId: string, alertId: string): Promise<Alert | null>;
  /** Proposes predictive work orders for new predictive alerts; returns those created, as the API shows them. */
  proposeWorkOrders(tenantId: string, proposals: PredictiveProposal[]): Promise<ProposedWorkOrder[]>;
  /** Polls the tenant's Geotab feeds once; `configured: false` when it has no Geotab integration. */
  pollGeotab(tenantId: string, ingest: GeotabIngest): Promise<{ configured: boolean }>;
  /** The tenant's maintenance due sweep: reminders for status changes and plan work orders (idempotent). */
  sweepMaintenance(tenantId: string, now: number): Promise<void>;
  /** Engagement points and badges earned since the last sweep (each awarded once). */
  sweepEngagement(tenantId: string, now: number): Promise<void>;
  /** Deletes the tenant's D1 rows past retention: final deliveries, inbox items, audit log entries. */
  pruneRecords(tenantId: string, before: { deliveries: number; inboxItems: number; auditLog: number }): Promise<void>;
  /** The tenant's retention windows: the defaults with its own settings applied (`PUT /api/settings`). */
  retentionDays(tenantId: string): Promise<RetentionDays>;
  /** How many objects the tenant's ingest is spread over by vehicle (shards.ts; `PUT /api/settings`). */
  ingestShards(tenantId: string): Promise<number>;
  /** Re-enqueues the tenant's deliveries whose queue job was lost and settles stalled sends (never throws). */
  sweepDeliveries(tenantId: string, now: number): Promise<void>;
}
