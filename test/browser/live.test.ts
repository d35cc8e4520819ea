/** The live feed end to end: a signed webhook raises an alert that appears live, and is acknowledged from the screen. */
import { describe, expect, inject, it } from "vitest";
import { postTelemetry } from "../../scripts/lib/telemetry-client.mjs";
import { browserForFile, expectNoAxeViolations, screenshot, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

describe("Live alerts", () => {
  it("shows an alert raised by a signed webhook without a reload, then acknowledges it", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", "/live");
    const region = page.getByRole("region", { name: "Live alerts" });
    await region.getByText("Live", { exact: true }).waitFor();

    const code = `P0${Math.floor(100 + Math.random() * 800)}`;
    const res = await postTelemetry(ctx.url, ctx.tenant, ctx.webhookSecret, [
      { vehicleId: "TRUCK-007", ts: new Date().toISOString(), readings: { speedKph: 40 }, dtc: [code] },
    ]);
    expect(res.status).toBe(202);

    const item = region.getByRole("listitem").filter({ hasText: code });
    await item.waitFor({ timeout: 10_000 });
    await expect(item.textContent()).resolves.toMatch(/high[\s\S]*Unit 007[\s\S]*open/);
    await expectNoAxeViolations(page, "live alerts with an alert");
    await screenshot(page, "live-alerts-with-alert-desktop");

    await item.getByRole("button", { name: "Acknowledge" }).click();
    await item.getByText("acknowledged").waitFor();
    expect(await item.getByRole("button", { name: "Acknowledge" }).count()).toBe(0);
    await context.close();
  });
});
