/** Exports: `Export CSV` on Alerts (with the screen's filters) and Work orders, `Download PDF report` on Analytics. */
import { readFile } from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { raiseDtc } from "./alert-seeding";
import { unique } from "./maintenance-api";
import { browserForFile, expectNoAxeViolations, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  await signIn(page, ctx, "manager");
});
afterAll(async () => {
  await context.close();
});

/** Clicks `button` and returns the downloaded file's name and bytes. */
async function downloadFrom(name: string): Promise<{ file: string; body: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name, exact: true }).click()]);
  const path = await download.path();
  return { file: download.suggestedFilename(), body: await readFile(path) };
}

describe("Exports", () => {
  it("Alerts exports the filtered list as CSV", async () => {
    const code = `P1${unique().slice(0, 4).toUpperCase()}`;
    await raiseDtc(ctx, "TRUCK-005", code);
    await page.goto(`/alerts?q=${code}`);
    await settled(page);
    await page.getByText(code).first().waitFor({ timeout: 15_000 });
    await expectNoAxeViolations(page, "alerts with Export CSV");
    const { file, body } = await downloadFrom("Export CSV");
    expect(file).toBe("alerts.csv");
    const lines = body.toString("utf8").trim().split(/\r?\n/);
    expect(lines[0]).toBe("id,createdAt,vehicleId,vehicleName,type,severity,status,message,value,acknowledgedAt,resolvedAt");
    // Only the alerts the screen shows: the search filter went along.
    expect(lines.length).toBe(2);
    expect(lines[1]).toContain(code);
    await page.getByRole("status").filter({ hasText: "Downloaded alerts.csv" }).waitFor();
  });

  it("Work orders exports CSV", async () => {
    await page.goto("/work-orders");
    await settled(page);
    const { file, body } = await downloadFrom("Export CSV");
    expect(file).toBe("work-orders.csv");
    expect(body.toString("utf8").split(/\r?\n/)[0]).toMatch(/^id,/);
  });

  it("Analytics downloads the fleet report as a PDF", async () => {
    await page.goto("/analytics");
    await settled(page);
    await expectNoAxeViolations(page, "analytics with Download PDF report");
    const { file, body } = await downloadFrom("Download PDF report");
    expect(file).toMatch(/\.pdf$/);
    expect(body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});
