import { fromBase64, randomBytes, toBase64, utf8 } from "./encoding";

/**
 * Field encryption at rest (docs/security.md, "Personal data"). Several AES-256-GCM keys, each
 * with an id; new ciphertexts use the active one, old ones stay readable until `keys:rotate`
 * re-encrypts them. A ciphertext is bound, as GCM associated data, to the tenant, table, field and
 * row it belongs to: copied to another row or tenant it fails to decrypt.
 *
 *   v2.<key id>.<iv base64>.<ciphertext+tag base64>
 *
 * `v1.<iv>.<ct>` (one key, `ENCRYPTION_KEY`, no associated data) is still read, for rows written
 * before the keyring; rotation rewrites them as v2.
 */

/** Where a ciphertext lives: part of what it decrypts with. `field` is logical (a secret and its "previous" copy share one). */
export interface SealedAt {
  tenantId: string;
  table: string;
  field: string;
  rowId: string;
}

export interface KeyringSecrets {
  /** JSON object of key id → base64 of 32 bytes, e.g. {"k2":"…","k1":"…"}. */
  PII_KEYS?: string;
  /** The id in PII_KEYS new ciphertexts are written with. */
  PII_ACTIVE_KEY?: string;
  /** JSON object of index key id → base64 of ≥ 32 bytes: the HMAC keys of blind indexes (worker/lib/blind-index.ts). */
  PII_INDEX_KEYS?: string;
  /** The id in PII_INDEX_KEYS new blind indexes are computed with. */
  PII_INDEX_ACTIVE?: string;
  /** The blind-index key before PII_INDEX_KEYS (id "i0", indexes stored without a key id). */
  PII_INDEX_KEY?: string;
  /** The key before the keyring: reads v1 ciphertexts; without PII_KEYS it is the only key, id "k0". */
  ENCRYPTION_KEY?: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const LEGACY_ID = "k0";
/** The blind-index key before PII_INDEX_KEYS: PII_INDEX_KEY, or derived from ENCRYPTION_KEY. Its indexes carry no key id. */
export const LEGACY_INDEX_ID = "i0";

/** Material of one blind-index key (base64); `derived`: HKDF from an encryption key, not used raw. */
export interface IndexKeyMaterial {
  material: string;
  derived: boolean;
}

function importAesKey(base64Key: string, id: string): Promise<CryptoKey> {
  const raw = fromBase64(base64Key);
  if (raw.byteLength !== 32) throw new Error(`Encryption key ${id} must be 32 bytes, base64-encoded`);
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

const associatedData = (keyId: string, at: SealedAt) =>
  utf8(JSON.stringify(["fleetpulse.v2", keyId, at.tenantId, at.table, at.field, at.rowId]));

export class Keyring {
  readonly activeId: string;
  private readonly keys = new Map<string, Promise<CryptoKey>>();
  private readonly legacy: Promise<CryptoKey> | null;
  /** Blind-index keys by id (see blind-index.ts), and the one new indexes use. */
  readonly indexKeys = new Map<string, IndexKeyMaterial>();
  readonly indexActiveId: string;

  constructor(secrets: KeyringSecrets) {
    const configured: Record<string, unknown> = secrets.PII_KEYS ? parseKeys(secrets.PII_KEYS) : {};
    if (!secrets.PII_KEYS) {
      if (!secrets.ENCRYPTION_KEY) throw new Error("PII_KEYS (or ENCRYPTION_KEY) is not set");
      configured[LEGACY_ID] = secrets.ENCRYPTION_KEY;
    }
    for (const [id, value] of Object.entries(configured)) {
      if (!KEY_ID.test(id) || typeof value !== "string")
        throw new Error(`PII_KEYS: key "${id}" must be a base64 string under an id of [A-Za-z0-9_-]`);
      this.keys.set(id, importAesKey(value, id));
    }
    this.activeId = secrets.PII_ACTIVE_KEY || (this.keys.size === 1 ? [...this.keys.keys()][0]! : "");
    if (!this.keys.has(this.activeId)) throw new Error(`PII_ACTIVE_KEY "${this.activeId}" is not one of the PII_KEYS`);
    this.legacy = secrets.ENCRYPTION_KEY ? importAesKey(secrets.ENCRYPTION_KEY, "ENCRYPTION_KEY") : null;
    this.indexActiveId = this.readIndexKeys(secrets, String(configured[this.activeId]));
    // A failed import would otherwise surface only as an unhandled rejection.
    for (const key of [...this.keys.values(), this.legacy]) key?.catch(() => {});
  }

  /**
   * PII_INDEX_KEYS with PII_INDEX_ACTIVE, plus the legacy key "i0": PII_INDEX_KEY, or (never set)
   * derived from ENCRYPTION_KEY as before. Lookups try every one, so a rotation has no gap.
   */
  private readIndexKeys(secrets: KeyringSecrets, activeMaterial: string): string {
    const configured = secrets.PII_INDEX_KEYS ? parseKeys(secrets.PII_INDEX_KEYS, "PII_INDEX_KEYS") : {};
    for (const [id, value] of Object.entries(configured)) {
      if (!KEY_ID.test(id) || id === LEGACY_INDEX_ID || typeof value !== "string")
        throw new Error(`PII_INDEX_KEYS: key "${id}" must be a base64 string under an id of [A-Za-z0-9_-] other than "i0"`);
      this.indexKeys.set(id, { material: value, derived: false });
    }
    // Derived i0 (no PII_INDEX_KEY ever set) stays known while ENCRYPTION_KEY is, so such a deployment can rotate off it.
    if (secrets.PII_INDEX_KEY) this.indexKeys.set(LEGACY_INDEX_ID, { material: secrets.PII_INDEX_KEY, derived: false });
    else if (!secrets.PII_INDEX_KEYS || secrets.ENCRYPTION_KEY)
      this.indexKeys.set(LEGACY_INDEX_ID, { material: secrets.ENCRYPTION_KEY || activeMaterial, derived: true });
    const active = secrets.PII_INDEX_ACTIVE || (this.indexKeys.size === 1 ? [...this.indexKeys.keys()][0]! : "");
    if (!this.indexKeys.has(active)) throw new Error(`PII_INDEX_ACTIVE "${active}" is not one of the PII_INDEX_KEYS`);
    return active;
  }

  /** Encrypts under the active key, bound to `at`. */
  async seal(plaintext: string, at: SealedAt): Promise<string> {
    const iv = randomBytes(12);
    const key = await this.keys.get(this.activeId)!;
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: associatedData(this.activeId, at) },
      key,
      utf8(plaintext),
    );
    return `v2.${this.activeId}.${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
  }

  /** Decrypts a ciphertext sealed at `at` (or a v1 one); throws when it was sealed elsewhere or under an unknown key. */
  async open(sealed: string, at: SealedAt): Promise<string> {
    const parts = sealed.split(".");
    let plain: ArrayBuffer;
    if (parts[0] === "v2" && parts.length === 4) {
      const [, keyId, iv, data] = parts as [string, string, string, string];
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`Unknown encryption key id "${keyId}"`);
      plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(iv), additionalData: associatedData(keyId, at) },
        await key,
        fromBase64(data),
      );
    } else if (parts[0] === "v1" && parts.length === 3 && this.legacy) {
      plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(parts[1]!) }, await this.legacy, fromBase64(parts[2]!));
    } else {
      throw new Error("Unknown secret envelope");
    }
    return new TextDecoder().decode(plain);
  }

  /** Whether a ciphertext is already under the active key (rotation skips it). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.activeId}.`);
  }

  /** Re-encrypts under the active key (no-op for current ones). */
  async reseal(sealed: string, at: SealedAt): Promise<string> {
    return this.isCurrent(sealed) ? sealed : this.seal(await this.open(sealed, at), at);
  }
}

function parseKeys(json: string, name = "PII_KEYS"): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${name} must be a JSON object of key id → base64 key`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${name} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

// One keyring per distinct configuration per isolate (key imports are not free).
const rings = new Map<string, Keyring>();

/** The keyring of this Worker's secrets. */
export function keyringOf(env: KeyringSecrets): Keyring {
  const id = JSON.stringify([
    env.PII_KEYS,
    env.PII_ACTIVE_KEY,
    env.PII_INDEX_KEYS,
    env.PII_INDEX_ACTIVE,
    env.PII_INDEX_KEY,
    env.ENCRYPTION_KEY,
  ]);
  let ring = rings.get(id);
  if (!ring) {
    ring = new Keyring(env);
    rings.set(id, ring);
  }
  return ring;
}
