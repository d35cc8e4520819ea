import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createTenant } from "./helpers";

describe("the tenant object's alarm", () => {
  it("re-arms for the pending escalation when a step throws (D1 refuses the alert sync)", async () => {
    const tenant = await createTenant();
    const stub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    await stub.invalidate(tenant.id); // addresses the object, so it knows its tenant
    const stepDue = Date.now() + 30 * 60_000;
    await runInDurableObject(stub, async (_hub, state) => {
      // An alert event not yet in D1 that D1 refuses (no message: NOT NULL), and an escalation step to come.
      const refused = { id: "alr_refused", seq: 1, vehicleId: "veh_x", ruleId: null, type: "t", severity: "high", status: "open" };
      const event = "INSERT INTO alert_events (seq, kind, alert_id, at, data) VALUES (1, 'alert', ?, ?, ?)";
      state.storage.sql.exec(event, refused.id, Date.now(), JSON.stringify({ ...refused, createdAt: new Date().toISOString() }));
      state.storage.sql.exec(
        "INSERT INTO escalations (alert_id, step, due_at, roles, channels) VALUES (?, 1, ?, ?, ?)",
        refused.id,
        stepDue,
        JSON.stringify(["manager"]),
        JSON.stringify(["sms"]),
      );
      // Only the escalation is pending (no scheduled jobs), so the re-arm time is exactly its due time.
      state.storage.sql.exec("DELETE FROM schedule");
      await state.storage.setAlarm(Date.now() + 60 * 60_000);
    });

    await expect(runDurableObjectAlarm(stub)).rejects.toThrow(/NOT NULL constraint failed: alerts.message/);

    const alarm = await runInDurableObject(stub, (_hub, state) => state.storage.getAlarm());
    expect(alarm).toBe(stepDue);
  });
});
