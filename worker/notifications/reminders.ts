/**
 * Maintenance reminders through the notification pipeline: when a (vehicle, plan) pair turns due
 * soon or overdue, the tenant's admins and managers and the technician assigned to the pair's
 * plan work order are told on the channels their preferences name (due soon as `medium`,
 * overdue as `high`), quiet hours deferring them. Rows have deterministic ids from the reminder's
 * topic, so a re-queued job or a repeated sweep never notifies twice.
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import { technicians, workOrders, type Channel } from "../db/schema";
import { planCycleKey, type DueState } from "../domain/maintenance/intervals";
import { ACTIVE_STATUSES } from "../domain/maintenance/lifecycle";
import { newId } from "../lib/ids";
import type { ScopedRecipient as Recipient } from "./recipients";
import { INBOX_ID_PREFIX, writeInAppDelivery } from "./inbox-write";
import { deliveryId, renderReminder, type ReminderSpec } from "./message";
import { writePlanned, type Planned } from "./resume";
import { preferencesOf } from "./preferences";
import { quietUntil } from "./quiet-hours";
import { channelTargets, pushTargetsOf, usersByIds, usersWithRoles } from "./recipients";

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

/** The linked users of technicians assigned to the pair's active plan work orders. */
async function assignedTechnicianUsers(db: Db, tenantId: string, vehicleId: string, planId: string) {
  const rows = await db
    .select({ userId: technicians.userId })
    .from(workOrders)
    .innerJoin(technicians, eq(technicians.id, workOrders.technicianId))
    .where(
      and(
        inTenant(
          workOrders,
          tenantId,
          eq(workOrders.vehicleId, vehicleId),
          eq(workOrders.planId, planId),
          inArray(workOrders.status, [...ACTIVE_STATUSES]),
        ),
        isNotNull(technicians.userId),
      ),
    );
  return rows.map((r) => r.userId!).filter(Boolean);
}

/** Managers and admins, plus the assigned technician's user — each once. */
async function reminderAudience(db: Db, tenantId: string, spec: ReminderSpec): Promise<Recipient[]> {
  const staff = await usersWithRoles(db, tenantId, ["admin", "manager"]);
  const techIds = await assignedTechnicianUsers(db, tenantId, spec.vehicleId, spec.planId);
  const techs = await usersByIds(
    db,
    tenantId,
    techIds.filter((id) => !staff.some((s) => s.userId === id)),
  );
  return [...staff, ...techs];
}

/** In-app: the inbox keeps the reminder until read (never deferred, like alerts). */
async function planInboxReminder(env: Env, tenantId: string, spec: ReminderSpec, recipient: Recipient, now: number) {
  const id = await deliveryId([spec.topic, recipient.userId, "inapp", 0, null]);
  const message = renderReminder(spec, env.APP_URL);
  await writeInAppDelivery(
    env.DB,
    {
      id,
      tenantId,
      alertId: null,
      topic: spec.topic,
      userId: recipient.userId,
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
      userId: recipient.userId,
      alertId: null,
      topic: spec.topic,
      title: message.title,
      body: message.body,
      url: message.url,
      createdAt: now,
    },
  );
}

export async function planReminder(env: Env, tenantId: string, spec: ReminderSpec, now = Date.now()): Promise<Planned[]> {
  const db = database(env.DB);
  const audience = await reminderAudience(db, tenantId, spec);
  const prefs = await preferencesOf(
    db,
    audience.map((r) => r.userId),
  );
  const pushTargets = await pushTargetsOf(
    db,
    tenantId,
    audience.map((r) => r.userId),
  );
  const out: Planned[] = [];
  for (const recipient of audience) {
    const p = prefs.get(recipient.userId)!;
    const quietEnd = quietUntil(p.quietHours, now);
    // Voice asks the callee to acknowledge an alert; a reminder has nothing to acknowledge.
    const channels = new Set<Channel>(p.channels[spec.severity].filter((c) => c !== "voice"));
    for (const channel of channels) {
      if (channel === "inapp") {
        await planInboxReminder(env, tenantId, spec, recipient, now);
        continue;
      }
      for (const target of channelTargets(pushTargets, recipient.userId, channel)) {
        const unreachable = channel === "sms" && !recipient.hasPhone ? "No phone number on the user's profile" : null;
        const dueAt = Math.max(now, quietEnd ?? 0);
        const id = await deliveryId([spec.topic, recipient.userId, channel, 0, target]);
        await writePlanned(
          db,
          {
            id,
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
          now,
          out,
        );
      }
    }
  }
  return out;
}
