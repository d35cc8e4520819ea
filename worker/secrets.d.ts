// Secrets are not in wrangler.toml, so `wrangler types` cannot see them on a fresh clone.
declare namespace Cloudflare {
  interface Env {
    /** Bearer token for platform endpoints (POST /api/admin/tenants). */
    PLATFORM_ADMIN_TOKEN: string;
    /** HS256 key for user JWTs. */
    JWT_SECRET: string;
    /** Base64 of 32 bytes: AES-256-GCM key for secrets at rest. */
    ENCRYPTION_KEY: string;
    /** Keyring for secrets and personal data at rest: JSON {"k2":"<base64 32 bytes>","k1":"…"} (worker/lib/keyring.ts). */
    PII_KEYS?: string;
    /** The PII_KEYS id new ciphertexts use. */
    PII_ACTIVE_KEY?: string;
    /** Blind-index (email lookup) HMAC keys: JSON {"i2":"<base64 >= 32 bytes>","i1":"…"}. */
    PII_INDEX_KEYS?: string;
    /** The PII_INDEX_KEYS id new indexes use. */
    PII_INDEX_ACTIVE?: string;
    /** Base64 of >= 32 bytes: the blind-index key before PII_INDEX_KEYS (id "i0"). */
    PII_INDEX_KEY?: string;
    /** Web Push VAPID key pair (base64url; public = uncompressed P-256 point). */
    VAPID_PUBLIC_KEY: string;
    VAPID_PRIVATE_KEY: string;
    TWILIO_ACCOUNT_SID: string;
    TWILIO_AUTH_TOKEN: string;
    SENDGRID_API_KEY: string;
  }
}
