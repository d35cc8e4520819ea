/** Vehicles: the list shows status and risk; the detail charts the last hours (with a table), risk, open alerts, maintenance due. */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { postTelemetry } from "../../scripts/lib/telemetry-client.mjs";
import { apiToken } from "./api-client";
import { raiseDtc, waitForAlert } from "./alert-seeding";
import { browserForFile, expectNoAxeViolations, PHONE, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const code = `P${Math.floor(1000 + Math.random() * 8999)}`;

beforeAll(async () => {
  // An hour of readings, one every 10 minutes, then a DTC alert.
  const events = [60, 50, 40, 30, 20, 10].map((minutes, i) => ({
    vehicleId: "TRUCK-015",
    ts: new Date(Date.now() - minutes * 60_000).toISOString(),
    readings: { engineTempC: 88 + i, speedKph: 50 + i * 5 },
  }));
  expect((await postTelemetry(ctx.url, ctx.tenant, ctx.webhookSecret, events)).status).toBe(202);
  await raiseDtc(ctx, "TRUCK-015", code);
  await waitForAlert(ctx, await apiToken(ctx, "manager"), code);
});

describe("Vehicles", () => {
  it("lists status and risk, and shows a vehicle's charts, risk, open alerts and maintenance due", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", "/vehicles");
    await settled(page);
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Unit 015", exact: true }) });
    await expect.poll(() => row.innerText()).toMatch(/\d+ open alerts?/);
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/not scored|low|elevated|high|unavailable/);
    expect(await page.getByRole("columnheader", { name: "Risk" }).count()).toBe(1);
    await expectNoAxeViolations(page, "vehicles");
    await screenshot(page, "vehicles-desktop");

    await row.getByRole("link", { name: "Unit 015" }).click();
    await page.getByRole("heading", { level: 1, name: "Unit 015" }).waitFor();
    await settled(page);
    // The engine temperature chart has a table alternative with every charted reading.
    const table = page.getByRole("table", { name: /engine temp c, last 6 hours/i });
    await table.waitFor({ state: "attached" });
    const cells = await table.locator("tbody td").allInnerTexts();
    expect(cells.map((c) => c.trim())).toEqual(expect.arrayContaining(["88", "93"]));
    await page.getByRole("heading", { name: "Failure risk" }).waitFor();
    const openAlerts = page.locator("main .alert-list > li").filter({ hasText: code });
    await openAlerts.waitFor();
    await page.getByRole("heading", { name: "Maintenance due" }).waitFor();
    await expectNoAxeViolations(page, "vehicle detail");
    await screenshot(page, "vehicle-detail-desktop");
    for (const colorScheme of ["dark", "light"] as const) {
      await page.emulateMedia({ colorScheme, contrast: "more" });
      await expectNoAxeViolations(page, `vehicle detail, ${colorScheme}, more contrast`);
    }
    await page.emulateMedia({ colorScheme: "dark", contrast: "no-preference" });
    await expectNoAxeViolations(page, "vehicle detail, dark");
    await page.setViewportSize(PHONE);
    await screenshot(page, "vehicle-detail-phone-dark");
    await page.goto("/vehicles");
    await settled(page);
    await expectNoAxeViolations(page, "vehicles, dark, phone");
    await screenshot(page, "vehicles-phone-dark");
    await context.close();
  });
});
