/**
 * The VAPID `Authorization` header (RFC 8292) for one push endpoint: an ES256 JWT signed with
 * WebCrypto through hono/jwt. web-push would sign it with `jws` over a PEM built by `asn1.js` and
 * `bn.js` (175 KiB of the Worker bundle); the Worker aliases those away (worker/bundle/
 * web-push-unused.mjs, docs/decisions/0309-worker-bundle-zod-locales-and-vapid-webcrypto.md) and hands this header to
 * web-push's `generateRequestDetails`, which still does the aes128gcm encryption.
 */
import { sign } from "hono/jwt";
import { fromBase64, toBase64Url } from "../../lib/encoding";

/** web-push's default lifetime of the JWT (12 h; RFC 8292 allows at most 24 h). */
export const VAPID_TTL_SECONDS = 12 * 3600;

/**
 * `vapid t=<jwt>, k=<public key>` for the endpoint's origin. Throws on malformed keys or subject
 * (the caller treats that as a permanent failure: retrying cannot help).
 */
export async function vapidAuthorization(
  endpoint: string,
  vapid: { subject: string; publicKey: string; privateKey: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  if (!/^(mailto:|https:)/.test(vapid.subject)) throw new Error("VAPID subject must be a mailto: or https: URL");
  const publicKey = fromBase64(vapid.publicKey);
  if (publicKey.length !== 65 || publicKey[0] !== 4) throw new Error("VAPID public key must be 65 bytes (uncompressed P-256 point)");
  if (fromBase64(vapid.privateKey).length !== 32) throw new Error("VAPID private key must be 32 bytes");
  const jwk = {
    kty: "EC",
    crv: "P-256",
    x: toBase64Url(publicKey.subarray(1, 33)),
    y: toBase64Url(publicKey.subarray(33, 65)),
    d: vapid.privateKey.replace(/=+$/, ""),
  };
  const { origin } = new URL(endpoint);
  const jwt = await sign({ aud: origin, exp: nowSeconds + VAPID_TTL_SECONDS, sub: vapid.subject }, jwk, "ES256");
  return `vapid t=${jwt}, k=${vapid.publicKey}`;
}
