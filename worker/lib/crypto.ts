import { fromBase64, randomBytes, toBase64, utf8 } from "./encoding";

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

const keyCache = new Map<string, Promise<CryptoKey>>();

function encryptionKey(base64Key: string): Promise<CryptoKey> {
  let key = keyCache.get(base64Key);
  if (!key) {
    const raw = fromBase64(base64Key);
    if (raw.byteLength !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes, base64-encoded");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keyCache.set(base64Key, key);
  }
  return key;
}

/** AES-256-GCM with a random 96-bit IV: `v1.<iv>.<ciphertext+tag>` in base64. */
export async function encryptSecret(plaintext: string, base64Key: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await encryptionKey(base64Key), utf8(plaintext));
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

export async function decryptSecret(sealed: string, base64Key: string): Promise<string> {
  const [version, iv, data] = sealed.split(".");
  if (version !== "v1" || !iv || !data) throw new Error("Unknown secret envelope");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv) }, await encryptionKey(base64Key), fromBase64(data));
  return new TextDecoder().decode(plain);
}

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = () => `whsec_${toBase64(randomBytes(32))}`;
