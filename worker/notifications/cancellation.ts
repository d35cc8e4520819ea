/**
 * Cancellation: an unsent delivery about alerts that were all acknowledged, resolved or silenced
 * (a silence created after the alert included) is `cancelled` and never sent. Checked at send
 * time by deliver(), and eagerly when a silence is created; acknowledging and resolving cancel
 * eagerly through a D1 trigger on `alerts` (migrations/0011). Customer webhooks carry events,
 * not pages, and are never cancelled.
 */
import { and, eq, gt, inArray, isNotNull, isNull, lte, ne, type SQLWrapper } from "drizzle-orm";
import { inTenant, ofTenant, type Db } from "../db/client";
import { idChunks } from "../lib/id-chunks";
import { alerts, deliveries, silences, type Delivery } from "../db/schema";
import { isSilenced, type SilenceMatchers } from "../domain/silence";
import { resolveSilenceGroups } from "../services/vehicle-groups";
import { cancel } from "./delivery-state";
import type { MessageSpec } from "./message";
import { RESOLVED_TOPIC, resolvedStillNews } from "./resolved-topic";

export type NamedAlert = Pick<
  typeof alerts.$inferSelect,
  "id" | "status" | "silenced" | "vehicleId" | "ruleId" | "type" | "severity" | "snoozedUntil"
>;
export type ActiveSilence = { matchers: SilenceMatchers; startsAt: number; endsAt: number };

/** Still to be sent (with `spec` when only some of a group's alerts are: send only those), or why not. */
export type Verdict = { keep: true; spec?: MessageSpec } | { keep: false; reason: string };

/** Only alert deliveries to people can be cancelled ("resolved" notices by their own rule, below). */
export const cancellable = (row: Pick<Delivery, "alertId" | "channel" | "topic">) =>
  row.alertId !== null && row.channel !== "webhook" && row.topic === null;

/** The silences active now, as stored (a group-scoped one still names its groups). */
export const activeSilencesQuery = (db: Db, tenantId: string, now: number) =>
  db
    .select({ matchers: silences.matchers, startsAt: silences.startsAt, endsAt: silences.endsAt, groups: silences.groups })
    .from(silences)
    .where(inTenant(silences, tenantId, lte(silences.startsAt, now), gt(silences.endsAt, now)));

/** Silences active now, a group-scoped one as one plain silence per vehicle of its groups. */
export const activeSilences = async (db: Db, tenantId: string, now: number): Promise<ActiveSilence[]> =>
  resolveSilenceGroups(db, tenantId, await activeSilencesQuery(db, tenantId, now));

/** What the send-time checks need of these alerts (at most 90 ids: D1 binds at most 100 parameters; or a subquery). */
export const namedAlertsQuery = (db: Db, tenantId: string, ids: string[] | SQLWrapper) =>
  db
    .select({
      id: alerts.id,
      status: alerts.status,
      silenced: alerts.silenced,
      vehicleId: alerts.vehicleId,
      ruleId: alerts.ruleId,
      type: alerts.type,
      severity: alerts.severity,
      snoozedUntil: alerts.snoozedUntil,
    })
    .from(alerts)
    .where(and(inArray(alerts.id, ids), ofTenant(alerts.tenantId, tenantId)));

export async function namedAlerts(db: Db, tenantId: string, ids: string[]): Promise<Map<string, NamedAlert>> {
  const rows: NamedAlert[] = [];
  for (const chunk of idChunks(ids)) rows.push(...(await namedAlertsQuery(db, tenantId, chunk)));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Why this alert no longer needs telling (null: it still does; an alert not found is kept). */
function whyNot(alert: NamedAlert | undefined, active: ActiveSilence[], now: number): string | null {
  if (!alert) return null;
  if (alert.status !== "open") return `the alert was ${alert.status}`;
  if (alert.silenced || isSilenced(alert, active, now)) return "the alert is silenced";
  return null;
}

export const alertIdsOf = (row: Delivery) => ((row.message as unknown as Partial<MessageSpec>).alerts ?? []).map((a) => a.id);

function verdictOf(row: Delivery, byId: Map<string, NamedAlert>, active: ActiveSilence[], now: number): Verdict {
  const spec = row.message as unknown as MessageSpec;
  const named = spec.alerts ?? [];
  const reasons = named.map((a) => whyNot(byId.get(a.id), active, now));
  const live = named.filter((_, i) => reasons[i] === null);
  if (named.length && !live.length) return { keep: false, reason: `Cancelled: ${reasons[0]}` };
  return live.length < named.length ? { keep: true, spec: { ...spec, alerts: live } } : { keep: true };
}

/**
 * The send-time check for one delivery, given the alerts it names (and its own alert) and the
 * silences active now, as ./send-reads.ts reads them.
 */
export function stillWanted(row: Delivery, byId: Map<string, NamedAlert>, active: ActiveSilence[], now: number): Verdict {
  if (row.topic === RESOLVED_TOPIC && row.channel !== "webhook" && row.alertId)
    return resolvedStillNews(byId.get(row.alertId))
      ? { keep: true }
      : { keep: false, reason: "Cancelled: the alert is no longer resolved" };
  if (!cancellable(row)) return { keep: true };
  return verdictOf(row, byId, active, now);
}

/**
 * Cancels the tenant's unsent alert deliveries that silences active now cover (called when a
 * silence is created). Returns how many were cancelled.
 */
export async function cancelSilencedDeliveries(db: Db, tenantId: string, now = Date.now()): Promise<number> {
  const active = await activeSilences(db, tenantId, now);
  if (!active.length) return 0;
  const rows = await db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, "queued"),
        eq(deliveries.tenantId, tenantId),
        isNotNull(deliveries.alertId),
        isNull(deliveries.topic),
        ne(deliveries.channel, "webhook"),
      ),
    );
  if (!rows.length) return 0;
  const byId = await namedAlerts(db, tenantId, rows.flatMap(alertIdsOf));
  let cancelled = 0;
  for (const row of rows) {
    const verdict = verdictOf(row, byId, active, now);
    if (!verdict.keep && (await cancel(db, row.id, verdict.reason, now))) cancelled++;
  }
  return cancelled;
}
