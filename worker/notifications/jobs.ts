/** Messages on the notification queue, validated on receipt. */
import { z } from "zod";
import { CHANNELS, ROLES, SEVERITIES } from "../db/schema";

export const NotificationJob = z.discriminatedUnion("type", [
  /** A new alert: notify by preferences (and customer webhooks). */
  z.object({ type: z.literal("alert.raised"), tenantId: z.string(), alertId: z.string() }),
  /** An escalation step came due while the alert stayed unacknowledged. */
  z.object({
    type: z.literal("alert.escalated"),
    tenantId: z.string(),
    alertId: z.string(),
    step: z.number().int().min(1),
    roles: z.array(z.enum(ROLES)),
    channels: z.array(z.enum(CHANNELS)),
  }),
  /** A (vehicle, plan) pair turned due soon or overdue: remind managers and the assigned technician. */
  z.object({
    type: z.literal("maintenance.reminder"),
    tenantId: z.string(),
    reminder: z.object({
      kind: z.literal("maintenance.reminder"),
      topic: z.string(),
      vehicleId: z.string(),
      vehicleName: z.string(),
      planId: z.string(),
      planName: z.string(),
      status: z.enum(["due_soon", "overdue"]),
      severity: z.enum(SEVERITIES),
      dueAtKm: z.number().nullable(),
      dueAtEngineHours: z.number().nullable(),
      dueDate: z.number().nullable(),
      remainingKm: z.number().nullable(),
      remainingEngineHours: z.number().nullable(),
      remainingDays: z.number().nullable(),
      forecastDate: z.number().nullable(),
    }),
  }),
  /** Send (or retry) one delivery row. */
  z.object({ type: z.literal("deliver"), tenantId: z.string(), deliveryId: z.string() }),
]);
export type NotificationJob = z.infer<typeof NotificationJob>;
