import { sign, verify } from "hono/jwt";

/** A signed, short-lived link Twilio calls when the callee presses 1: it acknowledges as that user. */
export async function voiceAckUrl(env: Env, tenantId: string, alertId: string, userId: string) {
  const exp = Math.floor(Date.now() / 1000) + 24 * 3600;
  const token = await sign({ sub: userId, tid: tenantId, alr: alertId, use: "voice-ack", exp }, env.JWT_SECRET, "HS256");
  return `${env.APP_URL.replace(/\/$/, "")}/api/voice/ack?token=${encodeURIComponent(token)}`;
}

export async function readVoiceAck(env: Env, token: string) {
  try {
    const claims = await verify(token, env.JWT_SECRET, "HS256");
    if (claims.use !== "voice-ack" || typeof claims.sub !== "string" || typeof claims.tid !== "string" || typeof claims.alr !== "string")
      return null;
    return { userId: claims.sub, tenantId: claims.tid, alertId: claims.alr };
  } catch {
    return null;
  }
}
