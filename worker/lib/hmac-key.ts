/**
 * HMAC-SHA-256 keys imported once per isolate and secret: importing the key on every request
 * showed in the request profiles (the JWT of each API call, each vendor webhook's signature).
 */
const keys = new Map<string, Promise<CryptoKey>>();

/** `raw` turns the secret into its key bytes (it runs on the first use of a secret only). */
export function hmacKey(
  secret: string,
  raw: (secret: string) => Uint8Array<ArrayBuffer>,
  usages: ("sign" | "verify")[],
): Promise<CryptoKey> {
  const id = `${usages.join(",")}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.subtle.importKey("raw", raw(secret), { name: "HMAC", hash: "SHA-256" }, false, usages);
    // A failed import is not remembered: the next use tries again.
    key.catch(() => keys.delete(id));
    keys.set(id, key);
  }
  return key;
}
