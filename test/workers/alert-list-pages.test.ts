// Whole pages of GET /api/alerts remembered per isolate under the tenant's alert version
// (worker/services/alert-list-pages.ts): a repeated page costs one D1 statement, and the next
// list after any change — an acknowledgement, an assignment, a new alert — shows it; another
// tenant's identical request never gets this tenant's page.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { database } from "../../worker/db/client";
import type { AuthContext } from "../../worker/env";
import { VERSION_REUSE_MS } from "../../worker/services/alert-list-cache";
import { alertPage, alertPageJson } from "../../worker/services/alert-list-pages";
import { countingD1 } from "./counting-d1";
import { countD1Writes } from "./d1-writes";
import { driveTime } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, userWithRole, type TestTenant } from "./helpers";

type ListJson = {
  items: { id: string; vehicleId: string; status: string; assignee: { id: string; name: string } | null; commentCount: number }[];
  nextCursor: string | null;
  facets: { severity: Record<string, number>; status: Record<string, number> };
};

/** Alerts reach D1 on the object's alarm, off the hot path; tests sync now instead of waiting for it. */
const synced = (tenant: TestTenant) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();

async function list(tenant: TestTenant, query = "", token = tenant.admin.token) {
  await synced(tenant);
  const res = await call("GET", `/api/alerts${query}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as ListJson;
}

/** One overheating alert (held 60 s) per vehicle. */
async function overheat(tenant: TestTenant, externalIds: string[], from = 0) {
  const events = externalIds.flatMap((v) =>
    [0, 30, 60].map((s) => ({ vehicleId: v, ts: isoAt(from + s), readings: { engineTempC: 116 } })),
  );
  await postTelemetry(tenant, { events });
}

/**
 * This isolate's clock, moved by hand: a version read is reused for VERSION_REUSE_MS
 * (alert-list-cache.ts), so `pass()` lets the next page read it again.
 */
function handClock() {
  let now = Date.now();
  const spy = vi.spyOn(Date, "now").mockImplementation(() => now);
  return {
    pass: () => (now += VERSION_REUSE_MS),
    /** From now on every reading of the clock is VERSION_REUSE_MS after the last (a slow round trip between any two). */
    crawl: () => spy.mockImplementation(() => (now += VERSION_REUSE_MS)),
    [Symbol.dispose]: () => spy.mockRestore(),
  };
}

describe("remembered alert pages", () => {
  it("answer a repeated page with one D1 statement (none within the version's reuse), and the same page after a change shows it", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["P-1", "P-2", "P-3"]);
    await overheat(tenant, ["P-1", "P-2", "P-3"]);
    await synced(tenant);
    using clock = handClock();
    const d1 = countingD1(env.DB);
    const db = database(d1.binding);
    const auth: AuthContext = { tenantId: tenant.id, userId: tenant.admin.id, role: "admin" };
    const filters = [{}, { status: "open" as const }, { type: "engine_overheating" }, { q: "P-2" }];
    for (const f of filters) {
      const cold = await alertPage(d1.binding, db, auth, f, 2);
      d1.reset();
      expect(await alertPage(d1.binding, db, auth, f, 2)).toEqual(cold);
      expect(d1.count(), `${JSON.stringify(f)} within the reuse`).toBe(0);
      clock.pass();
      expect(await alertPage(d1.binding, db, auth, f, 2)).toEqual(cold);
      expect(d1.count(), JSON.stringify(f)).toBe(1);
    }
    // A change in D1 the way snapshots make it (a higher seq), by another isolate (nothing here
    // forgets the version): shown once the version's reuse has passed.
    const [newest] = (await alertPage(d1.binding, db, auth, { status: "open" }, 2)).items;
    await env.DB.prepare(
      "UPDATE alerts SET status = 'resolved', seq = (SELECT max(seq) + 1 FROM alerts WHERE tenant_id = ?1) WHERE id = ?2",
    )
      .bind(tenant.id, newest!.id)
      .run();
    clock.pass();
    d1.reset();
    const after = await alertPage(d1.binding, db, auth, { status: "open" }, 2);
    expect(d1.count()).toBeGreaterThan(1);
    expect(after.items.map((a) => a.id)).not.toContain(newest!.id);
    expect(after.facets.status.open).toBe(2);
    expect((await alertPage(d1.binding, db, auth, {}, 2)).facets.status).toMatchObject({ open: 2, resolved: 1 });
  });

  it("answer a range since a later time from the range since an earlier one up to the oldest alert it counts", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["W-1", "W-2", "W-3"]);
    // One alert each, created about 60 s, 660 s and 1,260 s after the file's time base.
    for (const [i, vehicle] of ["W-1", "W-2", "W-3"].entries()) await overheat(tenant, [vehicle], i * 600);
    await synced(tenant);
    using clock = handClock();
    const d1 = countingD1(env.DB);
    const db = database(d1.binding);
    const auth: AuthContext = { tenantId: tenant.id, userId: tenant.admin.id, role: "admin" };
    const since = (seconds: number) => ({ from: Date.parse(isoAt(seconds)) });
    const first = await alertPageJson(d1.binding, db, auth, since(0), 10);
    expect((JSON.parse(first) as ListJson).items).toHaveLength(3);

    // 30 s later, before the oldest alert of the range: the same alerts, so the same answer for the version alone.
    clock.pass();
    d1.reset();
    expect(await alertPageJson(d1.binding, db, auth, since(30), 10)).toBe(first);
    expect(d1.count()).toBe(1);

    // 300 s: W-1's alert is no longer in the range; read afresh, its facets without it.
    clock.pass();
    const later = JSON.parse(await alertPageJson(d1.binding, db, auth, since(300), 10)) as ListJson;
    expect(later.items).toHaveLength(2);
    expect(later.facets.status.open).toBe(2);
    expect(later.items.map((a) => a.vehicleId)).not.toContain((JSON.parse(first) as ListJson).items.at(-1)!.vehicleId);
  });

  it("serialise a repeated page once: the same JSON text until the alerts change", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["J-1", "J-2"]);
    await overheat(tenant, ["J-1", "J-2"]);
    await synced(tenant);
    const db = database(env.DB);
    const auth: AuthContext = { tenantId: tenant.id, userId: tenant.admin.id, role: "admin" };
    using clock = handClock();
    const text = await alertPageJson(env.DB, db, auth, { status: "open" }, 2);
    expect(JSON.parse(text)).toEqual(await alertPage(env.DB, db, auth, { status: "open" }, 2));
    const stringify = vi.spyOn(JSON, "stringify");
    expect(await alertPageJson(env.DB, db, auth, { status: "open" }, 2)).toBe(text);
    const pagesSerialised = stringify.mock.calls.filter(([value]) => typeof value === "object" && value !== null && "items" in value);
    stringify.mockRestore();
    expect(pagesSerialised).toEqual([]);
    const res = await call("GET", "/api/alerts?status=open&limit=2", { token: tenant.admin.token });
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe(text);
    const [newest] = (JSON.parse(text) as { items: { id: string }[] }).items;
    await env.DB.prepare(
      "UPDATE alerts SET status = 'resolved', seq = (SELECT max(seq) + 1 FROM alerts WHERE tenant_id = ?1) WHERE id = ?2",
    )
      .bind(tenant.id, newest!.id)
      .run();
    clock.pass();
    const after = JSON.parse(await alertPageJson(env.DB, db, auth, { status: "open" }, 2)) as { items: { id: string }[] };
    expect(after.items.map((a) => a.id)).toEqual((JSON.parse(text) as { items: { id: string }[] }).items.slice(1).map((a) => a.id));
  });

  it("show an acknowledgement, an assignment and a new alert on the very next list", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["A-1", "A-2"]);
    await overheat(tenant, ["A-1", "A-2"]);
    const first = await list(tenant, "?status=open&limit=10");
    expect(first.items).toHaveLength(2);
    expect(await list(tenant, "?status=open&limit=10")).toEqual(first); // remembered

    const [target] = first.items;
    expect((await call("POST", `/api/alerts/${target!.id}/ack`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    const afterAck = await list(tenant, "?status=open&limit=10");
    expect(afterAck.items.map((a) => a.id)).toEqual([first.items[1]!.id]);
    expect(afterAck.facets.status.open).toBe(1);
    expect((await list(tenant, "?limit=10")).facets.status).toMatchObject({ open: 1, acknowledged: 1 });

    const technician = await userWithRole(tenant, "technician");
    const put = await call("PUT", `/api/alerts/${target!.id}/assignee`, { token: tenant.admin.token, body: { userId: technician.id } });
    expect(put.status).toBe(200);
    const all = await list(tenant, "?limit=10");
    expect(all.items.find((a) => a.id === target!.id)).toMatchObject({ status: "acknowledged", assignee: { id: technician.id } });

    await addVehicles(tenant, ["A-3"]);
    await overheat(tenant, ["A-3"], 120);
    const afterNew = await list(tenant, "?status=open&limit=10");
    expect(afterNew.items).toHaveLength(2);
    expect(afterNew.facets.status.open).toBe(2);
  });

  it("show a vehicle's new name in a search on the very next list", async () => {
    const tenant = await createTenant();
    const vehicle = (await addVehicles(tenant, ["Alpha", "Bravo"])).Alpha;
    await overheat(tenant, ["Alpha", "Bravo"]);
    expect((await list(tenant, "?q=Spare&limit=10")).items).toEqual([]);
    const res = await call("PATCH", `/api/vehicles/${vehicle!.id}`, { token: tenant.admin.token, body: { name: "Spare" } });
    expect(res.status).toBe(200);
    expect((await list(tenant, "?q=Spare&limit=10")).items.map((a) => a.vehicleId)).toEqual([vehicle!.id]);
  });

  it("are never another tenant's: the same request of two tenants answers each its own", async () => {
    // Twin tenants: the same vehicles and readings give the same alert version (newest seq, total),
    // so only the tenant in the page's key keeps their pages apart.
    const one = await createTenant();
    const two = await createTenant();
    for (const tenant of [one, two]) {
      await addVehicles(tenant, ["T-1", "T-2"]);
      await overheat(tenant, ["T-1", "T-2"]);
    }
    for (const query of ["?limit=10", "?status=open&limit=10", "?type=engine_overheating&limit=10", "?limit=1"]) {
      const a = await list(one, query);
      const b = await list(two, query);
      expect(await list(one, query), query).toEqual(a);
      expect(b.facets, query).toEqual(a.facets);
      expect(a.items.length, query).toBeGreaterThan(0);
      const theirs = new Set(b.items.map((x) => x.id));
      expect(
        a.items.filter((x) => theirs.has(x.id)),
        query,
      ).toEqual([]);
    }
  });
});

describe("a remembered alert page and a token first seen here", () => {
  driveTime(); // no notification job of the alerts runs while the list's D1 calls are counted

  it("a token this isolate has not seen is answered in one D1 round trip: its session check carries the list's version", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["S-1", "S-2"]);
    await overheat(tenant, ["S-1", "S-2"]);
    const first = await list(tenant, "?status=open&limit=10"); // remembered under the version
    using clock = handClock();
    const newToken = async () => (await userWithRole(tenant, "manager")).token;
    const token = await newToken();
    clock.pass(); // no version read of before is reused
    const cold = await countD1Writes(async () => {
      const res = await call("GET", "/api/alerts?status=open&limit=10", { token });
      expect(await res.json()).toEqual(first);
    });
    // Two before: the session check, then the version.
    expect(cold.calls, JSON.stringify(cold.callsByStatement)).toBe(1);
    // However long the session check's round trip took (under a burst, often past the version's
    // reuse): the request uses the version it brought.
    const slow = await newToken();
    clock.crawl();
    const crawling = await countD1Writes(async () => {
      const res = await call("GET", "/api/alerts?status=open&limit=10", { token: slow });
      expect(await res.json()).toEqual(first);
    });
    expect(crawling.calls, JSON.stringify(crawling.callsByStatement)).toBe(1);
    clock.pass();

    // A change by another isolate (a higher seq, nothing here forgets the version): the version the
    // next new token's session check brings shows it.
    const [newest] = first.items;
    await env.DB.prepare(
      "UPDATE alerts SET status = 'resolved', seq = (SELECT max(seq) + 1 FROM alerts WHERE tenant_id = ?1) WHERE id = ?2",
    )
      .bind(tenant.id, newest!.id)
      .run();
    const another = await newToken();
    clock.pass();
    const res = await call("GET", "/api/alerts?status=open&limit=10", { token: another });
    expect(((await res.json()) as ListJson).items.map((a) => a.id)).toEqual([first.items[1]!.id]);
  });
});
