/**
 * The Geofences screen against `/api/geofences`: add a circle and a polygon, see them in the table
 * with their coordinates and on the map sketch (with its text alternative), edit one, delete one;
 * errors next to their fields; axe at AAA.
 */
import { describe, expect, inject, it } from "vitest";
import { apiGet, apiToken } from "./api-client";
import { browserForFile, expectNoAxeViolations, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const suffix = Math.random().toString(36).slice(2, 7);
const depot = `Depot North ${suffix}`;
const yard = `Yard ${suffix}`;

interface ApiGeofence {
  id: string;
  name: string;
  tags: string[];
  shape: { type: "circle"; lat: number; lon: number; radiusM: number } | { type: "polygon"; points: [number, number][] };
}

// One sign-in for the checks: a sign-in per check costs a password hash each on a busy machine.
let managerToken: Promise<string> | undefined;
const stored = async (name: string) => {
  managerToken ??= apiToken(ctx, "manager");
  const token = await managerToken;
  return (await apiGet<{ items: ApiGeofence[] }>(ctx, token, "/api/geofences?limit=500")).items.find((g) => g.name === name);
};

describe("Geofences screen", () => {
  it("adds, lists, maps, edits and deletes geofences", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ctx, "manager", "/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Geofences" }).click();
    await page.getByRole("heading", { level: 1, name: "Geofences" }).waitFor();
    await settled(page);
    await expectNoAxeViolations(page, "geofences");

    // A refused form: each error next to its field, focus on the first.
    await page.getByRole("button", { name: "Add geofence" }).click();
    await page.getByLabel("Radius (m)", { exact: true }).fill("-5");
    await page.getByRole("button", { name: "Save geofence" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("geofence-name");
    const form = page.getByRole("form", { name: "New geofence" });
    for (const text of ["Enter a name.", "Enter a latitude", "Enter a longitude", "Enter a radius"])
      expect(await form.innerText()).toContain(text);
    await expectNoAxeViolations(page, "geofence form with errors");

    // A circle.
    await page.getByLabel("Name", { exact: true }).fill(depot);
    await page.getByLabel("Tags", { exact: true }).fill("depot, north");
    await page.getByLabel("Shape", { exact: true }).selectOption("circle");
    await page.getByLabel("Latitude", { exact: true }).fill("52.52");
    await page.getByLabel("Longitude", { exact: true }).fill("13.405");
    await page.getByLabel("Radius (m)", { exact: true }).fill("500");
    await page.getByRole("button", { name: "Save geofence" }).click();
    const table = page.getByRole("table", { name: "Geofences and their coordinates" });
    const depotRow = table.getByRole("row", { name: new RegExp(depot) });
    await depotRow.waitFor();
    expect(await depotRow.innerText()).toMatch(/depot, north[\s\S]*circle[\s\S]*52\.52000, 13\.40500, radius 500 m/);
    expect(await stored(depot)).toMatchObject({
      tags: ["depot", "north"],
      shape: { type: "circle", lat: 52.52, lon: 13.405, radiusM: 500 },
    });

    // A polygon.
    await page.getByRole("button", { name: "Add geofence" }).click();
    await page.getByLabel("Name", { exact: true }).fill(yard);
    await page.getByLabel("Shape", { exact: true }).selectOption("polygon");
    await page.getByLabel("Points", { exact: true }).fill("52.50, 13.30\n52.51, 13.32\n52.49, 13.33");
    await page.getByRole("button", { name: "Save geofence" }).click();
    const yardRow = table.getByRole("row", { name: new RegExp(yard) });
    await yardRow.waitFor();
    expect(await yardRow.innerText()).toMatch(/polygon[\s\S]*52\.50000, 13\.30000[\s\S]*52\.49000, 13\.33000/);

    // The map sketch: one image, named, whose description carries both fences' coordinates.
    const map = page.getByRole("img", { name: "Map of the geofences" });
    const description = await map.evaluate((svg) => document.getElementById(svg.getAttribute("aria-describedby") ?? "")?.textContent ?? "");
    expect(description).toContain(`${depot}, circle of 500 m around 52.52000, 13.40500`);
    expect(description).toContain(`${yard}, polygon of 3 points`);
    expect(await map.locator("circle, polygon").count()).toBeGreaterThanOrEqual(2);
    await expectNoAxeViolations(page, "geofences with a map");
    await screenshot(page, "geofences");

    // Edit the circle's radius.
    await page.getByRole("button", { name: `Edit ${depot}` }).click();
    await expect.poll(() => page.getByLabel("Name", { exact: true }).inputValue()).toBe(depot);
    await page.getByLabel("Radius (m)", { exact: true }).fill("750");
    await page.getByRole("button", { name: "Save geofence" }).click();
    await expect.poll(() => depotRow.innerText()).toContain("radius 750 m");
    expect((await stored(depot))?.shape).toMatchObject({ radiusM: 750 });

    // Delete the polygon (asked to confirm first).
    await page.getByRole("button", { name: `Delete ${yard}` }).click();
    await page.getByRole("button", { name: `Confirm delete ${yard}` }).click();
    await expect.poll(() => yardRow.count()).toBe(0);
    expect(await stored(yard)).toBeUndefined();
    await expect.poll(() => page.locator("main").innerText()).toContain(`Geofence ${yard} deleted.`);

    // The list survives a reload.
    await page.reload();
    await settled(page);
    await depotRow.waitFor();
    await context.close();
  });
});
