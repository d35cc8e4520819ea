import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { safeEqual } from "../../lib/crypto";
import { toBase64, utf8 } from "../../lib/encoding";
import { tenantHub } from "../../lib/hub";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { readVoiceAck } from "../../notifications/voice-ack";
import { findUser } from "../../services/users";

/** Twilio's request signature: base64 HMAC-SHA1(auth token, URL + each POST param name and value, sorted by name). */
async function twilioSignature(authToken: string, url: string, params: Record<string, string>) {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join("");
  const key = await crypto.subtle.importKey("raw", utf8(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(data))));
}

const twiml = (say: string) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?><Response><Say>${say}</Say></Response>`, { headers: { "content-type": "text/xml" } });

const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });
router.openAPIRegistry.registerPath({
  method: "post",
  path: "/ack",
  summary: "Twilio voice callback: pressing 1 acknowledges the alert (single-use ticket link, X-Twilio-Signature checked)",
  tags: ["Notifications"],
  request: { query: z.object({ ticket: z.string() }) },
  responses: { 200: { description: "TwiML" }, 401: { description: "Bad signature or link" }, 415: { description: "Not a form post" } },
});

/** POST /api/voice/ack?ticket=… — Twilio's <Gather> action for a voice notification (the ticket is used up by this call). */
export const voiceRoutes = router.post("/ack", async (c) => {
  // Twilio posts a form; anything else is refused before any work (not a 500 from the parser).
  const data = await c.req.formData().catch(() => {
    throw new AppError("unsupported_media_type", "Twilio callbacks are application/x-www-form-urlencoded.");
  });
  const form = Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v)]));
  const expected = await twilioSignature(c.env.TWILIO_AUTH_TOKEN, c.req.url, form);
  if (!safeEqual(c.req.header("x-twilio-signature") ?? "", expected)) throw new AppError("unauthorized", "Bad Twilio signature.");
  const link = await readVoiceAck(c.env, c.req.query("ticket") ?? "");
  if (!link) throw new AppError("unauthorized", "The acknowledgement link is invalid or expired.");
  if (form.Digits !== "1") return twiml("Nothing was changed. Goodbye.");
  const user = await findUser(database(c.env.DB), link.tenantId, link.userId);
  if (!user?.active) throw new AppError("unauthorized", "The user no longer exists or was deactivated.");
  const result = await tenantHub(c.env, link.tenantId).transition(link.tenantId, { userId: user.id, role: user.role }, link.alertId, {
    action: "ack",
    note: "Acknowledged by phone",
  });
  c.set("audit", {
    action: "alert.ack",
    tenantId: link.tenantId,
    actorId: user.id,
    targetType: "alert",
    targetId: link.alertId,
    detail: { via: "voice" },
  });
  return twiml(result.ok ? "The alert is acknowledged. Thank you." : "The alert could not be acknowledged. It may already be resolved.");
});
