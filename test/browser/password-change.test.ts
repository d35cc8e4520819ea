/** Settings → Change password: field errors, staying signed in here, signed out on the other device. */
import type { BrowserContext } from "playwright-core";
import { afterEach, describe, expect, inject, it } from "vitest";
import { ownTenant } from "./own-tenant";
import { browserForFile, expectNoAxeViolations, signIn } from "./support";

const ctx = inject("fleetpulse");
const platformToken = inject("platformToken");
const browser = browserForFile(ctx);
const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const loginStatus = async (tenant: string, email: string, password: string) =>
  (
    await fetch(`${ctx.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant, email, password }),
    })
  ).status;

describe("Settings → Change password", () => {
  it("reports a wrong current password at its field, then changes it: this device stays signed in, the other is signed out", async () => {
    const tenant = await ownTenant(ctx, platformToken, "pw");
    const own = { ...ctx, tenant: tenant.slug, users: { ...ctx.users, admin: tenant.admin } };
    const [here, there] = await Promise.all([browser.newContext(), browser.newContext()]);
    contexts.push(here, there);
    const page = await here.newPage();
    const other = await there.newPage();
    await signIn(page, own, "admin", "/settings");
    await signIn(other, own, "admin", "/settings");

    await page.getByRole("heading", { name: "Change password" }).waitFor();
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
    await page.getByLabel("Confirm new password").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    const current = page.getByLabel("Current password");
    await expect.poll(() => current.getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("current-password");
    expect(await page.locator("#current-password-error").innerText()).toContain("not correct");
    await expectNoAxeViolations(page, "settings, change password refused");

    await current.fill(tenant.admin.password);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "password is changed" }).count()).toBe(1);
    expect(await current.inputValue()).toBe("");

    // Here: new cookies, still signed in after a reload. There: the old session is over.
    await page.reload();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    expect(await page.evaluate(async () => (await fetch("/api/me")).status)).toBe(200);
    await other.reload();
    await expect.poll(() => new URL(other.url()).pathname, { timeout: 10_000 }).toBe("/sign-in");

    expect(await loginStatus(tenant.slug, tenant.admin.email, tenant.admin.password)).toBe(401);
    expect(await loginStatus(tenant.slug, tenant.admin.email, "a brand new passphrase")).toBe(200);
  });
});
