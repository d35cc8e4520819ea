/**
 * Standard Webhooks (standardwebhooks.com) signatures: `v1,<base64 HMAC-SHA256(secret,
 * "{id}.{timestamp}.{body}")>`, several space-separated, timestamp within a tolerance.
 * Used to verify vendors' calls and to sign our outbound webhooks.
 */
import { safeEqual } from "./crypto";
import { hmacKey } from "./hmac-key";
import { fromBase64, toBase64 } from "./encoding";
import { type SignedBody, signedMessage } from "./webhook-signature";

export const TOLERANCE_SECONDS = 5 * 60;

const keyFor = (secret: string) => hmacKey(secret, (s) => fromBase64(s.startsWith("whsec_") ? s.slice(6) : s), ["sign"]);

/** Signs `{id}.{timestamp}.{body}`; `body` is the raw bytes received, or the string we send. */
export async function signStandardWebhook(secret: string, id: string, timestamp: number, body: SignedBody): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await keyFor(secret), signedMessage(`${id}.${timestamp}.`, body));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

export type VerifyFailure = "missing_headers" | "stale_timestamp" | "bad_signature";

/** Checks headers, timestamp tolerance and every offered signature against every secret. */
export async function verifyStandardWebhook(
  secrets: string[],
  headers: { id?: string | null; timestamp?: string | null; signature?: string | null },
  body: SignedBody,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ ok: true } | { ok: false; reason: VerifyFailure }> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing_headers" };
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS) return { ok: false, reason: "stale_timestamp" };
  const offered = signature.split(" ").filter((s) => s.startsWith("v1,"));
  for (const secret of secrets) {
    const expected = await signStandardWebhook(secret, id, ts, body);
    // Check every offered signature (no early exit on the first mismatch) in constant time each.
    let match = false;
    for (const candidate of offered) match = safeEqual(candidate, expected) || match;
    if (match) return { ok: true };
  }
  return { ok: false, reason: "bad_signature" };
}
