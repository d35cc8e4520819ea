/**
 * POST /api/rules/preview: how many alerts a draft rule (the body of POST /api/rules) would have
 * raised on the last 7 days of stored telemetry, in total and per vehicle. The tenant's object
 * replays its stored batches through the live rule engine (durable-objects/rule-preview.ts);
 * this side checks the draft's vehicle ids and names the vehicles.
 */
import { type Db, inTenant } from "../db/client";
import { vehicles } from "../db/schema";
import type { RuleDef } from "../domain/rule-engine";
import { tenantHub } from "../lib/hub";
import { fieldError } from "../lib/problem";
import { type RuleInput, ruleType } from "./rules";
import { listReferences, requireReferences } from "./references";

export const PREVIEW_DAYS = 7;
const DAY_MS = 86_400_000;

export async function previewDraftRule(env: Env, db: Db, tenantId: string, draft: RuleInput, now = Date.now()) {
  // Offline and geofence kinds follow silence and positions over time, not stored readings one by one.
  if ((draft.kind ?? "threshold") !== "threshold" || !draft.metric || !draft.op)
    throw fieldError("kind", "Preview covers threshold rules (a metric and a condition)");
  await requireReferences(db, tenantId, { vehicle: listReferences("vehicleIds", draft.vehicleIds) });
  const rule: RuleDef = {
    id: "preview",
    name: draft.name,
    type: ruleType(draft.name),
    metric: draft.metric,
    op: draft.op,
    threshold: draft.threshold ?? null,
    forSeconds: draft.forSeconds ?? null,
    window: draft.window ?? null,
    cooldownSeconds: draft.cooldownSeconds,
    severity: draft.severity,
    enabled: true,
    vehicleIds: draft.vehicleIds,
    autoResolve: draft.autoResolve ?? false,
  };
  const since = now - PREVIEW_DAYS * DAY_MS;
  const outcome = await tenantHub(env, tenantId).previewRule(tenantId, rule, since, now);
  const names = new Map(
    (await db.select({ id: vehicles.id, name: vehicles.name }).from(vehicles).where(inTenant(vehicles, tenantId))).map((v) => [
      v.id,
      v.name,
    ]),
  );
  const perVehicle = outcome.vehicles
    .filter((v) => names.has(v.vehicleId))
    .map((v) => ({ vehicleId: v.vehicleId, vehicleName: names.get(v.vehicleId)!, alerts: v.alerts, episodes: v.episodes }))
    .sort((a, b) => b.alerts - a.alerts || a.vehicleName.localeCompare(b.vehicleName));
  return {
    from: new Date(since).toISOString(),
    to: new Date(now).toISOString(),
    alerts: perVehicle.reduce((n, v) => n + v.alerts, 0),
    episodes: perVehicle.reduce((n, v) => n + v.episodes, 0),
    eventsEvaluated: outcome.eventsEvaluated,
    vehicles: perVehicle,
  };
}
