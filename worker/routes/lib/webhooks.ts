import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../../env";
import { readJsonBody } from "../../lib/json-body";
import { AppError } from "../../lib/problem";
import { errors, json } from "../../schemas/common";
import { AcceptedSchema } from "../../schemas/telemetry";

/**
 * What the webhooks (/webhooks/:tenantSlug/telemetry, /samsara, /motive) share. The signature is
 * checked on the raw body bytes before anything is decoded or parsed; an unknown tenant, a vendor
 * the tenant has not configured and a bad signature look the same (401).
 */
export const unauthorized = (detail = "Missing or invalid webhook signature.") => new AppError("unauthorized", detail);

/** The slug from the mount path `/webhooks/:tenantSlug/<vendor>` (the sub-router's own path is "/"). */
export const tenantSlugParam = (c: Context<AppEnv>) => c.req.param("tenantSlug") as string;

/** The request body exactly as sent: signatures are checked on these bytes, before any decoding. */
export const rawBody = async (c: Context<AppEnv>) => new Uint8Array(await c.req.arrayBuffer());

/** Decodes a verified body as UTF-8 JSON; anything else is a 400 for the malformed body. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const body = readJsonBody(bytes);
  if (!body.ok) throw new AppError("validation", body.detail, body.errors);
  return body.value;
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
