/** Maintenance: the due list (status in words and icon, forecast) and the plans editor with problem-JSON field errors. */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { unique } from "./maintenance-api";
import { expectEveryLookAccessible } from "./appearance";
import { browserForFile, expectNoAxeViolations, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
let context: BrowserContext;
let page: Page;
const u = unique();
const okPlan = `Inspection ${u}`;
const soonPlan = `Tyres ${u}`;
const overduePlan = `Oil change ${u}`;

beforeAll(async () => {
  const token = await apiToken(ctx);
  // Due in 30 days for every vehicle: OK, forecast ~30 days.
  await api(ctx, token, "POST", "/api/maintenance/plans", { name: okPlan, everyDays: 30, durationMinutes: 60 });
  // Due soon once a vehicle has driven 1 km of a huge interval.
  await api(ctx, token, "POST", "/api/maintenance/plans", {
    name: soonPlan,
    everyKm: 10_000_000,
    dueSoonKm: 9_999_999,
    durationMinutes: 60,
  });
  // Every 1 km: any vehicle that has driven is overdue.
  await api(ctx, token, "POST", "/api/maintenance/plans", { name: overduePlan, everyKm: 1, durationMinutes: 30 });
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, ctx, "manager", "/maintenance");
  await settled(page);
});
afterAll(async () => {
  await context?.close();
});

const dueRows = (plan: string) =>
  page
    .getByRole("table", { name: /^\d+ services?\b/ })
    .locator("tbody tr")
    .filter({ hasText: plan });

describe("Maintenance", { timeout: 120_000 }, () => {
  it("lists due services with status as text and a forecast in words, and filters by status", async () => {
    await dueRows(okPlan).first().waitFor();
    const ok = (await dueRows(okPlan).first().innerText()).replace(/\s+/g, " ");
    expect(ok).toContain("OK");
    expect(ok).toMatch(/due in ~(29|30) days/);
    const soon = (await dueRows(soonPlan).first().innerText()).replace(/\s+/g, " ");
    expect(soon).toContain("Due soon");
    const overdue = (await dueRows(overduePlan).first().innerText()).replace(/\s+/g, " ");
    expect(overdue).toContain("Overdue");

    await page.getByLabel("Show", { exact: true }).selectOption({ label: "Overdue" });
    await page
      .getByRole("table", { name: /^\d+ services?\b/ })
      .locator("tbody tr")
      .first()
      .waitFor();
    await page.waitForFunction((plan) => !document.querySelector("main table")?.textContent?.includes(plan), soonPlan);
    const statuses = await page
      .getByRole("table", { name: /^\d+ services?\b/ })
      .locator("tbody tr td:nth-child(3)")
      .allInnerTexts();
    expect(statuses.length).toBeGreaterThan(0);
    // The status word comes first; a vehicle waiting for a baseline adds " — baseline missing: …".
    expect(new Set(statuses.map((s) => s.trim().split(/\s*—/)[0]))).toEqual(new Set(["Overdue"]));
    await page.getByLabel("Show", { exact: true }).selectOption({ label: "All" });
    await dueRows(soonPlan).first().waitFor();
  });

  it("shows the API's field errors on the plan form with aria-invalid and aria-describedby, then creates and edits a plan", async () => {
    const name = `Brakes ${u}`;
    await page.getByRole("button", { name: "New plan", exact: true }).click();
    const form = page.getByRole("form", { name: "New plan" });
    await form.getByLabel("Plan name").fill(name);
    // No interval at all: the API names all three every* fields.
    await form.getByRole("button", { name: "Create plan" }).click();
    await form.getByRole("alert").getByText("Please correct 3 fields").waitFor();
    for (const label of ["Every (km)", "Every (engine hours)", "Every (days)"]) {
      const input = form.getByLabel(label, { exact: true });
      expect(await input.getAttribute("aria-invalid")).toBe("true");
      const describedBy = (await input.getAttribute("aria-describedby")) ?? "";
      const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
      expect(errorId).toBeTruthy();
      expect(await page.locator(`#${errorId}`).innerText()).toContain("At least one of everyKm, everyEngineHours or everyDays is required");
    }
    // The first invalid field has focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("plan-new-everyKm");

    // A threshold not below its interval: only that field is marked.
    await form.getByLabel("Every (km)", { exact: true }).fill("5000");
    await form.getByLabel("Due soon within (km)", { exact: true }).fill("6000");
    await form.getByRole("button", { name: "Create plan" }).click();
    await form.getByRole("alert").getByText("Please correct 1 field").waitFor();
    expect(await form.getByLabel("Every (km)", { exact: true }).getAttribute("aria-invalid")).toBeNull();
    const threshold = form.getByLabel("Due soon within (km)", { exact: true });
    expect(await threshold.getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator("#plan-new-dueSoonKm-error").innerText()).toContain("Must be less than everyKm");
    expect(await threshold.getAttribute("aria-describedby")).toContain("plan-new-dueSoonKm-error");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await expectNoAxeViolations(page, `maintenance plan form with errors (${colorScheme})`);
    }
    await page.emulateMedia({ colorScheme: "light", contrast: "more" });
    await expectNoAxeViolations(page, "maintenance plan form with errors (more contrast)");
    await page.emulateMedia({ colorScheme: "light", contrast: "no-preference" });
    await screenshot(page, "maintenance-plan-errors-desktop-light");

    await threshold.fill("500");
    await form.getByRole("button", { name: "Create plan" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Plan “${name}” saved.` })
      .waitFor();
    const plans = page.getByRole("table", { name: /^\d+ plans?$/ });
    const row = plans.locator("tbody tr").filter({ hasText: name });
    expect((await row.innerText()).replace(/\s+/g, " ")).toMatch(/5,?000 km.*500 km/);

    await row.getByRole("button", { name: `Edit plan ${name}` }).click();
    const edit = page.getByRole("form", { name: `Edit plan “${name}”` });
    await edit.getByLabel("Every (days)", { exact: true }).fill("90");
    await edit.getByRole("button", { name: "Save plan" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Plan “${name}” saved.` })
      .waitFor();
    await page.waitForFunction(
      (n) =>
        Array.from(document.querySelectorAll("main tbody tr")).some(
          (tr) => tr.textContent?.includes(n) && tr.textContent.includes("90 days"),
        ),
      name,
    );
  });

  it("is axe-clean and screenshotted at desktop and phone width, light, dark and more contrast", async () => {
    await page.goto("/maintenance");
    await settled(page);
    await dueRows(soonPlan).first().waitFor();
    await expectEveryLookAccessible(page, "maintenance");
  });
});
