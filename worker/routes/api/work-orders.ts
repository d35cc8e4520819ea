import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { rejectInvalid } from "../../lib/validation";
import { authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf } from "../../schemas/common";
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
const list = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  method: "get",
  path: "/",
  summary: "Work orders, newest first (a technician sees its own and open ones)",
  request: { query: WorkOrderQuery },
  responses: { 200: json(listOf(WorkOrderSchema, "WorkOrderList"), "Work orders"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const read = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  method: "get",
  path: "/{id}",
  summary: "A work order with its status history",
  request: { params: IdParam },
  responses: { 200: json(WorkOrderDetail, "The work order"), 401: errors[401], 403: errors[403], 404: errors[404] },
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
  request: { params: IdParam, ...jsonBody(PatchWorkOrderBody) },
  responses: {
    200: json(WorkOrderDetail, "Updated"),
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
    const rows = await listWorkOrders(
      database(c.env.DB),
      auth.tenantId,
      { userId: auth.userId, role: auth.role },
      filter,
      limit,
      before?.[0],
    );
    const result = page(rows, limit, (w) => [w.id]);
    return c.json({ items: result.items.map(publicWorkOrder), nextCursor: result.nextCursor }, 200);
  })
  .openapi(read, async (c) => {
    const auth = c.get("auth");
    const db = database(c.env.DB);
    const row = await getWorkOrder(db, auth.tenantId, { userId: auth.userId, role: auth.role }, c.req.valid("param").id);
    return c.json(await workOrderDetail(db, auth.tenantId, row), 200);
  })
  .openapi(patch, async (c) => {
    const auth = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const workOrder = await patchWorkOrder(c.env, auth.tenantId, { userId: auth.userId, role: auth.role }, id, body);
    c.set("audit", {
      action: "work_order.update",
      targetType: "work_order",
      targetId: id,
      detail: { fields: Object.keys(body), status: workOrder.status },
    });
    return c.json(workOrder, 200);
  });
