/** Settings: preferences with quiet hours, silences, escalation policies and webhooks, with field errors from problem JSON. */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { apiGet, apiToken } from "./api-client";
import { browserForFile, expectNoAxeViolations, PHONE, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

/** The control's error text, found through its aria-describedby, once it is marked invalid. */
async function errorOf(page: Page, label: string) {
  const control = page.getByLabel(label, { exact: true });
  await expect.poll(() => control.getAttribute("aria-invalid")).toBe("true");
  const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(" ");
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()));
  return texts.join(" ");
}

describe("Settings", () => {
  it("saves preferences with quiet hours, showing the server's field errors first", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "admin", "/settings");
    await settled(page);
    await page.getByRole("button", { name: "Turn on push on this device" }).waitFor();

    const high = page.getByRole("group", { name: "High alerts" });
    await high.getByLabel("Email").check();
    await page.getByLabel("Hold non-critical notifications during quiet hours").check();
    await page.getByLabel("Quiet from", { exact: true }).fill("21:30");
    await page.getByLabel("Quiet until", { exact: true }).fill("06:15");
    await page.getByLabel("Time zone", { exact: true }).fill("Mars/Olympus_Mons");
    await page.getByRole("button", { name: "Save notification preferences" }).click();
    expect(await errorOf(page, "Time zone")).toMatch(/time zone/i);
    await page.getByRole("alert").filter({ hasText: "Please correct" }).waitFor();
    await expectNoAxeViolations(page, "settings with a field error");

    await page.getByLabel("Time zone", { exact: true }).fill("Europe/Berlin");
    await page.getByRole("button", { name: "Save notification preferences" }).click();
    await page.getByRole("status").filter({ hasText: "Your notification preferences are saved." }).waitFor();
    expect(await page.getByLabel("Time zone", { exact: true }).getAttribute("aria-invalid")).toBeNull();
    const token = await apiToken(ctx, "admin");
    const prefs = await apiGet<{ channels: Record<string, string[]>; quietHours: unknown }>(ctx, token, "/api/me/preferences");
    expect(prefs.quietHours).toEqual({ start: "21:30", end: "06:15", timeZone: "Europe/Berlin" });
    expect(prefs.channels.high).toContain("email");
    await screenshot(page, "settings-admin-desktop");
    await context.close();
  });

  it("creates and removes a silence, edits an escalation policy and adds a webhook", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "admin", "/settings");
    await settled(page);
    const token = await apiToken(ctx, "admin");

    // Silence ending before it starts: the server names the field.
    await page.getByLabel("Severity", { exact: true }).selectOption("low");
    await page.getByLabel("Starts", { exact: true }).fill("2030-01-02T10:00");
    await page.getByLabel("Ends", { exact: true }).fill("2030-01-02T09:00");
    await page.getByLabel("Reason", { exact: true }).fill("Depot maintenance window");
    await page.getByRole("button", { name: "Create silence" }).click();
    expect(await errorOf(page, "Ends")).toMatch(/after/i);
    await page.getByLabel("Ends", { exact: true }).fill("2030-01-02T12:00");
    await page.getByRole("button", { name: "Create silence" }).click();
    await page.getByRole("status").filter({ hasText: "Silence created." }).waitFor();
    const removeButton = page.getByRole("button", { name: "Remove silence: Depot maintenance window" });
    await removeButton.waitFor();
    const silences = await apiGet<{ items: { comment: string; matchers: Record<string, string> }[] }>(ctx, token, "/api/silences");
    expect(silences.items.find((s) => s.comment === "Depot maintenance window")?.matchers).toEqual({ severity: "low" });

    // Escalation: add a step to the low policy.
    await page.getByRole("button", { name: "Add a step to the low policy" }).click();
    const low = page.getByRole("form", { name: "Low alerts" });
    await low.getByRole("group", { name: "Step 1" }).getByLabel("sms").check();
    await page.getByRole("button", { name: "Save the low policy" }).click();
    await page.getByRole("status").filter({ hasText: "The low policy is saved." }).waitFor();
    const policies = await apiGet<{ items: { severity: string; steps: { roles: string[]; channels: string[] }[] }[] }>(
      ctx,
      token,
      "/api/escalation-policies",
    );
    const lowSteps = policies.items.find((p) => p.severity === "low")?.steps ?? [];
    expect(lowSteps.at(-1)?.channels).toContain("sms");

    // Webhook: an invalid URL is marked, a valid one shows the secret once.
    await page.getByLabel("Endpoint URL", { exact: true }).fill("not a url");
    await page.getByRole("button", { name: "Add webhook" }).click();
    expect(await errorOf(page, "Endpoint URL")).toMatch(/url/i);
    await page.getByLabel("Endpoint URL", { exact: true }).fill("https://hooks.example.com/fleetpulse");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await page.getByText(/Signing secret .*whsec_/).waitFor();

    await expectNoAxeViolations(page, "settings (admin)");
    for (const colorScheme of ["dark", "light"] as const) {
      await page.emulateMedia({ colorScheme, contrast: "more" });
      await expectNoAxeViolations(page, `settings, ${colorScheme}, more contrast`);
    }
    await page.emulateMedia({ colorScheme: "dark", contrast: "no-preference" });
    await expectNoAxeViolations(page, "settings, dark");
    await page.setViewportSize(PHONE);
    await screenshot(page, "settings-admin-phone-dark");

    await removeButton.click();
    await page.getByRole("status").filter({ hasText: "Silence removed." }).waitFor();
    await expect.poll(() => removeButton.count()).toBe(0);
    await context.close();
  });

  it("shows a driver only their own preferences and push", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "driver", "/settings");
    await settled(page);
    await page.getByRole("button", { name: "Save notification preferences" }).waitFor();
    expect(await page.getByRole("heading", { name: "Silences" }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Outbound webhooks" }).count()).toBe(0);
    await expectNoAxeViolations(page, "settings (driver)");
    await screenshot(page, "settings-driver-desktop");
    await context.close();
  });
});
