/**
 * Setting up the fleet in the PWA: rules (New rule, Edit, Enabled), users (Add user), the shop
 * (Add technician, Add bay) and New work order; each form reports errors next to the field and
 * moves focus to the first. Axe at AAA on each screen with its form open.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { unique } from "./maintenance-api";
import { browserForFile, expectNoAxeViolations, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, ctx, "admin");
});
afterAll(async () => {
  await context.close();
});

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");

describe("Rules", () => {
  it("creates a rule, refuses an empty name next to the field, edits and disables it", async () => {
    await page.goto("/rules");
    await settled(page);
    await page.getByRole("button", { name: "New rule", exact: true }).click();
    const form = page.getByRole("form", { name: "New rule" });
    await form.getByRole("button", { name: "Save rule" }).click();
    await expect.poll(focusedId).toBe("rule-name");
    expect(await form.getByLabel("Name", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await expectNoAxeViolations(page, "rules with the new-rule form and errors");

    const name = `Coolant hot ${u}`;
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Metric", { exact: true }).fill("coolantTempC");
    await form.getByLabel("Condition", { exact: true }).selectOption("gt");
    await form.getByLabel("Threshold", { exact: true }).fill("105");
    await form.getByLabel("Held for (seconds)", { exact: true }).fill("30");
    await form.getByLabel("Severity", { exact: true }).selectOption("high");
    await form.getByLabel("Cooldown (seconds)", { exact: true }).fill("600");
    await form.getByRole("button", { name: "Save rule" }).click();
    const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name, exact: true }) });
    await item.getByText("coolantTempC greater than 105, held for 30 s").waitFor();

    await item.getByRole("button", { name: "Edit", exact: true }).click();
    const edit = page.getByRole("form", { name: `Edit rule: ${name}` });
    await edit.getByLabel("Threshold", { exact: true }).fill("108");
    await edit.getByRole("button", { name: "Save rule" }).click();
    await item.getByText("coolantTempC greater than 108").waitFor();

    const enabled = item.getByRole("switch", { name: "Enabled" });
    expect(await enabled.getAttribute("aria-checked")).toBe("true");
    await enabled.click();
    await expect.poll(() => enabled.getAttribute("aria-checked")).toBe("false");
    const token = await apiToken(ctx);
    const { items } = await api<{ items: { name: string; enabled: boolean; threshold: number; cooldownSeconds: number }[] }>(
      ctx,
      token,
      "GET",
      "/api/rules",
    );
    expect(items.find((r) => r.name === name)).toMatchObject({ enabled: false, threshold: 108, cooldownSeconds: 600 });
    await expectNoAxeViolations(page, "rules after saving");
  });
});

describe("Settings: users and shop", () => {
  it("adds a user, with the email's error next to it first", async () => {
    await page.goto("/settings");
    await settled(page);
    await page.getByRole("button", { name: "Add user", exact: true }).click();
    const form = page.getByRole("form", { name: "Add user" });
    await form.getByLabel("Name", { exact: true }).fill(`Dispatcher ${u}`);
    await form.getByRole("button", { name: "Save user" }).click();
    await expect.poll(focusedId).toBe("user-email");
    await form.locator("#user-email-error").waitFor();
    await expectNoAxeViolations(page, "settings with the add-user form and errors");

    await form.getByLabel("Email", { exact: true }).fill(`dispatch-${u}@demo.fleetpulse.dev`);
    await form.getByLabel("Role", { exact: true }).selectOption("manager");
    await form.getByLabel("Phone", { exact: true }).fill("+4915112345678");
    await form.getByLabel("Temporary password", { exact: true }).fill("a-long-temporary-pass");
    await form.getByRole("button", { name: "Save user" }).click();
    const row = page.getByRole("row").filter({ hasText: `dispatch-${u}@demo.fleetpulse.dev` });
    await row.getByText("Fleet manager").waitFor();
    await row.getByRole("button", { name: "Change role", exact: true }).waitFor();
  });

  it("adds a technician with skills and shifts, and a bay", async () => {
    await page.goto("/settings");
    await settled(page);
    await page.getByRole("button", { name: "Add technician", exact: true }).click();
    const form = page.getByRole("form", { name: "Add technician" });
    await form.getByRole("button", { name: "Save technician" }).click();
    await expect.poll(focusedId).toBe("tech-name");
    await form.getByLabel("Name", { exact: true }).fill(`Mechanic ${u}`);
    await form.getByLabel("Skills", { exact: true }).fill("brakes, electrical");
    await form.getByLabel("Time zone", { exact: true }).selectOption("UTC");
    await form.getByLabel("Saturday", { exact: true }).check();
    await form.getByLabel("Shift starts", { exact: true }).fill("07:00");
    await form.getByLabel("Shift ends", { exact: true }).fill("15:30");
    await expectNoAxeViolations(page, "settings with the add-technician form");
    await form.getByRole("button", { name: "Save technician" }).click();
    await page.getByText(`Mechanic ${u}: brakes, electrical; Mon, Tue, Wed, Thu, Fri, Sat, 07:00–15:30 (UTC)`).waitFor();

    await page.getByRole("button", { name: "Add bay", exact: true }).click();
    const bay = page.getByRole("form", { name: "Add bay" });
    await bay.getByLabel("Bay name", { exact: true }).fill(`Bay ${u}`);
    await bay.getByLabel("Capacity", { exact: true }).fill("2");
    await bay.getByRole("button", { name: "Save bay" }).click();
    await page.getByText(`Bay ${u}: holds 2 vehicles`).waitFor();
  });
});

describe("Work orders", () => {
  it("creates a manual work order with New work order", async () => {
    await page.goto("/work-orders");
    await settled(page);
    await page.getByRole("button", { name: "New work order", exact: true }).click();
    const form = page.getByRole("form", { name: "New work order" });
    await form.getByRole("button", { name: "Create work order" }).click();
    await expect.poll(focusedId).toBe("new-wo-vehicleId");
    await expectNoAxeViolations(page, "work orders with the new-work-order form and errors");
    await form.getByLabel("Vehicle", { exact: true }).selectOption({ label: "Unit 006" });
    await form.getByLabel("Title", { exact: true }).fill(`Mirror ${u}`);
    await form.getByLabel("Priority", { exact: true }).selectOption("high");
    await form.getByLabel("Due date", { exact: true }).fill("2030-01-15");
    await form.getByRole("button", { name: "Create work order" }).click();
    await page.getByText(`Work order “Mirror ${u}” created.`).waitFor();
    await page
      .getByRole("link", { name: new RegExp(`Mirror ${u}`) })
      .first()
      .waitFor();
  });
});
