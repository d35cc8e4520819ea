/** The service worker's push handler shows the alert as a notification that leads to it; the live alert sound is opt-in. */
import { describe, expect, inject, it } from "vitest";
import { browserForFile, expectNoAxeViolations, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

describe("PWA push and alert sound", () => {
  it("shows a push message as a notification tagged by alert, linking to the alert", async () => {
    const context = await browser.newContext();
    try {
      await context.grantPermissions(["notifications"], { origin: ctx.url });
      const page = await context.newPage();
      await signIn(page, ctx, "manager", "/live");
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

      const cdp = await context.newCDPSession(page);
      const registrationId = new Promise<string>((resolve) => {
        cdp.on(
          "ServiceWorker.workerRegistrationUpdated",
          ({ registrations }: { registrations: { registrationId: string; scopeURL: string }[] }) => {
            const ours = registrations.find((r) => r.scopeURL === `${ctx.url}/`);
            if (ours) resolve(ours.registrationId);
          },
        );
      });
      await cdp.send("ServiceWorker.enable");
      const payload = {
        title: "Critical: Engine overheating",
        body: "Unit 003: engineTempC 121 above 110",
        alertId: "alt_push_test",
        severity: "critical",
        url: "/alerts/alt_push_test",
      };
      await cdp.send("ServiceWorker.deliverPushMessage", {
        origin: ctx.url,
        registrationId: await registrationId,
        data: JSON.stringify(payload),
      });

      await expect
        .poll(() =>
          page.evaluate(async () => {
            const shown = await (await navigator.serviceWorker.ready).getNotifications();
            return shown.map((n) => ({
              title: n.title,
              body: n.body,
              tag: n.tag,
              url: (n.data as { url?: string }).url,
              sticky: n.requireInteraction,
            }));
          }),
        )
        .toEqual([{ title: payload.title, body: payload.body, tag: "alt_push_test", url: "/alerts/alt_push_test", sticky: true }]);
    } finally {
      await context.close();
    }
  });

  it("keeps the alert sound off until the user turns it on, and remembers the choice", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, ctx, "manager", "/live");
      await settled(page);
      const toggle = page.getByRole("checkbox", { name: "Play a sound for new alerts" });
      expect(await toggle.isChecked()).toBe(false);
      await toggle.check();
      await page.reload();
      await settled(page);
      expect(await toggle.isChecked()).toBe(true);
      await expectNoAxeViolations(page, "live alerts with the sound toggle");
    } finally {
      await context.close();
    }
  });
});
