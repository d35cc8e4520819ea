/**
 * Recording a completed service from the vehicle screen (`Record service`): a refused date is
 * reported next to its field with focus on it; a recorded service moves the plan's next due
 * point, and the vehicle's due state changes on screen from Overdue to OK.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { unique } from "./maintenance-api";
import { browserForFile, expectNoAxeViolations, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();
const DAY = 86_400_000;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, ctx, "manager");
});
afterAll(async () => {
  await context?.close();
});

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");

describe("Record service", { timeout: 120_000 }, () => {
  it("records a service on the vehicle screen and the due state moves on", async () => {
    const token = await apiToken(ctx, "manager");
    const vehicle = await api<{ id: string; name: string }>(ctx, token, "POST", "/api/vehicles", {
      externalId: `SVC-${u}`,
      name: `Service van ${u}`,
    });
    const planName = `Monthly check ${u}`;
    // Last serviced 40 days ago on a 30-day plan: overdue.
    const plan = await api<{ id: string }>(ctx, token, "POST", "/api/maintenance/plans", {
      name: planName,
      vehicleIds: [vehicle.id],
      everyDays: 30,
      durationMinutes: 60,
      baselines: [{ vehicleId: vehicle.id, performedAt: new Date(Date.now() - 40 * DAY).toISOString() }],
    });
    await page.goto(`/vehicles/${vehicle.id}`);
    await settled(page);
    const dueList = page.locator(".due-list");
    await dueList.getByText(`Overdue: ${planName}`).waitFor();

    await page.getByRole("button", { name: "Record service", exact: true }).click();
    const form = page.getByRole("form", { name: "Record a completed service" });
    // Plans that apply to every vehicle (other files add some to this tenant) are offered too: choose ours.
    await form.getByLabel("Plan", { exact: true }).selectOption({ label: planName });
    expect(await form.getByLabel("Plan", { exact: true }).inputValue()).toBe(plan.id);
    // A date in the future is refused next to the field, with focus on it.
    const tomorrow = new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10);
    await form.getByLabel("Date", { exact: true }).fill(tomorrow);
    await form.getByLabel("Odometer (km)", { exact: true }).fill("lots");
    await form.getByRole("button", { name: "Save service" }).click();
    await expect.poll(focusedId).toBe("service-date");
    await form.getByText("The date cannot be in the future.").waitFor();
    expect(await form.getByLabel("Odometer (km)", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await expectNoAxeViolations(page, "record service with errors");

    // Serviced five days ago at 12,345 km.
    const fiveDaysAgo = new Date(Date.now() - 5 * DAY);
    const localDate = await page.evaluate((ms) => {
      const d = new Date(ms);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    }, fiveDaysAgo.getTime());
    await form.getByLabel("Date", { exact: true }).fill(localDate);
    await form.getByLabel("Odometer (km)", { exact: true }).fill("12345");
    await form.getByRole("button", { name: "Save service" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Service recorded for ${planName}.` })
      .waitFor();
    // The next due point counts from the service: 30 days after it, about 25 days from now.
    await dueList.getByText(`OK: ${planName}`).waitFor();
    expect(await dueList.locator("li").filter({ hasText: planName }).innerText()).toMatch(/remaining 2[45](\.\d+)? days/);
    const records = await api<{ items: { planId: string; odometerKm: number | null; baseline: boolean; performedAt: string }[] }>(
      ctx,
      token,
      "GET",
      `/api/maintenance/service-records?vehicleId=${vehicle.id}`,
    );
    const recorded = records.items.find((r) => !r.baseline);
    expect(recorded).toMatchObject({ planId: plan.id, odometerKm: 12345 });
    // Local noon of the chosen day: the same calendar date in UTC.
    expect(recorded!.performedAt.slice(0, 10)).toBe(localDate);
    await expectNoAxeViolations(page, "vehicle after recording a service");
  });
});
