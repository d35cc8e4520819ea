import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { tenantHub } from "../../lib/hub";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { CreateRuleBody, PatchRuleBody, RuleSchema } from "../../schemas/rules";
import { createRule, deleteRule, listRules, publicRule, updateRule } from "../../services/rules";

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
  request: { params: IdParam, ...jsonBody(PatchRuleBody) },
  responses: { 200: json(RuleSchema, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
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
const refreshHub = (env: Env, tenantId: string) => tenantHub(env, tenantId).invalidate(tenantId);

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
  .openapi(patch, async (c) => {
    const { tenantId } = c.get("auth");
    const { id } = c.req.valid("param");
    const rule = await updateRule(database(c.env.DB), tenantId, id, c.req.valid("json"));
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "rule.update", targetType: "rule", targetId: id, detail: { fields: Object.keys(c.req.valid("json")) } });
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
