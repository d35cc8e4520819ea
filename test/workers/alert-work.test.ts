/// <reference path="../stand-ins/env.d.ts" />
/** Alert work: assigning an alert, its comment thread and reopening, each on the live stream and in the audit log. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drainQueue, driveTime, freezeClock, runHubAlarm } from "./drive";
import { addVehicles, call, countRows, createTenant, isoAt, login, postTelemetry, userWithRole, type TestTenant } from "./helpers";
import { openLive, settle } from "./live-helpers";

// The tenant's alarm and the notification queue run when a test says so (see drive.ts).
driveTime();

const DAY = 86_400_000;
const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));

interface AlertJson {
  id: string;
  seq: number;
  vehicleId: string;
  status: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  acknowledgedAt: string | null;
  assignee: { id: string; name: string } | null;
  commentCount: number;
}
interface CommentJson {
  id: string;
  alertId: string;
  body: string;
  author: { id: string; name: string };
  createdAt: string;
}
interface Problem {
  status: number;
  errors?: { path: string; message: string }[];
}

/** A tenant with vehicles W-1 (driven by `driver`) and W-2, and an open low-oil-pressure alert on each. */
async function tenantWithAlerts() {
  const tenant = await createTenant();
  const driver = await userWithRole(tenant, "driver");
  const vehicles = await addVehicles(tenant, ["W-1", "W-2"]);
  expect(
    (await call("PATCH", `/api/vehicles/${vehicles["W-1"]!.id}`, { token: tenant.admin.token, body: { driverId: driver.id } })).status,
  ).toBe(200);
  const oilDrop = (id: string) => [0, 10].map((s) => ({ vehicleId: id, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));
  expect((await postTelemetry(tenant, { events: [...oilDrop("W-1"), ...oilDrop("W-2")] })).status).toBe(202);
  await runHubAlarm(tenant.id);
  const list = (await (await call("GET", "/api/alerts", { token: tenant.admin.token })).json()) as { items: AlertJson[] };
  const own = list.items.find((a) => a.vehicleId === vehicles["W-1"]!.id)!;
  const other = list.items.find((a) => a.vehicleId === vehicles["W-2"]!.id)!;
  expect(own).toBeDefined();
  expect(other).toBeDefined();
  return { tenant, driver, own, other };
}

const alertOf = async (tenant: TestTenant, id: string, token = tenant.admin.token) =>
  (await (await call("GET", `/api/alerts/${id}`, { token })).json()) as AlertJson;

/** The alert as D1 holds it (what `GET /api/alerts` lists). */
const listed = async (tenant: TestTenant, id: string) =>
  ((await (await call("GET", "/api/alerts?limit=500", { token: tenant.admin.token })).json()) as { items: AlertJson[] }).items.find(
    (a) => a.id === id,
  );

const auditActions = async (tenantId: string, targetId: string) =>
  (
    await env.DB.prepare(
      "SELECT action, actor_id AS actorId, detail FROM audit_log WHERE tenant_id = ? AND target_id = ? ORDER BY created_at, id",
    )
      .bind(tenantId, targetId)
      .all<{ action: string; actorId: string; detail: string | null }>()
  ).results;

describe("assigning an alert", () => {
  it("sets the assignee, streams it as alert.updated with the next seq, lists it and audits it", async () => {
    const { tenant, own } = await tenantWithAlerts();
    const manager = await userWithRole(tenant, "manager");
    const technician = await userWithRole(tenant, "technician");
    const live = await openLive(manager.token);
    try {
      const res = await call("PUT", `/api/alerts/${own.id}/assignee`, { token: manager.token, body: { userId: technician.id } });
      expect(res.status).toBe(200);
      const assigned = (await res.json()) as AlertJson;
      expect(assigned.assignee).toEqual({ id: technician.id, name: "technician user" });
      expect(assigned.seq).toBeGreaterThan(own.seq);

      const message = await live.waitFor((m) => m.type === "alert.updated" && m.alert?.id === own.id);
      expect(message.seq).toBe(assigned.seq);
      expect((message.alert as unknown as AlertJson).assignee).toEqual({ id: technician.id, name: "technician user" });
      expect((await alertOf(tenant, own.id)).assignee).toEqual({ id: technician.id, name: "technician user" });
      expect((await listed(tenant, own.id))?.assignee).toEqual({ id: technician.id, name: "technician user" });

      // Assigning the same person again records nothing new.
      const again = await call("PUT", `/api/alerts/${own.id}/assignee`, { token: manager.token, body: { userId: technician.id } });
      expect(((await again.json()) as AlertJson).seq).toBe(assigned.seq);

      const cleared = await call("PUT", `/api/alerts/${own.id}/assignee`, { token: technician.token, body: { userId: null } });
      expect(cleared.status).toBe(200);
      expect(((await cleared.json()) as AlertJson).assignee).toBeNull();
      expect((await listed(tenant, own.id))?.assignee).toBeNull();

      const audit = await auditActions(tenant.id, own.id);
      expect(audit.map((a) => [a.action, a.actorId])).toEqual([
        ["alert.assign", manager.id],
        ["alert.assign", manager.id],
        ["alert.assign", technician.id],
      ]);
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ assigneeId: technician.id });
    } finally {
      live.close();
    }
  });

  it("rejects an assignee who is not an active user of the tenant, or a driver of another vehicle, at path userId, changing nothing", async () => {
    const { tenant, driver, own, other } = await tenantWithAlerts();
    const elsewhere = await createTenant();
    const gone = await userWithRole(tenant, "technician");
    expect((await call("PATCH", `/api/users/${gone.id}`, { token: tenant.admin.token, body: { active: false } })).status).toBe(200);

    for (const [alertId, userId] of [
      [own.id, elsewhere.admin.id],
      [own.id, gone.id],
      [own.id, "usr_nobody"],
      [other.id, driver.id],
    ] as const) {
      const res = await call("PUT", `/api/alerts/${alertId}/assignee`, { token: tenant.admin.token, body: { userId } });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as Problem).errors?.map((e) => e.path)).toEqual(["userId"]);
    }
    const malformed = await call("PUT", `/api/alerts/${own.id}/assignee`, { token: tenant.admin.token, body: { user: "x" } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Problem).errors?.map((e) => e.path).sort()).toEqual(["user", "userId"]);

    expect((await alertOf(tenant, own.id)).seq).toBe(own.seq);
    expect((await alertOf(tenant, other.id)).seq).toBe(other.seq);
    expect(await auditActions(tenant.id, own.id)).toEqual([]);

    // The vehicle's own driver may be assigned its alert.
    const res = await call("PUT", `/api/alerts/${own.id}/assignee`, { token: tenant.admin.token, body: { userId: driver.id } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AlertJson).assignee?.id).toBe(driver.id);
  });

  it("is for staff only, and another tenant's alert is not found", async () => {
    const { tenant, driver, own } = await tenantWithAlerts();
    expect((await call("PUT", `/api/alerts/${own.id}/assignee`, { token: driver.token, body: { userId: driver.id } })).status).toBe(403);
    const elsewhere = await createTenant();
    const res = await call("PUT", `/api/alerts/${own.id}/assignee`, { token: elsewhere.admin.token, body: { userId: elsewhere.admin.id } });
    expect(res.status).toBe(404);
    expect((await alertOf(tenant, own.id)).assignee).toBeNull();
  });
});

describe("commenting on an alert", () => {
  it("keeps a thread, oldest first with author and time, counts it on the alert and streams the count", async () => {
    const { tenant, own } = await tenantWithAlerts();
    const manager = await userWithRole(tenant, "manager");
    const live = await openLive(tenant.admin.token);
    try {
      const first = await call("POST", `/api/alerts/${own.id}/comments`, {
        token: manager.token,
        body: { body: "  Driver says the gauge flickers  " },
      });
      expect(first.status).toBe(201);
      const comment = (await first.json()) as CommentJson;
      expect(comment).toMatchObject({
        alertId: own.id,
        body: "Driver says the gauge flickers",
        author: { id: manager.id, name: "manager user" },
      });
      expect(Date.parse(comment.createdAt)).not.toBeNaN();
      const second = await call("POST", `/api/alerts/${own.id}/comments`, {
        token: tenant.admin.token,
        body: { body: "Booked into the shop" },
      });
      expect(second.status).toBe(201);

      const thread = await call("GET", `/api/alerts/${own.id}/comments`, { token: manager.token });
      expect(thread.status).toBe(200);
      const { items, nextCursor } = (await thread.json()) as { items: CommentJson[]; nextCursor: string | null };
      expect(items.map((c) => [c.body, c.author.id])).toEqual([
        ["Driver says the gauge flickers", manager.id],
        ["Booked into the shop", tenant.admin.id],
      ]);
      expect(nextCursor).toBeNull();
      const firstPage = (await (await call("GET", `/api/alerts/${own.id}/comments?limit=1`, { token: manager.token })).json()) as {
        items: CommentJson[];
        nextCursor: string;
      };
      expect(firstPage.items.map((c) => c.body)).toEqual(["Driver says the gauge flickers"]);
      const rest = (await (
        await call("GET", `/api/alerts/${own.id}/comments?limit=1&cursor=${firstPage.nextCursor}`, { token: manager.token })
      ).json()) as { items: CommentJson[] };
      expect(rest.items.map((c) => c.body)).toEqual(["Booked into the shop"]);

      expect((await alertOf(tenant, own.id)).commentCount).toBe(2);
      expect((await listed(tenant, own.id))?.commentCount).toBe(2);
      const counted = await live.waitFor((m) => m.type === "alert.updated" && (m.alert as unknown as AlertJson).commentCount === 2);
      const countedOne = live.messages.find((m) => m.type === "alert.updated" && (m.alert as unknown as AlertJson).commentCount === 1);
      expect(countedOne!.seq).toBe(counted.seq! - 1);
      expect((await auditActions(tenant.id, own.id)).map((a) => a.action)).toEqual(["alert.comment", "alert.comment"]);
    } finally {
      live.close();
    }
  });

  it("lets a driver comment on its own vehicle's alerts only; other tenants and bad bodies change nothing", async () => {
    const { tenant, driver, own, other } = await tenantWithAlerts();
    const mine = await call("POST", `/api/alerts/${own.id}/comments`, { token: driver.token, body: { body: "Topped up the oil" } });
    expect(mine.status).toBe(201);
    expect(((await mine.json()) as CommentJson).author.id).toBe(driver.id);
    expect((await call("GET", `/api/alerts/${own.id}/comments`, { token: driver.token })).status).toBe(200);

    expect((await call("POST", `/api/alerts/${other.id}/comments`, { token: driver.token, body: { body: "Not mine" } })).status).toBe(404);
    expect((await call("GET", `/api/alerts/${other.id}/comments`, { token: driver.token })).status).toBe(404);
    const elsewhere = await createTenant();
    expect((await call("POST", `/api/alerts/${own.id}/comments`, { token: elsewhere.admin.token, body: { body: "Hello" } })).status).toBe(
      404,
    );
    expect((await call("GET", `/api/alerts/${own.id}/comments`, { token: elsewhere.admin.token })).status).toBe(404);

    for (const body of [{ body: "   " }, {}, { body: "x".repeat(4001) }, { body: "ok", extra: 1 }]) {
      const res = await call("POST", `/api/alerts/${own.id}/comments`, { token: tenant.admin.token, body });
      expect(res.status).toBe(400);
      const paths = ((await res.json()) as Problem).errors?.map((e) => e.path);
      expect(paths).toEqual("extra" in body ? ["extra"] : ["body"]);
    }
    expect(await countRows("alert_comments", "alert_id = ?", own.id)).toBe(1);
    expect(await countRows("alert_comments", "alert_id = ?", other.id)).toBe(0);
    expect((await alertOf(tenant, own.id)).commentCount).toBe(1);
  });

  it("a comment on a resolved alert sends no second resolved notice", async () => {
    const { tenant, own } = await tenantWithAlerts();
    expect((await call("POST", `/api/alerts/${own.id}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    await runHubAlarm(tenant.id);
    await drainQueue();
    const before = await countRows("deliveries", "tenant_id = ? AND topic = 'alert.resolved'", tenant.id);
    expect(before).toBeGreaterThan(0);

    expect(
      (await call("POST", `/api/alerts/${own.id}/comments`, { token: tenant.admin.token, body: { body: "Fixed a loose sensor" } })).status,
    ).toBe(201);
    await runHubAlarm(tenant.id);
    await drainQueue();
    expect(await countRows("deliveries", "tenant_id = ? AND topic = 'alert.resolved'", tenant.id)).toBe(before);
    expect((await alertOf(tenant, own.id)).status).toBe("resolved");
  });
});

describe("reopening an alert", () => {
  it("turns a resolved alert open again, streams it, audits it, and answers 409 for one that is not resolved", async () => {
    const { tenant, own } = await tenantWithAlerts();
    const technician = await userWithRole(tenant, "technician");
    expect((await call("POST", `/api/alerts/${own.id}/reopen`, { token: technician.token })).status).toBe(409);
    expect((await call("POST", `/api/alerts/${own.id}/ack`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    const resolved = (await (
      await call("POST", `/api/alerts/${own.id}/resolve`, { token: tenant.admin.token, body: {} })
    ).json()) as AlertJson;
    expect(resolved.status).toBe("resolved");

    const live = await openLive(tenant.admin.token);
    try {
      const res = await call("POST", `/api/alerts/${own.id}/reopen`, { token: technician.token });
      expect(res.status).toBe(200);
      const reopened = (await res.json()) as AlertJson;
      expect(reopened).toMatchObject({ status: "open", resolvedAt: null, resolvedBy: null, acknowledgedAt: null, seq: resolved.seq + 1 });
      const message = await live.waitFor((m) => m.type === "alert.updated" && m.alert?.id === own.id);
      expect(message).toMatchObject({ seq: reopened.seq, alert: { status: "open" } });
      expect((await listed(tenant, own.id))?.status).toBe("open");
      expect((await auditActions(tenant.id, own.id)).map((a) => [a.action, a.actorId])).toContainEqual(["alert.reopen", technician.id]);

      // Open again: it can be acknowledged and resolved again.
      expect((await call("POST", `/api/alerts/${own.id}/resolve`, { token: technician.token, body: {} })).status).toBe(200);
      await settle(live);
    } finally {
      live.close();
    }
  });

  it("is not for drivers, and replays in seq order after a reconnect", async () => {
    const { tenant, driver, own } = await tenantWithAlerts();
    await call("POST", `/api/alerts/${own.id}/resolve`, { token: tenant.admin.token, body: {} });
    expect((await call("POST", `/api/alerts/${own.id}/reopen`, { token: driver.token })).status).toBe(403);
    const since = (await alertOf(tenant, own.id)).seq;
    await call("POST", `/api/alerts/${own.id}/reopen`, { token: tenant.admin.token });
    await call("PUT", `/api/alerts/${own.id}/assignee`, { token: tenant.admin.token, body: { userId: tenant.admin.id } });
    await call("POST", `/api/alerts/${own.id}/comments`, { token: tenant.admin.token, body: { body: "On it" } });

    // The driver of the vehicle sees the work on its own alert too, when it resumes.
    const live = await openLive(driver.token);
    try {
      live.ws.send(JSON.stringify({ type: "resume", since }));
      await live.waitFor((m) => m.type === "alert.updated" && (m.alert as unknown as AlertJson).commentCount === 1);
      const replayed = live.messages.filter((m) => m.type === "alert.updated").map((m) => m.alert as unknown as AlertJson);
      expect(replayed.map((a) => a.seq)).toEqual([since + 1, since + 2, since + 3]);
      expect(replayed.map((a) => [a.status, a.assignee?.id ?? null, a.commentCount])).toEqual([
        ["open", null, 0],
        ["open", tenant.admin.id, 0],
        ["open", tenant.admin.id, 1],
      ]);
    } finally {
      live.close();
    }
  });

  it("reopens a resolved alert that retention already dropped from the tenant's object", async () => {
    const { tenant, own } = await tenantWithAlerts();
    await call("POST", `/api/alerts/${own.id}/resolve`, { token: tenant.admin.token, body: {} });
    await runHubAlarm(tenant.id);
    freezeClock(Date.now() + 40 * DAY);
    await runInDurableObject(hubOf(tenant.id), (_hub, state) =>
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
    );
    await runHubAlarm(tenant.id);
    const inObject = await runInDurableObject(
      hubOf(tenant.id),
      (_hub, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM alerts WHERE id = ?", own.id).one().n,
    );
    expect(inObject).toBe(0);

    const { token } = await login(tenant.slug, tenant.admin.email, tenant.admin.password);
    const res = await call("POST", `/api/alerts/${own.id}/reopen`, { token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AlertJson).status).toBe("open");
    expect((await alertOf(tenant, own.id, token)).status).toBe("open");
  });
});
