// What the Worker bundle gets for web-push's `asn1.js`, `jws` and `https-proxy-agent` (wrangler.toml
// [alias]; docs/decisions/0309-worker-bundle-zod-locales-and-vapid-webcrypto.md). The Worker calls only web-push's
// generateRequestDetails without `vapidDetails` (it signs VAPID itself with WebCrypto,
// worker/notifications/channels/vapid.ts) and never sendNotification, so none of them runs; they
// were 208 KiB raw with bn.js and Node polyfills. vapid-helper.js defines its ASN.1 schema when
// loaded, so `define` must exist; anything that actually tries to use them fails loudly.
function unused(name) {
  return () => {
    throw new Error(`${name} is left out of the Worker bundle (worker/bundle/web-push-unused.mjs)`);
  };
}
export const define = () => ({ encode: unused("asn1.js"), decode: unused("asn1.js") });
export const sign = unused("jws");
export const verify = unused("jws");
export const decode = unused("jws");
export const HttpsProxyAgent = unused("https-proxy-agent");
export default { define, sign, verify, decode, HttpsProxyAgent };
