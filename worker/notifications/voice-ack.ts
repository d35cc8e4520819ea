import { issueTicket, redeemTicket, VOICE_ACK_TICKET_SECONDS } from "../services/url-tickets";

/**
 * The link Twilio calls when the callee presses 1: it acknowledges as that user. It carries a
 * single-use ticket (docs/security.md, "Tickets"), not a token: the URL ends up in Twilio's and
 * our request logs, and once used or past 30 minutes it is worth nothing.
 */
export async function voiceAckUrl(env: Env, tenantId: string, alertId: string, userId: string) {
  const { ticket } = await issueTicket(env.DB, "voice-ack", { tenantId, userId }, { alertId }, VOICE_ACK_TICKET_SECONDS);
  return `${env.APP_URL.replace(/\/$/, "")}/api/voice/ack?ticket=${encodeURIComponent(ticket)}`;
}

/** Takes the link's ticket (single use): who may acknowledge which alert, or null. */
export async function readVoiceAck(env: Env, ticket: string) {
  const taken = await redeemTicket<{ alertId?: unknown }>(env.DB, "voice-ack", ticket);
  if (!taken || typeof taken.payload.alertId !== "string") return null;
  return { userId: taken.userId, tenantId: taken.tenantId, alertId: taken.payload.alertId };
}
