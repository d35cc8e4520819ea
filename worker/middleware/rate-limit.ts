import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { clientInfo } from "../lib/client-info";
import { verifyToken } from "../lib/jwt";
import { AppError } from "../lib/problem";
import { accessCookie } from "../lib/session-cookies";
import { bearerToken } from "./authorize";

/**
 * Request rate limits on the Workers Rate Limiting binding (docs/security.md, decision 0201).
 * Each limiter is a `[[ratelimits]]` binding in wrangler.toml, which holds its limit and period;
 * the binding counts per key in fixed windows of that period, so waiting one period always helps.
 */
type LimiterName = "API_RATE_LIMIT" | "WEBHOOK_RATE_LIMIT" | "COSTLY_RATE_LIMIT";
const PERIOD_SECONDS = 60;

/** The 429 a limited caller gets; `retry-after` is one full period (an upper bound on the wait). */
export const rateLimited = (what: string) =>
  new AppError("rate_limited", `Too many ${what}. Try again in ${PERIOD_SECONDS} seconds.`, undefined, {
    "retry-after": String(PERIOD_SECONDS),
  });

/** Counts one request against `key`; false when the key is over its limit. */
export async function withinLimit(env: Env, limiter: LimiterName, key: string): Promise<boolean> {
  const { success } = await env[limiter].limit({ key });
  return success;
}

/** Keys of recent tokens: a session makes many requests, each hashed its token again (~9 % of a list request's CPU). */
const tokenKeys = new Map<string, string>();
const TOKEN_KEYS_MAX = 5_000;

/** A short, non-reversible key for a token: the raw token never leaves the Worker. */
async function tokenKey(token: string): Promise<string> {
  const known = tokenKeys.get(token);
  if (known) return known;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  const key = `tok:${[...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  if (tokenKeys.size >= TOKEN_KEYS_MAX) tokenKeys.clear();
  tokenKeys.set(token, key);
  return key;
}

const limitBy = (limiter: LimiterName, what: string, keyOf: (c: Context<AppEnv>) => Promise<string | undefined>) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = await keyOf(c);
    if (key && !(await withinLimit(c.env, limiter, key))) throw rateLimited(what);
    await next();
  });

/** The caller's token: a bearer header, `?token=`, or the app's access cookie (each signed-in session counts on its own). */
const callerToken = (c: Context<AppEnv>) => bearerToken(c.req.header("authorization"), c.req.query("token")) ?? accessCookie(c);

/** /api/*: per token (bearer or the app's cookie); requests without one, per client IP. */
export const apiRateLimit = limitBy("API_RATE_LIMIT", "requests", async (c) => {
  const token = callerToken(c);
  return token ? await tokenKey(token) : `ip:${clientInfo(c).ip}`;
});

/** /webhooks/{tenantSlug}/*: per tenant, whichever vendor posts. */
export const webhookRateLimit = limitBy("WEBHOOK_RATE_LIMIT", "webhook calls", async (c) => `tenant:${c.req.param("tenantSlug")}`);

/**
 * Costly actions (exports, test notifications, rule previews): per user. Only a valid token names
 * a user; without one the route's own authorization answers 401.
 */
export const costlyRateLimit = limitBy("COSTLY_RATE_LIMIT", "costly requests", async (c) => {
  const token = callerToken(c);
  // An API key (services/api-keys.ts) is limited as a caller of its own.
  if (token?.startsWith("fpk_")) return `key:${await tokenKey(token)}`;
  const claims = token ? await verifyToken(token, c.env.JWT_SECRET) : null;
  return claims ? `user:${claims.tenantId}:${claims.userId}` : undefined;
});

/** Where costly actions live (app.ts mounts costlyRateLimit on each); add new exports or previews here. */
export const COSTLY_PATHS = ["/api/reports/*", "/api/rules/preview", "/api/me/password"] as const;
