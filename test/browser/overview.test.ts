/**
 * Overview, the first screen for staff: staff land on it, each figure links into its screen, it
 * is accessible in every look, and it follows the live stream (a new critical alert and a booking
 * made elsewhere appear without a reload). Navigation by role: technicians get no Rules or Analytics.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { raiseOverheating } from "./alert-seeding";
import { api, apiToken } from "./api-client";
import { expectEveryLookAccessible } from "./appearance";
import { createTechnician, createWorkOrder, unique, vehicleIds } from "./maintenance-api";
import { browserForFile, navLinkNames, settled, signIn, STAFF_HOME, TECHNICIAN_LINKS } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  context = await browser.newContext();
  page = await context.newPage();
});
afterAll(async () => {
  await context.close();
});

/** The number in the Overview's "critical: N open" link. */
async function criticalOpen(): Promise<number> {
  const text = await page.getByRole("link", { name: /^⬣? ?critical: \d+ open$/i }).innerText();
  return Number(/(\d+) open/.exec(text)?.[1]);
}

describe("Overview", () => {
  it("is where a manager lands, with a link into each screen, accessible in every look", async () => {
    // Every vehicle's risk comes with the fleet list: the Overview asks for none one by one.
    const riskLookups: string[] = [];
    page.on("request", (request) => {
      if (/\/api\/vehicles\/[^/]+\/risk/.test(new URL(request.url()).pathname)) riskLookups.push(request.url());
    });
    await signIn(page, ctx, "manager");
    await expect.poll(() => new URL(page.url()).pathname).toBe(STAFF_HOME);
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    await settled(page);
    for (const heading of ["Open alerts by severity", "Vehicles at risk", "Maintenance due", "Today's shop schedule"])
      await page.getByRole("heading", { level: 2, name: heading }).waitFor();
    expect(riskLookups).toEqual([]);
    expect(await page.getByRole("link", { name: /critical: \d+ open/i }).getAttribute("href")).toBe(
      "/alerts?status=open&severity=critical",
    );
    expect(await page.getByRole("link", { name: /overdue, \d+ due soon/ }).getAttribute("href")).toBe("/maintenance");
    expect(await page.getByRole("link", { name: /booking.* today/ }).getAttribute("href")).toBe("/work-orders");
    await expectEveryLookAccessible(page, "overview");
  });

  it("follows the live stream: a new critical alert and a booking made elsewhere appear without a reload", async () => {
    await page.goto("/overview");
    await page.getByText("Live: updates as they happen").waitFor();
    const before = await criticalOpen();

    await raiseOverheating(ctx, "TRUCK-004");
    await expect.poll(criticalOpen, { timeout: 15_000 }).toBeGreaterThan(before);
    const atRisk = page.getByRole("region", { name: "Vehicles at risk" });
    await atRisk.getByRole("link", { name: "Unit 004" }).waitFor();

    // Booked by someone else through the API, today 00:30–01:00 (the browser runs in UTC).
    const token = await apiToken(ctx);
    const vehicles = await vehicleIds(ctx, token);
    const tech = await createTechnician(ctx, token, `Overview tech ${u}`);
    const wo = await createWorkOrder(ctx, token, { vehicleId: vehicles.get("TRUCK-004") ?? "", title: `Overview booking ${u}` });
    const day = new Date().toISOString().slice(0, 10);
    await api(ctx, token, "PATCH", `/api/work-orders/${wo.id}`, {
      technicianId: tech.id,
      scheduledStart: `${day}T00:30:00.000Z`,
      scheduledEnd: `${day}T01:00:00.000Z`,
    });
    const shop = page.getByRole("region", { name: "Today's shop schedule" });
    const booking = shop.getByRole("link", { name: `Overview booking ${u}` });
    await booking.waitFor({ timeout: 10_000 });
    // The technician was added after the screen loaded: its name is fetched when the booking arrives.
    const item = shop.getByRole("listitem").filter({ hasText: `Overview booking ${u}` });
    await item.getByText(`Overview tech ${u}`).waitFor();
    await booking.click();
    await page.getByRole("heading", { level: 1, name: `Overview booking ${u}` }).waitFor();
  });

  it("technicians land on Overview and get no link to Rules or Analytics", async () => {
    const techContext = await browser.newContext();
    const techPage = await techContext.newPage();
    await signIn(techPage, ctx, "technician");
    await expect.poll(() => new URL(techPage.url()).pathname).toBe(STAFF_HOME);
    expect(await navLinkNames(techPage)).toEqual(TECHNICIAN_LINKS);
    await techPage.goto("/analytics");
    await techPage.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    await techContext.close();
  });
});
