import { describe, expect, it } from "vitest";
import { DAY, HOUR, insertAlerts, insertMeterSamples, insertTechnician, insertWorkOrders, ms } from "./analytics-fixtures";
import { parseCsv } from "./csv-parse";
import { addVehicles, call, createTenant, userWithRole } from "./helpers";
import { type FleetReportInput, fleetReportPdf } from "../../app/src/fleet-report-pdf";
import { pdfText } from "./pdf-text";

type Json = any;
const AWKWARD = ["comma, inside", 'quote " inside', "line\nbreak", "crlf\r\nbreak", "ünïcødé 🚚 車両", '"quoted"'];
const BASE = ms("2026-05-01T00:00:00Z");

async function csv(path: string, token: string) {
  const res = await call("GET", path, { token });
  expect(res.status, path).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
  return parseCsv(await res.text());
}

describe("CSV reports", { timeout: 60_000 }, () => {
  it("alerts.csv streams every row across chunks, newest first, with the list filters, and parses back to the same values", async () => {
    const tenant = await createTenant();
    const { "RP-1": v1, "RP-2": v2 } = await addVehicles(tenant, ["RP-1", "RP-2"]);
    await call("PATCH", `/api/vehicles/${v2!.id}`, { token: tenant.admin.token, body: { name: 'Truck "Nord", 車両' } });
    // 1,205 alerts a minute apart (more than two 500-row chunks); every 7th critical; awkward messages.
    const fixtures = Array.from({ length: 1205 }, (_, i) => ({
      vehicleId: i % 2 ? v2!.id : v1!.id,
      createdAt: BASE + i * 60_000,
      severity: (i % 7 === 0 ? "critical" : "low") as "critical" | "low",
      type: "speeding",
      message: `${AWKWARD[i % AWKWARD.length]} #${i}`,
      value: i % 3 ? i + 0.5 : null,
      acknowledgedAt: i % 5 === 0 ? BASE + i * 60_000 + 1000 : null,
    }));
    for (let i = 0; i < fixtures.length; i += 100) await insertAlerts(tenant.id, fixtures.slice(i, i + 100));
    const other = await createTenant();
    const { "OT-9": ov } = await addVehicles(other, ["OT-9"]);
    await insertAlerts(other.id, [{ vehicleId: ov!.id, createdAt: BASE + 5 * 60_000, message: "other tenant" }]);

    const rows = await csv("/api/reports/alerts.csv", tenant.admin.token);
    expect(rows[0]).toEqual([
      "id",
      "createdAt",
      "vehicleId",
      "vehicleName",
      "type",
      "severity",
      "status",
      "message",
      "value",
      "acknowledgedAt",
      "resolvedAt",
    ]);
    const data = rows.slice(1);
    expect(data).toHaveLength(1205);
    const expected = [...fixtures]
      .reverse()
      .map((f) => [
        new Date(f.createdAt).toISOString(),
        f.vehicleId,
        f.vehicleId === v2!.id ? 'Truck "Nord", 車両' : v1!.name,
        "speeding",
        f.severity,
        f.acknowledgedAt ? "acknowledged" : "open",
        f.message,
        f.value == null ? "" : String(f.value),
        f.acknowledgedAt ? new Date(f.acknowledgedAt).toISOString() : "",
        "",
      ]);
    expect(data.map((r) => r.slice(1))).toEqual(expected);
    expect(new Set(data.map((r) => r[0])).size).toBe(1205);

    // Filters as GET /api/alerts: severity and a [from, to) window; and full-text q.
    const from = new Date(BASE + 100 * 60_000).toISOString();
    const to = new Date(BASE + 200 * 60_000).toISOString();
    const critical = (await csv(`/api/reports/alerts.csv?severity=critical&from=${from}&to=${to}`, tenant.admin.token)).slice(1);
    const expectedCritical = fixtures.filter((f, i) => i >= 100 && i < 200 && f.severity === "critical").reverse();
    expect(critical.map((r) => r[7])).toEqual(expectedCritical.map((f) => f.message));
    const searched = (await csv(`/api/reports/alerts.csv?q=${encodeURIComponent("#1204")}`, tenant.admin.token)).slice(1);
    expect(searched.map((r) => r[7])).toEqual([fixtures[1204]!.message]);

    // Scope and roles.
    expect((await csv("/api/reports/alerts.csv", other.admin.token)).slice(1).map((r) => r[7])).toEqual(["other tenant"]);
    const driver = await userWithRole(tenant, "driver");
    expect((await call("GET", "/api/reports/alerts.csv", { token: driver.token })).status).toBe(403);
    const bad = await call("GET", "/api/reports/alerts.csv?severity=huge&from=nope", { token: tenant.admin.token });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).errors.map((e: Json) => e.path).sort()).toEqual(["from", "severity"]);
  });

  it("work-orders.csv carries names, notes with awkward text, and the list filters", async () => {
    const tenant = await createTenant();
    const { "WO-1": v1, "WO-2": v2 } = await addVehicles(tenant, ["WO-1", "WO-2"]);
    const tech = await insertTechnician(tenant.id, 'Zoë, "the fixer"');
    const ids = await insertWorkOrders(tenant.id, [
      {
        vehicleId: v1!.id,
        status: "completed",
        title: "Brakes, front",
        technicianId: tech,
        completedAt: BASE + DAY,
        costCents: 12_345,
        notes: 'Line 1\nLine "2"',
        dueDate: BASE + 2 * DAY,
      },
      { vehicleId: v2!.id, status: "open", title: "Oil 🛢", notes: null },
    ]);
    const rows = await csv("/api/reports/work-orders.csv", tenant.admin.token);
    expect(rows[0]!.slice(0, 4)).toEqual(["id", "createdAt", "vehicleId", "vehicleName"]);
    const header = rows[0]!;
    const asObjects = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    // Newest first, as GET /api/work-orders.
    expect(asObjects.map((o) => o.id)).toEqual([...ids].reverse());
    expect(asObjects[1]).toMatchObject({
      vehicleName: v1!.name,
      title: "Brakes, front",
      status: "completed",
      technicianName: 'Zoë, "the fixer"',
      completedAt: new Date(BASE + DAY).toISOString(),
      dueDate: new Date(BASE + 2 * DAY).toISOString(),
      costCents: "12345",
      notes: 'Line 1\nLine "2"',
    });
    expect(asObjects[0]).toMatchObject({ title: "Oil 🛢", notes: "", technicianName: "" });
    const open = (await csv("/api/reports/work-orders.csv?status=open", tenant.admin.token)).slice(1);
    expect(open.map((r) => r[0])).toEqual([ids[1]]);
    expect((await call("GET", "/api/reports/work-orders.csv?status=done", { token: tenant.admin.token })).status).toBe(400);
  });
});

describe("Fleet report (JSON, printed as a PDF by the PWA)", { timeout: 60_000 }, () => {
  it("answers the analytics API's numbers; the PDF drawn from them opens and holds the same totals", async () => {
    const tenant = await createTenant();
    const { "PDF-1": v1 } = await addVehicles(tenant, ["PDF-1"]);
    const P0 = Math.floor(Date.now() / DAY - 10) * DAY;
    await insertAlerts(tenant.id, [
      { vehicleId: v1!.id, severity: "critical", createdAt: P0 + HOUR, acknowledgedAt: P0 + HOUR + 90_000, resolvedAt: P0 + 2 * HOUR },
      { vehicleId: v1!.id, severity: "high", createdAt: P0 + DAY, acknowledgedAt: P0 + DAY + 30_000 },
      { vehicleId: v1!.id, severity: "low", createdAt: P0 + 2 * DAY },
    ]);
    await insertWorkOrders(tenant.id, [
      {
        vehicleId: v1!.id,
        status: "completed",
        completedAt: P0 + DAY,
        dueDate: P0 + 2 * DAY,
        startedAt: P0 + DAY - HOUR,
        costCents: 40_000,
      },
    ]);
    await insertMeterSamples(tenant.id, v1!.id, [
      [P0 + HOUR, 100],
      [P0 + 3 * DAY, 900],
    ]);
    const period = `from=${new Date(P0).toISOString()}&to=${new Date(P0 + 7 * DAY).toISOString()}`;

    const analytics = (await (
      await call("GET", `/api/analytics/alerts?bucket=day&${period}`, { token: tenant.admin.token })
    ).json()) as Json;
    const maintenance = (await (await call("GET", `/api/analytics/maintenance?${period}`, { token: tenant.admin.token })).json()) as Json;
    // Hand-computed: 3 alerts; MTTA (90 + 30) / 2 = 60 s; MTTR 3600 s; cost 400.00 over 800 km = 0.50 per km.
    expect(analytics.totals.all).toBe(3);
    expect(analytics.mttaSeconds).toBe(60);
    expect(analytics.mttrSeconds).toBe(3600);
    expect(maintenance.costPerKm).toBe(0.5);
    expect(maintenance.onTimePct).toBe(100);

    const res = await call("GET", `/api/reports/fleet.json?${period}`, { token: tenant.admin.token });
    expect(res.status).toBe(200);
    const report = (await res.json()) as FleetReportInput;
    expect(report.alerts).toEqual(analytics);
    expect(report.maintenance).toEqual(maintenance);
    // The PWA draws the PDF from that answer (app/src/fleet-report-pdf.ts).
    const bytes = await fleetReportPdf(report);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
    const { pages, text: raw } = await pdfText(bytes);
    expect(pages).toBeGreaterThanOrEqual(1);
    // Columns are padded with runs of spaces: compare with single spaces.
    const text = raw.replace(/ +/g, " ");
    for (const line of [
      "Total alerts: 3",
      "Critical: 1 High: 1 Medium: 0 Low: 1",
      "MTTA (s): 60 p90 (s): 90",
      "MTTR (s): 3600 p90 (s): 3600",
      "Completed work orders: 1",
      "On-time: 100% (1 of 1 with a due date)",
      "Cost: 400 Km: 800 Cost per km: 0.50",
      "Mean downtime (s): 3600",
      `Total alerts: ${analytics.totals.all}`,
      `Overdue work orders: ${maintenance.overdueCount}`,
    ]) {
      expect(text, line).toContain(line);
    }
  });
});
