/**
 * Work orders: two people edit one work order in two browser contexts; the second save is refused
 * (412), nothing of it is saved, and the conflict view shows both versions field by field: the
 * person takes theirs or keeps their own and saves on top. Then search with facets and paging over the list.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, apiToken } from "./api-client";
import { expectEveryLookAccessible } from "./appearance";
import { expectAccessibleInForcedColors } from "./forced-colors";
import { createWorkOrder, unique, vehicleIds } from "./maintenance-api";
import { browserForFile, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);
const u = unique();

async function openAs(role: "admin" | "manager", path: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ctx, role, path);
  await settled(page);
  return page;
}

describe("Work orders", { timeout: 120_000 }, () => {
  it("refuses the second of two concurrent edits with the changed-by-someone-else flow", async () => {
    const token = await apiToken(ctx, "manager");
    const vehicles = await vehicleIds(ctx, token);
    const wo = await createWorkOrder(ctx, token, { vehicleId: vehicles.get("TRUCK-009")!, title: `Shared ${u}` });
    const ann = await openAs("manager", `/work-orders/${wo.id}`);
    const bob = await openAs("admin", `/work-orders/${wo.id}`);

    await ann.getByLabel("Notes", { exact: true }).fill("Ann: pads ordered");
    await ann.getByRole("button", { name: "Save notes" }).click();
    await ann.getByRole("status").filter({ hasText: "Notes saved." }).waitFor();

    await bob.getByLabel("Notes", { exact: true }).fill("Bob: pads fitted");
    await bob.getByRole("button", { name: "Save notes" }).click();
    // The 412 view: what changed, field by field, with a choice where both changed the same field.
    const view = bob.getByRole("region", { name: "Changed by someone else" });
    await view.getByRole("alert").filter({ hasText: "changed by someone else" }).waitFor();
    const stored = await api<{ notes: string }>(ctx, token, "GET", `/api/work-orders/${wo.id}`);
    expect(stored.notes).toBe("Ann: pads ordered");
    const values = (await view.locator(".conflict-values").innerText()).replace(/\s+/g, " ");
    expect(values).toContain("When you opened it (empty)");
    expect(values).toContain("Theirs Ann: pads ordered");
    expect(values).toContain("Yours Bob: pads fitted");
    // The page behind shows their version already.
    await bob.getByText("Notes: Ann: pads ordered").waitFor();
    await expectEveryLookAccessible(bob, "work-order-conflict");
    await expectAccessibleInForcedColors(bob, "work-order-conflict");

    // Take theirs: the field holds Ann's notes; nothing of Bob's is left to send.
    const choice = view.getByRole("group", { name: "Notes: which to keep" });
    await choice.getByLabel("Take theirs").check();
    await view.getByRole("button", { name: "Use these values" }).click();
    expect(await bob.getByLabel("Notes", { exact: true }).inputValue()).toBe("Ann: pads ordered");

    // Bob changes his mind: types again, Ann saves again meanwhile, Bob keeps his and saves on top.
    await bob.getByLabel("Notes", { exact: true }).fill("Bob: pads fitted");
    await ann.getByLabel("Notes", { exact: true }).fill("Ann: pads ordered twice");
    await ann.getByRole("button", { name: "Save notes" }).click();
    await ann.getByRole("status").filter({ hasText: "Notes saved." }).waitFor();
    await bob.getByRole("button", { name: "Save notes" }).click();
    await view.getByRole("group", { name: "Notes: which to keep" }).getByLabel("Keep mine").check();
    await view.getByRole("button", { name: "Use these values" }).click();
    expect(await bob.getByLabel("Notes", { exact: true }).inputValue()).toBe("Bob: pads fitted");
    await bob.getByRole("button", { name: "Save notes" }).click();
    await bob.getByRole("status").filter({ hasText: "Notes saved." }).waitFor();
    expect((await api<{ notes: string }>(ctx, token, "GET", `/api/work-orders/${wo.id}`)).notes).toBe("Bob: pads fitted");
  });

  it("searches every work order on the server, with facet counts and paging", async () => {
    const token = await apiToken(ctx, "manager");
    const vehicles = await vehicleIds(ctx, token);
    for (let i = 0; i < 27; i++)
      await createWorkOrder(ctx, token, { vehicleId: vehicles.get(i % 2 ? "TRUCK-011" : "TRUCK-012")!, title: `Zebra${u} check ${i}` });
    const page = await openAs("manager", "/work-orders");
    const search = page.getByRole("search", { name: "Work orders" });
    await search.getByLabel("Search work orders", { exact: true }).fill(`zebra${u}`);
    await search.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByText("27 work orders match; 25 shown.").waitFor();
    // Facets: counts next to each choice.
    expect(await search.getByLabel("Vehicle", { exact: true }).locator("option", { hasText: "Unit 011 (13)" }).count()).toBe(1);
    expect(await search.getByLabel("Status", { exact: true }).locator("option", { hasText: "Open (27)" }).count()).toBe(1);
    await page.getByRole("button", { name: "Load more work orders" }).click();
    await page.getByText("27 work orders match.").waitFor();
    const rows = page.getByRole("table", { name: "Matching work orders, newest first" }).locator("tbody tr");
    expect(await rows.count()).toBe(27);
    await search.getByLabel("Vehicle", { exact: true }).selectOption({ label: "Unit 012 (14)" });
    await search.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByText("14 work orders match.").waitFor();
    await expectEveryLookAccessible(page, "work-orders-search");
    await expectAccessibleInForcedColors(page, "work-orders-search");
  });
});
