/**
 * The notification vocabulary shared by the Worker, the tenant's object and the schema: channels,
 * escalation steps, quiet hours, and the messages on the notification queue (validated on receipt).
 */
import { z } from "zod";
import { SEVERITIES } from "./alert";
import { ROLES, type Role } from "./roles";

export const CHANNELS = ["push", "sms", "voice", "email", "inapp"] as const;
export type Channel = (typeof CHANNELS)[number];

/** One step of a severity's escalation policy: who is reached, how, how long after the alert. */
export interface EscalationStep {
  afterMinutes: number;
  roles: Role[];
  channels: Channel[];
  /** Only alerts of vehicles in one of these groups; empty or absent = all. */
  groups?: string[];
}

/** A user's quiet period: local `HH:MM` start (inclusive) and end (exclusive) in an IANA zone. */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

export const NotificationJob = z.discriminatedUnion("type", [
  /** A new alert: notify by preferences (and customer webhooks). */
  z.object({ type: z.literal("alert.raised"), tenantId: z.string(), alertId: z.string() }),
  /**
   * An alert was resolved, by a person (`resolvedBy` their id) or automatically when its episode
   * cleared (`resolvedBy` null): tell those who were told of the raise (in-app, push; SMS and voice
   * only for users who opted in) and the outbound webhooks subscribed to `alert.resolved`.
   */
  z.object({
    type: z.literal("alert.resolved"),
    tenantId: z.string(),
    alertId: z.string(),
    resolvedAt: z.string(),
    resolvedBy: z.string().nullable(),
  }),
  /**
   * An alert changed in a way a customer's system should hear of (its episode cleared, it
   * reopened, it was acknowledged): one signed `alert.updated` webhook per subscribed endpoint,
   * carrying the alert as it is when sent. `at` (ISO) names the change, so each change is its own
   * message and a redelivered job sends it once. People are not told (the live stream shows it).
   */
  z.object({
    type: z.literal("alert.updated"),
    tenantId: z.string(),
    alertId: z.string(),
    change: z.string().max(40),
    at: z.string(),
  }),
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
