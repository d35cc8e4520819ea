import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { database } from "../db/client";
import { clientInfo } from "../lib/client-info";
import { recordAudit } from "../services/audit";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Every successful write by an authenticated caller leaves an audit row. Handlers may name
 * the action and target with `c.set("audit", …)`; otherwise the route itself is the action.
 * Logins (which have no caller yet) are recorded by the auth service.
 */
export const auditWrites = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!WRITE_METHODS.has(c.req.method) || c.res.status >= 400) return;
  const auth = c.get("auth");
  const facts = c.get("audit");
  if (!auth && !facts) return;
  await recordAudit(database(c.env.DB), {
    tenantId: auth?.tenantId ?? null,
    actorId: auth?.userId ?? null,
    ...(facts ?? { action: `${c.req.method} ${new URL(c.req.url).pathname}` }),
    // A write by an API key names the key (its admin is the actor).
    ...(auth?.apiKeyId ? { detail: { ...facts?.detail, apiKey: auth.apiKeyId } } : {}),
    ...clientInfo(c),
  });
});
