/**
 * Editing the shop (Settings): a technician's skills, time zone and shifts and a bay, each with
 * `Edit` and the same form as Add. Two people edit one technician and one bay in two browser
 * contexts: the second save is refused (412) and the conflict view shows each changed field; the
 * first person's change to a field the second did not touch survives (it is never re-sent).
 */
import type { Page, Request } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { expectAccessibleInForcedColors } from "./forced-colors";
import { unique } from "./maintenance-api";
import { browserForFile, DESKTOP, expectNoAxeViolations, PHONE, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();

type Technician = {
  id: string;
  name: string;
  skills: string[];
  timeZone: string;
  shifts: { weekday: number; start: string; end: string }[];
};
type Bay = { id: string; name: string; capacity: number };

async function openSettings(role: "admin" | "manager"): Promise<{ page: Page; patches: unknown[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The bodies this person's PATCHes carry, to see that only changed fields are sent.
  const patches: unknown[] = [];
  page.on("request", (request: Request) => {
    if (request.method() === "PATCH" && /\/api\/(technicians|bays)\//.test(request.url())) patches.push(request.postDataJSON());
  });
  await signIn(page, ctx, role, "/settings");
  await settled(page);
  return { page, patches };
}

const editButton = (page: Page, name: string) =>
  page.getByRole("listitem").filter({ hasText: name }).getByRole("button", { name: "Edit", exact: true });
/**
 * Axe at AAA at desktop and phone width, light and dark, each also with more contrast. (Not the
 * 44 px target check of appearance.ts: the Settings screen's preference checkboxes are 24 px.)
 */
async function expectAxeInEveryLook(page: Page, name: string) {
  for (const [viewport, size] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    for (const colorScheme of ["light", "dark"] as const) {
      for (const contrast of ["no-preference", "more"] as const) {
        await page.emulateMedia({ colorScheme, contrast });
        await expectNoAxeViolations(page, `${name} ${viewport} ${colorScheme} ${contrast}`);
      }
      await screenshot(page, `${name}-${viewport}-${colorScheme}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: "light", contrast: "no-preference" });
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

describe("Shop: edit technicians and bays, changed by someone else", { timeout: 180_000 }, () => {
  it("edits a technician; a second editor gets the 412 field by field and saves only what they changed", async () => {
    const token = await apiToken(ctx, "manager");
    const name = `Mechanic ${u}`;
    const tech = await api<Technician>(ctx, token, "POST", "/api/technicians", {
      name,
      skills: ["brakes"],
      shifts: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "08:00", end: "16:00" })),
      timeZone: "UTC",
    });
    const ann = await openSettings("manager");
    const bob = await openSettings("admin");
    await editButton(ann.page, name).click();
    await editButton(bob.page, name).click();
    const annForm = ann.page.getByRole("form", { name: `Edit technician: ${name}` });
    const bobForm = bob.page.getByRole("form", { name: `Edit technician: ${name}` });
    // The same form as Add, filled with the technician.
    expect(await annForm.getByLabel("Skills", { exact: true }).inputValue()).toBe("brakes");
    expect(await annForm.getByLabel("Friday", { exact: true }).isChecked()).toBe(true);
    expect(await annForm.getByLabel("Saturday", { exact: true }).isChecked()).toBe(false);

    // An error sits next to its field, with focus on it.
    await annForm.getByLabel("Name", { exact: true }).fill("");
    await annForm.getByRole("button", { name: "Save technician" }).click();
    await expect.poll(() => focusedId(ann.page)).toBe("tech-name");
    expect(await annForm.getByLabel("Name", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await annForm.getByLabel("Name", { exact: true }).fill(name);

    // Ann adds a skill and Saturday, and saves first: only those fields are sent.
    await annForm.getByLabel("Skills", { exact: true }).fill("brakes, tyres");
    await annForm.getByLabel("Saturday", { exact: true }).check();
    await annForm.getByRole("button", { name: "Save technician" }).click();
    await ann.page
      .getByRole("status")
      .filter({ hasText: `Technician ${name} saved.` })
      .waitFor();
    await ann.page.getByText(`${name}: brakes, tyres; Mon, Tue, Wed, Thu, Fri, Sat, 08:00–16:00 (UTC)`).waitFor();
    expect(Object.keys(ann.patches.at(-1) as object).sort()).toEqual(["shifts", "skills"]);

    // Bob, on the version he opened, changes the time zone and the days differently.
    await bobForm.getByLabel("Time zone", { exact: true }).selectOption("Europe/Berlin");
    await bobForm.getByLabel("Monday", { exact: true }).uncheck();
    await bobForm.getByRole("button", { name: "Save technician" }).click();
    const view = bob.page.getByRole("region", { name: "Changed by someone else" });
    await view.getByRole("alert").filter({ hasText: "your changes were not saved" }).waitFor();
    const unchanged = await api<Technician>(ctx, token, "GET", `/api/technicians/${tech.id}`);
    expect(unchanged).toMatchObject({ skills: ["brakes", "tyres"], timeZone: "UTC" });
    const text = (await view.innerText()).replace(/\s+/g, " ");
    expect(text).toContain("Skills: They changed this; you did not");
    expect(text).toContain("Time zone: You changed this; they did not");
    expect(text).toContain("Shift days: You both changed this differently");
    expect(text).toContain("Monday, Tuesday, Wednesday, Thursday, Friday, Saturday");
    await expectAxeInEveryLook(bob.page, "technician-conflict");
    await expectAccessibleInForcedColors(bob.page, "technician-conflict");

    // Bob takes Ann's days; his time zone is kept; Ann's skills are not re-sent.
    await view.getByRole("group", { name: "Shift days: which to keep" }).getByLabel("Take theirs").check();
    await view.getByRole("button", { name: "Use these values" }).click();
    expect(await bobForm.getByLabel("Skills", { exact: true }).inputValue()).toBe("brakes, tyres");
    expect(await bobForm.getByLabel("Monday", { exact: true }).isChecked()).toBe(true);
    await bobForm.getByRole("button", { name: "Save technician" }).click();
    await bob.page
      .getByRole("status")
      .filter({ hasText: `Technician ${name} saved.` })
      .waitFor();
    expect(bob.patches.at(-1)).toEqual({ timeZone: "Europe/Berlin" });
    const merged = await api<Technician>(ctx, token, "GET", `/api/technicians/${tech.id}`);
    expect(merged).toMatchObject({ skills: ["brakes", "tyres"], timeZone: "Europe/Berlin" });
    expect(merged.shifts.map((s) => s.weekday)).toEqual([1, 2, 3, 4, 5, 6]);
    await ann.page.context().close();
    await bob.page.context().close();
  });

  it("edits a bay; a second editor gets the 412 and keeps the first editor's capacity", async () => {
    const token = await apiToken(ctx, "manager");
    const name = `Bay ${u}`;
    const bay = await api<Bay>(ctx, token, "POST", "/api/bays", { name, capacity: 1 });
    const ann = await openSettings("manager");
    const bob = await openSettings("admin");
    await editButton(ann.page, name).click();
    await editButton(bob.page, name).click();
    const annForm = ann.page.getByRole("form", { name: `Edit bay: ${name}` });
    const bobForm = bob.page.getByRole("form", { name: `Edit bay: ${name}` });

    await annForm.getByLabel("Capacity", { exact: true }).fill("0");
    await annForm.getByRole("button", { name: "Save bay" }).click();
    await expect.poll(() => focusedId(ann.page)).toBe("bay-capacity");
    await annForm.getByLabel("Capacity", { exact: true }).fill("3");
    await annForm.getByRole("button", { name: "Save bay" }).click();
    await ann.page.getByText(`${name}: holds 3 vehicles`).waitFor();
    expect(ann.patches.at(-1)).toEqual({ capacity: 3 });

    const renamed = `Bay ${u} north`;
    await bobForm.getByLabel("Bay name", { exact: true }).fill(renamed);
    await bobForm.getByRole("button", { name: "Save bay" }).click();
    const view = bob.page.getByRole("region", { name: "Changed by someone else" });
    await view.getByRole("alert").waitFor();
    const text = (await view.innerText()).replace(/\s+/g, " ");
    expect(text).toContain("Capacity: They changed this; you did not");
    expect(text).toContain("Bay name: You changed this; they did not");
    await expectAxeInEveryLook(bob.page, "bay-conflict");
    await view.getByRole("button", { name: "Use these values" }).click();
    await bobForm.getByRole("button", { name: "Save bay" }).click();
    await bob.page.getByText(`${renamed}: holds 3 vehicles`).waitFor();
    expect(bob.patches.at(-1)).toEqual({ name: renamed });
    expect(await api<Bay>(ctx, token, "GET", `/api/bays/${bay.id}`)).toMatchObject({ name: renamed, capacity: 3 });
    await ann.page.context().close();
    await bob.page.context().close();
  });
});
