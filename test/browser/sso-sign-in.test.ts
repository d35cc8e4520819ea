/**
 * Signing in to the app through single sign-on with a real local OIDC provider (oidc-provider,
 * started by the browser global setup): the button appears for an organization that set it up,
 * the provider's login page, and /sign-in/sso trading the ticket for the HttpOnly cookie session.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { api } from "./api-client";
import { ownTenant } from "./own-tenant";
import { browserForFile, expectNoAxeViolations, STAFF_HOME } from "./support";

// The callback sends the browser back to APP_URL (the dev proxy's address), so this file's pages start there.
const fleetpulse = inject("fleetpulse");
const ctx = { ...fleetpulse, url: fleetpulse.appUrl };
const oidc = inject("oidcProvider");
const platformToken = inject("platformToken");
const browser = browserForFile(ctx);
let context: BrowserContext;
let page: Page;

beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async () => {
  await context?.close();
});

describe("single sign-on in the app", () => {
  it("offers the button for an organization with single sign-on and lands signed in with cookies, no token in storage", async () => {
    const tenant = await ownTenant(ctx, platformToken, "sso");
    await api(ctx, tenant.token, "PUT", "/api/sso/settings", { ...oidc, defaultRole: "manager" }, 200);

    await page.goto("/sign-in");
    // The demo tenant has no single sign-on: no button.
    await page.getByLabel("Organization", { exact: true }).fill(ctx.tenant);
    await page.getByLabel("Email", { exact: true }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sign in with single sign-on" }).count(), { timeout: 1500 }).toBe(0);

    await page.getByLabel("Organization", { exact: true }).fill(tenant.slug);
    const sso = page.getByRole("button", { name: "Sign in with single sign-on" });
    await sso.waitFor();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await expectNoAxeViolations(page, "sign-in with the single sign-on button");
    await sso.click();

    // The provider's own login page.
    await page.waitForURL((url) => url.origin === oidc.issuer);
    const email = `sam@${tenant.slug}.example`;
    await page.locator("input[name=email]").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();

    await page.getByRole("navigation", { name: "Main" }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe(STAFF_HOME);
    expect(new URL(page.url()).hash).toBe("");

    const cookies = await context.cookies(ctx.url);
    const access = cookies.find((c) => c.name === "fp_access");
    expect(access).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toContain(access!.value);
    expect(stored).not.toMatch(/ticket/i);
    expect(JSON.parse(await page.evaluate(() => localStorage.getItem("fleetpulse.session") ?? "{}"))).toMatchObject({
      tenant: tenant.slug,
    });

    // The session is the server's: /api/me answers with the cookie alone.
    const me = await page.evaluate(async () => (await fetch("/api/me")).json());
    expect(me).toMatchObject({ email, role: "manager" });
  });

  it("explains a failed single sign-on in an alert, with the way back, and no axe violations", async () => {
    await page.goto("/sign-in/sso#error=unverified");
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.innerText()).toContain("did not confirm your email address");
    expect(new URL(page.url()).hash).toBe("");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alert");
    await expectNoAxeViolations(page, "single sign-on failed");

    // A used or made-up ticket: the same page, the generic reason (via another path: a fragment change alone reloads nothing).
    await page.goto("/sign-in");
    await page.goto("/sign-in/sso#ticket=not-a-real-ticket");
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("Single sign-on failed");
    await expectNoAxeViolations(page, "single sign-on ticket refused");
    await page.getByRole("link", { name: "Back to sign in" }).click();
    await page.getByLabel("Organization", { exact: true }).waitFor();
  });
});
