/** Signing in and out, per role, and the session's life across reloads and expiry. */
import type { BrowserContext, Page } from "playwright-core";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import {
  browserForFile,
  DRIVER_LINKS,
  expectNoAxeViolations,
  navLinkNames,
  PHONE,
  type RoleName,
  screenshot,
  signIn,
  STAFF_HOME,
  STAFF_LINKS,
  TECHNICIAN_LINKS,
} from "./support";

const ctx = inject("fleetpulse");
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

describe("sign-in screen", () => {
  it("has the labelled fields and button, and no axe violations in light, dark and more contrast", async () => {
    await page.goto("/");
    await expect.poll(() => new URL(page.url()).pathname).toBe("/sign-in");
    await page.getByLabel("Organization", { exact: true }).waitFor();
    await page.getByLabel("Email", { exact: true }).waitFor();
    await page.getByLabel("Password", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Skip");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("MAIN");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await expectNoAxeViolations(page, `sign-in (${colorScheme})`);
      await screenshot(page, `sign-in-desktop-${colorScheme}`);
    }
    await page.emulateMedia({ colorScheme: "light", contrast: "more" });
    await expectNoAxeViolations(page, "sign-in (light, prefers-contrast: more)");
    await page.emulateMedia({ colorScheme: "dark", contrast: "more" });
    await expectNoAxeViolations(page, "sign-in (dark, prefers-contrast: more)");
    await page.emulateMedia({ colorScheme: "light", contrast: "no-preference", forcedColors: "active" });
    await screenshot(page, "sign-in-desktop-forced-colors");
    await page.emulateMedia({ forcedColors: "none" });
    await page.setViewportSize(PHONE);
    await screenshot(page, "sign-in-phone-light");
  });

  it("marks empty fields invalid, describes the errors and focuses the first one", async () => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const organization = page.getByLabel("Organization", { exact: true });
    await expect.poll(() => organization.getAttribute("aria-invalid")).toBe("true");
    for (const [label, id] of [
      ["Organization", "tenant"],
      ["Email", "email"],
      ["Password", "password"],
    ] as const) {
      const input = page.getByLabel(label, { exact: true });
      expect(await input.getAttribute("aria-invalid")).toBe("true");
      expect((await input.getAttribute("aria-describedby"))?.split(" ")).toContain(`${id}-error`);
      expect(await page.locator(`#${id}-error`).innerText()).toMatch(/^Error: /);
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("tenant");
    await expectNoAxeViolations(page, "sign-in with field errors");
    await screenshot(page, "sign-in-desktop-field-errors");
  });

  it("says the email or password is incorrect on a wrong password", async () => {
    await page.goto("/sign-in");
    await page.getByLabel("Organization", { exact: true }).fill(ctx.tenant);
    await page.getByLabel("Email", { exact: true }).fill(ctx.users.manager.email);
    await page.getByLabel("Password", { exact: true }).fill(`${ctx.users.manager.password}-wrong`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Email or password is incorrect" });
    await alert.waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await page.evaluate(() => localStorage.getItem("fleetpulse.session"))).toBeNull();
    await expectNoAxeViolations(page, "sign-in with a wrong password");
    await screenshot(page, "sign-in-desktop-wrong-password");
  });

  it("tells the user how long to wait on 429, using retry-after", async () => {
    // Answered in the browser, so the real server's brute-force counters stay untouched.
    await page.route("**/api/auth/session", (route) =>
      route.fulfill({
        status: 429,
        headers: { "content-type": "application/problem+json", "retry-after": "120" },
        body: JSON.stringify({
          type: `${new URL(route.request().url()).origin}/problems/rate-limited`,
          title: "Too many requests",
          status: 429,
          requestId: "req-429",
        }),
      }),
    );
    await page.goto("/sign-in");
    await page.getByLabel("Organization", { exact: true }).fill(ctx.tenant);
    await page.getByLabel("Email", { exact: true }).fill(ctx.users.admin.email);
    await page.getByLabel("Password", { exact: true }).fill("whatever-it-is");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "wait 2 minutes" }).waitFor();
  });

  it("shows the server's field errors from a 400 problem on the fields", async () => {
    await page.route("**/api/auth/session", (route) =>
      route.fulfill({
        status: 400,
        headers: { "content-type": "application/problem+json" },
        body: JSON.stringify({
          type: `${new URL(route.request().url()).origin}/problems/validation`,
          title: "Invalid request",
          status: 400,
          requestId: "req-400",
          errors: [{ path: "email", message: "Invalid email address" }],
        }),
      }),
    );
    await page.goto("/sign-in");
    await page.getByLabel("Organization", { exact: true }).fill(ctx.tenant);
    await page.getByLabel("Email", { exact: true }).fill("someone@example");
    await page.getByLabel("Password", { exact: true }).fill("whatever-it-is");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const email = page.getByLabel("Email", { exact: true });
    await expect.poll(() => email.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#email-error").innerText()).toContain("Invalid email address");
    expect(await page.getByLabel("Organization", { exact: true }).getAttribute("aria-invalid")).toBeNull();
  });
});

describe("signed in", () => {
  const expected: Record<RoleName, { links: string[]; home: string }> = {
    admin: { links: STAFF_LINKS, home: STAFF_HOME },
    manager: { links: STAFF_LINKS, home: STAFF_HOME },
    technician: { links: TECHNICIAN_LINKS, home: STAFF_HOME },
    driver: { links: DRIVER_LINKS, home: "/my-vehicle" },
  };

  for (const role of Object.keys(expected) as RoleName[]) {
    it(`${role} sees the ${expected[role].links.length} links of the Main navigation`, async () => {
      await signIn(page, ctx, role);
      expect(await navLinkNames(page)).toEqual(expected[role].links);
      await expect.poll(() => new URL(page.url()).pathname).toBe(expected[role].home);
    });
  }

  it("keeps the session across a reload, and signing out returns to the sign-in screen", async () => {
    await signIn(page, ctx, "admin");
    await page.goto("/vehicles");
    await page.getByRole("heading", { level: 1, name: "Vehicles" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Vehicles" }).waitFor();
    expect(await navLinkNames(page)).toEqual(STAFF_LINKS);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/sign-in");
    expect(await page.evaluate(() => localStorage.getItem("fleetpulse.session"))).toBeNull();
    await page.reload();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  });

  it("returns to sign-in when the token has expired, then back to the intended screen", async () => {
    await signIn(page, ctx, "admin");
    // Age the stored session past its token's expiry.
    await page.evaluate(() => {
      const raw = localStorage.getItem("fleetpulse.session");
      if (!raw) throw new Error("no session stored");
      localStorage.setItem("fleetpulse.session", JSON.stringify({ ...JSON.parse(raw), expiresAt: Date.now() - 1000 }));
    });
    await page.goto("/settings");
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe("/sign-in");
    expect(url.searchParams.get("next")).toBe("/settings");
    await signIn(page, ctx, "admin", url.pathname + url.search);
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/settings");
  });
});
