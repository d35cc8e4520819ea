import { fromBase64, toBase64Url, utf8 } from "./encoding";
import type { Keyring } from "./keyring";

/**
 * Keyed blind indexes: HMAC-SHA-256 of a normalised value under `PII_INDEX_KEY`, a key of its own
 * (never an encryption key), so an encrypted email can still be looked up and kept unique without
 * storing it in clear. The scope (a tenant id, or `login:<slug>`) is part of the input, so the same
 * person in two tenants has two unrelated indexes.
 *
 * Without PII_INDEX_KEY the key is derived (HKDF-SHA-256) from ENCRYPTION_KEY, so a deployment
 * that predates the keyring keeps working; production should set its own (docs/configuration.md).
 */
const indexKeys = new WeakMap<Keyring, Promise<CryptoKey>>();

function indexKey(keyring: Keyring): Promise<CryptoKey> {
  let key = indexKeys.get(keyring);
  if (!key) {
    key = (async () => {
      const raw = fromBase64(keyring.indexKeyMaterial);
      if (raw.byteLength < 32) throw new Error("PII_INDEX_KEY must be at least 32 bytes, base64-encoded");
      const hmac = { name: "HMAC", hash: "SHA-256" } as const;
      if (!keyring.indexKeyDerived) return crypto.subtle.importKey("raw", raw, hmac, false, ["sign"]);
      const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8("fleetpulse blind index v1") },
        base,
        { ...hmac, length: 256 },
        false,
        ["sign"],
      );
    })();
    indexKeys.set(keyring, key);
  }
  return key;
}

/** The form an email is compared in: trimmed, Unicode NFC, lower case. */
export const normaliseEmail = (email: string) => email.trim().normalize("NFC").toLowerCase();

/** The blind index of `value` (already normalised) within `scope`: 43 base64url characters. */
export async function blindIndex(keyring: Keyring, scope: string, value: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await indexKey(keyring), utf8(`${scope}\n${value}`));
  return toBase64Url(new Uint8Array(mac));
}

/** The index of a user's email within its tenant (`users.email_index`). */
export const emailIndex = (keyring: Keyring, tenantId: string, email: string) => blindIndex(keyring, tenantId, normaliseEmail(email));
