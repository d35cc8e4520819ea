/**
 * The object's alert sync to D1 (durable-objects/alert-sync.ts, worker/hub/alert-snapshots.ts): an
 * alert raised since the last sync is inserted without a read first; a sync repeated because its
 * cursor was not stored (the object failed after D1's write) still leaves one row, the newest.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countD1Writes } from "./d1-writes";
import { driveTime, runHubAlarm } from "./drive";
import { addVehicles, call, countRows, createTenant, isoAt, postTelemetry } from "./helpers";

driveTime();

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const oilDrop = (vehicleId: string) => [0, 15].map((s) => ({ vehicleId, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));
const storedAlert = (id: string) =>
  env.DB.prepare("SELECT status, seq, acknowledged_at FROM alerts WHERE id = ?").bind(id).first<{ status: string; seq: number }>();

describe("alert sync to D1", { timeout: 30_000 }, () => {
  it("a sync repeated after its cursor was lost writes the alert once, at its newest", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["SY-1"]);
    expect((await postTelemetry(tenant, { events: oilDrop("SY-1") })).status).toBe(202);
    const first = await countD1Writes(() => runHubAlarm(tenant.id));
    // Raised since the last sync: inserted without reading D1 first.
    expect(Object.keys(first.callsByStatement).filter((s) => s.startsWith('select "id", "tenant_id", "seq"'))).toEqual([]);
    const list = (await (await call("GET", "/api/alerts", { token: tenant.admin.token })).json()) as { items: { id: string }[] };
    const alertId = list.items[0]!.id;
    expect((await storedAlert(alertId))?.status).toBe("open");

    // As if the object had failed after D1's write: the stored cursor goes back and a new instance
    // reads it (outbox-cursors.ts), so the raise is synced again.
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => {
      state.storage.sql.exec(
        "UPDATE meta SET value = json_set(value, '$.syncedSeq', 0, '$.notifiedSeq', 0, '$.proposedSeq', 0, '$.escalatedSeq', 0) WHERE key = 'outboxCursors'",
      );
      expect(state.storage.sql.exec("SELECT 1 FROM meta WHERE key = 'outboxCursors'").toArray()).toHaveLength(1);
    });
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => state.abort("failed after D1's write")).catch(() => {});
    expect((await call("POST", `/api/alerts/${alertId}/ack`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    await runHubAlarm(tenant.id);
    expect(await countRows("alerts", "id = ?", alertId)).toBe(1);
    const stored = await storedAlert(alertId);
    expect(stored?.status).toBe("acknowledged");
    const newest = await runInDurableObject(hubOf(tenant.id), (_hub, state) =>
      state.storage.sql.exec<{ seq: number }>("SELECT max(seq) AS seq FROM alert_events WHERE alert_id = ?", alertId).one(),
    );
    expect(stored?.seq).toBe(newest.seq);
  });
});
