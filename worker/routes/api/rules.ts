import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { CreateRuleBody, PatchRuleBody, RuleSchema } from "../../schemas/rules";
import { createRule, deleteRule, listRules, publicRule, updateRule } from "../../services/rules";
import { assertIfMatch, etagOf } from "../../lib/etag";
import { ifMatchParameter, precondition412, withEtag } from "../../schemas/concurrency";
import { findRule } from "../../services/rule-lookup";
import { PREVIEW_DAYS, previewDraftRule } from "../../services/rule-preview";
import { refreshHub } from "../lib/refresh-hub";

const tags = ["Rules"];
const editors = authorize(["admin", "manager"]);
const base = { tags, security: bearerSecurity, middleware: editors };

const list = createRoute({
  ...base,
  method: "get",
  path: "/",
  summary: "The tenant's alert rules",
  responses: {
    200: json(z.object({ items: z.array(RuleSchema), nextCursor: z.null() }).openapi("RuleList"), "Rules"),
    401: errors[401],
    403: errors[403],
  },
});
const create = createRoute({
  ...base,
  method: "post",
  path: "/",
  summary: "Create a rule (takes effect on the next event)",
  request: jsonBody(CreateRuleBody),
  responses: { 201: json(RuleSchema, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});
const patch = createRoute({
  ...base,
  method: "patch",
  path: "/{id}",
  summary: "Change a rule (takes effect on the next event)",
  parameters: [ifMatchParameter],
  request: { params: IdParam, ...jsonBody(PatchRuleBody) },
  responses: {
    200: withEtag(RuleSchema, "Updated"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    412: precondition412(RuleSchema),
  },
});
const read = createRoute({
  ...base,
  method: "get",
  path: "/{id}",
  summary: "One rule, with its ETag for If-Match",
  request: { params: IdParam },
  responses: { 200: withEtag(RuleSchema, "The rule"), 401: errors[401], 403: errors[403], 404: errors[404] },
});
const PreviewSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    alerts: z.number().int().openapi({
      description: "Alerts the rule would have raised (episodes within the cooldown of an unresolved alert reopen it instead)",
    }),
    episodes: z.number().int(),
    eventsEvaluated: z.number().int().openapi({ description: "Stored events that carried the rule's metric" }),
    vehicles: z.array(z.object({ vehicleId: z.string(), vehicleName: z.string(), alerts: z.number().int(), episodes: z.number().int() })),
  })
  .openapi("RulePreview");
const preview = createRoute({
  ...base,
  method: "post",
  path: "/preview",
  summary: `How many alerts a draft rule would have raised on the last ${PREVIEW_DAYS} days of stored telemetry (nothing is saved)`,
  description:
    "The body is a rule as for POST /api/rules. The stored telemetry is replayed through the same rule engine as live ingest, per vehicle. " +
    "A costly action: rate-limited per user (429 with retry-after).",
  request: jsonBody(CreateRuleBody),
  responses: {
    200: json(PreviewSchema, "The counts, per vehicle (vehicles without any episode are left out)"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    429: errors[429],
  },
});
const remove = createRoute({
  ...base,
  method: "delete",
  path: "/{id}",
  summary: "Delete a rule",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, 401: errors[401], 403: errors[403], 404: errors[404] },
});

/** Rules are cached in the tenant's Durable Object; every change tells it to reload. */

export const ruleRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(list, async (c) => {
    const rows = await listRules(database(c.env.DB), c.get("auth").tenantId);
    return c.json({ items: rows.map(publicRule), nextCursor: null }, 200);
  })
  .openapi(create, async (c) => {
    const { tenantId } = c.get("auth");
    const rule = await createRule(database(c.env.DB), tenantId, c.req.valid("json"));
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "rule.create", targetType: "rule", targetId: rule.id });
    return c.json(publicRule(rule), 201);
  })
  .openapi(preview, async (c) => {
    const result = await previewDraftRule(c.env, database(c.env.DB), c.get("auth").tenantId, c.req.valid("json"));
    return c.json(result, 200);
  })
  .openapi(read, async (c) => {
    const rule = publicRule(await findRule(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id));
    c.header("etag", await etagOf(rule));
    return c.json(rule, 200);
  })
  .openapi(patch, async (c) => {
    const { tenantId } = c.get("auth");
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const ifMatch = c.req.header("if-match");
    if (ifMatch !== undefined) {
      const current = publicRule(await findRule(db, tenantId, id));
      assertIfMatch(ifMatch, "rule", current, await etagOf(current));
    }
    const rule = await updateRule(db, tenantId, id, c.req.valid("json"));
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "rule.update", targetType: "rule", targetId: id, detail: { fields: Object.keys(c.req.valid("json")) } });
    c.header("etag", await etagOf(publicRule(rule)));
    return c.json(publicRule(rule), 200);
  })
  .openapi(remove, async (c) => {
    const { tenantId } = c.get("auth");
    const { id } = c.req.valid("param");
    await deleteRule(database(c.env.DB), tenantId, id);
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "rule.delete", targetType: "rule", targetId: id });
    return c.body(null, 204);
  });
