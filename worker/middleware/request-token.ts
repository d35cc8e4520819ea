import type { Context } from "hono";
import { AppError } from "../lib/problem";
import { accessCookie, sameOrigin } from "../lib/session-cookies";

/**
 * The access token a request carries: `Authorization: Bearer` (API clients), `?token=` where a
 * route allows it, else the PWA's HttpOnly cookie — which, on an unsafe method, must come from
 * this origin (CSRF; docs/security.md) or the request is refused with 403.
 */
export function requestToken(c: Context, queryToken?: string): string | undefined {
  const match = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i);
  const explicit = match?.[1] ?? queryToken;
  if (explicit) return explicit;
  const cookie = accessCookie(c);
  if (cookie && !sameOrigin(c)) {
    throw new AppError("forbidden", "A cookie-authenticated change must come from the app's own origin (CSRF protection).");
  }
  return cookie;
}
