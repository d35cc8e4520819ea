import { z } from "@hono/zod-openapi";
import { CHANNELS, DELIVERY_CHANNELS, DELIVERY_STATUSES, RESOLVED_CHANNELS, ROLES, SEVERITIES } from "../db/schema";
import { IsoDate, PageQuery } from "./common";
import { GroupList } from "./groups";
import { TimeZone } from "./time-zone";

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour");
const ChannelList = z
  .array(z.enum(CHANNELS))
  .max(CHANNELS.length)
  .refine((l) => new Set(l).size === l.length, "Each channel at most once");
const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, "base64url");

export const PreferencesSchema = z
  .strictObject({
    channels: z.strictObject({ critical: ChannelList, high: ChannelList, medium: ChannelList, low: ChannelList }),
    quietHours: z.strictObject({ start: ClockTime, end: ClockTime, timeZone: TimeZone }).nullable(),
    digestMinutes: z.number().int().min(0).max(1440),
    /** Also hear of resolves on these channels (in-app and push always tell those told of the raise); omitted: none. */
    notifyResolved: z
      .array(z.enum(RESOLVED_CHANNELS))
      .max(RESOLVED_CHANNELS.length)
      .refine((l) => new Set(l).size === l.length, "Each channel at most once")
      .optional(),
  })
  .openapi("NotificationPreferences");

export const PushSubscriptionBody = z
  .strictObject({
    endpoint: z.url().max(2048),
    expirationTime: z.number().nullable().optional(),
    keys: z.strictObject({ p256dh: Base64Url.min(80).max(100), auth: Base64Url.min(16).max(32) }),
  })
  .openapi("PushSubscription");

export const DeleteSubscriptionBody = z.strictObject({ endpoint: z.url().max(2048) });

export const DeliverySchema = z
  .object({
    id: z.string(),
    /** Null for a delivery about something other than an alert (see `topic`). */
    alertId: z.string().nullable(),
    /** What a non-alert delivery is about: `maintenance:…` (a reminder) or `workorder:<id>` (a webhook event). */
    topic: z.string().nullable(),
    userId: z.string().nullable(),
    channel: z.enum(DELIVERY_CHANNELS),
    step: z.number().int(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    dueAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    createdAt: z.string(),
    fallbackOf: z.string().nullable().openapi({ description: "The delivery this one stands in for on the next channel" }),
    fallbackReason: z.enum(["circuit_open", "dead"]).nullable(),
  })
  .openapi("Delivery");

export const DeliveryQuery = PageQuery.extend({
  alertId: z.string().max(64).optional(),
  topic: z.string().max(200).optional(),
  userId: z.string().max(64).optional(),
  channel: z.enum(DELIVERY_CHANNELS).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
});

export const SilenceBody = z
  .strictObject({
    matchers: z.strictObject({
      vehicleId: z.string().max(64).optional(),
      ruleId: z.string().max(64).optional(),
      type: z.string().max(64).optional(),
      severity: z.enum(SEVERITIES).optional(),
    }),
    startsAt: IsoDate,
    endsAt: IsoDate,
    comment: z.string().trim().min(1).max(500),
    groups: GroupList.optional().openapi({ description: "Only vehicles in one of these groups; empty or omitted = all" }),
  })
  .superRefine((s, ctx) => {
    if (!Object.keys(s.matchers).length && !s.groups?.length)
      ctx.addIssue({ code: "custom", path: ["matchers"], message: "At least one matcher (or a group)" });
    if (Date.parse(s.endsAt) <= Date.parse(s.startsAt))
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "Must be after startsAt" });
  })
  .openapi("CreateSilence");

export const SilenceSchema = z
  .object({
    id: z.string(),
    matchers: z.record(z.string(), z.string()),
    startsAt: z.string(),
    endsAt: z.string(),
    comment: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    groups: z.array(z.string()),
  })
  .openapi("Silence");

export const EscalationPolicyBody = z
  .strictObject({
    steps: z
      .array(
        z.strictObject({
          afterMinutes: z.number().int().min(0).max(10_080),
          roles: z.array(z.enum(ROLES)).min(1),
          channels: ChannelList.min(1),
          groups: GroupList.optional().openapi({ description: "Only alerts of vehicles in one of these groups; empty or omitted = all" }),
        }),
      )
      .max(10)
      .refine((steps) => steps.every((s, i) => i === 0 || s.afterMinutes >= steps[i - 1]!.afterMinutes), "Steps in order of afterMinutes"),
  })
  .openapi("EscalationPolicy");

/** The alerting settings a PUT /api/settings may change (each optional; the route adds retention). */
export const SettingsFields = z.strictObject({
  groupWaitSeconds: z.number().int().min(0).max(3600).optional(),
  fallbackChannels: z.boolean().optional().openapi({
    description:
      "Send on the user's next channel (SMS → voice → email, push → SMS) when a provider's circuit is open or a critical delivery is dead",
  }),
});

export const WEBHOOK_EVENTS = ["alert.created", "alert.updated", "alert.resolved", "workorder.created", "workorder.updated"] as const;
const EventList = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .refine((l) => new Set(l).size === l.length, "Each event at most once");
export const OutboundWebhookBody = z.strictObject({ url: z.url().max(2048), events: EventList }).openapi("CreateOutboundWebhook");

export const OutboundWebhookPatch = z
  .strictObject({ url: z.url().max(2048).optional(), events: EventList.optional(), enabled: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, "At least one of url, events, enabled")
  .openapi("UpdateOutboundWebhook");

/** An endpoint as listed: never its secret. `disabledReason` says why it stopped (e.g. its 410). */
export const OutboundWebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    disabledAt: z.string().nullable(),
    /** Until when the secret before the last rotation still signs (null: no overlap now). */
    previousSecretValidUntil: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("OutboundWebhook");

export const OutboundWebhookWithSecret = OutboundWebhookSchema.extend({ secret: z.string() }).openapi("OutboundWebhookWithSecret");

export const WebhookDeliverySchema = DeliverySchema.extend({ event: z.string() }).openapi("WebhookDelivery");

export const WebhookDeliveryQuery = PageQuery.extend({ status: z.enum(DELIVERY_STATUSES).optional() });

export const InboxItemSchema = z
  // alertId is null for an item about something else (a maintenance reminder).
  .object({
    id: z.string(),
    alertId: z.string().nullable(),
    title: z.string(),
    body: z.string(),
    url: z.string(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi("InboxItem");
