import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { alertAnalytics } from "../../worker/services/analytics-alerts";
import { bucketRanges } from "../../worker/services/analytics-buckets";
import { addVehicles, call, createTenant, userWithRole } from "./helpers";
import { DAY, HOUR, insertAlerts, insertMeterSamples, insertTechnician, insertWorkOrders, ms, ruleIdOfType } from "./analytics-fixtures";

type Json = any;
const get = async (path: string, token: string) => {
  const res = await call("GET", path, { token });
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as Json };
};
const zero = { critical: 0, high: 0, medium: 0, low: 0 };
const point = (start: string, end: string, counts: Partial<typeof zero> = {}) => ({ start, end, ...zero, ...counts });

/**
 * Alerts around the America/New_York spring-forward (2026-03-08 02:00 EST → 03:00 EDT = 07:00Z).
 * Local days: Mar 7 = [05:00Z Mar 7, 05:00Z Mar 8) 24 h; Mar 8 = [05:00Z Mar 8, 04:00Z Mar 9) 23 h;
 * Mar 9 = [04:00Z Mar 9, 04:00Z Mar 10).
 */
async function seedAlertFixture() {
  const tenant = await createTenant();
  const { "AN-1": v1, "AN-2": v2 } = await addVehicles(tenant, ["AN-1", "AN-2"]);
  const speeding = await ruleIdOfType(tenant.id, "speeding");
  const braking = await ruleIdOfType(tenant.id, "harsh_braking");
  const battery = await ruleIdOfType(tenant.id, "low_battery");
  const S = { type: "speeding", ruleId: speeding.id };
  const B = { type: "harsh_braking", ruleId: braking.id };
  const L = { type: "low_battery", ruleId: battery.id };
  const t = (iso: string) => ms(iso);
  await insertAlerts(tenant.id, [
    // a1: the period's first instant (inclusive), acknowledged after 60 s, resolved after 600 s.
    {
      ...S,
      vehicleId: v1!.id,
      severity: "critical",
      createdAt: t("2026-03-07T05:00:00Z"),
      acknowledgedAt: t("2026-03-07T05:01:00Z"),
      resolvedAt: t("2026-03-07T05:10:00Z"),
    },
    // a2: 23:59:59 local on Mar 7, acknowledged after 120 s.
    { ...S, vehicleId: v1!.id, severity: "high", createdAt: t("2026-03-08T04:59:59Z"), acknowledgedAt: t("2026-03-08T05:01:59Z") },
    // a3: local midnight of Mar 8, resolved after 1200 s without acknowledgement.
    { ...B, vehicleId: v1!.id, severity: "medium", createdAt: t("2026-03-08T05:00:00Z"), resolvedAt: t("2026-03-08T05:20:00Z") },
    // a8: 03:10 EDT, the first local hour after the jump.
    { ...S, vehicleId: v1!.id, severity: "low", createdAt: t("2026-03-08T07:10:00Z") },
    // a4: 23:30 EDT on Mar 8 (already Mar 9 in UTC).
    { ...L, vehicleId: v2!.id, severity: "low", createdAt: t("2026-03-09T03:30:00Z") },
    // a5: 00:30 EDT on Mar 9, acknowledged after 30 s.
    { ...B, vehicleId: v2!.id, severity: "high", createdAt: t("2026-03-09T04:30:00Z"), acknowledgedAt: t("2026-03-09T04:30:30Z") },
    // Outside the period: `to` is exclusive, and one before `from`.
    { ...S, vehicleId: v2!.id, severity: "critical", createdAt: t("2026-03-10T04:00:00Z"), acknowledgedAt: t("2026-03-10T05:00:00Z") },
    { ...S, vehicleId: v2!.id, severity: "low", createdAt: t("2026-03-07T04:59:59Z") },
  ]);
  // Another tenant's alert inside the period must never show.
  const other = await createTenant();
  const { "OT-1": ov } = await addVehicles(other, ["OT-1"]);
  await insertAlerts(other.id, [
    { vehicleId: ov!.id, severity: "critical", createdAt: t("2026-03-08T12:00:00Z"), acknowledgedAt: t("2026-03-08T12:00:01Z") },
  ]);
  return { tenant, other, v1: v1!, v2: v2!, speeding, braking, battery };
}

describe("GET /api/analytics/alerts", { timeout: 30_000 }, () => {
  it("counts per local day across a DST change, per UTC day with empty buckets, per local hour; MTTA/MTTR and p90; top rules and vehicles; tenant-scoped", async () => {
    const f = await seedAlertFixture();
    const token = f.tenant.admin.token;
    const period = "from=2026-03-07T05:00:00Z&to=2026-03-10T04:00:00Z";

    const ny = await get(`/api/analytics/alerts?bucket=day&${period}&timeZone=America/New_York`, token);
    expect(ny.status).toBe(200);
    expect(ny.body.bucket).toBe("day");
    expect(ny.body.timeZone).toBe("America/New_York");
    expect(ny.body.series).toEqual([
      point("2026-03-07T05:00:00.000Z", "2026-03-08T05:00:00.000Z", { critical: 1, high: 1 }),
      point("2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", { medium: 1, low: 2 }),
      point("2026-03-09T04:00:00.000Z", "2026-03-10T04:00:00.000Z", { high: 1 }),
    ]);
    expect(ny.body.totals).toEqual({ critical: 1, high: 2, medium: 1, low: 2, all: 6, acknowledged: 3, resolved: 2 });
    // Acknowledged after 60, 120 and 30 s: mean 70; nearest-rank p90 of 3 values is the 3rd (120).
    expect(ny.body.mttaSeconds).toBe(70);
    expect(ny.body.p90TtaSeconds).toBe(120);
    // Resolved after 600 and 1200 s: mean 900, p90 1200.
    expect(ny.body.mttrSeconds).toBe(900);
    expect(ny.body.p90TtrSeconds).toBe(1200);
    expect(ny.body.topRules).toEqual([
      { ruleId: f.speeding.id, type: "speeding", name: f.speeding.name, count: 3 },
      { ruleId: f.braking.id, type: "harsh_braking", name: f.braking.name, count: 2 },
      { ruleId: f.battery.id, type: "low_battery", name: f.battery.name, count: 1 },
    ]);
    expect(ny.body.topVehicles).toEqual([
      { vehicleId: f.v1.id, name: f.v1.name, count: 4 },
      { vehicleId: f.v2.id, name: f.v2.name, count: 2 },
    ]);

    // UTC days: the first bucket starts at midnight before `from`, the last (Mar 10, cut at 04:00Z) is empty.
    const utc = await get(`/api/analytics/alerts?bucket=day&${period}`, token);
    expect(utc.body.timeZone).toBe("UTC");
    expect(utc.body.series).toEqual([
      point("2026-03-07T00:00:00.000Z", "2026-03-08T00:00:00.000Z", { critical: 1 }),
      point("2026-03-08T00:00:00.000Z", "2026-03-09T00:00:00.000Z", { high: 1, medium: 1, low: 1 }),
      point("2026-03-09T00:00:00.000Z", "2026-03-10T00:00:00.000Z", { low: 1, high: 1 }),
      point("2026-03-10T00:00:00.000Z", "2026-03-11T00:00:00.000Z"),
    ]);

    // Local hours of the night of the jump: 00:00 and 01:00 EST, then 03:00 and 04:00 EDT — no 02:00.
    const hours = await get(
      "/api/analytics/alerts?bucket=hour&from=2026-03-08T05:00:00Z&to=2026-03-08T09:00:00Z&timeZone=America/New_York",
      token,
    );
    expect(hours.body.series).toEqual([
      point("2026-03-08T05:00:00.000Z", "2026-03-08T06:00:00.000Z", { medium: 1 }),
      point("2026-03-08T06:00:00.000Z", "2026-03-08T07:00:00.000Z"),
      point("2026-03-08T07:00:00.000Z", "2026-03-08T08:00:00.000Z", { low: 1 }),
      point("2026-03-08T08:00:00.000Z", "2026-03-08T09:00:00.000Z"),
    ]);
    // Nothing acknowledged in that window: null, not 0; one resolution after 1200 s.
    expect(hours.body.mttaSeconds).toBeNull();
    expect(hours.body.p90TtaSeconds).toBeNull();
    expect(hours.body.mttrSeconds).toBe(1200);

    // Asia/Kolkata (+05:30): local hours start at :30 UTC. The first bucket starts before an
    // unaligned `from` but counts only from it: the alert at 04:59:59Z stays out.
    const ist = await get(
      "/api/analytics/alerts?bucket=hour&from=2026-03-07T05:00:00Z&to=2026-03-07T07:30:00Z&timeZone=Asia/Kolkata",
      token,
    );
    expect(ist.body.series).toEqual([
      point("2026-03-07T04:30:00.000Z", "2026-03-07T05:30:00.000Z", { critical: 1 }),
      point("2026-03-07T05:30:00.000Z", "2026-03-07T06:30:00.000Z"),
      point("2026-03-07T06:30:00.000Z", "2026-03-07T07:30:00.000Z"),
    ]);
    // A Kolkata local day runs 18:30Z to 18:30Z: a1..a2 (Mar 7 05:00Z, Mar 8 04:59:59Z) fall on two different days.
    const istDays = await get(`/api/analytics/alerts?bucket=day&${period}&timeZone=Asia/Kolkata`, token);
    expect(istDays.body.series.map((p: Json) => p.start)).toEqual([
      "2026-03-06T18:30:00.000Z",
      "2026-03-07T18:30:00.000Z",
      "2026-03-08T18:30:00.000Z",
      "2026-03-09T18:30:00.000Z",
    ]);
    expect(istDays.body.series.map((p: Json) => p.critical + p.high + p.medium + p.low)).toEqual([1, 3, 2, 0]);

    // The other tenant sees only its own alert.
    const other = await get(`/api/analytics/alerts?bucket=day&${period}`, f.other.admin.token);
    expect(other.body.totals.all).toBe(1);
    expect(other.body.mttaSeconds).toBe(1);
    expect(other.body.topVehicles.map((v: Json) => v.vehicleId)).not.toContain(f.v1.id);
  });

  it("merges the rollups with the raw ends of an unaligned period, follows later acks and deletes, and reads p90 from the histogram when asked", async () => {
    const f = await seedAlertFixture();
    const token = f.tenant.admin.token;
    // 30 s after a1 (excluded) until 10 s after a5 (included): both ends fall inside 15-minute slots and UTC days.
    const period = "from=2026-03-07T05:00:30Z&to=2026-03-09T04:30:10Z";
    const res = await get(`/api/analytics/alerts?bucket=day&${period}&timeZone=America/New_York`, token);
    expect(res.body.series).toEqual([
      point("2026-03-07T05:00:00.000Z", "2026-03-08T05:00:00.000Z", { high: 1 }),
      point("2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", { medium: 1, low: 2 }),
      point("2026-03-09T04:00:00.000Z", "2026-03-10T04:00:00.000Z", { high: 1 }),
    ]);
    // Acknowledged: a2 after 120 s, a5 after 30 s → mean 75, p90 120; resolved: a3 after 1200 s.
    expect([res.body.mttaSeconds, res.body.p90TtaSeconds, res.body.mttrSeconds, res.body.p90Approximate]).toEqual([75, 120, 1200, false]);
    expect(res.body.topVehicles.map((v: Json) => [v.vehicleId, v.count])).toEqual([
      [f.v1.id, 3],
      [f.v2.id, 2],
    ]);

    // A later acknowledgement of a8 (after 300 s) and the deletion of a4 reach the rollups through the triggers.
    await env.DB.prepare(
      "UPDATE alerts SET acknowledged_at = created_at + 300000, status = 'acknowledged', seq = seq + 1 WHERE tenant_id = ? AND created_at = ?",
    )
      .bind(f.tenant.id, ms("2026-03-08T07:10:00Z"))
      .run();
    await env.DB.prepare("DELETE FROM alerts WHERE tenant_id = ? AND created_at = ?").bind(f.tenant.id, ms("2026-03-09T03:30:00Z")).run();
    const after = await get(`/api/analytics/alerts?bucket=day&${period}&timeZone=America/New_York`, token);
    expect(after.body.series[1]).toEqual(point("2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", { medium: 1, low: 1 }));
    expect(after.body.totals).toMatchObject({ all: 4, acknowledged: 3 });
    expect(after.body.mttaSeconds).toBe((120 + 30 + 300) / 3);

    // The histogram path (normally beyond 50,000 values): 30, 120, 300 s and 600, 1200 s are bin edges, so p90 is the same.
    const from = ms("2026-03-07T05:00:00Z");
    const to = ms("2026-03-10T04:00:00Z");
    const q = { bucket: "day" as const, timeZone: "UTC", from, to, buckets: bucketRanges("day", from, to, "UTC")! };
    const binned = await alertAnalytics(env.DB, f.tenant.id, q, { exactP90Limit: 0 });
    expect([binned.p90TtaSeconds, binned.p90TtrSeconds, binned.p90Approximate]).toEqual([300, 1200, true]);
    const exact = await alertAnalytics(env.DB, f.tenant.id, q);
    expect([exact.p90TtaSeconds, exact.p90TtrSeconds, exact.p90Approximate]).toEqual([300, 1200, false]);
    expect(binned.series).toEqual(exact.series);
  });

  it("rejects a bad bucket, zone, range or span with problem JSON naming the field; managers only", async () => {
    const tenant = await createTenant();
    const bad = async (query: string, paths: string[]) => {
      const res = await get(`/api/analytics/alerts?${query}`, tenant.admin.token);
      expect(res.status, query).toBe(400);
      expect(res.type).toBe("application/problem+json");
      expect(res.body.errors.map((e: Json) => e.path).sort()).toEqual(paths);
    };
    await bad("bucket=week", ["bucket"]);
    await bad("bucket=day&timeZone=Mars/Base", ["timeZone"]);
    await bad("bucket=day&from=yesterday&to=2026-01-01T00:00:00Z", ["from"]);
    await bad("bucket=day&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", ["to"]);
    await bad("bucket=hour&from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z", ["from"]);
    const driver = await userWithRole(tenant, "driver");
    expect((await call("GET", "/api/analytics/alerts", { token: driver.token })).status).toBe(403);
    expect((await call("GET", "/api/analytics/alerts")).status).toBe(401);
    const manager = await userWithRole(tenant, "manager");
    const ok = await get("/api/analytics/alerts", manager.token);
    expect(ok.status).toBe(200);
    // Default: the 7 days before now, in UTC days: 7 or 8 buckets (a partial one at each end), all zero.
    expect(ok.body.series.length).toBeGreaterThanOrEqual(7);
    expect(ok.body.totals.all).toBe(0);
    expect(ok.body.mttaSeconds).toBeNull();

    // Documented in the OpenAPI document generated from the same schemas.
    const doc = (await (await call("GET", "/api/openapi.json")).json()) as Json;
    for (const path of [
      "/api/analytics/alerts",
      "/api/analytics/maintenance",
      "/api/analytics/predictive",
      "/api/reports/alerts.csv",
      "/api/reports/fleet.json",
      "/api/leaderboard",
      "/api/me/engagement",
      "/api/users/{id}/badges",
      "/api/engagement/settings",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths["/api/analytics/alerts"].get.parameters.map((p: Json) => p.name).sort()).toEqual(["bucket", "from", "timeZone", "to"]);
  });
});

describe("GET /api/analytics/maintenance", { timeout: 30_000 }, () => {
  it("computes on-time %, overdue, mean downtime, cost per km and technician productivity by hand", async () => {
    const tenant = await createTenant();
    const { "MX-1": v1, "MX-2": v2 } = await addVehicles(tenant, ["MX-1", "MX-2"]);
    const P0 = Math.floor(Date.now() / DAY - 60) * DAY; // 60 days ago at 00:00Z; the period is 30 days
    const to = P0 + 30 * DAY;
    const t1 = await insertTechnician(tenant.id, "Ana");
    const t2 = await insertTechnician(tenant.id, "Bo");
    await insertWorkOrders(tenant.id, [
      // On time (due a day after completion), 2 h in the shop, 100.00.
      {
        vehicleId: v1!.id,
        status: "completed",
        technicianId: t1,
        dueDate: P0 + 2 * DAY,
        startedAt: P0 + DAY - 2 * HOUR,
        completedAt: P0 + DAY,
        costCents: 10_000,
      },
      // Late by a day, 4 h in the shop, 50.00.
      {
        vehicleId: v1!.id,
        status: "completed",
        technicianId: t1,
        dueDate: P0 + 4 * DAY,
        startedAt: P0 + 5 * DAY - 4 * HOUR,
        completedAt: P0 + 5 * DAY,
        costCents: 5_000,
      },
      // No due date, never started: counts as completed and costs 25.00, not in on-time % or downtime.
      { vehicleId: v2!.id, status: "completed", technicianId: t2, completedAt: P0 + 6 * DAY, costCents: 2_500 },
      // Completed before the period: ignored.
      { vehicleId: v1!.id, status: "completed", technicianId: t1, dueDate: P0, completedAt: P0 - 1, costCents: 99_999 },
      // Open and past due before the period's end: overdue. Due after it, or cancelled: not.
      { vehicleId: v2!.id, status: "open", dueDate: P0 + 3 * DAY },
      { vehicleId: v2!.id, status: "scheduled", dueDate: to + DAY },
      { vehicleId: v2!.id, status: "cancelled", dueDate: P0 + DAY },
    ]);
    // km: 1400 - 1000 = 400 for MX-1 (the sample before the period is ignored); 750 - 500 = 250 for MX-2.
    await insertMeterSamples(tenant.id, v1!.id, [
      [P0 - DAY, 900],
      [P0 + DAY / 2, 1000],
      [P0 + 10 * DAY, 1400],
    ]);
    await insertMeterSamples(tenant.id, v2!.id, [
      [P0 + DAY, 500],
      [P0 + 2 * DAY, 750],
    ]);
    const other = await createTenant();
    const { "MX-9": ov } = await addVehicles(other, ["MX-9"]);
    await insertWorkOrders(other.id, [
      { vehicleId: ov!.id, status: "completed", dueDate: P0 + 9 * DAY, completedAt: P0 + 2 * DAY, costCents: 1 },
    ]);

    const res = await get(
      `/api/analytics/maintenance?from=${new Date(P0).toISOString()}&to=${new Date(to).toISOString()}`,
      tenant.admin.token,
    );
    expect(res.status).toBe(200);
    const m = res.body;
    expect(m).toMatchObject({
      completed: 3,
      completedWithDueDate: 2,
      onTime: 1,
      onTimePct: 50,
      overdueCount: 1,
      overduePlans: 0,
      costCents: 17_500,
      km: 650,
    });
    expect(m.meanDowntimeSeconds).toBe((2 * 3600 + 4 * 3600) / 2);
    expect(m.costPerKm).toBeCloseTo(175 / 650, 10);
    expect(m.vehicles).toEqual([
      { vehicleId: v1!.id, name: v1!.name, costCents: 15_000, km: 400, costPerKm: 150 / 400 },
      { vehicleId: v2!.id, name: v2!.name, costCents: 2_500, km: 250, costPerKm: 25 / 250 },
    ]);
    expect(m.technicians).toEqual([
      { technicianId: t1, name: "Ana", completed: 2, onTime: 1, meanHoursToComplete: 3 },
      { technicianId: t2, name: "Bo", completed: 1, onTime: 0, meanHoursToComplete: null },
    ]);

    const empty = await get(
      `/api/analytics/maintenance?from=${new Date(to).toISOString()}&to=${new Date(to + DAY).toISOString()}`,
      other.admin.token,
    );
    expect(empty.body).toMatchObject({
      completed: 0,
      onTimePct: null,
      meanDowntimeSeconds: null,
      costPerKm: null,
      vehicles: [],
      technicians: [],
    });
  });
});

describe("GET /api/analytics/predictive", { timeout: 30_000 }, () => {
  it("counts predictive alerts and those a non-plan work order followed within 30 days, with the model version", async () => {
    const tenant = await createTenant();
    const { "PR-1": v1, "PR-2": v2 } = await addVehicles(tenant, ["PR-1", "PR-2"]);
    const P0 = Math.floor(Date.now() / DAY - 20) * DAY;
    const [, , p3] = await insertAlerts(tenant.id, [
      { vehicleId: v1!.id, type: "predictive_failure", severity: "high", createdAt: P0 + DAY },
      { vehicleId: v2!.id, type: "predictive_failure", severity: "high", createdAt: P0 + 2 * DAY },
      { vehicleId: v2!.id, type: "predictive_failure", severity: "high", createdAt: P0 + 3 * DAY },
      { vehicleId: v1!.id, type: "speeding", severity: "high", createdAt: P0 + DAY },
    ]);
    await insertWorkOrders(tenant.id, [
      // Follows p1 two days later: confirms it.
      { vehicleId: v1!.id, status: "open", source: "manual", createdAt: P0 + 3 * DAY },
      // A plan work order after p2 does not confirm it.
      { vehicleId: v2!.id, status: "open", source: "plan", createdAt: P0 + 2 * DAY + HOUR },
      // Opened from p3 itself.
      { vehicleId: v2!.id, status: "open", source: "alert", alertId: p3!, createdAt: P0 + 3 * DAY + HOUR },
    ]);
    const res = await get(
      `/api/analytics/predictive?from=${new Date(P0).toISOString()}&to=${new Date(P0 + 10 * DAY).toISOString()}`,
      tenant.admin.token,
    );
    expect(res.status).toBe(200);
    // A work order following an alert is not a confirmed failure: nothing is decided, so no precision.
    expect(res.body).toMatchObject({ raised: 3, followedByWorkOrder: 2, precision: null, confirmedRate: null, followUpDays: 30 });
    expect(res.body.model.name).toBe("vehicle-health");
  });
});
