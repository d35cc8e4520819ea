import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runSweep } from "../../worker/scheduled";
import { sweepEngagement } from "../../worker/services/engagement";
import { DAY, HOUR, insertAlerts, insertMeterSamples, insertTechnician, insertWorkOrders } from "./analytics-fixtures";
import { addVehicles, call, countRows, createTenant, userWithRole, type TestTenant } from "./helpers";

type Json = any;
const body = async (res: Response): Promise<Json> => res.json();
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY);
/** Noon (UTC) of the day `n` days before today. */
const noon = (daysAgo: number) => (TODAY - daysAgo) * DAY + 12 * HOUR;
const backdateUser = (userId: string, days: number) =>
  env.DB.prepare("UPDATE users SET created_at = ? WHERE id = ?")
    .bind(NOW - days * DAY, userId)
    .run();
const points = async (userId: string) =>
  (await env.DB.prepare("SELECT coalesce(sum(points), 0) AS p FROM points_ledger WHERE user_id = ?").bind(userId).first<{ p: number }>())!
    .p;

async function driverWithVehicle(tenant: TestTenant, externalId: string) {
  const driver = await userWithRole(tenant, "driver");
  await backdateUser(driver.id, 40);
  const { [externalId]: vehicle } = await addVehicles(tenant, [externalId], { driverId: driver.id });
  return { driver, vehicle: vehicle! };
}

/**
 * Drivers and technicians with hand-computed outcomes (see each comment). Safe-day points: 10 per
 * closed UTC day of the last 7 on which the driver's vehicle's odometer rose and no safety alert came.
 */
async function seed() {
  const tenant = await createTenant();
  const manager = await userWithRole(tenant, "manager");

  // d1: last safety alert 40 days ago; drove 3 and 1 days ago (not 2 days ago: odometer unchanged).
  // → 2 safe days (20) + Safe Driver (streak 40 ≥ 30, 100 km in 30 days) bonus 100 = 120.
  const d1 = await driverWithVehicle(tenant, "EG-1");
  await insertMeterSamples(tenant.id, d1.vehicle.id, [
    [noon(35), 1000],
    [noon(3), 1500],
    [noon(2), 1500],
    [noon(1), 1600],
  ]);
  await insertAlerts(tenant.id, [{ vehicleId: d1.vehicle.id, type: "speeding", createdAt: NOW - 40 * DAY }]);

  // d2: harsh braking 2 days ago (no points that day), low battery yesterday (not a safety alert).
  // → 1 safe day = 10; streak: whole days since that alert (1 or 2, by the time of day): no badge;
  // safety score: 1 alert / 100 km → 100 − 10 × 1 = 90.
  const d2 = await driverWithVehicle(tenant, "EG-2");
  await insertMeterSamples(tenant.id, d2.vehicle.id, [
    [noon(36), 0],
    [noon(2), 200],
    [noon(1), 300],
  ]);
  await insertAlerts(tenant.id, [
    { vehicleId: d2.vehicle.id, type: "harsh_braking", createdAt: noon(2) + HOUR },
    { vehicleId: d2.vehicle.id, type: "low_battery", createdAt: noon(1) + HOUR },
  ]);

  // d3: d1's record, but opted out → nothing.
  const d3 = await driverWithVehicle(tenant, "EG-3");
  await insertMeterSamples(tenant.id, d3.vehicle.id, [
    [noon(35), 1000],
    [noon(5), 1500],
    [noon(1), 1600],
  ]);
  expect((await call("PUT", "/api/me/engagement", { token: d3.driver.token, body: { optedOut: true } })).status).toBe(200);

  // t1: an old late completion, then 5 on time → 10 + 5 × 20 = 110, First Fix 10, 5-Star 100 = 220; streak 5.
  const t1 = await userWithRole(tenant, "technician");
  const tech1 = await insertTechnician(tenant.id, "Tech One", t1.id);
  const v = d1.vehicle.id;
  await insertWorkOrders(tenant.id, [
    { vehicleId: v, status: "completed", technicianId: tech1, dueDate: noon(20), completedAt: noon(19) },
    ...[18, 17, 16, 15, 14].map((d) => ({
      vehicleId: v,
      status: "completed" as const,
      technicianId: tech1,
      dueDate: noon(d) + HOUR,
      completedAt: noon(d),
    })),
  ]);
  // t2: one late completion → 10 + First Fix 10 = 20; streak 0.
  const t2 = await userWithRole(tenant, "technician");
  const tech2 = await insertTechnician(tenant.id, "Tech Two", t2.id);
  await insertWorkOrders(tenant.id, [{ vehicleId: v, status: "completed", technicianId: tech2, dueDate: noon(10), completedAt: noon(9) }]);
  return { tenant, manager, d1, d2, d3, t1, t2, d2Streak: Math.floor((NOW - (noon(2) + HOUR)) / DAY) };
}

describe("engagement: points, badges, streaks and the leaderboard", { timeout: 60_000 }, () => {
  it("awards exactly once across two sweeps, ranks drivers and technicians, respects opt-out, hiding and tenants", async () => {
    const f = await seed();
    const first = await sweepEngagement(env, f.tenant.id, NOW);
    expect(first.badges.map((b) => `${b.userId}:${b.badge}`).sort()).toEqual(
      [`${f.d1.driver.id}:safe-driver`, `${f.t1.id}:first-fix`, `${f.t1.id}:five-star-technician`, `${f.t2.id}:first-fix`].sort(),
    );
    expect(await points(f.d1.driver.id)).toBe(120);
    expect(await points(f.d2.driver.id)).toBe(10);
    expect(await points(f.d3.driver.id)).toBe(0);
    expect(await points(f.t1.id)).toBe(220);
    expect(await points(f.t2.id)).toBe(20);

    // Second sweep (and the full cron sweep): nothing new.
    const ledger = await countRows("points_ledger", "tenant_id = ?", f.tenant.id);
    const awards = await countRows("badge_awards", "tenant_id = ?", f.tenant.id);
    expect(await sweepEngagement(env, f.tenant.id, NOW)).toEqual({ points: 0, badges: [] });
    await runSweep(env, NOW);
    expect(await countRows("points_ledger", "tenant_id = ?", f.tenant.id)).toBe(ledger);
    expect(await countRows("badge_awards", "tenant_id = ?", f.tenant.id)).toBe(awards);
    expect(await points(f.t1.id)).toBe(220);

    const drivers = await body(await call("GET", "/api/leaderboard?kind=drivers", { token: f.d2.driver.token }));
    expect(drivers.hidden).toBe(false);
    expect(
      drivers.items.map((i: Json) => [i.rank, i.userId, i.points, i.streak, i.safetyScore, i.badges.map((b: Json) => b.name)]),
    ).toEqual([
      [1, f.d1.driver.id, 120, 40, 100, ["Safe Driver"]],
      [2, f.d2.driver.id, 10, f.d2Streak, 90, []],
    ]);
    const techs = await body(await call("GET", "/api/leaderboard?kind=technicians", { token: f.t2.token }));
    expect(techs.items.map((i: Json) => [i.rank, i.userId, i.name, i.points, i.streak, i.badges.map((b: Json) => b.id)])).toEqual([
      [1, f.t1.id, "technician user", 220, 5, ["first-fix", "five-star-technician"]],
      [2, f.t2.id, "technician user", 20, 0, ["first-fix"]],
    ]);

    // Badges per user; an opted-out user's are private (404) except to itself.
    const badges = await body(await call("GET", `/api/users/${f.t1.id}/badges`, { token: f.d1.driver.token }));
    expect(badges.badges.map((b: Json) => b.name)).toEqual(["First Fix", "5-Star Technician"]);
    expect((await call("GET", `/api/users/${f.d3.driver.id}/badges`, { token: f.d1.driver.token })).status).toBe(404);
    expect((await call("GET", `/api/users/${f.d3.driver.id}/badges`, { token: f.d3.driver.token })).status).toBe(200);
    const own = await body(await call("GET", "/api/me/engagement", { token: f.d2.driver.token }));
    expect(own).toEqual({ userId: f.d2.driver.id, optedOut: false, points: 10, badges: [], streak: f.d2Streak, safetyScore: 90 });

    // Opting back in: the next sweep finds d3's safe days of the past week (5 and 1 days ago: 20) and Safe Driver (100).
    await call("PUT", "/api/me/engagement", { token: f.d3.driver.token, body: { optedOut: false } });
    const later = await sweepEngagement(env, f.tenant.id, NOW);
    expect(later.badges).toEqual([{ userId: f.d3.driver.id, badge: "safe-driver" }]);
    expect(await points(f.d3.driver.id)).toBe(120);

    // Hidden board: drivers and technicians see nothing, managers still do; only managers/admins may switch it.
    expect((await call("PUT", "/api/engagement/settings", { token: f.d1.driver.token, body: { leaderboardHidden: true } })).status).toBe(
      403,
    );
    const hide = await call("PUT", "/api/engagement/settings", { token: f.manager.token, body: { leaderboardHidden: true } });
    expect(await body(hide)).toEqual({ leaderboardHidden: true });
    expect(await body(await call("GET", "/api/leaderboard?kind=drivers", { token: f.d1.driver.token }))).toEqual({
      kind: "drivers",
      hidden: true,
      items: [],
    });
    const managerView = await body(await call("GET", "/api/leaderboard?kind=drivers", { token: f.manager.token }));
    expect(managerView.hidden).toBe(true);
    expect(managerView.items).toHaveLength(3);

    // Another tenant: its own empty board, and our users are not found.
    const other = await createTenant();
    expect((await body(await call("GET", "/api/leaderboard?kind=drivers", { token: other.admin.token }))).items).toEqual([]);
    expect((await call("GET", `/api/users/${f.t1.id}/badges`, { token: other.admin.token })).status).toBe(404);
    expect(await body(await call("GET", "/api/engagement/settings", { token: other.admin.token }))).toEqual({ leaderboardHidden: false });
  });

  it("awards a technician's points and First Fix on completion through the API, once", async () => {
    const tenant = await createTenant();
    const tech = await userWithRole(tenant, "technician");
    const { "EV-1": vehicle } = await addVehicles(tenant, ["EV-1"]);
    const shifts = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "23:30" }));
    const technician = await body(
      await call("POST", "/api/technicians", {
        token: tenant.admin.token,
        body: { name: "Eve", userId: tech.id, skills: [], shifts, timeZone: "UTC" },
      }),
    );
    const start = (TODAY + 1) * DAY + 10 * HOUR;
    const wo = await body(
      await call("POST", "/api/work-orders", {
        token: tenant.admin.token,
        body: { vehicleId: vehicle!.id, title: "Brakes", priority: "normal", dueDate: new Date(start + 7 * DAY).toISOString() },
      }),
    );
    const patch = (payload: unknown) => call("PATCH", `/api/work-orders/${wo.id}`, { token: tenant.admin.token, body: payload });
    expect(
      (
        await patch({
          technicianId: technician.id,
          scheduledStart: new Date(start).toISOString(),
          scheduledEnd: new Date(start + HOUR).toISOString(),
        })
      ).status,
    ).toBe(200);
    expect((await patch({ status: "in_progress" })).status).toBe(200);
    expect((await patch({ status: "completed" })).status).toBe(200);
    // On time (10 + 10) and First Fix (10), right away, before any sweep.
    expect(await points(tech.id)).toBe(30);
    expect((await body(await call("GET", "/api/me/engagement", { token: tech.token }))).badges.map((b: Json) => b.id)).toEqual([
      "first-fix",
    ]);
    await sweepEngagement(env, tenant.id);
    expect(await points(tech.id)).toBe(30);
    expect(await countRows("points_ledger", "user_id = ?", tech.id)).toBe(2);
  });

  it("validates bodies and queries with problem JSON naming each field", async () => {
    const tenant = await createTenant();
    const bad = await call("PUT", "/api/me/engagement", { token: tenant.admin.token, body: { optedOut: "yes", extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect((await body(bad)).errors.map((e: Json) => e.path).sort()).toEqual(["extra", "optedOut"]);
    const kind = await call("GET", "/api/leaderboard?kind=cats", { token: tenant.admin.token });
    expect(kind.status).toBe(400);
    expect((await body(kind)).errors.map((e: Json) => e.path)).toEqual(["kind"]);
    const settings = await call("PUT", "/api/engagement/settings", { token: tenant.admin.token, body: {} });
    expect((await body(settings)).errors.map((e: Json) => e.path)).toEqual(["leaderboardHidden"]);
    expect((await call("GET", "/api/leaderboard")).status).toBe(401);
  });
});
