/**
 * The notification paths read what they look for, not the tenant's history (issue 18, migration
 * 0031): with thousands of sent deliveries and recorded decisions, raising an alert, acknowledging
 * it, an escalation step, resolving it (who was told of it), the silences' eager cancellation, both sweeps, the alert's
 * "Who was told", the admin's inbox (its newest page, marking the newest item read) and retention
 * each read a handful of D1 rows (D1's own `meta.rows_read`, a trigger's reads counted under the
 * statement that fired it). A statement that walked the tenant's deliveries or decisions instead of
 * the unsent-deliveries index or the decisions' and inbox items' keys would read thousands.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import { ALERT_ID_PREFIX } from "../../worker/domain/alert";
import { pruneTenantRecords } from "../../worker/hub/retention";
import { newId } from "../../worker/lib/ids";
import { cancelSilencedDeliveries } from "../../worker/notifications/cancellation";
import { INBOX_ID_PREFIX } from "../../worker/notifications/inbox-write";
import { runJob } from "../../worker/notifications/consumer";
import { sweepStaleDeliveries } from "../../worker/notifications/sweep";
import { received, subscribePush } from "./notification-helpers";
import { listAlertDecisions } from "../../worker/services/alert-decisions";
import { countD1Writes } from "./d1-writes";
import { driveTime, settleTenant } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, userWithRole, type TestTenant } from "./helpers";

driveTime();

const HISTORY = 3_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * `HISTORY` sent in-app deliveries, as many "told" decisions and the admin's inbox items, all from
 * the last day (inside every retention window).
 */
async function seedHistory(tenant: TestTenant, now: number) {
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < HISTORY; start += 250) {
    const deliveries: string[] = [];
    const decisions: string[] = [];
    const inbox: string[] = [];
    for (let i = start; i < start + 250; i++) {
      const at = now - DAY + i * 10_000;
      const alertId = newId(ALERT_ID_PREFIX, at - 60_000);
      deliveries.push(
        `('dlv_seed${i}','${tenant.id}','${alertId}','${tenant.admin.id}','in_app',0,'sent',1,${at},'{"title":"seeded"}',${at},${at})`,
      );
      decisions.push(`('dec_seed${i}','${tenant.id}','${alertId}','${tenant.admin.id}','in_app','told','preference','{}',${at})`);
      inbox.push(`('${newId(INBOX_ID_PREFIX, at)}','${tenant.id}','${tenant.admin.id}','${alertId}','seeded','seeded','/alerts',${at})`);
    }
    statements.push(
      env.DB.prepare(
        `INSERT INTO deliveries (id,tenant_id,alert_id,user_id,channel,step,status,attempts,sent_at,message,created_at,updated_at) VALUES ${deliveries.join(",")}`,
      ),
      env.DB.prepare(
        `INSERT INTO alert_decisions (id,tenant_id,alert_id,user_id,channel,outcome,reason,detail,at) VALUES ${decisions.join(",")}`,
      ),
      env.DB.prepare(`INSERT INTO inbox_items (id,tenant_id,user_id,alert_id,title,body,url,created_at) VALUES ${inbox.join(",")}`),
    );
  }
  await env.DB.batch(statements);
}

describe("notification reads with a long delivery history", { timeout: 60_000 }, () => {
  it("each statement of raising, acknowledging, resolving, cancelling, sweeping, explaining and pruning reads a handful of rows", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    // A push subscription: the critical alert's push is sent at once (sending's reads run too).
    const subscription = await subscribePush(manager.token);
    await addVehicles(tenant, ["READS-1"]);
    const now = Date.now();
    await seedHistory(tenant, now);
    const silence = await call("POST", "/api/silences", {
      token: manager.token,
      body: {
        matchers: { type: "speeding" },
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + HOUR).toISOString(),
        comment: "drill",
      },
    });
    expect(silence.status).toBe(201);

    let alertId = "";
    const counted = await countD1Writes(async () => {
      // Two readings 15 s apart under the default "Low oil pressure" rule: a new critical alert.
      const events = [0, 15].map((s) => ({ vehicleId: "READS-1", ts: isoAt(s, now - 60_000), readings: { oilPressureKpa: 60 } }));
      expect((await postTelemetry(tenant, { events })).status).toBe(202);
      await settleTenant(tenant.id);
      const list = (await (await call("GET", "/api/alerts", { token: manager.token })).json()) as { items: { id: string }[] };
      alertId = list.items[0]!.id;
      // An escalation step: planning again for an alert with rows (what an earlier run planned).
      await runJob(env, { type: "alert.escalated", tenantId: tenant.id, alertId, step: 1, roles: ["admin"], channels: ["inapp"] });
      expect((await call("POST", `/api/alerts/${alertId}/ack`, { token: manager.token, body: {} })).status).toBe(200);
      await settleTenant(tenant.id);
      // Resolving: "resolved is news too" finds who was told of the alert (resolved.ts).
      expect((await call("POST", `/api/alerts/${alertId}/resolve`, { token: manager.token, body: {} })).status).toBe(200);
      await settleTenant(tenant.id);
      await cancelSilencedDeliveries(database(env.DB), tenant.id, now);
      await sweepStaleDeliveries(env, now, tenant.id);
      await sweepStaleDeliveries(env, now);
      expect((await listAlertDecisions(database(env.DB), tenant.id, alertId)).length).toBeGreaterThan(0);
      const inbox = await call("GET", "/api/me/inbox?limit=20", { token: tenant.admin.token });
      const { items } = (await inbox.json()) as { items: { id: string; title: string; createdAt: string }[] };
      expect(items).toHaveLength(20);
      expect(items[0]!.title).toContain("Low oil pressure"); // newest first: the alert's item before the seeded ones
      expect(Date.parse(items[1]!.createdAt)).toBeGreaterThan(Date.parse(items[2]!.createdAt));
      expect((await call("POST", `/api/me/inbox/${items[1]!.id}/read`, { token: tenant.admin.token })).status).toBe(200);
      await pruneTenantRecords(env.DB, tenant.id, { deliveries: now - 7 * DAY, inboxItems: now - 7 * DAY, auditLog: now - 7 * DAY });
    });

    // The critical alert's push, then the news that it resolved (the manager was pushed about it).
    expect(await received("push", { id: subscription.id })).toHaveLength(2);
    expect(counted.reads.some((r) => r.sql.includes("json_each(?"))).toBe(true); // sending's reads (send-reads.ts)
    const touching = counted.reads.filter((r) => /deliveries|alert_decisions|"alerts"/.test(r.sql));
    expect(touching.length).toBeGreaterThan(5); // the paths above ran their statements
    const heaviest = [...counted.reads].sort((a, b) => b.rows - a.rows).slice(0, 5);
    console.log(
      "heaviest reads",
      heaviest.map((r) => `${r.rows}: ${r.sql.replace(/\s+/g, " ").slice(0, 140)}`),
    );
    for (const read of counted.reads) expect(read.rows, read.sql).toBeLessThan(HISTORY / 10);
    // Retention kept the history (all of it inside the window) and the alert's deliveries and items.
    const kept = await env.DB.prepare("SELECT count(*) AS n FROM deliveries WHERE tenant_id = ?").bind(tenant.id).first<{ n: number }>();
    expect(kept!.n).toBeGreaterThan(HISTORY);
    const items = await env.DB.prepare("SELECT count(*) AS n FROM inbox_items WHERE tenant_id = ?").bind(tenant.id).first<{ n: number }>();
    expect(items!.n).toBeGreaterThan(HISTORY);
  });
});
