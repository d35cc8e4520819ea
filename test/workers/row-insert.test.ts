// worker/db/row-insert.ts: a row written through the SQL built once reads back exactly as the
// same row written by drizzle's insert builder (JSON, booleans, nulls, SQL defaults), a repeat
// obeys its conflict clause, and a column with a JS default cannot be left out.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import { insertRow } from "../../worker/db/row-insert";
import { alerts, deliveries, users } from "../../worker/db/schema";
import { createTenant } from "./helpers";

describe("insertRow", () => {
  it("writes what drizzle's insert writes, and a repeat follows the conflict clause", async () => {
    const tenant = await createTenant();
    const db = database(env.DB);
    const row = (id: string) => ({
      id,
      tenantId: tenant.id,
      alertId: "alr_x",
      userId: tenant.admin.id,
      channel: "push" as const,
      status: "queued" as const,
      dueAt: 1_800_000_000_000,
      message: { title: "Low oil", alerts: [{ id: "alr_x" }], digest: true },
      updatedAt: 1_800_000_000_000,
      fallbackOf: null,
    });
    await env.DB.batch([insertRow(env.DB, deliveries, row("dlv_prebuilt"), "on conflict do nothing")]);
    await db.insert(deliveries).values(row("dlv_drizzle"));
    const [prebuilt] = await db.select().from(deliveries).where(eq(deliveries.id, "dlv_prebuilt"));
    const [built] = await db.select().from(deliveries).where(eq(deliveries.id, "dlv_drizzle"));
    expect({ ...prebuilt, id: "", createdAt: 0 }).toEqual({ ...built, id: "", createdAt: 0 });
    expect(prebuilt!.step).toBe(0); // the SQL default of a column left out
    expect(prebuilt!.createdAt).toBeGreaterThan(0);

    const again = await env.DB.batch([
      insertRow(env.DB, deliveries, { ...row("dlv_prebuilt"), status: "sent" }, 'on conflict do nothing returning "id"'),
    ]);
    expect(again[0]!.results).toHaveLength(0);
    const [kept] = await db.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.id, "dlv_prebuilt"));
    expect(kept!.status).toBe("queued");
  });

  it("encodes booleans as drizzle does", async () => {
    const tenant = await createTenant();
    const db = database(env.DB);
    const alert = {
      id: "alr_bool",
      tenantId: tenant.id,
      seq: 1,
      vehicleId: "veh_x",
      type: "speeding",
      severity: "low" as const,
      status: "open" as const,
      message: "m",
      occurrences: 1,
      silenced: true,
      createdAt: 1,
      lastSeenAt: 1,
    };
    await insertRow(env.DB, alerts, alert).run();
    const [read] = await db.select({ silenced: alerts.silenced }).from(alerts).where(eq(alerts.id, "alr_bool"));
    expect(read!.silenced).toBe(true);
  });

  it("refuses to leave out a column whose default is computed in JS", () => {
    expect(() =>
      insertRow(env.DB, users, { id: "usr_x", tenantId: "ten_x", name: "N", role: "admin", passwordHash: "h" } as never),
    ).toThrow(/users\.legacyEmail has a JS default/);
  });
});
