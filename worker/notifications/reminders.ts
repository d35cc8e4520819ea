/**
 * Maintenance reminders through the notification pipeline: when a (vehicle, plan) pair turns due
 * soon or overdue, the tenant's admins and managers and the technician assigned to the pair's
 * plan work order are told on the channels their preferences name (due soon as `medium`,
 * overdue as `high`), quiet hours deferring them. Rows have deterministic ids from the reminder's
 * topic, so a re-queued job or a repeated sweep never notifies twice.
 */
import { eq, inArray, isNotNull, or } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import { placeholder, preparedBatchEach, type RowsOf } from "../db/prepared-batch";
import { technicians, users, workOrders, type Channel } from "../db/schema";
import { planCycleKey, type DueState } from "../domain/maintenance/intervals";
import { ACTIVE_STATUSES } from "../domain/maintenance/lifecycle";
import { newId } from "../lib/ids";
import { INBOX_ID_PREFIX, inAppStatements } from "./inbox-write";
import { deliveryId, renderReminder, type ReminderSpec } from "./message";
import type { BatchPlanning } from "./planner";
import { newPlanPart, writePlans, type PlanPart } from "./planning-job";
import { preferencesFrom, preferencesQuery } from "./preferences";
import { quietUntil } from "./quiet-hours";
import { audienceQuery, channelTargets, pushTargetsFrom, pushTargetsQuery, recipientsFrom } from "./recipients";

/** What the sweep knows about a pair that changed status (a DueItem's relevant fields). */
export interface DuePairState extends DueState {
  vehicleId: string;
  vehicleName: string;
  planId: string;
  planName: string;
  baselineServiceId: string | null;
}

/** The reminder for a pair that is now due soon or overdue; one topic per plan interval and status. */
export function reminderFor(item: DuePairState): ReminderSpec | null {
  if (item.status === "ok") return null;
  return {
    kind: "maintenance.reminder",
    topic: `maintenance:${planCycleKey(item)}:${item.status}`,
    vehicleId: item.vehicleId,
    vehicleName: item.vehicleName,
    planId: item.planId,
    planName: item.planName,
    status: item.status,
    severity: item.status === "overdue" ? "high" : "medium",
    dueAtKm: item.dueAtKm,
    dueAtEngineHours: item.dueAtEngineHours,
    dueDate: item.dueDate,
    remainingKm: item.remainingKm,
    remainingEngineHours: item.remainingEngineHours,
    remainingDays: item.remainingDays,
    forecastDate: item.forecastDate,
  };
}

/**
 * What a reminder reads, in one D1 batch, each statement built once: its audience — the tenant's
 * managers and admins and the linked users of technicians assigned to the pair's active plan work
 * orders, each once — with their preferences and push subscriptions (five sequential round trips
 * before).
 */
function reminderReads(db: Db) {
  const tenantId = placeholder<string>("tenantId");
  const assigned = db
    .select({ userId: technicians.userId })
    .from(workOrders)
    .innerJoin(technicians, eq(technicians.id, workOrders.technicianId))
    .where(
      inTenant(
        workOrders,
        tenantId,
        eq(workOrders.vehicleId, placeholder<string>("vehicleId")),
        eq(workOrders.planId, placeholder<string>("planId")),
        inArray(workOrders.status, [...ACTIVE_STATUSES]),
        isNotNull(technicians.userId),
      ),
    );
  const audience = inTenant(users, tenantId, or(inArray(users.role, ["admin", "manager"]), inArray(users.id, assigned)));
  const audienceIds = db.select({ id: users.id }).from(users).where(audience);
  return [audienceQuery(db, audience), preferencesQuery(db, audienceIds), pushTargetsQuery(db, tenantId, audienceIds)] as const;
}

/** In-app: the inbox keeps the reminder until read (never deferred, like alerts). */
async function inboxReminder(env: Env, tenantId: string, spec: ReminderSpec, userId: string, now: number) {
  const message = renderReminder(spec, env.APP_URL);
  return inAppStatements(
    env.DB,
    {
      id: await deliveryId([spec.topic, userId, "inapp", 0, null]),
      tenantId,
      alertId: null,
      topic: spec.topic,
      userId,
      channel: "inapp",
      step: 0,
      status: "sent",
      attempts: 1,
      sentAt: now,
      message: spec as never,
      updatedAt: now,
    },
    {
      id: newId(INBOX_ID_PREFIX, now),
      tenantId,
      userId,
      alertId: null,
      topic: spec.topic,
      title: message.title,
      body: message.body,
      url: message.url,
      createdAt: now,
    },
  );
}

/**
 * Reminders of one tenant (a queue batch's: an onboarding fleet's first sweep queues one per due
 * pair): every reminder's reads in one D1 batch, every row and inbox item in one more, sending's
 * reads at its end (planning-job.ts), however many reminders.
 */
export async function planReminders(env: Env, tenantId: string, specs: ReminderSpec[], now = Date.now()): Promise<BatchPlanning> {
  const db = database(env.DB);
  const read = await preparedBatchEach(
    db,
    "planReminder",
    () => reminderReads(db),
    specs.map((spec) => ({ tenantId, vehicleId: spec.vehicleId, planId: spec.planId })),
  );
  const parts: PlanPart[] = [];
  for (const [i, spec] of specs.entries()) parts.push(await reminderRows(env, tenantId, spec, read[i]!, now));
  const reads = await writePlans(db, tenantId, now, parts);
  return { planned: parts.flatMap((p) => p.out), reads, missing: [] };
}

/** One reminder's rows and in-app items, not yet written. */
async function reminderRows(
  env: Env,
  tenantId: string,
  spec: ReminderSpec,
  [recipientRows, prefRows, subRows]: RowsOf<ReturnType<typeof reminderReads>>,
  now: number,
): Promise<PlanPart> {
  const audience = recipientsFrom(recipientRows);
  const prefs = preferencesFrom(
    prefRows,
    audience.map((r) => r.userId),
  );
  const pushTargets = pushTargetsFrom(subRows);
  const part = newPlanPart();
  for (const recipient of audience) {
    const p = prefs.get(recipient.userId)!;
    const dueAt = Math.max(now, quietUntil(p.quietHours, now) ?? 0);
    // Voice asks the callee to acknowledge an alert; a reminder has nothing to acknowledge.
    const channels = new Set<Channel>(p.channels[spec.severity].filter((c) => c !== "voice"));
    for (const channel of channels) {
      if (channel === "inapp") {
        part.writes.inbox.push(...(await inboxReminder(env, tenantId, spec, recipient.userId, now)));
        continue;
      }
      for (const target of channelTargets(pushTargets, recipient.userId, channel)) {
        const unreachable = channel === "sms" && !recipient.hasPhone ? "No phone number on the user's profile" : null;
        part.writes.rows.push({
          row: {
            id: await deliveryId([spec.topic, recipient.userId, channel, 0, target]),
            tenantId,
            alertId: null,
            topic: spec.topic,
            userId: recipient.userId,
            channel,
            step: 0,
            target,
            status: unreachable ? "failed" : "queued",
            lastError: unreachable,
            dueAt,
            message: spec as never,
            updatedAt: now,
          },
          sendable: !unreachable,
          held: null,
          userId: recipient.userId,
        });
      }
    }
  }
  return part;
}
