/**
 * Sessions in the PWA: an admin changes a user's role and deactivates it (with a confirmation);
 * a session signed out from elsewhere (POST /api/auth/logout with the same token) closes the live
 * socket with 4001, and the page signs out, says the session ended, and forgets that user's
 * cached API answers and queued offline actions. Axe at AAA on each state.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { unique } from "./maintenance-api";
import { browserForFile, expectNoAxeViolations, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

const pageSession = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem("fleetpulse.session") ?? "null") as { token: string; user: { id: string } } | null);

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

    const logout = await fetch(`${ctx.url}/api/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${signedIn.token}` } });
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
    const signedIn = await pageSession(page);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await expect
      .poll(async () => (await fetch(`${ctx.url}/api/me`, { headers: { authorization: `Bearer ${signedIn?.token}` } })).status)
      .toBe(401);
    await context.close();
  });
});
