/**
 * Analytics: alerts over time by severity (SVG chart whose numbers are in a table), MTTA/MTTR and
 * maintenance figures, with a period picker and a time zone defaulting to the browser's.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { raiseDtc, waitForAlert } from "./alert-seeding";
import { api, apiToken } from "./api-client";
import { expectEveryLookAccessible } from "./appearance";
import { browserForFile, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const BROWSER_ZONE = "America/New_York";
let context: BrowserContext;
let page: Page;

/** Raises a high alert through a signed webhook and acknowledges it, so MTTA has a value. */
async function raiseAndAcknowledge(token: string) {
  const code = `P1${Math.floor(100 + Math.random() * 800)}`;
  // A vehicle no other test file raises alerts on: an acknowledged DTC alert holds back new ones
  // on its vehicle for the rule's cooldown, which would starve a test that raises there later.
  await raiseDtc(ctx, "TRUCK-010", code);
  const alert = await waitForAlert(ctx, token, code);
  await api(ctx, token, "POST", `/api/alerts/${alert.id}/ack`, {}, 200);
}

beforeAll(async () => {
  const token = await apiToken(ctx);
  await raiseAndAcknowledge(token);
  context = await browser.newContext({ timezoneId: BROWSER_ZONE });
  page = await context.newPage();
  await signIn(page, ctx, "manager", "/analytics");
  await settled(page);
});
afterAll(async () => {
  await context?.close();
});

const figure = () => page.getByRole("figure", { name: /Alerts per/ });

describe("Analytics", { timeout: 120_000 }, () => {
  it("charts alerts by severity in the browser's time zone, with the numbers in a table", async () => {
    expect(await page.getByLabel("Time zone", { exact: true }).inputValue()).toBe(BROWSER_ZONE);
    expect(await page.getByLabel("Period", { exact: true }).inputValue()).toBe("7d");
    await figure().waitFor();
    expect(await figure().locator("figcaption").innerText()).toBe(`Alerts per day by severity (${BROWSER_ZONE})`);
    // The drawing is hidden from assistive technology; the table carries the numbers.
    expect(await figure().locator("svg.chart-svg").getAttribute("aria-hidden")).toBe("true");
    const table = figure().getByRole("table");
    expect((await table.getByRole("columnheader").allInnerTexts()).map((t) => t.trim())).toEqual([
      "Day",
      "critical",
      "high",
      "medium",
      "low",
    ]);
    const rows = table.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(7);
    const highs = (await table.locator("tbody tr td:nth-child(3)").allInnerTexts()).map(Number);
    expect(highs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    // Shown on request for sighted users too.
    const toggle = figure().getByRole("button", { name: "Show as table" });
    await toggle.click();
    expect(await figure().getByRole("button", { name: "Hide table" }).getAttribute("aria-pressed")).toBe("true");
    expect(await table.isVisible()).toBe(true);

    const mtta = page.locator(".facts div").filter({ hasText: "Mean time to acknowledge (MTTA)" }).locator("dd");
    expect(await mtta.innerText()).toMatch(/\d+ (s|min|h)/);
    const mttr = page.locator(".facts div").filter({ hasText: "Mean time to resolve (MTTR)" }).locator("dd");
    expect((await mttr.innerText()).trim().length).toBeGreaterThan(0);
    const main = await page.locator("main").innerText();
    expect(main).toContain("On-time rate");
    expect(main).toContain("Cost per km");
    expect(main).toContain("Mean downtime");
  });

  it("changes period (hourly buckets) and time zone", async () => {
    await page.getByLabel("Period", { exact: true }).selectOption({ label: "Last 24 hours" });
    await page.getByLabel("Time zone", { exact: true }).selectOption("Europe/Berlin");
    await page.waitForFunction(
      () => document.querySelector("figure figcaption")?.textContent === "Alerts per hour by severity (Europe/Berlin)",
    );
    const rows = figure().getByRole("table").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(24);
    expect(await figure().getByRole("table").getByRole("columnheader").first().innerText()).toBe("Hour starting");
  });

  it("is axe-clean and screenshotted at desktop and phone width, light, dark and more contrast", async () => {
    await page.goto("/analytics");
    await settled(page);
    await figure().waitFor();
    await expectEveryLookAccessible(page, "analytics");
  });
});
