/** A new service worker waits instead of taking over mid-task; the prompt lets the user switch when ready. */
import { describe, expect, inject, it } from "vitest";
import { browserForFile, expectNoAxeViolations, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

describe("PWA update prompt", () => {
  it("offers to reload when a new version is waiting, and switches to it on request", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, ctx, "manager", "/alerts");
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      await settled(page);
      const prompt = page.getByRole("button", { name: "Reload to update" });
      expect(await prompt.count()).toBe(0);

      // A new version appears: registering the worker under a new script URL installs it afresh,
      // as a deploy with changed bytes would.
      await page.evaluate(async () => void (await navigator.serviceWorker.register(`/sw.js?next=${Date.now()}`, { scope: "/" })));
      await prompt.waitFor({ timeout: 15_000 });
      // Still running the old worker: nothing changed under the user's hands.
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null)).toBe(true);
      await expectNoAxeViolations(page, "update prompt");

      const navigated = page.waitForEvent("load");
      await prompt.click();
      await navigated;
      await settled(page);
      // The page reloaded under the new worker. (The app then re-registers plain /sw.js, which to
      // the browser is yet another script URL, so no assertion about what waits after this.)
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? "")).toContain("/sw.js?next=");
      expect(new URL(page.url()).pathname).toBe("/alerts");
    } finally {
      await context.close();
    }
  });
});
