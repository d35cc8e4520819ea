import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";

/**
 * The headers on everything the app serves (docs/security.md). The Worker adds them to its own
 * responses here; static assets never reach the Worker, so app/public/_headers repeats the same
 * values for the assets server (test/workers/security-headers.test.ts keeps the two in step).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // No inline script anywhere: the PWA's HTML loads only its bundled modules.
  "script-src 'self'",
  // React style props and Swagger UI set style attributes; styles cannot run code.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  // Same-origin fetches, WebSocket and SSE (CSP 3: 'self' covers ws/wss on this host).
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";
export const REFERRER_POLICY = "strict-origin-when-cross-origin";
/** Powerful features the app does not use are off, for it and anything it might embed. */
export const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/** The values both the Worker and app/public/_headers send, by header name. */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "strict-transport-security": STRICT_TRANSPORT_SECURITY,
  "referrer-policy": REFERRER_POLICY,
  "permissions-policy": PERMISSIONS_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

/** Hono's secure headers with our values (it also sets the cross-origin ones), then our CSP and Permissions-Policy. */
export const securityHeaders = [
  secureHeaders({ strictTransportSecurity: STRICT_TRANSPORT_SECURITY, referrerPolicy: REFERRER_POLICY, xFrameOptions: "DENY" }),
  createMiddleware(async (c, next) => {
    await next();
    c.res.headers.set("content-security-policy", CONTENT_SECURITY_POLICY);
    c.res.headers.set("permissions-policy", PERMISSIONS_POLICY);
  }),
] as const;
