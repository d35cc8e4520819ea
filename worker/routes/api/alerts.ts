import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { AlertAction } from "../../domain/alert";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { type AlertPage, alertPageJson } from "../../services/alert-list-pages";
import { alertsVersionRider } from "../../services/alert-list-cache";
import { tenantHub } from "../../lib/hub";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize, STAFF } from "../../middleware/authorize";
import { AlertList, AlertQuery, AlertSchema, NoteBody, SnoozeBody } from "../../schemas/alerts";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { AlertComment, AlertCommentList, AssigneeBody, CommentBody, CommentQuery } from "../../schemas/alert-work";
import { assignAlert, commentJson, commentOnAlert, listComments, reopenAlert } from "../../services/alert-work";
import { AlertDecisionList } from "../../schemas/alert-decisions";
import { listAlertDecisions } from "../../services/alert-decisions";

const tags = ["Alerts"];

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Alerts, newest first, with filters, full-text search and facets",
  tags,
  security: bearerSecurity,
  // A token first seen by this isolate: the list's version is read with its session check.
  middleware: [authorize(ANY_ROLE, { rider: alertsVersionRider })] as const,
  request: { query: AlertQuery },
  responses: { 200: json(AlertList, "A page of alerts"), 400: errors[400], 401: errors[401] },
});

const read = createRoute({
  method: "get",
  path: "/{id}",
  summary: "One alert",
  tags,
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: { params: IdParam },
  responses: { 200: json(AlertSchema, "The alert"), 401: errors[401], 404: errors[404] },
});

const actionResponses = {
  200: json(AlertSchema, "The alert after the change"),
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
};
const actionBase = { method: "post" as const, tags, security: bearerSecurity, responses: actionResponses };

const ack = createRoute({
  ...actionBase,
  path: "/{id}/ack",
  summary: "Acknowledge (409 if resolved)",
  middleware: [authorize(ANY_ROLE)] as const,
  request: { params: IdParam, ...jsonBody(NoteBody) },
});
const resolve = createRoute({
  ...actionBase,
  path: "/{id}/resolve",
  summary: "Resolve (409 if already resolved)",
  middleware: [authorize(["admin", "manager", "technician"])] as const,
  request: { params: IdParam, ...jsonBody(NoteBody) },
});
const snooze = createRoute({
  ...actionBase,
  path: "/{id}/snooze",
  summary: "Snooze notifications for a while (409 if resolved)",
  middleware: [authorize(STAFF)] as const,
  request: { params: IdParam, ...jsonBody(SnoozeBody) },
});

// Alert work (docs/alert-work.md): assignee, comment thread, reopen.
const assign = createRoute({
  method: "put",
  path: "/{id}/assignee",
  summary: "Assign the alert to an active user of the tenant, or to nobody (null)",
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  request: { params: IdParam, ...jsonBody(AssigneeBody) },
  responses: {
    200: json(AlertSchema, "The alert with its new assignee"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});
const addComment = createRoute({
  method: "post",
  path: "/{id}/comments",
  summary: "Add a comment to the alert's thread (staff; a driver on its own vehicle's alerts)",
  tags,
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: { params: IdParam, ...jsonBody(CommentBody) },
  responses: { 201: json(AlertComment, "The comment"), 400: errors[400], 401: errors[401], 404: errors[404] },
});
const comments = createRoute({
  method: "get",
  path: "/{id}/comments",
  summary: "The alert's comment thread, oldest first",
  tags,
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: { params: IdParam, query: CommentQuery },
  responses: { 200: json(AlertCommentList, "A page of comments"), 400: errors[400], 401: errors[401], 404: errors[404] },
});
const reopen = createRoute({
  method: "post",
  path: "/{id}/reopen",
  summary: "Reopen a resolved alert (409 if it is not resolved)",
  tags,
  security: bearerSecurity,
  middleware: [authorize(["admin", "manager", "technician"])] as const,
  request: { params: IdParam },
  responses: { 200: json(AlertSchema, "The alert, open again"), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
});

async function transition(c: Context<AppEnv>, change: AlertAction) {
  const auth = c.get("auth");
  const id = c.req.param("id")!;
  const result = await tenantHub(c.env, auth.tenantId).transition(auth.tenantId, { userId: auth.userId, role: auth.role }, id, change);
  if (!result.ok) throw new AppError(result.error, result.detail);
  c.set("audit", { action: `alert.${change.action}`, targetType: "alert", targetId: id });
  return c.json(result.alert, 200);
}

/** Why each person was or was not told (docs/api.md "Explained decisions"). */
const decisions = createRoute({
  method: "get",
  path: "/{id}/decisions",
  summary: "Why each person was or was not told of the alert, oldest first (staff)",
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  request: { params: IdParam },
  responses: { 200: json(AlertDecisionList, "Decisions"), 401: errors[401], 403: errors[403], 404: errors[404] },
});

export const alertRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(list, async (c) => {
    const { limit, cursor, from, to, ...filters } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [number, string] | undefined;
    const f = { ...filters, from: from ? Date.parse(from) : undefined, to: to ? Date.parse(to) : undefined };
    // The page's JSON as remembered with it (alert-list-pages.ts): a repeated page is not serialised again.
    const body = await alertPageJson(c.env.DB, database(c.env.DB), c.get("auth"), f, limit, after, c.get("alertsVersions"));
    return c.body(body, 200, { "content-type": "application/json" }) as unknown as TypedResponse<AlertPage, 200, "json">;
  })
  .openapi(read, async (c) => {
    const auth = c.get("auth");
    const alert = await tenantHub(c.env, auth.tenantId).alert(
      auth.tenantId,
      { userId: auth.userId, role: auth.role },
      c.req.valid("param").id,
    );
    if (!alert) throw new AppError("not_found", "No such alert.");
    return c.json(alert, 200);
  })
  .openapi(ack, (c) => transition(c, { action: "ack", note: c.req.valid("json").note }))
  .openapi(resolve, (c) => transition(c, { action: "resolve", note: c.req.valid("json").note }))
  .openapi(snooze, (c) => transition(c, { action: "snooze", minutes: c.req.valid("json").minutes }))
  .openapi(assign, async (c) => {
    const { id } = c.req.valid("param");
    const { userId } = c.req.valid("json");
    const alert = await assignAlert(c.env, c.get("auth"), id, userId);
    c.set("audit", { action: "alert.assign", targetType: "alert", targetId: id, detail: { assigneeId: userId } });
    return c.json(alert, 200);
  })
  .openapi(addComment, async (c) => {
    const { id } = c.req.valid("param");
    const comment = await commentOnAlert(c.env, c.get("auth"), id, c.req.valid("json").body);
    c.set("audit", { action: "alert.comment", targetType: "alert", targetId: id, detail: { commentId: comment.id } });
    return c.json(comment, 201);
  })
  .openapi(comments, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const rows = await listComments(c.env, c.get("auth"), id, limit, decodeCursor(cursor, 2) as [number, string] | undefined);
    const result = page(rows, limit, (r) => [r.createdAt, r.id]);
    return c.json({ items: result.items.map((r) => commentJson(id, r)), nextCursor: result.nextCursor }, 200);
  })
  .openapi(reopen, async (c) => {
    const { id } = c.req.valid("param");
    const alert = await reopenAlert(c.env, c.get("auth"), id);
    c.set("audit", { action: "alert.reopen", targetType: "alert", targetId: id });
    return c.json(alert, 200);
  })
  .openapi(decisions, async (c) =>
    c.json({ items: await listAlertDecisions(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id) }, 200),
  );
