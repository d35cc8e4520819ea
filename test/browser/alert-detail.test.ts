/** Alert work on the alert detail screen: assign, comment, resolve and reopen, and "Who was told"; axe at AAA. */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiGet, apiToken } from "./api-client";
import { raiseDtc, waitForAlert, type ApiAlert } from "./alert-seeding";
import { browserForFile, expectNoAxeViolations, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const code = `P${Math.floor(1000 + Math.random() * 8999)}`;
const driverCode = `P${Math.floor(1000 + Math.random() * 8999)}`;
let alert: ApiAlert;
let driverAlert: ApiAlert;
let manager: string;
let technician: { id: string; name: string };

interface AlertWork {
  status: string;
  assignee: { id: string; name: string } | null;
  commentCount: number;
}

beforeAll(async () => {
  manager = await apiToken(ctx, "manager");
  await raiseDtc(ctx, "TRUCK-009", code);
  // Unit 001 is the demo driver's vehicle.
  await raiseDtc(ctx, "TRUCK-001", driverCode);
  alert = await waitForAlert(ctx, manager, code);
  driverAlert = await waitForAlert(ctx, manager, driverCode);
  const users = await apiGet<{ items: { id: string; name: string; email: string }[] }>(ctx, manager, "/api/users?limit=500");
  technician = users.items.find((u) => u.email === ctx.users.technician.email)!;
  expect(technician).toBeDefined();
});

const current = (id: string, token = manager) => apiGet<AlertWork>(ctx, token, `/api/alerts/${id}`);

describe("alert detail: alert work", () => {
  it("assigns, comments, resolves and reopens, and shows who was told", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", `/alerts/${alert.id}`);
    await settled(page);
    const main = page.locator("main");
    await expect.poll(() => main.innerText()).toContain("Nobody is assigned.");

    // Assign the technician.
    await page.getByLabel("Assignee", { exact: true }).selectOption({ label: technician.name });
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await expect.poll(() => main.innerText()).toContain(`Assigned to ${technician.name}.`);
    expect((await current(alert.id)).assignee).toEqual({ id: technician.id, name: technician.name });

    // An empty comment is refused next to the field, with focus on it.
    await page.getByRole("button", { name: "Add comment", exact: true }).click();
    await expect.poll(() => main.innerText()).toContain("Write a comment first.");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("alert-comment");

    // Two comments make a thread, oldest first.
    const comment = page.getByLabel("Comment", { exact: true });
    await comment.fill("Driver reports a flickering warning light.");
    await page.getByRole("button", { name: "Add comment", exact: true }).click();
    await expect.poll(() => comment.inputValue()).toBe("");
    await comment.fill("Booked into the shop for Friday.");
    await page.getByRole("button", { name: "Add comment", exact: true }).click();
    const thread = page.getByRole("list", { name: "Comments" });
    await expect.poll(async () => (await thread.getByRole("listitem").allInnerTexts()).length).toBe(2);
    const texts = await thread.getByRole("listitem").allInnerTexts();
    expect(texts[0]).toContain("Driver reports a flickering warning light.");
    expect(texts[1]).toContain("Booked into the shop for Friday.");
    expect((await current(alert.id)).commentCount).toBe(2);

    // "Who was told" is there: the decisions table, or its "not available" line on a server without them.
    await page.getByRole("heading", { name: "Who was told" }).waitFor();
    const told = page.locator("section", { has: page.getByRole("heading", { name: "Who was told" }) });
    await expect
      .poll(async () => /not available|Nobody has been considered|Notification decisions/.test(await told.innerText()))
      .toBe(true);

    // Resolve, then reopen.
    await page.getByRole("button", { name: "Resolve", exact: true }).click();
    await page.getByRole("button", { name: "Reopen", exact: true }).waitFor();
    await expect.poll(async () => (await current(alert.id)).status).toBe("resolved");
    await expectNoAxeViolations(page, "alert detail (resolved, with comments)");
    await page.getByRole("button", { name: "Reopen", exact: true }).click();
    await expect.poll(() => main.innerText()).toContain("Alert reopened.");
    await page.getByRole("button", { name: "Acknowledge", exact: true }).waitFor();
    expect((await current(alert.id)).status).toBe("open");

    // A reload shows the same state, from the server.
    await page.reload();
    await settled(page);
    await expect.poll(() => main.innerText()).toContain(`Assigned to ${technician.name}.`);
    await expect.poll(() => thread.getByRole("listitem").count()).toBe(2);
    await expectNoAxeViolations(page, "alert detail (reopened)");
    await screenshot(page, "alert-detail-work");
    await context.close();
  });

  it("lets the vehicle's driver comment, without assigning, reopening or the decisions", async () => {
    const driverToken = await apiToken(ctx, "driver");
    await api(ctx, manager, "POST", `/api/alerts/${driverAlert.id}/resolve`, {}, 200);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "driver", `/my-alerts/${driverAlert.id}`);
    await settled(page);
    await page.getByLabel("Comment", { exact: true }).fill("The light came on after the car wash.");
    await page.getByRole("button", { name: "Add comment", exact: true }).click();
    await expect.poll(() => page.getByRole("list", { name: "Comments" }).innerText()).toContain("The light came on after the car wash.");
    expect((await current(driverAlert.id, driverToken)).commentCount).toBe(1);
    expect(await page.getByLabel("Assignee", { exact: true }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Reopen", exact: true }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Who was told" }).count()).toBe(0);
    await expectNoAxeViolations(page, "alert detail (driver)");
    await context.close();
  });
});
