import { randomBytes, toBase64, utf8 } from "./encoding";
import type { Keyring, SealedAt } from "./keyring";

/** Constant-time equality of two strings (workerd's `timingSafeEqual` needs equal lengths). */
export function safeEqual(a: string, b: string): boolean {
  const left = utf8(a);
  const right = utf8(b);
  // Compare against itself on a length mismatch so the time does not reveal the length match.
  if (left.byteLength !== right.byteLength) {
    crypto.subtle.timingSafeEqual(left, left);
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}

/**
 * Secrets at rest (webhook secrets, vendor credentials, personal data) go through the keyring
 * (./keyring.ts): key ids, rotation, and associated data binding each ciphertext to its row.
 */
export const encryptSecret = (plaintext: string, keyring: Keyring, at: SealedAt) => keyring.seal(plaintext, at);
export const decryptSecret = (sealed: string, keyring: Keyring, at: SealedAt) => keyring.open(sealed, at);

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = () => `whsec_${toBase64(randomBytes(32))}`;
