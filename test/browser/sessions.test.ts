/**
 * Sessions in the PWA: an admin changes a user's role and deactivates it (with a confirmation);
 * a session signed out from elsewhere (POST /api/auth/logout with the same token) closes the live
 * socket with 4001, and the page signs out, says the session ended, and forgets that user's
 * cached API answers and queued offline actions. Axe at AAA on each state.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { unique } from "./maintenance-api";
import { browserForFile, expectNoAxeViolations, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

const pageSession = (page: Page) =>
  page.evaluate(
    () => JSON.parse(localStorage.getItem("fleetpulse.session") ?? "null") as { user: { id: string }; expiresAt: number } | null,
  );

/** The HttpOnly access cookie (only the browser, never the page's script, holds it): a JWT usable as a bearer. */
async function accessCookie(context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === "fp_access");
  if (!cookie) throw new Error("no fp_access cookie after signing in");
  return cookie;
}

/** The offline queue's rows, read straight from IndexedDB (the store the app and service worker share). */
const queuedUserIds = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open("fleetpulse-actions", 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction("queue", "readonly").objectStore("queue").getAll();
          all.onsuccess = () => {
            resolve((all.result as { userId: string }[]).map((a) => a.userId));
            open.result.close();
          };
        };
      }),
  );

describe("Users under Settings", () => {
  it("adds a user, changes its role, and deactivates it after a confirmation", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "admin", "/settings");
    await settled(page);
    const u = unique();
    const email = `crew-${u}@demo.fleetpulse.dev`;
    const password = "a-long-temporary-pass";
    await page.getByRole("button", { name: "Add user", exact: true }).click();
    const form = page.getByRole("form", { name: "Add user" });
    await form.getByLabel("Email", { exact: true }).fill(email);
    await form.getByLabel("Name", { exact: true }).fill(`Crew ${u}`);
    await form.getByLabel("Role", { exact: true }).selectOption("driver");
    await form.getByLabel("Temporary password", { exact: true }).fill(password);
    await form.getByRole("button", { name: "Save user" }).click();
    const row = page.getByRole("row").filter({ hasText: email });
    await row.getByText("Active", { exact: true }).waitFor();

    await row.getByRole("button", { name: "Change role", exact: true }).click();
    const roleForm = row.getByRole("form", { name: `Change role of Crew ${u}` });
    await roleForm.getByLabel("New role", { exact: true }).selectOption("technician");
    await expectNoAxeViolations(page, "users with the change-role form");
    await roleForm.getByRole("button", { name: "Save role", exact: true }).click();
    await page.getByText(`Crew ${u} is now Technician.`).waitFor();
    await row.getByRole("cell", { name: "Technician", exact: true }).waitFor();

    await row.getByRole("button", { name: "Deactivate", exact: true }).click();
    const question = row.getByRole("group", { name: `Deactivate Crew ${u}?`, exact: false });
    await question.waitFor();
    // The question takes focus, so a keyboard or screen-reader user hears what is asked.
    expect(await page.evaluate(() => document.activeElement?.textContent ?? "")).toContain(`Deactivate Crew ${u}?`);
    await expectNoAxeViolations(page, "users with the deactivate confirmation");
    await question.getByRole("button", { name: "Yes, deactivate", exact: true }).click();
    await row.getByText("Deactivated", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Reactivate", exact: true }).waitFor();
    expect(await row.getByRole("button", { name: "Deactivate", exact: true }).count()).toBe(0);
    await expectNoAxeViolations(page, "users after a deactivation");

    const token = await apiToken(ctx);
    const { items } = await api<{ items: { email: string; role: string; active: boolean }[] }>(ctx, token, "GET", "/api/users?limit=500");
    expect(items.find((x) => x.email === email)).toMatchObject({ role: "technician", active: false });
    const login = await fetch(`${ctx.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant: ctx.tenant, email, password }),
    });
    expect(login.status).toBe(401);
    await context.close();
  });
});

describe("A session ended elsewhere", () => {
  it("signs the page out when its token is logged out from another context, and forgets the user's data", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", "/live");
    await page.getByRole("region", { name: "Live alerts" }).getByText("Live", { exact: true }).waitFor();
    const signedIn = await pageSession(page);
    if (!signedIn) throw new Error("no session in localStorage after signing in");
    // Something this user queued offline, and something another user left on this device.
    await page.evaluate(
      (userId) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open("fleetpulse-actions", 1);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction("queue", "readwrite");
            const base = { kind: "alert.ack", targetId: "alt_none", label: "Acknowledge: test", method: "POST", body: {}, token: "" };
            tx.objectStore("queue").add({ ...base, path: "/api/alerts/alt_none/ack", userId, queuedAt: Date.now() });
            tx.objectStore("queue").add({ ...base, path: "/api/alerts/alt_none/ack", userId: "usr_someone_else", queuedAt: Date.now() });
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
          };
        }),
      signedIn.user.id,
    );
    await expect.poll(() => page.evaluate(() => caches.has("fleetpulse-api-v1"))).toBe(true);

    const token = (await accessCookie(context)).value;
    const logout = await fetch(`${ctx.url}/api/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(logout.status).toBe(204);

    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await page.getByRole("status").filter({ hasText: "Your session ended" }).waitFor();
    expect(await pageSession(page)).toBeNull();
    await expect.poll(() => queuedUserIds(page)).toEqual(["usr_someone_else"]);
    await expect.poll(() => page.evaluate(() => caches.has("fleetpulse-api-v1"))).toBe(false);
    await expectNoAxeViolations(page, "sign-in after the session ended");
    await context.close();
  });

  it("signing out tells the server, so the token stops working", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "technician");
    const token = (await accessCookie(context)).value;
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await expect.poll(async () => (await fetch(`${ctx.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    // The server cleared the cookies.
    await expect.poll(async () => (await context.cookies()).some((c) => c.name === "fp_access")).toBe(false);
    await context.close();
  });
});

describe("The cookie session", () => {
  it("keeps no token where a script can read it: HttpOnly SameSite=Strict cookies, nothing in localStorage", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", "/live");
    await page.getByRole("region", { name: "Live alerts" }).getByText("Live", { exact: true }).waitFor();
    const cookie = await accessCookie(context);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    const stored = await page.evaluate(() => Object.keys(localStorage).map((k) => localStorage.getItem(k) ?? ""));
    // A JWT starts with the base64 of `{"`: none is stored, and the cookie's value appears nowhere.
    expect(stored.join("\n")).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(stored.join("\n")).not.toContain(cookie.value);
    expect(await page.evaluate(() => document.cookie)).not.toContain("fp_access");
    await context.close();
  });

  it("warns before the session ends and extends it (page clock driven, no waiting)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install();
    await signIn(page, ctx, "manager");
    await settled(page);
    const before = await pageSession(page);
    if (!before) throw new Error("no session after signing in");
    const firstCookie = (await accessCookie(context)).value;
    const dialog = page.getByRole("alertdialog", { name: "Your session is about to end" });
    // 12 minutes in (3 left): no warning yet.
    await page.clock.fastForward(12 * 60_000);
    expect(await dialog.count()).toBe(0);
    // Past 13 minutes (under 2 left), without touching the page: the warning.
    await page.clock.fastForward(60_000 + 5_000);
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/signed out at .*unless you stay signed in/);
    // It takes focus, so a keyboard or screen-reader user meets it at once.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Stay signed in");
    await expectNoAxeViolations(page, "session warning");
    await dialog.getByRole("button", { name: "Stay signed in", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const after = await pageSession(page);
    expect(after!.expiresAt).toBeGreaterThan(before.expiresAt);
    // The refresh rotated the HttpOnly cookie, and the new one works.
    const renewed = (await accessCookie(context)).value;
    expect(renewed).not.toBe(firstCookie);
    expect((await fetch(`${ctx.url}/api/me`, { headers: { authorization: `Bearer ${renewed}` } })).status).toBe(200);
    await context.close();
  });

  it("signing out clears every cache and the user's queued actions", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", "/alerts");
    await settled(page);
    const signedIn = await pageSession(page);
    await page.evaluate(async () => {
      const extra = await caches.open("fleetpulse-extra-test");
      await extra.put("/api/me", new Response("{}"));
    });
    await page.evaluate(
      (userId) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open("fleetpulse-actions", 1);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction("queue", "readwrite");
            const base = { kind: "alert.ack", targetId: "alt_none", label: "Acknowledge: test", method: "POST", body: {} };
            tx.objectStore("queue").add({ ...base, path: "/api/alerts/alt_none/ack", userId, queuedAt: Date.now() });
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
          };
        }),
      signedIn!.user.id,
    );
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await expect
      .poll(() => page.evaluate(async () => (await caches.keys()).filter((name) => !name.startsWith("workbox-precache"))))
      .toEqual([]);
    await expect.poll(() => queuedUserIds(page)).toEqual([]);
    await context.close();
  });
});
