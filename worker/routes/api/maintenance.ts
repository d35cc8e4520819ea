import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { assertIfMatch, etagOf } from "../../lib/etag";
import { rejectInvalid } from "../../lib/validation";
import { authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { ifMatchParameter, precondition412, withEtag } from "../../schemas/concurrency";
import {
  AutoScheduleBody,
  AutoScheduleResult,
  BaselineList,
  ConfirmOverdueBody,
  ConfirmOverdueResult,
  CreatePlanBody,
  CreateServiceRecordBody,
  DueItemSchema,
  DueQuery,
  MeterFlagQuery,
  MeterFlagSchema,
  PatchPlanBody,
  PlanSchema,
  ServiceRecordQuery,
  ServiceRecordSchema,
  SetBaselinesBody,
  SweepResult,
} from "../../schemas/maintenance";
import {
  afterDueCursor,
  computeDue,
  createPlan,
  deletePlan,
  getPlan,
  listPlans,
  listServiceRecords,
  publicDueItem,
  publicPlan,
  publicServiceRecord,
  recordService,
  updatePlan,
} from "../../services/maintenance";
import { listMeterFlags, publicMeterFlag, resolveMeterFlag } from "../../services/maintenance-meters";
import {
  checkBaselines,
  confirmOverdue,
  recordPlanStarts,
  writeBaselines,
  type BaselineInput,
} from "../../services/maintenance-onboarding";
import { findAvailability } from "../../services/maintenance-availability";
import { AvailabilityQuery, AvailabilitySchema } from "../../schemas/maintenance-availability";
import { runAutoSchedule } from "../../services/maintenance-scheduling";
import { sweepMaintenance } from "../../services/maintenance-sweep";
import { publicWorkOrder } from "../../services/work-orders";

const tags = ["Maintenance"];
const managers = authorize(["admin", "manager"]);
const staff = authorize(STAFF);
const managed = { tags, security: bearerSecurity, middleware: managers };

const listPlansRoute = createRoute({
  ...managed,
  method: "get",
  path: "/plans",
  summary: "Maintenance plans, oldest first",
  request: { query: PageQuery },
  responses: { 200: json(listOf(PlanSchema, "MaintenancePlanList"), "Plans"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const createPlanRoute = createRoute({
  ...managed,
  method: "post",
  path: "/plans",
  summary: "Create a plan: every km, engine hours and/or days, whichever comes first (at least one), optionally with baselines",
  request: jsonBody(CreatePlanBody),
  responses: { 201: json(PlanSchema, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});
const getPlanRoute = createRoute({
  ...managed,
  method: "get",
  path: "/plans/{id}",
  summary: "One plan",
  request: { params: IdParam },
  responses: { 200: withEtag(PlanSchema, "The plan, with its ETag for If-Match"), 401: errors[401], 403: errors[403], 404: errors[404] },
});
const patchPlanRoute = createRoute({
  ...managed,
  method: "patch",
  path: "/plans/{id}",
  summary: "Change a plan (the result must still have an every*), optionally with baselines",
  request: { params: IdParam, ...jsonBody(PatchPlanBody) },
  parameters: [ifMatchParameter],
  responses: {
    200: withEtag(PlanSchema, "Updated, with its new ETag"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    412: precondition412(PlanSchema),
  },
});
const deletePlanRoute = createRoute({
  ...managed,
  method: "delete",
  path: "/plans/{id}",
  summary: "Delete a plan and its service records (its work orders stay, without the plan)",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, 401: errors[401], 403: errors[403], 404: errors[404] },
});
const dueRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [staff] as const,
  method: "get",
  path: "/due",
  summary: "Due status of every (vehicle, plan) pair, by vehicle id then plan id",
  description:
    "`due_soon` when any remaining amount is ≤ its dueSoon*, `overdue` once any is ≤ 0. Remaining amounts are null for measures the plan does not use. " +
    "`forecastDate` projects whichever measure falls due first from the vehicle's average daily km and engine hours over the last 30 days.",
  request: { query: DueQuery },
  responses: { 200: json(listOf(DueItemSchema, "MaintenanceDueList"), "Due status"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const createServiceRoute = createRoute({
  ...managed,
  method: "post",
  path: "/service-records",
  summary: "Record a service done outside a work order (e.g. the last one before FleetPulse); the next interval starts from it",
  request: jsonBody(CreateServiceRecordBody),
  responses: { 201: json(ServiceRecordSchema, "Recorded"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});
const listServiceRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [staff] as const,
  method: "get",
  path: "/service-records",
  summary: "Recorded services, newest first",
  request: { query: ServiceRecordQuery },
  responses: {
    200: json(listOf(ServiceRecordSchema, "ServiceRecordList"), "Service records"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});
const setBaselinesRoute = createRoute({
  ...managed,
  method: "post",
  path: "/baselines",
  summary: "Set baselines for many (vehicle, plan) pairs at once: each vehicle's last service before the plan applied",
  description:
    "Replaces a pair's earlier baseline. Meters and date default to the vehicle's current meters and now. Due points then count from the baseline.",
  request: jsonBody(SetBaselinesBody),
  responses: {
    200: json(BaselineList, "The baselines, as service records"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});
const confirmOverdueRoute = createRoute({
  ...managed,
  method: "post",
  path: "/baselines/confirm",
  summary: "Confirm pairs waiting for a baseline as overdue as they stand: reminders and plan work orders follow",
  request: jsonBody(ConfirmOverdueBody),
  responses: { 200: json(ConfirmOverdueResult, "Confirmed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});
const listMeterFlagsRoute = createRoute({
  ...managed,
  method: "get",
  path: "/meter-flags",
  summary: "Meter readings not applied to maintenance (backwards or implausibly fast), newest first",
  request: { query: MeterFlagQuery },
  responses: { 200: json(listOf(MeterFlagSchema, "MeterFlagList"), "Meter flags"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const resolveFlag = {
  ...managed,
  method: "post",
  request: { params: IdParam },
  responses: { 200: json(MeterFlagSchema, "The resolved flag"), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
} as const;
const acceptFlagRoute = createRoute({
  ...resolveFlag,
  path: "/meter-flags/{id}/accept",
  summary: "Accept a pending flagged meter reading: maintenance counts with it (unless a newer reading was accepted meanwhile)",
});
const voidFlagRoute = createRoute({
  ...resolveFlag,
  path: "/meter-flags/{id}/void",
  summary: "Void a pending flagged meter reading: it is never applied",
});
const autoScheduleRoute = createRoute({
  ...managed,
  method: "post",
  path: "/auto-schedule",
  summary: "Place open work orders into [from, to) on technicians' shifts and bays",
  description:
    "Respects skills, shifts (in each technician's time zone), bay capacity and existing bookings; minimises priority-weighted lateness past due dates " +
    "(urgent 8, high 4, normal 2, low 1), then vehicle downtime. Deterministic for the same input. A bay is assigned whenever the shop has bays.",
  request: jsonBody(AutoScheduleBody),
  responses: {
    200: json(AutoScheduleResult, "The booked work orders and those left open, with the reason"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});
const availabilityRoute = createRoute({
  ...managed,
  method: "get",
  path: "/availability",
  summary: "Bookable time: the free intervals in which PATCH /api/work-orders/{id} accepts a booking",
  description:
    "Each candidate start (every 15 minutes) is judged by the same booking rules as PATCH /api/work-orders/{id}: skill, the technician's shift " +
    "(in its time zone), the technician, vehicle and bay capacity already booked. With technicianId and/or bayId, the intervals of that pair; " +
    "with neither, those of each technician (without a bay) and each bay (without a technician). The horizon is at most 14 days.",
  request: { query: AvailabilityQuery },
  responses: {
    200: json(AvailabilitySchema, "Free intervals, per technician and bay"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
  },
});
const sweepRoute = createRoute({
  ...managed,
  method: "post",
  path: "/sweep",
  summary: "Run the maintenance sweep now: due transitions and plan work orders (once per interval)",
  responses: { 200: json(SweepResult, "Created work orders and due transitions"), 401: errors[401], 403: errors[403] },
});

/** The coverage fields a patch sets (a field left out keeps the stored value). */
const pick = (fields: { vehicleIds?: string[] | null; vehicleType?: string | null }) => ({
  ...(fields.vehicleIds !== undefined ? { vehicleIds: fields.vehicleIds } : {}),
  ...(fields.vehicleType !== undefined ? { vehicleType: fields.vehicleType } : {}),
});

export const maintenanceRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(listPlansRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 1) as [string] | undefined;
    const rows = await listPlans(database(c.env.DB), c.get("auth").tenantId, limit, after?.[0]);
    const result = page(rows, limit, (p) => [p.id]);
    return c.json({ items: result.items.map(publicPlan), nextCursor: result.nextCursor }, 200);
  })
  .openapi(createPlanRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const db = database(c.env.DB);
    const { baselines, ...fields } = c.req.valid("json");
    // Baselines are checked against the plan as it will be, before anything is written.
    const draft = { id: "", vehicleIds: fields.vehicleIds ?? null, vehicleType: fields.vehicleType ?? null };
    const items: BaselineInput[] = (baselines ?? []).map((b) => ({ ...b, planId: "" }));
    const fleet = items.length ? await checkBaselines(db, tenantId, items, "baselines", new Map([["", draft]])) : new Map();
    const plan = await createPlan(db, tenantId, fields);
    await recordPlanStarts(c.env, tenantId, plan, null);
    await writeBaselines(
      c.env,
      tenantId,
      items.map((b) => ({ ...b, planId: plan.id })),
      fleet,
    );
    c.set("audit", { action: "maintenance_plan.create", targetType: "maintenance_plan", targetId: plan.id });
    return c.json(publicPlan(plan), 201);
  })
  .openapi(getPlanRoute, async (c) => {
    const plan = publicPlan(await getPlan(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id));
    c.header("etag", await etagOf(plan));
    return c.json(plan, 200);
  })
  .openapi(patchPlanRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { baselines, ...fields } = body;
    const { tenantId } = c.get("auth");
    const db = database(c.env.DB);
    const before = await getPlan(db, tenantId, id);
    const current = publicPlan(before);
    assertIfMatch(c.req.header("if-match"), "plan", current, await etagOf(current));
    const draft = { id, vehicleIds: before.vehicleIds, vehicleType: before.vehicleType, ...pick(fields) };
    const items: BaselineInput[] = (baselines ?? []).map((b) => ({ ...b, planId: id }));
    const fleet = items.length ? await checkBaselines(db, tenantId, items, "baselines", new Map([[id, draft]])) : new Map();
    const plan = await updatePlan(db, tenantId, id, fields);
    await recordPlanStarts(c.env, tenantId, plan, before);
    await writeBaselines(c.env, tenantId, items, fleet);
    c.set("audit", {
      action: "maintenance_plan.update",
      targetType: "maintenance_plan",
      targetId: id,
      detail: { fields: Object.keys(body) },
    });
    c.header("etag", await etagOf(publicPlan(plan)));
    return c.json(publicPlan(plan), 200);
  })
  .openapi(deletePlanRoute, async (c) => {
    const { id } = c.req.valid("param");
    await deletePlan(database(c.env.DB), c.get("auth").tenantId, id);
    c.set("audit", { action: "maintenance_plan.delete", targetType: "maintenance_plan", targetId: id });
    return c.body(null, 204);
  })
  .openapi(dueRoute, async (c) => {
    const { limit, cursor, status, vehicleId, planId, baselineMissing } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [string, string] | undefined;
    const all = await computeDue(c.env, c.get("auth").tenantId, Date.now(), { vehicleId, planId });
    const wanted = all.filter(
      (d) => (!status || d.status === status) && (baselineMissing === undefined || d.baselineMissing === (baselineMissing === "true")),
    );
    const rows = afterDueCursor(wanted, after).slice(0, limit + 1);
    const result = page(rows, limit, (d) => [d.vehicleId, d.planId]);
    return c.json({ items: result.items.map(publicDueItem), nextCursor: result.nextCursor }, 200);
  })
  .openapi(createServiceRoute, async (c) => {
    const record = await recordService(c.env, c.get("auth").tenantId, c.req.valid("json"));
    c.set("audit", {
      action: "service_record.create",
      targetType: "service_record",
      targetId: record.id,
      detail: { vehicleId: record.vehicleId, planId: record.planId },
    });
    return c.json(publicServiceRecord(record), 201);
  })
  .openapi(listServiceRoute, async (c) => {
    const { limit, cursor, vehicleId, planId } = c.req.valid("query");
    const after = decodeCursor(cursor, 1) as [string] | undefined;
    const rows = await listServiceRecords(database(c.env.DB), c.get("auth").tenantId, { vehicleId, planId }, limit, after?.[0]);
    const result = page(rows, limit, (r) => [r.id]);
    return c.json({ items: result.items.map(publicServiceRecord), nextCursor: result.nextCursor }, 200);
  })
  .openapi(setBaselinesRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const { items } = c.req.valid("json");
    const fleet = await checkBaselines(database(c.env.DB), tenantId, items, "items");
    const records = await writeBaselines(c.env, tenantId, items, fleet);
    c.set("audit", { action: "maintenance.baselines", targetType: "service_record", detail: { count: records.length } });
    return c.json({ items: records.map(publicServiceRecord) }, 200);
  })
  .openapi(confirmOverdueRoute, async (c) => {
    const { tenantId, userId } = c.get("auth");
    const { items } = c.req.valid("json");
    const confirmed = await confirmOverdue(database(c.env.DB), tenantId, items, userId);
    c.set("audit", { action: "maintenance.confirm_overdue", targetType: "maintenance_plan", detail: { items } });
    return c.json({ confirmed }, 200);
  })
  .openapi(listMeterFlagsRoute, async (c) => {
    const { limit, cursor, status, vehicleId } = c.req.valid("query");
    const after = decodeCursor(cursor, 1) as [string] | undefined;
    const rows = await listMeterFlags(database(c.env.DB), c.get("auth").tenantId, { status, vehicleId }, limit, after?.[0]);
    const result = page(rows, limit, (f) => [f.id]);
    return c.json({ items: result.items.map(publicMeterFlag), nextCursor: result.nextCursor }, 200);
  })
  .openapi(acceptFlagRoute, async (c) => {
    const { tenantId, userId } = c.get("auth");
    const flag = await resolveMeterFlag(database(c.env.DB), tenantId, c.req.valid("param").id, "accept", userId);
    c.set("audit", { action: "meter_flag.accept", targetType: "meter_flag", targetId: flag.id });
    return c.json(publicMeterFlag(flag), 200);
  })
  .openapi(voidFlagRoute, async (c) => {
    const { tenantId, userId } = c.get("auth");
    const flag = await resolveMeterFlag(database(c.env.DB), tenantId, c.req.valid("param").id, "void", userId);
    c.set("audit", { action: "meter_flag.void", targetType: "meter_flag", targetId: flag.id });
    return c.json(publicMeterFlag(flag), 200);
  })
  .openapi(autoScheduleRoute, async (c) => {
    const { tenantId, userId } = c.get("auth");
    const { from, to } = c.req.valid("json");
    const result = await runAutoSchedule(c.env, tenantId, userId, Date.parse(from), Date.parse(to));
    c.set("audit", {
      action: "maintenance.auto_schedule",
      targetType: "work_order",
      detail: { from, to, scheduled: result.scheduled.length, unscheduled: result.unscheduled.length },
    });
    return c.json(result, 200);
  })
  .openapi(availabilityRoute, async (c) => {
    const { from, to, ...rest } = c.req.valid("query");
    return c.json(await findAvailability(c.env, c.get("auth").tenantId, { from: Date.parse(from), to: Date.parse(to), ...rest }), 200);
  })
  .openapi(sweepRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const { created, transitions } = await sweepMaintenance(c.env, tenantId);
    c.set("audit", {
      action: "maintenance.sweep",
      targetType: "work_order",
      detail: { created: created.length, transitions: transitions.length },
    });
    return c.json(
      {
        created: created.map(publicWorkOrder),
        transitions: transitions.map(({ vehicleId, planId, from, to }) => ({ vehicleId, planId, from, to })),
      },
      200,
    );
  });
