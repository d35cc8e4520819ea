import { fromBase64, toBase64Url, utf8 } from "./encoding";
import { type Keyring, LEGACY_INDEX_ID } from "./keyring";

/**
 * Keyed blind indexes: HMAC-SHA-256 of a normalised value under a blind-index key (PII_INDEX_KEYS,
 * never an encryption key), so an encrypted email can still be looked up and kept unique without
 * storing it in clear. The scope (a tenant id, or `login:<slug>`) is part of the input, so the same
 * person in two tenants has two unrelated indexes.
 *
 * An index names its key: `<key id>.<43 base64url characters>`; one under the legacy key "i0"
 * (PII_INDEX_KEY, or derived by HKDF-SHA-256 from ENCRYPTION_KEY when that was never set) is the
 * bare 43 characters, as stored before index keys had ids. Lookups compute the index under every
 * known key (`blindIndexes`), so rows keep being found while `keys:rotate` re-indexes them.
 */
const imported = new WeakMap<Keyring, Map<string, Promise<CryptoKey>>>();

function indexKey(keyring: Keyring, id: string): Promise<CryptoKey> {
  let keys = imported.get(keyring);
  if (!keys) imported.set(keyring, (keys = new Map()));
  let key = keys.get(id);
  if (!key) {
    key = (async () => {
      const { material, derived } = keyring.indexKeys.get(id)!;
      const raw = fromBase64(material);
      if (raw.byteLength < 32) throw new Error(`Blind-index key ${id} must be at least 32 bytes, base64-encoded`);
      const hmac = { name: "HMAC", hash: "SHA-256" } as const;
      if (!derived) return crypto.subtle.importKey("raw", raw, hmac, false, ["sign"]);
      const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8("fleetpulse blind index v1") },
        base,
        { ...hmac, length: 256 },
        false,
        ["sign"],
      );
    })();
    keys.set(id, key);
  }
  return key;
}

/** The form an email is compared in: trimmed, Unicode NFC, lower case. */
export const normaliseEmail = (email: string) => email.trim().normalize("NFC").toLowerCase();

/** What an index under key `id` starts with: nothing for the legacy key, else `<id>.`. */
export const indexPrefix = (id: string) => (id === LEGACY_INDEX_ID ? "" : `${id}.`);

async function indexUnder(keyring: Keyring, id: string, scope: string, value: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await indexKey(keyring, id), utf8(`${scope}\n${value}`));
  return indexPrefix(id) + toBase64Url(new Uint8Array(mac));
}

/** The blind index of `value` (already normalised) within `scope`, under the active index key. */
export const blindIndex = (keyring: Keyring, scope: string, value: string) => indexUnder(keyring, keyring.indexActiveId, scope, value);

/** The index under every known index key, the active one first: what a lookup matches during a rotation. */
export const blindIndexes = (keyring: Keyring, scope: string, value: string) =>
  Promise.all(
    [keyring.indexActiveId, ...[...keyring.indexKeys.keys()].filter((id) => id !== keyring.indexActiveId)].map((id) =>
      indexUnder(keyring, id, scope, value),
    ),
  );

/** Whether a stored index is under the active key (rotation skips it). */
export function isIndexCurrent(keyring: Keyring, index: string): boolean {
  const dot = index.indexOf(".");
  return (dot < 0 ? LEGACY_INDEX_ID : index.slice(0, dot)) === keyring.indexActiveId;
}

/** The index of a user's email within its tenant (`users.email_index`). */
export const emailIndex = (keyring: Keyring, tenantId: string, email: string) => blindIndex(keyring, tenantId, normaliseEmail(email));

/** The email's index under every known key, for lookups. */
export const emailIndexes = (keyring: Keyring, tenantId: string, email: string) => blindIndexes(keyring, tenantId, normaliseEmail(email));
