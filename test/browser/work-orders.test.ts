/**
 * Work orders end to end: book by hand from the bookable starts only (never a time that overlaps
 * a booking or lies outside the shift), see a booking taken meanwhile refused in words (the API's
 * 409 names the conflicting booking), the calendar's free time, auto-schedule with its result explained, then start and
 * complete a predictive work order with its outcome and cost on the detail screen.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { createBay, createTechnician, createWorkOrder, unique, vehicleIds } from "./maintenance-api";
import { expectEveryLookAccessible, expectLargeTargets } from "./appearance";
import { browserForFile, DESKTOP, expectNoAxeViolations, PHONE, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();
let context: BrowserContext;
let page: Page;
let seeded: {
  tech: { id: string; name: string };
  bay: { id: string; name: string };
  booked: { id: string; title: string };
  clash: { id: string; title: string };
  unplaceable: { id: string; title: string };
  offline: { id: string; title: string };
  race: { id: string; title: string };
};
let token: string;

// Tomorrow 10:00 UTC (the browser runs in UTC, like the technician's shift).
const day = new Date(Date.now() + 86_400_000);
const bookingDate = day.toISOString().slice(0, 10);
const skill = `unobtainium-${u}`;

beforeAll(async () => {
  token = await apiToken(ctx);
  const vehicles = await vehicleIds(ctx, token);
  const vehicle = (external: string) => vehicles.get(external) ?? "";
  seeded = {
    tech: await createTechnician(ctx, token, `Tech ${u}`),
    bay: await createBay(ctx, token, `Bay ${u}`),
    // Predictive, so completing it asks whether the predicted failure was real.
    booked: await createWorkOrder(ctx, token, { vehicleId: vehicle("TRUCK-011"), title: `Brake check ${u}`, source: "predictive" }),
    clash: await createWorkOrder(ctx, token, { vehicleId: vehicle("TRUCK-012"), title: `Tyre rotation ${u}` }),
    unplaceable: await createWorkOrder(ctx, token, { vehicleId: vehicle("TRUCK-013"), title: `Exotic repair ${u}`, skill }),
    // Needs a skill nobody has, so auto-scheduling leaves it open for the offline test.
    offline: await createWorkOrder(ctx, token, { vehicleId: vehicle("TRUCK-014"), title: `Mirror fix ${u}`, skill }),
    // Booked through the API while the form is open, to take a slot the form offered.
    race: await createWorkOrder(ctx, token, { vehicleId: vehicle("TRUCK-015"), title: `Wiper swap ${u}` }),
  };
  context = await browser.newContext({ timezoneId: "UTC" });
  page = await context.newPage();
  await signIn(page, ctx, "manager", "/work-orders");
  await settled(page);
});
afterAll(async () => {
  await context?.close();
});

const at = (time: string) => new Date(`${bookingDate}T${time}:00.000Z`).toISOString();
const scheduleForm = () => page.getByRole("form", { name: "Schedule a work order" });

/** Chooses work order, technician, bay and duration; the Start list then holds the bookable starts. */
async function chooseBooking(title: string) {
  const form = scheduleForm();
  await form.getByLabel("Work order", { exact: true }).selectOption({ label: `${title} (open)` });
  await form.getByLabel("Technician", { exact: true }).selectOption({ label: seeded.tech.name });
  await form.getByLabel("Bay", { exact: true }).selectOption({ label: seeded.bay.name });
  await form.getByLabel("Duration (minutes)", { exact: true }).fill("60");
  await form.getByText(/^Only times that can be booked/).waitFor();
  return form;
}

/** The offered starts, as ISO times. */
const offeredStarts = (form: ReturnType<typeof scheduleForm>) =>
  form
    .getByLabel("Start", { exact: true })
    .locator("option")
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean));

const column = (status: string) => page.getByRole("region", { name: new RegExp(`^${status} \\(\\d+\\)$`) });

async function book(title: string, start: string) {
  const form = await chooseBooking(title);
  await form.getByLabel("Start", { exact: true }).selectOption(start);
  await form.getByRole("button", { name: "Book", exact: true }).click();
  return form;
}

describe("Work orders", { timeout: 120_000 }, () => {
  it("books a work order by hand and shows it on the board and in the week calendar", async () => {
    await column("Open").getByRole("link", { name: seeded.booked.title }).waitFor();
    const form = await book(seeded.booked.title, at("10:00"));
    await form.getByRole("status").getByText(`“${seeded.booked.title}” is booked.`).waitFor();
    await column("Scheduled").getByRole("link", { name: seeded.booked.title }).waitFor();

    // The booking's day may fall into next week (Sunday today).
    const techTable = page.getByRole("table", { name: /Bookings per technician/ });
    const row = techTable.getByRole("row").filter({ has: page.getByRole("rowheader", { name: seeded.tech.name }) });
    if ((await row.getByRole("link", { name: new RegExp(seeded.booked.title) }).count()) === 0) {
      await page.getByRole("button", { name: "Next week" }).click();
    }
    const booking = row.getByRole("link", { name: new RegExp(seeded.booked.title) });
    await booking.waitFor();
    expect(await booking.innerText()).toMatch(/10:00.*11:00/);
    // Its column header is the booking's day.
    const cellIndex = await booking.evaluate((a) => (a.closest("td") as HTMLTableCellElement).cellIndex);
    const header = await techTable.locator("thead th").nth(cellIndex).innerText();
    expect(header).toContain(String(day.getUTCDate()));
    const bayRow = page
      .getByRole("table", { name: /Bookings per bay/ })
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: seeded.bay.name }) });
    await bayRow.getByRole("link", { name: new RegExp(seeded.booked.title) }).waitFor();
  });

  it("offers only bookable starts: none overlapping a booking, none outside the shift", async () => {
    const form = await chooseBooking(seeded.clash.title);
    const starts = (await offeredStarts(form)).map((s) => Date.parse(s));
    const HOUR = 3_600_000;
    const booked = { start: Date.parse(at("10:00")), end: Date.parse(at("11:00")) };
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.filter((s) => s < booked.end && booked.start < s + HOUR)).toEqual([]);
    // The shift ends at 23:59 each day: a 60-minute booking starts at 22:45 at the latest.
    expect(starts.filter((s) => new Date(s).getUTCHours() === 23)).toEqual([]);
    expect(starts).toContain(Date.parse(at("09:00")));
    expect(starts).toContain(Date.parse(at("11:00")));
    expect(starts).toContain(Date.parse(at("22:45")));
    expect(starts).not.toContain(Date.parse(at("10:30")));
    // The calendar shows the technician's free time around the booking, not the whole day.
    const techTable = page.getByRole("table", { name: /Bookings per technician/ });
    const row = techTable.getByRole("row").filter({ has: page.getByRole("rowheader", { name: seeded.tech.name }) });
    const cell = row.getByRole("cell").filter({ has: page.getByRole("link", { name: new RegExp(seeded.booked.title) }) });
    await cell.getByText(/^Free /).waitFor();
    // 15-minute bookings: the last free quarter hour of the 23:59 shift ends at 23:45 (24- or 12-hour clock).
    expect(await cell.getByText(/^Free /).innerText()).toMatch(/^Free (00:00|12:00\sAM)–10:00(\sAM)?, 11:00(\sAM)?–(23:45|11:45\sPM)$/);
    await expectNoAxeViolations(page, "booking form with bookable starts");
  });

  it("refuses a start taken meanwhile, says which booking it conflicts with and offers it no more", async () => {
    const form = await chooseBooking(seeded.clash.title);
    const start = at("14:00");
    await form.getByLabel("Start", { exact: true }).selectOption(start);
    // Someone else books the technician at that time before this form is sent.
    await api(ctx, token, "PATCH", `/api/work-orders/${seeded.race.id}`, {
      technicianId: seeded.tech.id,
      scheduledStart: start,
      scheduledEnd: at("15:00"),
    });
    await form.getByRole("button", { name: "Book", exact: true }).click();
    const alert = form.getByRole("alert");
    await alert.getByText("conflict").waitFor();
    const text = await alert.innerText();
    expect(text).toContain(`Technician "${seeded.tech.name}"`);
    expect(text).toContain(`("${seeded.race.title}")`);
    expect(text).toContain(seeded.race.id);
    // Nothing changed: still open; and the taken start is no longer offered.
    await column("Open").getByRole("link", { name: seeded.clash.title }).waitFor();
    await form.getByText(/^Only times that can be booked/).waitFor();
    await expect.poll(async () => (await offeredStarts(form)).includes(start)).toBe(false);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expectNoAxeViolations(page, "work orders with a conflict");
    await screenshot(page, "work-orders-conflict-desktop-light");
  });

  it("auto-schedules and explains what was booked and why the rest was not", async () => {
    await page.getByRole("button", { name: "Auto-schedule", exact: true }).click();
    const result = page.locator(".auto-result");
    await result.getByText(/^Scheduled \d+ work orders?; \d+ could not be scheduled\.$/).waitFor({ timeout: 30_000 });
    const scheduled = result.getByRole("list", { name: "Scheduled", exact: true });
    expect(await scheduled.innerText()).toContain(seeded.clash.title);
    const unscheduled = result
      .getByRole("list", { name: "Not scheduled", exact: true })
      .getByRole("listitem")
      .filter({ hasText: seeded.unplaceable.title });
    expect(await unscheduled.innerText()).toContain(`No technician has the skill "${skill}"`);
    // The board was refreshed: the auto-scheduled one moved on.
    await column("Scheduled").getByRole("link", { name: seeded.clash.title }).waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme, contrast: "no-preference" });
      await expectNoAxeViolations(page, `work orders after auto-schedule (${colorScheme})`);
      await expectLargeTargets(page, `work orders after auto-schedule (${colorScheme})`);
      await screenshot(page, `work-orders-desktop-${colorScheme}`);
    }
    await page.emulateMedia({ colorScheme: "dark", contrast: "more" });
    await expectNoAxeViolations(page, "work orders (dark, more contrast)");
    await page.emulateMedia({ colorScheme: "light", contrast: "no-preference" });
    await page.setViewportSize(PHONE);
    await expectNoAxeViolations(page, "work orders (phone)");
    await screenshot(page, "work-orders-phone-light");
    await page.setViewportSize(DESKTOP);
  });

  it("starts and completes a predictive work order with its outcome and cost, showing the history", async () => {
    await page.getByRole("link", { name: seeded.booked.title }).first().click();
    await page.getByRole("heading", { level: 1, name: seeded.booked.title }).waitFor();
    await settled(page);
    await page.getByRole("button", { name: "Start work" }).click();
    await page.getByRole("status").getByText("Now in progress.").waitFor();
    const form = page.getByRole("form", { name: "Complete the work" });
    await form.getByLabel("Cost (parts and labour)").fill("abc");
    await form.getByRole("button", { name: "Mark completed" }).click();
    expect(await form.getByLabel("Cost (parts and labour)").getAttribute("aria-invalid")).toBe("true");
    // The outcome is required for a predictive work order: its error is next to it, and focus is on it.
    const outcome = form.getByRole("group", { name: "Outcome" });
    await outcome.getByText("Choose Failure confirmed or No fault found.").waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("complete-outcome-failure_confirmed");
    await expectNoAxeViolations(page, "work-order completion errors");
    await outcome.getByLabel("No fault found").check();
    await form.getByLabel("Cost (parts and labour)").fill("149.90");
    await form.getByRole("button", { name: "Mark completed" }).click();
    await page.getByRole("status").getByText("Completed.").waitFor();
    const stored = await api<{ outcome: string | null; costCents: number }>(ctx, token, "GET", `/api/work-orders/${seeded.booked.id}`);
    expect(stored).toMatchObject({ outcome: "no_fault_found", costCents: 14990 });
    const main = await page.locator("main").innerText();
    expect(main).toMatch(/Cost\s+149\.90/);
    expect(main).toMatch(/Vehicle\s+Unit 011/);
    const history = (await page.locator("ol.history").innerText()).replace(/\s+/g, " ");
    expect(history).toMatch(/created as Open.*Open → Scheduled.*Scheduled → In progress.*In progress → Completed/);
    await expectEveryLookAccessible(page, "work-order-detail");
  });

  it("queues a status change made offline and applies it on the server when back online", async () => {
    await page.goto("/work-orders");
    await settled(page);
    const card = column("Open").getByRole("listitem").filter({ hasText: seeded.offline.title });
    await card.waitFor();
    await context.setOffline(true);
    try {
      await card.getByRole("button", { name: `Cancel ${seeded.offline.title}` }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `You are offline: “${seeded.offline.title}” will be set to cancelled` })
        .waitFor();
      const still = await api<{ status: string }>(ctx, token, "GET", `/api/work-orders/${seeded.offline.id}`);
      expect(still.status).toBe("open");
    } finally {
      await context.setOffline(false);
    }
    // Replayed on reconnect; the board reloads and shows it cancelled.
    await column("Cancelled").getByRole("link", { name: seeded.offline.title }).waitFor({ timeout: 15_000 });
    const after = await api<{ status: string }>(ctx, token, "GET", `/api/work-orders/${seeded.offline.id}`);
    expect(after.status).toBe("cancelled");
  });
});
