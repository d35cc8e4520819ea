/**
 * Setting up vehicles in the PWA: Add vehicle (errors next to the field, focus on the first), its
 * first telemetry on its page, Edit, and Import vehicles: 50 rows with 2 bad ones are refused,
 * each by its line number; the corrected file imports. Axe at AAA in every look.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postTelemetry } from "../../scripts/lib/telemetry-client.mjs";
import { api, apiToken } from "./api-client";
import { expectEveryLookAccessible } from "./appearance";
import { expectAccessibleInForcedColors } from "./forced-colors";
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
  await signIn(page, ctx, "manager", "/vehicles");
  await settled(page);
});
afterAll(async () => {
  await context.close();
});

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");

describe("Vehicles set-up", () => {
  it("adds a vehicle, refusing bad fields next to them, then shows its first telemetry", async () => {
    await page.getByRole("button", { name: "Add vehicle", exact: true }).click();
    const form = page.getByRole("form", { name: "Add vehicle" });
    await form.getByLabel("VIN", { exact: true }).fill("IOQ");
    await form.getByLabel("Odometer (km)", { exact: true }).fill("lots");
    await form.getByRole("button", { name: "Save vehicle" }).click();
    await expect.poll(focusedId).toBe("vehicle-name");
    for (const label of ["Name", "External ID", "Odometer (km)"])
      expect(await form.getByLabel(label, { exact: true }).getAttribute("aria-invalid"), label).toBe("true");
    await expectNoAxeViolations(page, "add vehicle with errors");

    // The server's own checks land next to their field too (the VIN's format).
    const externalId = `NEW-${u}`;
    await form.getByLabel("Name", { exact: true }).fill(`Unit ${u}`);
    await form.getByLabel("External ID", { exact: true }).fill(externalId);
    await form.getByLabel("Odometer (km)", { exact: true }).fill("12000");
    await form.getByLabel("Engine hours", { exact: true }).fill("340");
    await form.getByLabel("Type", { exact: true }).fill("van");
    await form.getByLabel("Driver", { exact: true }).selectOption({ index: 1 });
    await form.getByRole("button", { name: "Save vehicle" }).click();
    await expect.poll(focusedId).toBe("vehicle-vin");
    expect(await form.getByLabel("VIN", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await form.getByLabel("VIN", { exact: true }).fill("");
    await form.getByRole("button", { name: "Save vehicle" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Vehicle “Unit ${u}” saved.` })
      .waitFor();
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: `Unit ${u}`, exact: true }) });
    await row.waitFor();

    // Its first telemetry, posted by its External ID as a vendor would, shows on its page.
    expect(
      (
        await postTelemetry(ctx.url, ctx.tenant, ctx.webhookSecret, [
          { vehicleId: externalId, ts: new Date().toISOString(), readings: { engineTempC: 77.5 } },
        ])
      ).status,
    ).toBe(202);
    await row.getByRole("link", { name: `Unit ${u}` }).click();
    await page.getByRole("heading", { level: 1, name: `Unit ${u}` }).waitFor();
    await page.getByText("engineTempC").first().waitFor();
    await page.goto("/vehicles");
    await settled(page);
  });

  it("edits a vehicle: only the changed field is sent", async () => {
    const token = await apiToken(ctx, "manager");
    const created = await api<{ id: string }>(ctx, token, "POST", "/api/vehicles", {
      externalId: `EDIT-${u}`,
      name: `Edit me ${u}`,
      type: "truck",
    });
    await page.reload();
    await settled(page);
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: `Edit me ${u}`, exact: true }) });
    await row.getByRole("button", { name: "Edit", exact: true }).click();
    // The heading follows the vehicle's name, which changes on reload below.
    const form = page.getByRole("form", { name: /^Edit vehicle: / });
    await form.getByLabel("Type", { exact: true }).fill("tractor");
    // Meanwhile someone renames it: this person's save of Type alone must not undo that.
    await api(ctx, token, "PATCH", `/api/vehicles/${created.id}`, { name: `Renamed ${u}` });
    await form.getByRole("button", { name: "Save vehicle" }).click();
    // The rename changed the vehicle's version: the save is refused (412) and the conflict view
    // shows each changed field: their Name, this person's Type, no conflict to decide.
    const view = form.getByRole("region", { name: "Changed by someone else" });
    await view.getByRole("alert").filter({ hasText: "changed by someone else" }).waitFor();
    const text = (await view.innerText()).replace(/\s+/g, " ");
    expect(text).toContain("Name: They changed this; you did not, so theirs is taken.");
    expect(text).toContain("Type: You changed this; they did not, so yours is kept.");
    expect(await view.getByRole("radio").count()).toBe(0);
    await expectNoAxeViolations(page, "vehicle edit refused as stale");
    await view.getByRole("button", { name: "Use these values" }).click();
    await expect.poll(() => form.getByLabel("Name", { exact: true }).inputValue()).toBe(`Renamed ${u}`);
    expect(await form.getByLabel("Type", { exact: true }).inputValue()).toBe("tractor");
    await form.getByRole("button", { name: "Save vehicle" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Vehicle “Renamed ${u}” saved.` })
      .waitFor();
    const now = await api<{ name: string; type: string }>(ctx, token, "GET", `/api/vehicles/${created.id}`);
    expect(now).toMatchObject({ name: `Renamed ${u}`, type: "tractor" });
  });

  it("imports 50 vehicles: 2 bad rows are reported by line and nothing is stored; the fixed file imports", async () => {
    const lines = ["External ID,Name,Type,Odometer (km)"];
    for (let i = 1; i <= 50; i++) lines.push(`IMP-${u}-${i},Imported ${u} ${i},truck,${i * 1000}`);
    const bad = [...lines];
    bad[12] = `IMP-${u}-12,,truck,12000`; // line 13: no name
    bad[31] = `IMP-${u}-31,Imported ${u} 31,truck,many`; // line 32: not a number
    await page.goto("/vehicles");
    await settled(page);
    const input = page.getByLabel("Import vehicles", { exact: true });
    await input.setInputFiles({ name: "fleet.csv", mimeType: "text/csv", buffer: Buffer.from(bad.join("\n")) });
    const refused = page.getByRole("list", { name: "Refused lines" });
    await refused.waitFor();
    const items = (await refused.getByRole("listitem").allInnerTexts()).map((t) => t.trim());
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^Line 13: Name:/);
    expect(items[1]).toMatch(/^Line 32: Odometer \(km\): Must be a number/);
    await page.getByRole("alert").filter({ hasText: "Nothing was imported: 2 lines were refused" }).waitFor();
    const token = await apiToken(ctx, "manager");
    const before = await api<{ items: { externalId: string }[] }>(ctx, token, "GET", "/api/vehicles?limit=500");
    expect(before.items.filter((v) => v.externalId.startsWith(`IMP-${u}-`))).toHaveLength(0);
    await expectEveryLookAccessible(page, "vehicles-import-refused");
    await expectAccessibleInForcedColors(page, "vehicles-import-refused");

    await input.setInputFiles({ name: "fleet.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
    await page.getByRole("status").filter({ hasText: "Imported 50 vehicles from fleet.csv." }).waitFor();
    await page.getByRole("link", { name: `Imported ${u} 50`, exact: true }).waitFor();
    const after = await api<{ items: { externalId: string }[] }>(ctx, token, "GET", "/api/vehicles?limit=500");
    expect(after.items.filter((v) => v.externalId.startsWith(`IMP-${u}-`))).toHaveLength(50);
  });
});
