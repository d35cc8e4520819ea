/** Leaderboard: ranked drivers / technicians with points and badges, opting out, and a board hidden by the organisation. */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { createWorkOrder, unique, vehicleIds } from "./maintenance-api";
import { expectEveryLookAccessible } from "./appearance";
import { browserForFile, expectNoAxeViolations, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
let adminToken: string;

/**
 * Makes the demo technician login a shop technician and has it complete a work order on time,
 * so the technicians' board has a ranked entry with points.
 */
async function technicianWithPoints() {
  const techLogin = await fetch(`${ctx.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: ctx.tenant, ...ctx.users.technician }),
  });
  const { token: techToken, user } = (await techLogin.json()) as { token: string; user: { id: string } };
  const shifts = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "23:59" }));
  const tech = await api<{ id: string }>(ctx, adminToken, "POST", "/api/technicians", {
    name: "Demo technician",
    userId: user.id,
    skills: [],
    shifts,
    timeZone: "UTC",
  });
  const vehicles = await vehicleIds(ctx, adminToken);
  const wo = await createWorkOrder(ctx, adminToken, { vehicleId: vehicles.get("TRUCK-017") ?? "", title: `Wipers ${unique()}` });
  // Tomorrow 10:00–11:00 UTC: inside the all-day shifts whatever the hour the test runs at.
  const start = new Date(Date.now() + 86_400_000);
  start.setUTCHours(10, 0, 0, 0);
  await api(ctx, adminToken, "PATCH", `/api/work-orders/${wo.id}`, {
    technicianId: tech.id,
    scheduledStart: start.toISOString(),
    scheduledEnd: new Date(start.getTime() + 3_600_000).toISOString(),
    dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  });
  await api(ctx, techToken, "PATCH", `/api/work-orders/${wo.id}`, { status: "in_progress" });
  await api(ctx, techToken, "PATCH", `/api/work-orders/${wo.id}`, { status: "completed", costCents: 1000 });
}

beforeAll(async () => {
  adminToken = await apiToken(ctx);
  await technicianWithPoints();
});
afterAll(async () => {
  await api(ctx, adminToken, "PUT", "/api/engagement/settings", { leaderboardHidden: false });
});

async function signedIn(role: "manager" | "technician", path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ctx, role, path);
  await settled(page);
  return { context, page };
}

const rowOf = (page: Page, name: string) =>
  page
    .getByRole("table")
    .locator("tbody tr")
    .filter({ has: page.getByRole("rowheader", { name }) });

describe("Leaderboard", { timeout: 120_000 }, () => {
  it("ranks drivers and technicians in a table; the kind is in the URL", async () => {
    const { context, page } = await signedIn("manager", "/leaderboard");
    const table = page.getByRole("table", { name: "Drivers ranked by points" });
    expect((await table.getByRole("columnheader").allInnerTexts()).map((t) => t.trim())).toEqual([
      "Rank",
      "Name",
      "Points",
      "Days without a safety alert",
      "Safety score",
      "Badges",
    ]);
    expect((await rowOf(page, "Demo driver").innerText()).replace(/\s+/g, " ")).toMatch(/^\d+ Demo driver \d+/);

    await page.getByRole("navigation", { name: "Leaderboard kind" }).getByRole("link", { name: "Technicians" }).click();
    await page.getByRole("table", { name: "Technicians ranked by points" }).waitFor();
    expect(new URL(page.url()).search).toBe("?kind=technicians");
    expect(await page.getByRole("link", { name: "Technicians" }).getAttribute("aria-current")).toBe("page");
    await rowOf(page, "Demo technician").waitFor();
    // Points for the completed work order: rank 1 among technicians.
    expect((await rowOf(page, "Demo technician").innerText()).replace(/\s+/g, " ")).toMatch(/^1 Demo technician [1-9]\d*/);
    // …and the badge earned with it, as a list in its cell.
    expect(await rowOf(page, "Demo technician").getByRole("listitem").count()).toBeGreaterThan(0);
    await page.reload();
    await page.getByRole("table", { name: "Technicians ranked by points" }).waitFor();

    await expectEveryLookAccessible(page, "leaderboard");
    await context.close();
  });

  it("lets a technician opt out (and back in): opted out, they are not listed", async () => {
    const { context, page } = await signedIn("technician", "/leaderboard?kind=technicians");
    await rowOf(page, "Demo technician").waitFor();
    await page.getByRole("button", { name: "Opt out of the leaderboard" }).click();
    await page.getByRole("status").filter({ hasText: "You have opted out" }).waitFor();
    await page.reload();
    await settled(page);
    expect(await page.locator("main").innerText()).toContain("You have opted out");
    expect(await rowOf(page, "Demo technician").count()).toBe(0);
    await expectNoAxeViolations(page, "/leaderboard opted out");
    await screenshot(page, "leaderboard-opted-out-desktop-light");

    await page.getByRole("button", { name: "Join the leaderboard" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /You have \d+ points/ })
      .waitFor();
    await page.reload();
    await rowOf(page, "Demo technician").waitFor();
    await context.close();
  });

  it("says when the organisation hides the board: technicians see no ranking, managers still do", async () => {
    await api(ctx, adminToken, "PUT", "/api/engagement/settings", { leaderboardHidden: true });
    const tech = await signedIn("technician", "/leaderboard?kind=technicians");
    expect(await tech.page.locator("main").innerText()).toContain("Your organisation has hidden the leaderboard.");
    expect(await tech.page.getByRole("table").count()).toBe(0);
    await expectNoAxeViolations(tech.page, "/leaderboard hidden (technician)");
    await screenshot(tech.page, "leaderboard-hidden-technician-desktop-light");
    await tech.context.close();

    const manager = await signedIn("manager", "/leaderboard?kind=technicians");
    expect(await manager.page.locator("main").innerText()).toContain("hidden the leaderboard from drivers and technicians");
    await rowOf(manager.page, "Demo technician").waitFor();
    await manager.context.close();
  });
});
