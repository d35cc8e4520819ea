/**
 * Web Push (RFC 8030) with aes128gcm payload encryption (RFC 8291) and VAPID (RFC 8292).
 * `web-push` builds the request (`generateRequestDetails`: aes128gcm encryption, headers) with the
 * VAPID header signed by WebCrypto (./vapid.ts); `fetch` sends it — `sendNotification` goes through
 * node:https and hangs in workerd.
 */
import { generateRequestDetails, type Urgency } from "web-push";
import type { Severity } from "../../db/schema";
import { callProvider, permanentFailure } from "../http-result";
import { deliverableUrlProblem } from "../url-guard";
import type { ChannelAdapter, OutgoingMessage } from "./types";
import { vapidAuthorization } from "./vapid";

/** How long the push service keeps an undelivered message (seconds). */
export const PUSH_TTL_SECONDS = 86_400;

const URGENCY: Record<Severity, Urgency> = { critical: "high", high: "high", medium: "normal", low: "low" };

/**
 * A push message may carry at most 4096 bytes after encryption (RFC 8030 §7.2); aes128gcm adds 86
 * header bytes, a 16-byte tag and a padding delimiter, so the JSON stays well under that.
 */
const MAX_PAYLOAD_BYTES = 3_800;

/** The JSON the service worker receives: `{title, body, alertId, severity, url}`. */
export function pushPayload(message: OutgoingMessage): string {
  const base = { title: message.title, body: message.body, alertId: message.alertId, severity: message.severity, url: message.url };
  let json = JSON.stringify(base);
  let body = message.body;
  const encoder = new TextEncoder();
  while (encoder.encode(json).byteLength > MAX_PAYLOAD_BYTES && body.length > 1) {
    body = `${Array.from(body)
      .slice(0, Math.floor(Array.from(body).length * 0.8))
      .join("")}…`;
    json = JSON.stringify({ ...base, body });
  }
  return json;
}

export const sendPush: ChannelAdapter = async ({ env, message, subscription }) => {
  if (!subscription) return permanentFailure("push: no subscription given");
  const urlProblem = deliverableUrlProblem(subscription.endpoint, env.ENVIRONMENT);
  if (urlProblem) return permanentFailure(`push: endpoint not allowed: ${urlProblem}`);

  let details: ReturnType<typeof generateRequestDetails>;
  try {
    const vapid = { subject: env.VAPID_SUBJECT, publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY };
    details = generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      pushPayload(message),
      {
        // Not `vapidDetails`: web-push would sign with jws and asn1.js, which the bundle leaves out.
        headers: { Authorization: await vapidAuthorization(subscription.endpoint, vapid) },
        TTL: PUSH_TTL_SECONDS,
        contentEncoding: "aes128gcm",
        urgency: URGENCY[message.severity] ?? "normal",
      },
    );
  } catch (error) {
    // Malformed subscription keys or VAPID configuration: retrying cannot help.
    return permanentFailure(`push: cannot build request: ${error instanceof Error ? error.message : String(error)}`);
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(details.headers)) {
    // fetch computes Content-Length itself from the body.
    if (name.toLowerCase() === "content-length" || value === undefined) continue;
    headers.set(name, String(value));
  }
  // A copy into a plain ArrayBuffer: web-push hands back a Node Buffer view.
  const body = details.body ? Uint8Array.from(details.body) : null;
  return callProvider(
    details.endpoint,
    { method: details.method, headers, body },
    { label: "push", goneStatuses: [404, 410], providerId: (res) => res.headers.get("location") ?? undefined },
  );
};
