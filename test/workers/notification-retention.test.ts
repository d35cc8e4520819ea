import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALERT_ID_PREFIX } from "../../worker/domain/alert";
import { newId } from "../../worker/lib/ids";
import { INBOX_ID_PREFIX } from "../../worker/notifications/inbox-write";
import { call, countRows, createTenant, userWithRole } from "./helpers";
import { driveTime, freezeClock, runHubAlarm } from "./drive";

driveTime();

const DAY = 86_400_000;
const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));

/** One "Who was told" row of the tenant, `ageDays` before `now`, about an alert raised `alertAgeDays` before it. */
const decision = (tenantId: string, id: string, now: number, ageDays: number, alertAgeDays = ageDays) =>
  env.DB.prepare(
    "INSERT INTO alert_decisions (id, tenant_id, alert_id, user_id, channel, outcome, reason, detail, at) VALUES (?, ?, ?, 'usr_x', 'sms', 'held', 'quiet_hours', '{}', ?)",
  )
    .bind(id, tenantId, newId(ALERT_ID_PREFIX, now - alertAgeDays * DAY), now - ageDays * DAY)
    .run();

describe("retention of the decisions behind deliveries and of inbox items", { timeout: 30_000 }, () => {
  it("prunes decisions older than the tenant's deliveries window on the hourly job, and only that tenant's", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const put = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { retention: { deliveriesDays: 7 } } });
    expect(put.status).toBe(200);
    const now = Date.now();
    await decision(tenant.id, `dec_${tenant.id}_old`, now, 8);
    await decision(tenant.id, `dec_${tenant.id}_new`, now, 6);
    // Kept by the decision's own age, not its alert's; deleted once both are past the window.
    await decision(tenant.id, `dec_${tenant.id}_late`, now, 6, 30);
    await decision(tenant.id, `dec_${tenant.id}_late_old`, now, 7.5, 30);
    await decision(other.id, `dec_${other.id}_old`, now, 8);

    freezeClock(now);
    await hubOf(tenant.id).ensureAlarm(tenant.id); // the object learns its tenant and seeds its jobs
    await runInDurableObject(hubOf(tenant.id), (_hub, state) =>
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
    );
    await runHubAlarm(tenant.id);

    expect(await countRows("alert_decisions", "id = ?", `dec_${tenant.id}_old`)).toBe(0);
    expect(await countRows("alert_decisions", "id = ?", `dec_${tenant.id}_new`)).toBe(1);
    expect(await countRows("alert_decisions", "id = ?", `dec_${tenant.id}_late`)).toBe(1);
    expect(await countRows("alert_decisions", "id = ?", `dec_${tenant.id}_late_old`)).toBe(0);
    // Another tenant keeps its rows until its own job runs, by its own (default 90-day) window.
    expect(await countRows("alert_decisions", "id = ?", `dec_${other.id}_old`)).toBe(1);
  });

  it("prunes inbox items older than the tenant's inbox window on the hourly job, every user's, and only that tenant's", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const put = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { retention: { inboxItemsDays: 7 } } });
    expect(put.status).toBe(200);
    const now = Date.now();
    const item = (t: { id: string }, userId: string, ageDays: number) => {
      const id = newId(INBOX_ID_PREFIX, now - ageDays * DAY);
      return env.DB.prepare(
        "INSERT INTO inbox_items (id, tenant_id, user_id, title, body, url, created_at) VALUES (?, ?, ?, 't', 'b', '/', ?)",
      )
        .bind(id, t.id, userId, now - ageDays * DAY)
        .run()
        .then(() => id);
    };
    const adminOld = await item(tenant, tenant.admin.id, 8);
    const managerOld = await item(tenant, manager.id, 30);
    const adminNew = await item(tenant, tenant.admin.id, 6);
    const otherOld = await item(other, other.admin.id, 8);

    freezeClock(now);
    await hubOf(tenant.id).ensureAlarm(tenant.id);
    await runInDurableObject(hubOf(tenant.id), (_hub, state) =>
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
    );
    await runHubAlarm(tenant.id);

    expect(await countRows("inbox_items", "id IN (?, ?)", adminOld, managerOld)).toBe(0);
    expect(await countRows("inbox_items", "id = ?", adminNew)).toBe(1);
    expect(await countRows("inbox_items", "id = ?", otherOld)).toBe(1);
  });
});
