/**
 * Two people edit one maintenance plan in two browser contexts: the second save is refused (412)
 * and the conflict view shows each changed field; a field only the second person changed is kept,
 * the first person's change to another field survives (it is never re-sent), and a field both
 * changed is decided by Keep mine / Take theirs.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { expectEveryLookAccessible } from "./appearance";
import { expectAccessibleInForcedColors } from "./forced-colors";
import { unique } from "./maintenance-api";
import { browserForFile, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();

async function openPlanForm(role: "admin" | "manager", planName: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ctx, role, "/maintenance");
  await settled(page);
  await page.getByRole("button", { name: `Edit plan ${planName}` }).click();
  await page.getByRole("form", { name: `Edit plan “${planName}”` }).waitFor();
  return page;
}

type Plan = { id: string; name: string; everyKm: number | null; durationMinutes: number; skill: string | null };

describe("Maintenance plans: changed by someone else", { timeout: 120_000 }, () => {
  it("shows the 412 field by field and saves only what the person kept", async () => {
    const token = await apiToken(ctx, "manager");
    const name = `Coolant ${u}`;
    const plan = await api<Plan>(ctx, token, "POST", "/api/maintenance/plans", { name, everyKm: 30_000, durationMinutes: 60 });
    const ann = await openPlanForm("manager", name);
    const bob = await openPlanForm("admin", name);

    // Ann changes the interval and the duration, and saves first.
    const annForm = ann.getByRole("form", { name: `Edit plan “${name}”` });
    await annForm.getByLabel("Every (km)", { exact: true }).fill("25000");
    await annForm.getByLabel("Duration (minutes)", { exact: true }).fill("90");
    await annForm.getByRole("button", { name: "Save plan" }).click();
    await ann
      .getByRole("status")
      .filter({ hasText: `Plan “${name}” saved.` })
      .waitFor();

    // Bob changes the interval differently and the skill, then saves on the old version.
    const bobForm = bob.getByRole("form", { name: `Edit plan “${name}”` });
    await bobForm.getByLabel("Every (km)", { exact: true }).fill("20000");
    await bobForm.getByLabel("Required skill (optional)").fill("cooling");
    await bobForm.getByRole("button", { name: "Save plan" }).click();
    const view = bob.getByRole("region", { name: "Changed by someone else" });
    await view.getByRole("alert").filter({ hasText: "your changes were not saved" }).waitFor();
    const unchanged = await api<Plan>(ctx, token, "GET", `/api/maintenance/plans/${plan.id}`);
    expect(unchanged).toMatchObject({ everyKm: 25_000, durationMinutes: 90, skill: null });
    const text = (await view.innerText()).replace(/\s+/g, " ");
    expect(text).toContain("Every (km): You both changed this differently");
    expect(text).toContain("Duration (minutes): They changed this; you did not");
    expect(text).toContain("Required skill (optional): You changed this; they did not");
    await expectEveryLookAccessible(bob, "plan-conflict");
    await expectAccessibleInForcedColors(bob, "plan-conflict");

    // Bob takes Ann's interval; his skill is kept; Ann's duration is not overwritten.
    await view.getByRole("group", { name: "Every (km): which to keep" }).getByLabel("Take theirs").check();
    await view.getByRole("button", { name: "Use these values" }).click();
    expect(await bobForm.getByLabel("Every (km)", { exact: true }).inputValue()).toBe("25000");
    expect(await bobForm.getByLabel("Duration (minutes)", { exact: true }).inputValue()).toBe("90");
    await bobForm.getByRole("button", { name: "Save plan" }).click();
    await bob
      .getByRole("status")
      .filter({ hasText: `Plan “${name}” saved.` })
      .waitFor();
    const merged = await api<Plan>(ctx, token, "GET", `/api/maintenance/plans/${plan.id}`);
    expect(merged).toMatchObject({ everyKm: 25_000, durationMinutes: 90, skill: "cooling" });
  });
});
