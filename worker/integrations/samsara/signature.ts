import { safeEqual } from "../../lib/crypto";
import { fromBase64 } from "../../lib/encoding";
import type { SignedBody } from "../../lib/webhook-signature";
import { hmacHex } from "../common";

/**
 * Samsara webhook signatures: `X-Samsara-Signature: v1=<hex HMAC-SHA256(key, "v1:{ts}:{raw body}")>`
 * where the key is the base64-decoded secret and `{ts}` is `X-Samsara-Timestamp` (Unix s).
 */
export const SAMSARA_TOLERANCE_SECONDS = 5 * 60;

export async function signSamsara(base64Secret: string, timestamp: number | string, body: SignedBody): Promise<string> {
  return `v1=${await hmacHex("SHA-256", fromBase64(base64Secret), `v1:${timestamp}:`, body)}`;
}

export type SamsaraVerifyFailure = "missing_headers" | "stale_timestamp" | "bad_signature";

/** Fails closed: missing headers, a timestamp outside ±5 minutes or a mismatch are all refusals. */
export async function verifySamsara(
  base64Secret: string,
  headers: { timestamp?: string | null; signature?: string | null },
  body: SignedBody,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ ok: true } | { ok: false; reason: SamsaraVerifyFailure }> {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > SAMSARA_TOLERANCE_SECONDS) {
    return { ok: false, reason: "stale_timestamp" };
  }
  const expected = await signSamsara(base64Secret, timestamp, body);
  return safeEqual(signature.trim().toLowerCase(), expected) ? { ok: true } : { ok: false, reason: "bad_signature" };
}
