/**
 * Offline use end to end: cached data and the banner after an offline reload, an acknowledgement
 * taken offline is queued in IndexedDB and applied on the server after reconnecting, and a
 * queued action the server refuses (409) is shown to the user.
 */
import type { BrowserContext, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiGet, apiToken } from "./api-client";
import { raiseDtc, waitForAlert, type ApiAlert } from "./alert-seeding";
import { browserForFile, expectNoAxeViolations, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
let token: string;

beforeAll(async () => {
  token = await apiToken(ctx, "manager");
});

const post = (path: string) => api(ctx, token, "POST", path, {}, 200);

const status = async (id: string) => (await apiGet<ApiAlert>(ctx, token, `/api/alerts/${id}`)).status;

interface OnScreen {
  context: BrowserContext;
  page: Page;
  /** The alert's item in the Alerts list. */
  item: Locator;
  alert: ApiAlert;
  code: string;
}

/**
 * Raises a fresh alert on `vehicle`, then runs `use` with it on the Alerts screen (searched by its
 * code) in a new browser profile already controlled by the service worker; closes the profile after.
 */
async function withAlertOnScreen(vehicle: string, use: (on: OnScreen) => Promise<void>) {
  const code = `P${Math.floor(1000 + Math.random() * 8999)}`;
  await raiseDtc(ctx, vehicle, code);
  const alert = await waitForAlert(ctx, token, code);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, ctx, "manager", `/alerts?q=${code}`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await use({ context, page, item: page.locator("main .alert-list > li").filter({ hasText: code }), alert, code });
  } finally {
    await context.close();
  }
}

/** Acknowledges while the network is down: the action is queued, not sent. */
async function acknowledgeOffline({ context, item }: OnScreen) {
  await context.setOffline(true);
  await item.getByRole("button", { name: "Acknowledge" }).click();
  await item.getByText("(waiting to be sent)").waitFor();
}

describe("offline action queue", () => {
  it("shows cached alerts offline, queues an acknowledgement and applies it after reconnecting", async () => {
    await withAlertOnScreen("TRUCK-019", async (on) => {
      const { context, page, item, alert } = on;
      // Loaded once under the service worker's control, so it is in its cache.
      await page.reload();
      await settled(page);
      await item.waitFor();

      await context.setOffline(true);
      await page.reload();
      await item.waitFor();
      const banner = page
        .getByRole("status")
        .filter({ hasText: /offline/i })
        .first();
      expect(await banner.innerText()).toMatch(/offline — showing data from \d\d:\d\d/);

      await acknowledgeOffline(on);
      expect(await item.innerText()).toContain("acknowledged");
      const waiting = page.getByRole("status").filter({ hasText: /1 action taken offline waiting to be sent/ });
      await waiting.waitFor();
      await expectNoAxeViolations(page, "alerts offline with a queued action");
      await screenshot(page, "alerts-offline-queued-desktop");
      // Nothing reached the server while offline.
      expect(await status(alert.id)).toBe("open");

      // A reload while still offline keeps the queued action (IndexedDB).
      await page.reload();
      await waiting.waitFor();

      await context.setOffline(false);
      await expect.poll(() => status(alert.id), { timeout: 10_000 }).toBe("acknowledged");
      await expect.poll(() => waiting.count()).toBe(0);
      await expect.poll(() => item.innerText()).not.toContain("waiting to be sent");
      expect(await item.innerText()).toContain("acknowledged");
    });
  });

  it("tells the user when a queued action conflicts with a change made meanwhile (409)", async () => {
    await withAlertOnScreen("TRUCK-020", async (on) => {
      const { context, page, item, alert, code } = on;
      await item.waitFor();
      await acknowledgeOffline(on);
      // Someone else resolves it meanwhile.
      await post(`/api/alerts/${alert.id}/resolve`);

      await context.setOffline(false);
      const problem = page.getByRole("alert").filter({ hasText: "Not applied" });
      await problem.waitFor({ timeout: 10_000 });
      expect(await problem.innerText()).toMatch(new RegExp(`Acknowledge: .*${code}.*conflicts with a change made meanwhile`));
      await expectNoAxeViolations(page, "alerts with a replay conflict");
      await screenshot(page, "alerts-replay-conflict-desktop");
      expect(await status(alert.id)).toBe("resolved");
      // The screen reloads and shows the server's state.
      await expect.poll(() => item.innerText()).toContain("resolved");
      await problem.getByRole("button", { name: "Dismiss" }).click();
      await expect.poll(() => problem.count()).toBe(0);
    });
  });

  it("replays through Background Sync in the service worker even when the page is signed out, and sign-in returns to the same screen", async () => {
    await withAlertOnScreen("TRUCK-014", async (on) => {
      const { context, page, item, alert, code } = on;
      await item.waitFor();
      await acknowledgeOffline(on);

      // The session ends on this device while offline (the page can no longer send anything).
      await page.evaluate(() => {
        const raw = localStorage.getItem("fleetpulse.session") ?? "{}";
        localStorage.setItem("fleetpulse.session", JSON.stringify({ ...JSON.parse(raw), expiresAt: Date.now() - 1000 }));
      });
      await page.reload();
      await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
      expect(await status(alert.id)).toBe("open");
      // Back online: the page has no session, so only the service worker's sync (with the token
      // of the user who took the action, still valid on the server) can deliver it.
      await context.setOffline(false);
      await expect.poll(() => status(alert.id), { timeout: 15_000 }).toBe("acknowledged");

      await page.getByLabel("Organization", { exact: true }).fill(ctx.tenant);
      await page.getByLabel("Email", { exact: true }).fill(ctx.users.manager.email);
      await page.getByLabel("Password", { exact: true }).fill(ctx.users.manager.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "Alerts" }).waitFor();
      expect(new URL(page.url()).search).toBe(`?q=${code}`);
      // Nothing is left waiting, and the screen shows the server's state.
      await expect.poll(() => page.getByText(/taken offline waiting to be sent/).count()).toBe(0);
      await expect.poll(() => page.locator("main .alert-list > li").filter({ hasText: code }).innerText()).toContain("acknowledged");
    });
  });
});
