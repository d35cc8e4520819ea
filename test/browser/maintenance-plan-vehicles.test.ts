/**
 * Assigning a plan with last services: the plan form's Vehicles multi-select and, per chosen
 * vehicle, Last service (km) and Last service date, stored as the plan's baselines; an error on
 * one vehicle's field is shown next to it. Vehicles without one are under "Last service missing".
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { expectEveryLookAccessible } from "./appearance";
import { expectAccessibleInForcedColors } from "./forced-colors";
import { unique } from "./maintenance-api";
import { browserForFile, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, ctx, "manager", "/maintenance");
  await settled(page);
});
afterAll(async () => {
  await context.close();
});

const isoDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe("Maintenance plan: vehicles and last service", { timeout: 120_000 }, () => {
  it("creates a plan for chosen vehicles with each one's last service", async () => {
    const name = `Gearbox ${u}`;
    await page.getByRole("heading", { name: /Last service missing/ }).waitFor();
    await page.getByRole("button", { name: "New plan", exact: true }).click();
    const form = page.getByRole("form", { name: "New plan" });
    await form.getByLabel("Plan name").fill(name);
    await form.getByLabel("Every (km)", { exact: true }).fill("40000");
    await form.getByLabel("Vehicles", { exact: true }).selectOption([{ label: "Unit 003" }, { label: "Unit 004" }]);
    const unit3 = form.getByRole("group", { name: "Unit 003" });
    const unit4 = form.getByRole("group", { name: "Unit 004" });
    await unit3.getByLabel("Last service (km)", { exact: true }).fill("1000");
    await unit3.getByLabel("Last service date", { exact: true }).fill(isoDay(-3)); // in the future: refused
    await unit4.getByLabel("Last service (km)", { exact: true }).fill("2500");
    await unit4.getByLabel("Last service date", { exact: true }).fill(isoDay(20));
    await form.getByRole("button", { name: "Create plan" }).click();
    // The API's error on the first vehicle's date is shown next to that field, which has focus.
    const date3 = unit3.getByLabel("Last service date", { exact: true });
    await expect.poll(() => date3.getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.id ?? "")).toBe(await date3.getAttribute("id"));
    expect(await unit4.getByLabel("Last service date", { exact: true }).getAttribute("aria-invalid")).toBeNull();
    await expectEveryLookAccessible(page, "maintenance-plan-vehicles-error");
    await expectAccessibleInForcedColors(page, "maintenance-plan-vehicles-error");

    await date3.fill(isoDay(10));
    await form.getByRole("button", { name: "Create plan" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Plan “${name}” saved.` })
      .waitFor();

    const token = await apiToken(ctx, "manager");
    const plans = await api<{ items: { id: string; name: string; vehicleIds: string[] | null }[] }>(
      ctx,
      token,
      "GET",
      "/api/maintenance/plans?limit=500",
    );
    const plan = plans.items.find((p) => p.name === name)!;
    expect(plan.vehicleIds).toHaveLength(2);
    const records = await api<{ items: { vehicleId: string; odometerKm: number; performedAt: string; baseline: boolean }[] }>(
      ctx,
      token,
      "GET",
      `/api/maintenance/service-records?planId=${plan.id}`,
    );
    expect(records.items.map((r) => [r.odometerKm, r.performedAt.slice(0, 10), r.baseline]).sort()).toEqual([
      [1000, isoDay(10), true],
      [2500, isoDay(20), true],
    ]);
  });
});
