// Signing and posting telemetry the way a vendor using Standard Webhooks does (Node side:
// simulator and benchmarks).
import { createHmac, randomUUID } from "node:crypto";

export function signStandardWebhook(secret, id, timestamp, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** POSTs `{events}` signed with the tenant's secret; returns the response status and body. */
export async function postTelemetry(url, slug, secret, events, id = `msg_${randomUUID()}`) {
  const body = JSON.stringify({ events });
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(`${url}/webhooks/${slug}/telemetry`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook(secret, id, timestamp, body),
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}
