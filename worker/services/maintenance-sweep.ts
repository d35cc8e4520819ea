/**
 * The maintenance sweep for one tenant: due status of every (vehicle, plan) pair, the
 * transitions since the last sweep (each into due soon or overdue queues a reminder through the
 * notification pipeline), and plan work orders for pairs that reached
 * due soon or overdue — created idempotently, once per plan interval. Pairs with
 * `baselineMissing` (onboarding) get neither.
 *
 * Call it from the cron sweep for each tenant with plans (`tenantsWithPlans`), or on demand via
 * POST /api/maintenance/sweep. It is safe to run repeatedly and concurrently.
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { database, inTenant } from "../db/client";
import { maintenanceDueStates, maintenancePlans, workOrders } from "../db/schema";
import { pairsNeedingWorkOrders, planCycleKey, type DueStatus } from "../domain/maintenance/intervals";
import { ACTIVE_STATUSES } from "../domain/maintenance/lifecycle";
import { computeDue, type DueItem } from "./maintenance";
import { createPlanWorkOrders } from "./work-orders";
import { reminderFor } from "../notifications/reminders";
import type { NotificationJob } from "../domain/notifications";
import { idChunks } from "../lib/id-chunks";

export interface DueTransition {
  vehicleId: string;
  planId: string;
  from: DueStatus;
  to: DueStatus;
  /** The pair's due state now (names, remaining amounts, forecast) for the reminder's text. */
  item: DueItem;
}

/** Tenants that have at least one maintenance plan. */
export async function tenantsWithPlans(env: Env) {
  const rows = await database(env.DB).selectDistinct({ tenantId: maintenancePlans.tenantId }).from(maintenancePlans);
  return rows.map((r) => r.tenantId);
}

export async function sweepMaintenance(env: Env, tenantId: string, now = Date.now()) {
  const db = database(env.DB);
  const items = await computeDue(env, tenantId, now);

  // Transitions against the last seen status (a pair never seen counts as ok).
  const stored = await db.select().from(maintenanceDueStates).where(inTenant(maintenanceDueStates, tenantId));
  const before = new Map(stored.map((s) => [`${s.vehicleId}:${s.planId}`, s.status]));
  const transitions: DueTransition[] = [];
  const upserts = [];
  for (const item of items) {
    // Onboarding: a pair that crossed its due point before the plan applied stays out of
    // reminders and work orders (its status is not stored either, so confirming it is a transition).
    if (item.baselineMissing) continue;
    const from = before.get(`${item.vehicleId}:${item.planId}`);
    if (from === item.status) continue;
    if ((from ?? "ok") !== item.status)
      transitions.push({ vehicleId: item.vehicleId, planId: item.planId, from: from ?? "ok", to: item.status, item });
    upserts.push(
      db
        .insert(maintenanceDueStates)
        .values({ tenantId, vehicleId: item.vehicleId, planId: item.planId, status: item.status, changedAt: now })
        .onConflictDoUpdate({
          target: [maintenanceDueStates.tenantId, maintenanceDueStates.vehicleId, maintenanceDueStates.planId],
          set: { status: item.status, changedAt: now },
        }),
    );
  }
  // Reminders are queued before the new statuses are stored: if the sweep dies in between, the
  // next one sees the same transitions again and the reminders' deterministic ids drop repeats.
  await queueReminders(env, tenantId, transitions);
  for (let i = 0; i < upserts.length; i += 50) {
    const chunk = upserts.slice(i, i + 50);
    await db.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
  }

  // Plan work orders: one per interval, none while one for the pair is still to be done.
  const due = items.filter((i) => i.status !== "ok" && !i.baselineMissing);
  let created: Awaited<ReturnType<typeof createPlanWorkOrders>> = [];
  if (due.length) {
    const active = await db
      .select({ vehicleId: workOrders.vehicleId, planId: workOrders.planId })
      .from(workOrders)
      .where(inTenant(workOrders, tenantId, isNotNull(workOrders.planId), inArray(workOrders.status, [...ACTIVE_STATUSES])));
    const existing = new Set<string>();
    for (const keys of idChunks(due.map(planCycleKey))) {
      const rows = await db
        .select({ planCycle: workOrders.planCycle })
        .from(workOrders)
        .where(and(eq(workOrders.tenantId, tenantId), inArray(workOrders.planCycle, keys)));
      for (const r of rows) if (r.planCycle) existing.add(r.planCycle);
    }
    const needed = pairsNeedingWorkOrders(due, active, existing);
    const byPair = new Map(due.map((d) => [`${d.vehicleId}:${d.planId}`, d]));
    created = await createPlanWorkOrders(
      env,
      tenantId,
      needed.map((p) => byPair.get(`${p.vehicleId}:${p.planId}`)!),
      now,
    );
  }
  return { items, transitions, created };
}

/** One `maintenance.reminder` job per transition into due soon or overdue. */
async function queueReminders(env: Env, tenantId: string, transitions: DueTransition[]) {
  const jobs: NotificationJob[] = [];
  for (const t of transitions) {
    const reminder = reminderFor(t.item);
    if (reminder) jobs.push({ type: "maintenance.reminder", tenantId, reminder });
  }
  for (let i = 0; i < jobs.length; i += 100) await env.NOTIFY_QUEUE.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
}
