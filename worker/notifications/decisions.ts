/**
 * Explained decisions: where the planner decides not to tell someone now (held: quiet hours,
 * grouping, digest, snooze) or at all (skipped: preferences, a silence, group scope), it records
 * why in `alert_decisions`. A delivery's own outcome (told, failed, dead, cancelled) is read from the
 * row for its own alert (delivery-decisions.ts) and recorded by triggers on `deliveries` for the
 * other alerts its message names (migrations 0018, 0033). Ids derive from what they record, so a retried
 * planning job records nothing twice.
 */
import { gt, lte } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { insertRow } from "../db/row-insert";
import { alertDecisions, silences, type DecisionOutcome, type DecisionReason } from "../db/schema";
import { isSilenced } from "../domain/silence";
import { resolveSilenceGroups } from "../services/vehicle-groups";
import { deliveryId } from "./message";

export interface Decision {
  alertId: string;
  userId: string;
  channel: string | null;
  outcome: DecisionOutcome;
  reason: DecisionReason;
  detail?: Record<string, unknown>;
}

/** Collects a planning run's decisions and writes them in as few statements as D1 allows. */
export class DecisionLog {
  readonly items: Decision[] = [];

  add(decision: Decision) {
    this.items.push(decision);
  }

  async write(db: Db, tenantId: string, now: number) {
    const statements = await this.statements(db, tenantId, now);
    if (statements.length) await db.$client.batch(statements);
  }

  /** The inserts, for a D1 batch that may carry more (a planning job's writes). Ids derive from content: a repeat is ignored. */
  async statements(db: Db, tenantId: string, now: number): Promise<D1PreparedStatement[]> {
    const rows = await Promise.all(
      this.items.map(async (d) => ({
        id: `dec_${(await deliveryId([d.alertId, d.userId, d.channel, d.outcome, d.reason, JSON.stringify(d.detail ?? {})])).slice(4)}`,
        tenantId,
        alertId: d.alertId,
        userId: d.userId,
        channel: d.channel,
        outcome: d.outcome,
        reason: d.reason,
        detail: d.detail ?? {},
        at: now,
      })),
    );
    return rows.map((row) => insertRow(db.$client, alertDecisions, row, "on conflict do nothing"));
  }
}

export const isoAt = (ms: number) => new Date(ms).toISOString();

/** The silence that silenced an alert at `at` (the first found), or null when none is active any more. */
export async function silenceOf(
  db: Db,
  tenantId: string,
  alert: { vehicleId: string; ruleId: string | null; type: string; severity: "critical" | "high" | "medium" | "low" },
  at: number,
): Promise<string | null> {
  const active = await db
    .select()
    .from(silences)
    .where(inTenant(silences, tenantId, lte(silences.startsAt, at), gt(silences.endsAt, at)));
  for (const silence of active) {
    if (isSilenced(alert, await resolveSilenceGroups(db, tenantId, [silence]), at)) return silence.id;
  }
  return null;
}
