import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TenantHub } from "../../worker";
import { addVehicles, call, createTenant, isoAt, postTelemetry, TIME_BASE, userWithRole } from "./helpers";
import { openLive, settle } from "./live-helpers";

const dtcEvent = (externalId: string, seconds: number, code = "P0217") => ({
  vehicleId: externalId,
  ts: isoAt(seconds),
  readings: {},
  dtc: [code],
});
const clearEvent = (externalId: string, seconds: number) => ({ vehicleId: externalId, ts: isoAt(seconds), readings: {}, dtc: [] });

describe("live stream", () => {
  it("greets with hello/seq 0, then delivers an alert raised by a webhook, with the bearer subprotocol echoed", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["L-1"]);
    const live = await openLive(tenant.admin.token, "protocol");
    expect(live.response.headers.get("sec-websocket-protocol")).toBe(`bearer.${tenant.admin.token}`);
    expect(await live.waitFor((m) => m.type === "hello")).toEqual({ type: "hello", seq: 0 });
    expect((await postTelemetry(tenant, { events: [dtcEvent("L-1", 0)] })).status).toBe(202);
    const alert = await live.waitFor((m) => m.type === "alert");
    expect(alert).toMatchObject({ seq: 1, alert: { type: "diagnostic_trouble_code", status: "open" } });
    live.close();
  });

  it("rejects a missing or bad token with 401", async () => {
    const res = await exports.default.fetch(
      new Request("http://fleetpulse.test/api/live?token=nope", { headers: { upgrade: "websocket" } }),
    );
    expect(res.status).toBe(401);
    const none = await exports.default.fetch(new Request("http://fleetpulse.test/api/live", { headers: { upgrade: "websocket" } }));
    expect(none.status).toBe(401);
  });

  it("never sends one tenant's alerts to another tenant's sockets", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    await addVehicles(a, ["SAME-1"]);
    await addVehicles(b, ["SAME-1"]);
    const liveA = await openLive(a.admin.token);
    const liveB = await openLive(b.admin.token);
    await postTelemetry(a, { events: [dtcEvent("SAME-1", 0)] });
    await liveA.waitFor((m) => m.type === "alert");
    await settle(liveB);
    expect(liveB.messages.filter((m) => m.type !== "hello")).toEqual([]);
    liveA.close();
    liveB.close();
  });

  it("shows a driver only its own vehicle's alerts", async () => {
    const tenant = await createTenant();
    const driver = await userWithRole(tenant, "driver");
    await addVehicles(tenant, ["MINE"], { driverId: driver.id });
    await addVehicles(tenant, ["OTHER"]);
    const live = await openLive(driver.token);
    await postTelemetry(tenant, { events: [dtcEvent("OTHER", 0), dtcEvent("MINE", 1)] });
    const mine = await live.waitFor((m) => m.type === "alert");
    await settle(live);
    const alerts = live.messages.filter((m) => m.type === "alert");
    expect(alerts).toHaveLength(1);
    expect(mine.alert!.vehicleId).not.toBeUndefined();
    const detail = (await (await call("GET", `/api/alerts/${mine.alert!.id}`, { token: driver.token })).json()) as { message: string };
    expect(detail.message).toContain("Unit MINE");
    live.close();
  });

  it("replays every event after `since` on resume, in order, without gaps or duplicates", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["R-1", "R-2", "R-3"]);
    const first = await openLive(tenant.admin.token);
    await postTelemetry(tenant, { events: [dtcEvent("R-1", 0)] });
    const seen = await first.waitFor((m) => m.type === "alert");
    first.close();
    // While disconnected: two new alerts and an update.
    await postTelemetry(tenant, { events: [dtcEvent("R-2", 1), dtcEvent("R-3", 2)] });
    await call("POST", `/api/alerts/${seen.alert!.id}/ack`, { token: tenant.admin.token, body: {} });

    const second = await openLive(tenant.admin.token);
    const hello = await second.waitFor((m) => m.type === "hello");
    expect(hello.seq).toBe(4);
    second.ws.send(JSON.stringify({ type: "resume", since: seen.seq }));
    await second.waitFor((m) => m.type !== "hello" && m.seq === 4);
    // Alert events only: a work order the fault code proposed may stream too (it carries no seq).
    const replayed = second.messages.filter((m) => m.type === "alert" || m.type === "alert.updated");
    expect(replayed.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(replayed.map((m) => m.type)).toEqual(["alert", "alert", "alert.updated"]);
    expect(replayed[2]!.alert!.status).toBe("acknowledged");
    second.close();
  });

  it("answers a malformed client message with an error and keeps the socket", async () => {
    const tenant = await createTenant();
    const live = await openLive(tenant.admin.token);
    live.ws.send("{nonsense");
    expect(await live.waitFor((m) => m.type === "error")).toMatchObject({ type: "error" });
    live.ws.send(JSON.stringify({ type: "resume", since: 0 }));
    await settle(live); // the socket still answers
    live.close();
  });

  it("keeps seq, alerts and rule state across the object's eviction, and sockets keep their viewer", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["E-1"]);
    const live = await openLive(tenant.admin.token);
    await postTelemetry(tenant, { events: [{ vehicleId: "E-1", ts: isoAt(0), readings: { engineTempC: 115 } }] });
    const stub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    // Simulate eviction/hibernation: drop every in-memory field by building a fresh instance on the same storage.
    await runInDurableObject(stub, async (_instance: TenantHub, state) => {
      const reborn = new TenantHub(state, env);
      await state.blockConcurrencyWhile(async () => {});
      const result = await reborn.ingest(tenant.id, "std:after-eviction", [
        { vehicleId: "E-1", ts: TIME_BASE + 60_000, readings: { engineTempC: 116 } },
      ]);
      expect(result).toEqual({ ok: true, accepted: 1 });
      // The held-for-60 s state survived: the second reading, 60 s later, fired the alert.
      expect(state.storage.sql.exec("SELECT count(*) AS n FROM alerts").one()).toEqual({ n: 1 });
      expect(state.getWebSockets().map((ws) => ws.deserializeAttachment())).toEqual([{ userId: tenant.admin.id, role: "admin" }]);
    });
    const alert = await live.waitFor((m) => m.type === "alert");
    expect(alert).toMatchObject({ seq: 1, alert: { type: "engine_overheating" } });
    live.close();
  });
});

describe("SSE", () => {
  it("streams with id = seq and replays after Last-Event-ID", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["S-1", "S-2"]);
    await postTelemetry(tenant, { events: [dtcEvent("S-1", 0), dtcEvent("S-2", 1)] });
    const res = await exports.default.fetch(
      new Request(`http://fleetpulse.test/api/live/sse?token=${tenant.admin.token}`, { headers: { "last-event-id": "1" } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("id: 2")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: hello\ndata: {"type":"hello","seq":2}');
    expect(text).not.toContain("id: 1\n");
    expect(text).toMatch(/id: 2\nevent: alert\ndata: \{"type":"alert","seq":2/);
    // And live: a new alert arrives on the open stream.
    await postTelemetry(tenant, { events: [clearEvent("S-1", 5), dtcEvent("S-1", 6, "P0300")] });
    while (!text.includes("id: 3")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain("P0300");
    await reader.cancel();
  });
});

describe("live stream extras", () => {
  it("answers the heartbeat without waking the object and sends work-order updates to staff only", async () => {
    const tenant = await createTenant();
    const driver = await userWithRole(tenant, "driver");
    const staff = await openLive(tenant.admin.token);
    const driverLive = await openLive(driver.token);
    staff.ws.send('{"type":"ping"}');
    expect(await staff.waitFor((m) => m.type === "pong")).toEqual({ type: "pong" });
    await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).publishWorkOrder(tenant.id, { id: "wo_1", status: "scheduled" });
    expect(await staff.waitFor((m) => m.type === "workorder.updated")).toMatchObject({ workOrder: { id: "wo_1" } });
    await settle(driverLive);
    expect(driverLive.messages.map((m) => m.type)).toEqual(["hello"]);
    staff.close();
    driverLive.close();
  });
});
