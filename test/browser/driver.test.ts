/**
 * The demo driver (who drives Unit 001, TRUCK-001): My alerts lists only that vehicle's alerts and
 * acknowledges one (the server records it); no Resolve or Snooze; My vehicle is the real vehicle
 * detail for that vehicle. Axe-clean, screenshots at desktop and phone width.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiGet, apiToken } from "./api-client";
import { raiseDtc, waitForAlert, type ApiAlert } from "./alert-seeding";
import { browserForFile, DESKTOP, expectNoAxeViolations, PHONE, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const suffix = Math.floor(1000 + Math.random() * 8999);
const ownCode = `P${suffix}`;
const otherCode = `C${suffix}`;
let context: BrowserContext;
let page: Page;
let own: ApiAlert;

beforeAll(async () => {
  const manager = await apiToken(ctx, "manager");
  await raiseDtc(ctx, "TRUCK-001", ownCode);
  await raiseDtc(ctx, "TRUCK-002", otherCode);
  own = await waitForAlert(ctx, manager, ownCode);
  await waitForAlert(ctx, manager, otherCode);
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, ctx, "driver");
});
afterAll(async () => {
  await context?.close();
});

const items = (p: Page) => p.locator("main .alert-list > li");

describe("driver screens", () => {
  it("My alerts lists only the driver's vehicle's alerts and acknowledges one, recorded on the server", async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto("/my-alerts");
    await page.getByRole("heading", { level: 1, name: "My alerts" }).waitFor();
    await settled(page);
    const mine = items(page).filter({ hasText: ownCode });
    await mine.waitFor();
    const texts = await items(page).allInnerTexts();
    expect(texts.join("\n")).not.toContain(otherCode);
    expect(texts.every((t) => t.includes("Unit 001"))).toBe(true);
    // A driver may acknowledge but not resolve; there is no fleet-wide vehicle filter.
    expect(await page.getByRole("button", { name: "Resolve", exact: true }).count()).toBe(0);
    expect(await page.getByLabel("Vehicle", { exact: true }).count()).toBe(0);
    await expectNoAxeViolations(page, "my alerts");
    await screenshot(page, "driver-my-alerts-with-alert-desktop");

    await mine.getByRole("button", { name: "Acknowledge", exact: true }).click();
    await expect.poll(() => mine.locator(".alert-status").innerText()).toMatch(/^acknowledged\b/); // an open episode adds ", condition still holding"
    const driver = await apiToken(ctx, "driver");
    const after = await apiGet<ApiAlert>(ctx, driver, `/api/alerts/${encodeURIComponent(own.id)}`);
    expect(after.status).toBe("acknowledged");
    await expectNoAxeViolations(page, "my alerts after acknowledging");

    await page.setViewportSize(PHONE);
    await expectNoAxeViolations(page, "my alerts (phone)");
    await screenshot(page, "driver-my-alerts-with-alert-phone");
  });

  it("the API keeps other vehicles' alerts from the driver", async () => {
    const driver = await apiToken(ctx, "driver");
    const { items: seen } = await apiGet<{ items: ApiAlert[] }>(ctx, driver, "/api/alerts?limit=200");
    expect(seen.some((a) => a.id === own.id)).toBe(true);
    expect(seen.some((a) => a.message.includes(otherCode))).toBe(false);
    expect(new Set(seen.map((a) => a.vehicleId))).toEqual(new Set([own.vehicleId]));
  });

  it("an alert's detail opens under My alerts, without staff actions", async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto("/my-alerts");
    await settled(page);
    await items(page).filter({ hasText: ownCode }).getByRole("link").click();
    await page.getByRole("heading", { level: 1, name: new RegExp(ownCode) }).waitFor();
    await settled(page);
    expect(new URL(page.url()).pathname).toBe(`/my-alerts/${own.id}`);
    const main = page.locator("main");
    expect(await main.innerText()).toContain("acknowledged");
    expect(await main.getByRole("button", { name: "Resolve", exact: true }).count()).toBe(0);
    expect(await main.getByRole("button", { name: "Snooze", exact: true }).count()).toBe(0);
    expect(await main.getByRole("link", { name: "Unit 001" }).getAttribute("href")).toBe("/my-vehicle");
    await expectNoAxeViolations(page, "my alert detail");
    await screenshot(page, "driver-alert-detail-desktop");
    await page.setViewportSize(PHONE);
    await expectNoAxeViolations(page, "my alert detail (phone)");
    await screenshot(page, "driver-alert-detail-phone");
  });

  it("My vehicle is the vehicle detail of the driver's own vehicle, from /api/me", async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto("/my-vehicle");
    await page.getByRole("heading", { level: 1, name: "My vehicle" }).waitFor();
    await page.getByRole("heading", { name: "Failure risk" }).waitFor();
    await settled(page);
    const text = await page.locator("main").innerText();
    expect(text).toContain("Unit 001");
    expect(text).toContain("TRUCK-001");
    // Maintenance plans are staff business: the section is not offered (the API would refuse it).
    expect(await page.getByRole("heading", { name: "Maintenance due" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Back to all vehicles" }).count()).toBe(0);
    await expectNoAxeViolations(page, "my vehicle");
    await screenshot(page, "driver-my-vehicle-desktop");
    await page.setViewportSize(PHONE);
    await expectNoAxeViolations(page, "my vehicle (phone)");
    await screenshot(page, "driver-my-vehicle-phone");
  });
});
