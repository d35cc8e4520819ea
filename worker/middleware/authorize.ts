import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Role } from "../db/schema";
import type { AppEnv } from "../env";
import { verifyToken } from "../lib/jwt";
import { AppError } from "../lib/problem";
import { API_KEY_PREFIX, authorizeApiKey } from "../services/api-keys";
import { type SessionRider, sessionRole } from "../services/sessions";
import { requestToken } from "./request-token";

export const STAFF: Role[] = ["admin", "manager", "technician"];
export const ANY_ROLE: Role[] = ["admin", "manager", "technician", "driver"];

const UNAUTHORIZED_HEADERS = { "www-authenticate": 'Bearer realm="fleetpulse"' };

/** Reads a bearer token from the Authorization header (or `?token=` where a browser cannot send headers). */
export function bearerToken(header: string | undefined, queryToken?: string): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? queryToken;
}

/**
 * The one role gate: verifies the JWT and that it still stands (not logged out, its user active
 * and its version current), then admits only the listed roles, by the user's stored role.
 * No, bad or revoked token → 401; a valid token of a role not listed → 403.
 */
export const authorize = (
  roles: Role[],
  options: {
    allowQueryToken?: boolean;
    /** A read of the route's own, made in the session check's D1 round trip when that is not remembered (sessions.ts). */
    rider?: (c: Context<AppEnv>, tenantId: string) => SessionRider;
  } = {},
) =>
  createMiddleware<AppEnv>(async (c, next) => {
    // Bearer header, `?token=` where allowed, or the PWA's cookie (same-origin checked).
    const token = requestToken(c, options.allowQueryToken ? c.req.query("token") : undefined);
    if (!token) throw new AppError("unauthorized", "A bearer token is required.", undefined, UNAUTHORIZED_HEADERS);
    // Machine clients: an API key (`fpk_…`), checked against its scopes (services/api-keys.ts).
    if (token.startsWith(API_KEY_PREFIX)) {
      c.set("auth", await authorizeApiKey(c, token, roles));
      return next();
    }
    const claims = await verifyToken(token, c.env.JWT_SECRET);
    if (!claims) throw new AppError("unauthorized", "The token is invalid or expired.", undefined, UNAUTHORIZED_HEADERS);
    const { rider } = options;
    const role = await sessionRole(c.env.DB, claims, rider && ((tenantId) => rider(c, tenantId)));
    if (!role) throw new AppError("unauthorized", "The token has been revoked.", undefined, UNAUTHORIZED_HEADERS);
    if (!roles.includes(role)) throw new AppError("forbidden", "Your role may not do this.");
    c.set("auth", { userId: claims.userId, tenantId: claims.tenantId, role });
    await next();
  });
