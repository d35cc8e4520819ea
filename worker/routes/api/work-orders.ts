import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { rejectInvalid } from "../../lib/validation";
import { authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { ifMatchParameter, precondition412, withEtag } from "../../schemas/concurrency";
import { WORK_ORDER_PRIORITIES, WORK_ORDER_STATUSES } from "../../domain/maintenance/lifecycle";
import {
  CreateWorkOrderBody,
  PatchWorkOrderBody,
  WorkOrderDetail,
  WorkOrderFromAlertBody,
  WorkOrderQuery,
  WorkOrderSchema,
} from "../../schemas/maintenance";
import {
  createWorkOrder,
  getWorkOrder,
  listWorkOrders,
  patchWorkOrder,
  publicWorkOrder,
  workOrderDetail,
  workOrderEtag,
  workOrderFacets,
  workOrderFromAlert,
} from "../../services/work-orders";

const tags = ["Work orders"];
const managers = authorize(["admin", "manager"]);

const create = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "post",
  path: "/",
  summary: "Open a work order (manual, or from a plan, a predictive risk or an alert)",
  request: jsonBody(CreateWorkOrderBody),
  responses: {
    201: json(WorkOrderDetail, "Created"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
  },
});
const fromAlert = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "post",
  path: "/from-alert",
  summary: "Turn an alert into a work order (once per alert: asking again answers the existing one with 200)",
  request: jsonBody(WorkOrderFromAlertBody),
  responses: {
    201: json(WorkOrderDetail, "Created"),
    200: json(WorkOrderDetail, "The alert already had this work order"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});
const ListQuery = WorkOrderQuery.extend({
  priority: z.enum(WORK_ORDER_PRIORITIES).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "Full text over title, notes, vehicle name and plan name; each word a prefix, all required" }),
});
const count = (keys: readonly string[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])));
const WorkOrderPage = z
  .object({
    items: z.array(WorkOrderSchema),
    nextCursor: z.string().nullable(),
    facets: z
      .object({
        status: count(WORK_ORDER_STATUSES),
        priority: count(WORK_ORDER_PRIORITIES),
        vehicle: z.record(z.string(), z.number().int()).openapi({ description: "Work orders per vehicle id" }),
      })
      .openapi({ description: "Counts over the whole filtered set; each facet ignores its own filter" }),
  })
  .openapi("WorkOrderList");

const list = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  method: "get",
  path: "/",
  summary: "Work orders, newest first (a technician sees its own and open ones)",
  request: { query: ListQuery },
  responses: { 200: json(WorkOrderPage, "Work orders, with facets"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const read = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  method: "get",
  path: "/{id}",
  summary: "A work order with its status history",
  request: { params: IdParam },
  responses: {
    200: withEtag(WorkOrderDetail, "The work order (ETag: its editable state's version)"),
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});
const patch = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  method: "patch",
  path: "/{id}",
  summary: "Book, move through the lifecycle, annotate (a technician: status, notes and costCents of its own)",
  description:
    "Statuses: open → scheduled → in_progress → completed, and cancelled from any but completed; anything else is a 409. " +
    "A booking (technicianId, bayId, scheduledStart, scheduledEnd) must not overlap another booking of the technician or vehicle, must fit the bay's capacity, " +
    "lie inside the technician's shift (in its time zone) and the technician must have the work order's skill — otherwise 409 naming the conflicting booking. " +
    "Giving an open work order a complete booking schedules it. Completing a work order that carries a plan records the service (odometer, engine hours, date).",
  parameters: [ifMatchParameter],
  request: { params: IdParam, ...jsonBody(PatchWorkOrderBody) },
  responses: {
    200: withEtag(WorkOrderDetail, "Updated"),
    412: precondition412(WorkOrderDetail),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
  },
});

export const workOrderRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(create, async (c) => {
    const { tenantId, userId } = c.get("auth");
    const workOrder = await createWorkOrder(c.env, tenantId, userId, c.req.valid("json"));
    c.set("audit", { action: "work_order.create", targetType: "work_order", targetId: workOrder.id, detail: { source: workOrder.source } });
    return c.json(workOrder, 201);
  })
  .openapi(fromAlert, async (c) => {
    const auth = c.get("auth");
    const { created, workOrder } = await workOrderFromAlert(
      c.env,
      auth.tenantId,
      { userId: auth.userId, role: auth.role },
      c.req.valid("json"),
    );
    if (!created) return c.json(workOrder, 200);
    c.set("audit", {
      action: "work_order.create",
      targetType: "work_order",
      targetId: workOrder.id,
      detail: { source: "alert", alertId: workOrder.alertId },
    });
    return c.json(workOrder, 201);
  })
  .openapi(list, async (c) => {
    const auth = c.get("auth");
    const { limit, cursor, ...filter } = c.req.valid("query");
    const before = decodeCursor(cursor, 1) as [string] | undefined;
    const db = database(c.env.DB);
    const viewer = { userId: auth.userId, role: auth.role };
    const [rows, facets] = await Promise.all([
      listWorkOrders(db, auth.tenantId, viewer, filter, limit, before?.[0]),
      workOrderFacets(db, auth.tenantId, viewer, filter),
    ]);
    const result = page(rows, limit, (w) => [w.id]);
    return c.json({ items: result.items.map(publicWorkOrder), nextCursor: result.nextCursor, facets }, 200);
  })
  .openapi(read, async (c) => {
    const auth = c.get("auth");
    const db = database(c.env.DB);
    const row = await getWorkOrder(db, auth.tenantId, { userId: auth.userId, role: auth.role }, c.req.valid("param").id);
    const detail = await workOrderDetail(db, auth.tenantId, row);
    c.header("etag", await workOrderEtag(detail));
    return c.json(detail, 200);
  })
  .openapi(patch, async (c) => {
    const auth = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const ifMatch = c.req.header("if-match");
    const workOrder = await patchWorkOrder(c.env, auth.tenantId, { userId: auth.userId, role: auth.role }, id, body, ifMatch);
    c.set("audit", {
      action: "work_order.update",
      targetType: "work_order",
      targetId: id,
      detail: { fields: Object.keys(body), status: workOrder.status },
    });
    c.header("etag", await workOrderEtag(workOrder));
    return c.json(workOrder, 200);
  });
