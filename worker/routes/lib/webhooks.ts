import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/problem";
import { errors, json } from "../../schemas/common";
import { AcceptedSchema } from "../../schemas/telemetry";

/**
 * What the vendor-native webhooks (/webhooks/:tenantSlug/samsara, /motive) share. As with the
 * telemetry webhook, the signature is checked on the raw body before anything is parsed; an
 * unknown tenant, a vendor the tenant has not configured and a bad signature look the same (401).
 */
export const unauthorized = (detail = "Missing or invalid webhook signature.") => new AppError("unauthorized", detail);

/** The slug from the mount path `/webhooks/:tenantSlug/<vendor>` (the sub-router's own path is "/"). */
export const tenantSlugParam = (c: Context<AppEnv>) => c.req.param("tenantSlug") as string;

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new AppError("validation", "The body is not valid JSON.", [{ path: "(body)", message: "Malformed JSON" }]);
  }
}

export const rejected = (vendor: string, fieldErrors: { path: string; message: string }[]) =>
  new AppError("validation", `The ${vendor} event has invalid fields; nothing was stored.`, fieldErrors);

// Documented by hand: the body is validated only after the signature, so not by a route validator.
export const vendorWebhookResponses = {
  200: json(
    AcceptedSchema,
    "Accepted and durably recorded (`accepted: 0` for events without vehicle data); a repeated event id answers `{accepted: 0, duplicate: true}`",
  ),
  400: errors[400],
  401: { ...errors[401], description: "Unknown tenant, vendor not configured, missing or wrong signature, or stale timestamp" },
  413: errors[413],
};

/**
 * docs/api.md: calls for unknown vendors get 401 like unsigned ones. Mounted on
 * `/webhooks/:tenantSlug/:vendor`; acts only when no route serves the path (so a webhook
 * router is never shadowed); method ALL, so it is not an endpoint.
 */
export const rejectUnknownVendor: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "POST" && !matchedRoutes(c).some((r) => r.method === "POST")) throw unauthorized("No such vendor integration.");
  await next();
};
