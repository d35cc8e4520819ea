/** GET /api/work-orders: cursor paging past 500, full-text search and facets over the filtered set. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, userWithRole } from "./helpers";

type Json = any;
const get = async (token: string, query: string) => {
  const res = await call("GET", `/api/work-orders?${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Json;
};

describe("work orders list", () => {
  it("pages every work order once, newest first, with facets over the whole filtered set", async () => {
    const tenant = await createTenant();
    const v = await addVehicles(tenant, ["A-1", "B-2"]);
    const token = tenant.admin.token;
    const priorities = ["urgent", "high", "normal", "low"];
    for (let i = 0; i < 12; i++) {
      const vehicleId = i % 3 === 0 ? v["B-2"]!.id : v["A-1"]!.id;
      const title = i === 5 ? "Replace brake pads" : i === 7 ? "Brake fluid flush" : `Inspection ${i}`;
      const res = await call("POST", "/api/work-orders", { token, body: { vehicleId, title, priority: priorities[i % 4] } });
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let first: Json = null;
    do {
      const page: Json = await get(token, `limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      first ??= page;
      seen.push(...page.items.map((w: Json) => w.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(first.facets.status).toEqual({ open: 12, scheduled: 0, in_progress: 0, completed: 0, cancelled: 0 });
    expect(first.facets.priority).toEqual({ urgent: 3, high: 3, normal: 3, low: 3 });
    expect(first.facets.vehicle).toEqual({ [v["A-1"]!.id]: 8, [v["B-2"]!.id]: 4 });

    // A filter narrows the items and the other facets; its own facet still counts every value.
    const urgent = await get(token, "priority=urgent");
    expect(urgent.items).toHaveLength(3);
    expect(urgent.facets.priority).toEqual({ urgent: 3, high: 3, normal: 3, low: 3 });
    // Urgent: orders 0 (B-2), 4 and 8 (A-1).
    expect(urgent.facets.vehicle).toEqual({ [v["B-2"]!.id]: 1, [v["A-1"]!.id]: 2 });

    // Full text: prefixes of words in the title, the vehicle's name and, once written, the notes.
    const brake = await get(token, "q=brak");
    expect(brake.items.map((w: Json) => w.title).sort()).toEqual(["Brake fluid flush", "Replace brake pads"]);
    expect(brake.facets.status.open).toBe(2);
    const byVehicle = await get(token, `q=${encodeURIComponent("Unit B-2")}`);
    expect(byVehicle.items).toHaveLength(4);
    const target = (await get(token, "q=inspection&limit=1")).items[0];
    await call("PATCH", `/api/work-orders/${target.id}`, { token, body: { notes: "Customer reports squealing" } });
    expect((await get(token, "q=squeal")).items.map((w: Json) => w.id)).toEqual([target.id]);
    // Renaming the vehicle re-indexes its work orders.
    await call("PATCH", `/api/vehicles/${v["B-2"]!.id}`, { token, body: { name: "Tanker" } });
    expect((await get(token, "q=tanker")).items).toHaveLength(4);
    expect((await get(token, "q=%21%21")).items).toHaveLength(0);
  });

  it("keeps a technician's scope in items and facets, and another tenant's work orders out of search", async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    const v = await addVehicles(tenant, ["T-1"]);
    const o = await addVehicles(other, ["T-1"]);
    await call("POST", "/api/work-orders", {
      token: other.admin.token,
      body: { vehicleId: o["T-1"]!.id, title: "Secret gearbox", priority: "low" },
    });
    const res = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: v["T-1"]!.id, title: "Gearbox", priority: "low" },
    });
    const wo = (await res.json()) as Json;
    await env.DB.prepare("UPDATE work_orders SET status = 'cancelled' WHERE id = ?").bind(wo.id).run();
    await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: v["T-1"]!.id, title: "Gearbox check", priority: "low" },
    });
    const technician = await userWithRole(tenant, "technician");
    const seen = await get(technician.token, "q=gearbox");
    expect(seen.items.map((w: Json) => w.title)).toEqual(["Gearbox check"]);
    expect(seen.facets.status).toMatchObject({ open: 1, cancelled: 0 });
    expect((await get(tenant.admin.token, "q=secret")).items).toHaveLength(0);
  });
});
