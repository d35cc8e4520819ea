/** The Alerts screen and alert detail: search and filters narrow the list, state lives in the URL, actions work. */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { apiGet, apiToken } from "./api-client";
import { raiseDtc, raiseLowBattery, raiseOverheating, waitForAlert, type ApiAlert } from "./alert-seeding";
import { browserForFile, DESKTOP, expectNoAxeViolations, PHONE, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const code = `P${Math.floor(1000 + Math.random() * 8999)}`;
let dtc: ApiAlert;
let overheating: ApiAlert;
let battery: ApiAlert;

beforeAll(async () => {
  const token = await apiToken(ctx, "manager");
  await raiseDtc(ctx, "TRUCK-016", code);
  await raiseOverheating(ctx, "TRUCK-017");
  await raiseLowBattery(ctx, "TRUCK-018");
  dtc = await waitForAlert(ctx, token, code);
  overheating = await waitForAlert(ctx, token, "Engine overheating on Unit 017");
  battery = await waitForAlert(ctx, token, "Low battery on Unit 018");
});

const items = (page: Page) => page.locator("main .alert-list > li");

async function listTexts(page: Page) {
  await settled(page);
  return items(page).allInnerTexts();
}

describe("Alerts screen", () => {
  it("narrows the list by severity, by search and by vehicle, keeping the filters in the URL", async () => {
    expect(dtc.severity).toBe("high");
    expect(overheating.severity).toBe("critical");
    expect(battery.severity).toBe("medium");
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", "/alerts");
    await page.getByRole("heading", { level: 1, name: "Alerts" }).waitFor();
    let texts = await listTexts(page);
    for (const text of [code, "Unit 017", "Unit 018"]) expect(texts.join("\n")).toContain(text);
    await expectNoAxeViolations(page, "alerts");
    await screenshot(page, "alerts-desktop");

    // Severity filter: only critical alerts, the overheating one among them.
    await page.getByLabel("Severity", { exact: true }).selectOption("critical");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => new URL(page.url()).search).toBe("?severity=critical");
    await expect.poll(async () => (await listTexts(page)).every((t) => /critical/i.test(t))).toBe(true);
    texts = await listTexts(page);
    expect(texts.some((t) => t.includes("Unit 017"))).toBe(true);
    expect(texts.some((t) => t.includes(code))).toBe(false);
    // Facet counts describe what matches.
    const facets = page.getByRole("region", { name: "Matching alerts" });
    expect(await facets.getByRole("link", { name: /^Critical: \d+/ }).innerText()).toMatch(new RegExp(`Critical: ${texts.length}`));

    // The URL survives a reload with the same filter.
    await page.reload();
    await expect.poll(() => page.getByLabel("Severity", { exact: true }).inputValue()).toBe("critical");
    expect((await listTexts(page)).every((t) => /critical/i.test(t))).toBe(true);

    // Full-text search (with the severity cleared): exactly the DTC alert.
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect.poll(() => new URL(page.url()).search).toBe("");
    // Keyboard only: type in the search box and press Enter.
    await page.getByLabel("Search alerts").focus();
    await page.keyboard.type(code);
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await listTexts(page)).length).toBe(1);
    texts = await listTexts(page);
    expect(texts[0]).toContain(code);
    expect(texts[0]).toMatch(/high[\s\S]*Unit 016/i);

    // Vehicle filter.
    await page.getByRole("link", { name: "Clear filters" }).click();
    await page.getByLabel("Vehicle", { exact: true }).selectOption({ label: "Unit 018" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("vehicleId")).toBe(battery.vehicleId);
    await expect.poll(async () => (await listTexts(page)).every((t) => t.includes("Unit 018"))).toBe(true);
    expect((await listTexts(page)).length).toBeGreaterThan(0);

    // A date range that ends before today finds nothing.
    await page.goto("/alerts?to=2020-01-01");
    await settled(page);
    await page.getByText("No alerts match.").waitFor();

    await page.setViewportSize(PHONE);
    await page.goto("/alerts");
    await settled(page);
    await screenshot(page, "alerts-phone");
    await context.close();
  });

  it("shows an alert's timeline and acknowledges, snoozes and turns it into a work order", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", `/alerts?q=${code}`);
    await settled(page);
    await page.getByRole("link", { name: new RegExp(code) }).click();
    await page.getByRole("heading", { level: 1, name: new RegExp(`Alert: .*${code}`) }).waitFor();
    await settled(page);
    const timeline = page.getByRole("list", { name: "Timeline" });
    await timeline.getByText(/Raised:/).waitFor();
    // The manager is told about high alerts in-app (default preferences): a delivery in the timeline.
    await expect
      .poll(
        async () => {
          await page.reload();
          await settled(page);
          return timeline.innerText();
        },
        { timeout: 15_000 },
      )
      .toMatch(/Notification: In-app to .* — (sent|queued)/);
    await expectNoAxeViolations(page, "alert detail");
    await screenshot(page, "alert-detail-desktop");

    await page.getByRole("button", { name: "Acknowledge", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Alert acknowledged." }).waitFor();
    await timeline.getByText(/Acknowledged by you/).waitFor();

    await page.getByLabel("Snooze for").selectOption("60");
    await page.getByRole("button", { name: "Snooze", exact: true }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /Snoozed until/ })
      .waitFor();

    await page.getByRole("button", { name: "Create work order" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /Work order ".*" is open/ })
      .waitFor();
    await page.getByRole("link", { name: "Open the work order" }).waitFor();

    // The server agrees.
    const token = await apiToken(ctx, "manager");
    const stored = await apiGet<ApiAlert & { snoozedUntil: string | null }>(ctx, token, `/api/alerts/${dtc.id}`);
    expect(stored.status).toBe("acknowledged");
    expect(stored.snoozedUntil).not.toBeNull();
    const orders = await apiGet<{ items: { source: string; title: string }[] }>(ctx, token, `/api/work-orders?vehicleId=${dtc.vehicleId}`);
    expect(orders.items.some((o) => o.source === "alert")).toBe(true);

    for (const scheme of ["dark", "light"] as const) {
      await page.emulateMedia({ colorScheme: scheme, contrast: "more" });
      await expectNoAxeViolations(page, `alert detail, ${scheme}, more contrast`);
    }
    await page.emulateMedia({ colorScheme: "dark", contrast: "no-preference" });
    await expectNoAxeViolations(page, "alert detail, dark");
    await page.goto("/alerts");
    await settled(page);
    await expectNoAxeViolations(page, "alerts, dark");
    await page.setViewportSize(PHONE);
    await screenshot(page, "alerts-phone-dark");
    await page.setViewportSize(DESKTOP);
    await page.goto(`/alerts/${dtc.id}`);
    await settled(page);
    await page.setViewportSize(PHONE);
    await screenshot(page, "alert-detail-phone-dark");
    await context.close();
  });
});
