import type { Severity } from "../../db/schema";

/** What one notification says, whatever the channel. Short: vehicle, problem, value, link. */
export interface OutgoingMessage {
  /** e.g. "CRITICAL: Unit 007 — Engine overheating" */
  title: string;
  /** e.g. "engineTempC 116 > 110 at 14:02 UTC. Open: https://…/alerts/alr_…" */
  body: string;
  /** Absolute link to the alert in the PWA. */
  url: string;
  /** The alert (or, for a group, the first alert) this message is about. */
  alertId: string;
  /** Every alert this message names (a group names several). */
  alertIds: string[];
  severity: Severity;
}

export interface Recipient {
  userId: string;
  name: string;
  email: string;
  phone: string | null;
}

export interface PushSubscriptionRecord {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export type SendResult =
  | { ok: true; providerId?: string }
  /**
   * `retryable`: 429, 5xx, timeouts and network errors (retried with backoff); otherwise the
   * delivery fails for good. `gone`: the push service says the subscription no longer exists
   * (404/410), so it is removed.
   */
  | { ok: false; retryable: boolean; error: string; gone?: boolean };

/** Per-send context every adapter receives. `env` carries provider URLs, keys and secrets. */
export interface SendContext {
  env: Env;
  recipient: Recipient;
  message: OutgoingMessage;
  /** Only for `push`: the subscription this delivery targets. */
  subscription?: PushSubscriptionRecord;
  /**
   * Only for `webhook`: the endpoint and its signing secret (plaintext), and during the 24 h
   * after a rotation the previous one too (one signature each).
   */
  webhook?: { id: string; url: string; secret: string; previousSecret?: string | null; event: string; data: unknown };
  /** Only for `voice`: the URL Twilio calls back when the callee presses 1 (acknowledges). */
  voiceAckUrl?: string;
}

export type ChannelName = "push" | "sms" | "voice" | "email" | "webhook";

export type ChannelAdapter = (ctx: SendContext) => Promise<SendResult>;
