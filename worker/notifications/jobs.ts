/** Messages on the notification queue, validated on receipt. */
import { z } from "zod";
import { CHANNELS, ROLES } from "../db/schema";

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
  /** Send (or retry) one delivery row. */
  z.object({ type: z.literal("deliver"), tenantId: z.string(), deliveryId: z.string() }),
]);
export type NotificationJob = z.infer<typeof NotificationJob>;
