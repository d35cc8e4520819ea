import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantHub as TenantHubClass } from "../../worker/hub/tenant-hub";
import { TenantHub } from "../../worker/hub/tenant-hub";
import { advanceClock, driveTime, freezeClock, runHubAlarm } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";
import { openLive, settle } from "./live-helpers";

/**
 * A continuing episode's `alert.updated`: logged and streamed at most once per alert per 5 s, the
 * stored alert always current, and nothing lost when the object restarts between two logs.
 */
driveTime();

const hubOf = (tenant: TestTenant) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));

async function coolantTenant(externalId: string) {
  const tenant = await createTenant();
  await addVehicles(tenant, [externalId]);
  const rule = await call("POST", "/api/rules", {
    token: tenant.admin.token,
    body: { name: "Coolant hot", metric: "coolantTempC", op: "gt", threshold: 100, severity: "high" },
  });
  expect(rule.status).toBe(201);
  const post = async (s: number, value: number) =>
    expect(
      (await postTelemetry(tenant, { events: [{ vehicleId: externalId, ts: isoAt(s), readings: { coolantTempC: value } }] })).status,
    ).toBe(202);
  return { tenant, post };
}

describe("a continuing episode's updates", () => {
  it("are held (the stored alert current), logged and streamed once when due, a clearing at once; a resume replays what was logged", async () => {
    freezeClock();
    const { tenant, post } = await coolantTenant("C-1");
    const live = await openLive(tenant.admin.token);
    await live.waitFor((m) => m.type === "hello");

    await post(0, 105);
    const created = await live.waitFor((m) => m.type === "alert");
    const seq = created.seq!;
    // Two further matching readings within 5 s of the creation: the alert has them, the log and the stream do not yet.
    await post(10, 112);
    await post(20, 108);
    await settle(live);
    expect(live.messages.filter((m) => m.type === "alert.updated")).toEqual([]);
    const stored = await (await call("GET", `/api/alerts/${created.alert!.id}`, { token: tenant.admin.token })).json();
    expect(stored).toMatchObject({ value: 108, peakValue: 112, lastSeenAt: isoAt(20), seq });

    // Not due yet: the alarm logs nothing. Five seconds after the creation it logs the latest state once.
    await runHubAlarm(tenant.id);
    await settle(live);
    expect(live.messages.filter((m) => m.type === "alert.updated")).toEqual([]);
    advanceClock(5000);
    await runHubAlarm(tenant.id);
    const trailing = await live.waitFor((m) => m.type === "alert.updated");
    expect(trailing).toMatchObject({ seq: seq + 1, alert: { value: 108, peakValue: 112, lastSeenAt: isoAt(20) } });

    // A clearing is news: logged and sent at once, even within 5 s of the last update.
    await post(30, 90);
    const clearing = await live.waitFor((m) => m.type === "alert.updated" && m.seq === seq + 2);
    expect(clearing.alert).toMatchObject({ clearedAt: isoAt(30), value: 108, peakValue: 112 });
    await settle(live);
    expect(live.messages.filter((m) => m.type === "alert.updated").map((m) => m.seq)).toEqual([seq + 1, seq + 2]);

    // Resume replays every logged event: the coalesced update (with the latest values) and the clearing.
    const replay = await openLive(tenant.admin.token);
    await replay.waitFor((m) => m.type === "hello");
    replay.ws.send(JSON.stringify({ type: "resume", since: seq }));
    await replay.waitFor((m) => m.type === "alert.updated" && m.seq === seq + 2);
    expect(replay.messages.filter((m) => m.type !== "hello").map((m) => [m.type, m.seq])).toEqual([
      ["alert.updated", seq + 1],
      ["alert.updated", seq + 2],
    ]);
    live.close();
    replay.close();
  });

  it("survive the object's eviction before they are logged: the restarted object logs them", async () => {
    freezeClock();
    const { tenant, post } = await coolantTenant("V-1");
    await post(0, 105);
    await post(10, 125); // held: within 5 s of the creation
    await post(20, 118); // held
    const [alertId, heldSeq] = await runInDurableObject(hubOf(tenant), (_instance: TenantHubClass, state) => {
      const row = state.storage.sql.exec<{ data: string }>("SELECT data FROM alerts").one();
      const alert = JSON.parse(row.data) as { id: string; seq: number; value: number };
      expect(alert.value).toBe(105); // only the creation is logged
      return [alert.id, alert.seq] as const;
    });
    // Eviction: a fresh instance on the same storage, with none of the old one's memory.
    const synced = await runInDurableObject(hubOf(tenant), async (_instance: TenantHubClass, state) => {
      const reborn = new TenantHub(state, env);
      await state.blockConcurrencyWhile(async () => {});
      const alert = await reborn.alert(tenant.id, { userId: tenant.admin.id, role: "admin" }, alertId);
      expect(alert).toMatchObject({ value: 118, peakValue: 125, lastSeenAt: isoAt(20) });
      await reborn.syncNow();
      return JSON.parse(state.storage.sql.exec<{ data: string }>("SELECT data FROM alerts").one().data);
    });
    expect(synced).toMatchObject({ seq: heldSeq + 1, value: 118, peakValue: 125, lastSeenAt: isoAt(20) });
    const row = await env.DB.prepare("SELECT value, peak_value AS peak, seq FROM alerts WHERE id = ?").bind(alertId).first();
    expect(row).toEqual({ value: 118, peak: 125, seq: heldSeq + 1 });
  });
});
