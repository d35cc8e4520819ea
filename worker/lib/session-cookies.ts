/**
 * The PWA's cookie session (docs/security.md, "Cookie session and CSRF"): the access token and the
 * refresh token live in HttpOnly cookies, so no script (nor an XSS) can read them. SameSite=Strict
 * keeps them off cross-site requests; unsafe methods authenticated by cookie must also come from
 * this origin (`sameOrigin`), which covers browsers or paths where SameSite does not hold.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export const ACCESS_COOKIE = "fp_access";
export const REFRESH_COOKIE = "fp_refresh";
/** The refresh cookie goes only to the auth routes, never with every API call. */
const REFRESH_PATH = "/api/auth";

/** Secure everywhere except plain-http loopback development (`npm start` on http://127.0.0.1). */
export function secure(c: Context) {
  const url = new URL(c.req.url);
  return !(url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname));
}

export function setSessionCookies(
  c: Context,
  access: { token: string; exp: number },
  refresh: { token: string; expiresAt: number },
  now = Date.now(),
) {
  const base = { httpOnly: true, secure: secure(c), sameSite: "Strict" as const };
  setCookie(c, ACCESS_COOKIE, access.token, { ...base, path: "/", maxAge: Math.max(0, access.exp - Math.floor(now / 1000)) });
  setCookie(c, REFRESH_COOKIE, refresh.token, {
    ...base,
    path: REFRESH_PATH,
    maxAge: Math.max(0, Math.floor((refresh.expiresAt - now) / 1000)),
  });
}

export function clearSessionCookies(c: Context) {
  const base = { secure: secure(c), httpOnly: true, sameSite: "Strict" as const };
  deleteCookie(c, ACCESS_COOKIE, { ...base, path: "/" });
  deleteCookie(c, REFRESH_COOKIE, { ...base, path: REFRESH_PATH });
}

export const accessCookie = (c: Context) => getCookie(c, ACCESS_COOKIE) || undefined;
export const refreshCookie = (c: Context) => getCookie(c, REFRESH_COOKIE) || undefined;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF check for cookie-authenticated requests: safe methods pass; others need an `Origin` equal
 * to this origin, or (no Origin) `Sec-Fetch-Site: same-origin`. A request with neither is refused:
 * a browser sends one of them, and non-browser clients use bearer tokens, not cookies.
 */
export function sameOrigin(c: Context): boolean {
  if (SAFE_METHODS.has(c.req.method)) return true;
  const origin = c.req.header("origin");
  if (origin) return origin === new URL(c.req.url).origin;
  return c.req.header("sec-fetch-site") === "same-origin";
}
