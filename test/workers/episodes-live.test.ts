import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, isoAt, postTelemetry } from "./helpers";
import { openLive, settle } from "./live-helpers";

/** A continuing episode's `alert.updated` on the live stream: at most one per alert per 5 s, the last state always sent. */
describe("live stream coalescing of a continuing episode", () => {
  it("holds back continuing updates, sends the latest state from the alarm, never holds back a clearing, and replays every update", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["C-1"]);
    const rule = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: { name: "Coolant hot", metric: "coolantTempC", op: "gt", threshold: 100, severity: "high" },
    });
    expect(rule.status).toBe(201);
    const coolant = (s: number, value: number) => ({ events: [{ vehicleId: "C-1", ts: isoAt(s), readings: { coolantTempC: value } }] });
    const live = await openLive(tenant.admin.token);
    await live.waitFor((m) => m.type === "hello");

    await postTelemetry(tenant, coolant(0, 105));
    const created = await live.waitFor((m) => m.type === "alert");
    // Two further matching readings within 5 s of the creation being sent: stored, but held back on the stream.
    await postTelemetry(tenant, coolant(10, 112));
    await postTelemetry(tenant, coolant(20, 108));
    await settle();
    expect(live.messages.filter((m) => m.type === "alert.updated")).toEqual([]);
    const stored = (await (await call("GET", `/api/alerts/${created.alert!.id}`, { token: tenant.admin.token })).json()) as Record<
      string,
      unknown
    >;
    expect(stored).toMatchObject({ value: 108, peakValue: 112, lastSeenAt: isoAt(20), seq: created.seq! + 2 });

    // The held-back update comes due (time is driven by moving its due time, not by waiting): the alarm sends the latest state once.
    const stub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("UPDATE live_pending SET due_at = 0"));
    await stub.syncNow(); // make sure no alarm run is mid-way; then run the alarm ourselves
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const trailing = await live.waitFor((m) => m.type === "alert.updated");
    expect(trailing).toMatchObject({ seq: created.seq! + 2, alert: { value: 108 } });

    // A clearing is news: sent at once, even within 5 s of the last message.
    await postTelemetry(tenant, coolant(30, 90));
    const clearing = await live.waitFor((m) => m.type === "alert.updated" && m.seq === created.seq! + 3);
    expect((clearing.alert as unknown as { clearedAt: string }).clearedAt).toBe(isoAt(30));
    await settle();
    expect(live.messages.filter((m) => m.type === "alert.updated").map((m) => m.seq)).toEqual([created.seq! + 2, created.seq! + 3]);

    // Resume replays every update with its own seq, the coalesced ones included.
    live.ws.send(JSON.stringify({ type: "resume", since: created.seq }));
    await live.waitFor((m) => m.type === "alert.updated" && m.seq === created.seq! + 1);
    live.close();
  });
});
