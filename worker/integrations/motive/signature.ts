import { safeEqual } from "../../lib/crypto";
import { utf8 } from "../../lib/encoding";
import type { SignedBody } from "../../lib/webhook-signature";
import { hmacHex } from "../common";

/**
 * Motive (KeepTruckin) company webhooks: `X-KT-Webhook-Signature: <hex HMAC-SHA1(secret, raw body)>`.
 * There is no timestamp, so replays are stopped by the payload id (the idempotency key) instead.
 */
export const signMotive = (secret: string, body: SignedBody) => hmacHex("SHA-1", utf8(secret), "", body);

export async function verifyMotive(secret: string, signature: string | null | undefined, body: SignedBody): Promise<boolean> {
  if (!signature) return false;
  return safeEqual(signature.trim().toLowerCase(), await signMotive(secret, body));
}
