/**
 * Against the real dev server (`wrangler dev`, which never fires the cron trigger): a plan that
 * falls due reminds from the tenant object's alarm alone (docs/time-driven-work.md). This is the
 * one test that waits on the wall clock: the alarm's maintenance job runs every minute, and the
 * contract gives a reminder 2 minutes after the status change.
 */
import { describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { unique, vehicleIds } from "./maintenance-api";

const ctx = inject("fleetpulse");
const WITHIN_MS = 2 * 60_000 + 30_000; // the contract's 2 minutes, plus the seconds until the plan is due soon

describe("time-driven work under wrangler dev", () => {
  it("a plan that is due soon produces its reminder with no cron call", { timeout: WITHIN_MS + 30_000 }, async () => {
    const token = await apiToken(ctx, "admin");
    const vehicleId = (await vehicleIds(ctx, token)).get("TRUCK-020")!;
    const name = `Dev-server check ${unique()}`;
    // Due every day, due soon for all but its first ~9 seconds: the status changes right away.
    const plan = await api<{ id: string }>(ctx, token, "POST", "/api/maintenance/plans", {
      name,
      vehicleIds: [vehicleId],
      everyDays: 1,
      dueSoonDays: 0.9999,
      durationMinutes: 30,
    });
    const started = Date.now();
    let reminder: { title: string } | undefined;
    try {
      while (!reminder && Date.now() - started < WITHIN_MS) {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const inbox = await api<{ items: { title: string }[] }>(ctx, token, "GET", "/api/me/inbox?limit=100");
        reminder = inbox.items.find((i) => i.title.includes(name));
      }
      expect(reminder?.title).toBe(`Service due soon: Unit 020 — ${name}`);
    } finally {
      // Leave the shared demo tenant as it was for the other browser tests.
      const orders = await api<{ items: { id: string; planId: string | null }[] }>(
        ctx,
        token,
        "GET",
        `/api/work-orders?vehicleId=${vehicleId}&limit=500`,
      );
      for (const o of orders.items.filter((w) => w.planId === plan.id))
        await api(ctx, token, "PATCH", `/api/work-orders/${o.id}`, { status: "cancelled" }, 200);
      await api(ctx, token, "DELETE", `/api/maintenance/plans/${plan.id}`, undefined, 204);
    }
  });
});
