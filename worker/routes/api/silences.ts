import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { SilenceBody, SilenceSchema } from "../../schemas/notifications";
import { createSilence, deleteSilence, listSilences, publicSilence } from "../../services/notification-settings";
import { tenantHub } from "../../lib/hub";
import { refreshHub } from "../lib/refresh-hub";

/** /api/silences: matching alerts are still recorded and streamed but notify nobody. */
const tags = ["Alerting"];
const managers = authorize(["admin", "manager"]);

const createSilenceRoute = createRoute({
  method: "post",
  path: "/",
  summary: "Silence matching alerts for a while (still recorded and streamed, notify nobody)",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  request: jsonBody(SilenceBody),
  responses: { 201: json(SilenceSchema, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});
const listSilencesRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Silences, latest ending first",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  responses: {
    200: json(z.object({ items: z.array(SilenceSchema), nextCursor: z.null() }), "Silences"),
    401: errors[401],
    403: errors[403],
  },
});
const deleteSilenceRoute = createRoute({
  method: "delete",
  path: "/{id}",
  summary: "End a silence now",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, 401: errors[401], 403: errors[403], 404: errors[404] },
});

export const silenceRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(createSilenceRoute, async (c) => {
    const auth = c.get("auth");
    const row = await createSilence(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("json"), tenantHub(c.env, auth.tenantId));
    await refreshHub(c.env, auth.tenantId);
    c.set("audit", { action: "silence.create", targetType: "silence", targetId: row.id });
    return c.json(publicSilence(row), 201);
  })
  .openapi(listSilencesRoute, async (c) =>
    c.json({ items: (await listSilences(database(c.env.DB), c.get("auth").tenantId)).map(publicSilence), nextCursor: null }, 200),
  )
  .openapi(deleteSilenceRoute, async (c) => {
    const { tenantId } = c.get("auth");
    await deleteSilence(database(c.env.DB), tenantId, c.req.valid("param").id);
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "silence.delete", targetType: "silence", targetId: c.req.valid("param").id });
    return c.body(null, 204);
  });
