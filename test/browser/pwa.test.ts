/** Installability, the service worker, offline reloads and the JavaScript budget, as served. */
import { gzipSync } from "node:zlib";
import { describe, expect, inject, it } from "vitest";
import { browserForFile, screenshot, settled, signIn } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  expect(bytes.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("installability", () => {
  it("links the manifest in the HTML served at /, with name, start_url, standalone and real PNG icons", async () => {
    const html = await (await fetch(`${ctx.url}/`)).text();
    const link = /<link\s+[^>]*rel="manifest"[^>]*>/.exec(html)?.[0];
    expect(link, "a <link rel=manifest> in the served HTML").toBeTruthy();
    const href = /href="([^"]+)"/.exec(link ?? "")?.[1] ?? "";
    const manifestUrl = new URL(href, `${ctx.url}/`);
    const manifest = (await (await fetch(manifestUrl)).json()) as {
      name?: string;
      short_name?: string;
      start_url?: string;
      display?: string;
      theme_color?: string;
      background_color?: string;
      icons?: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest.name).toBe("FleetPulse");
    expect(manifest.short_name).toBeTruthy();
    expect(manifest.start_url).toBe("/");
    expect(manifest.display).toBe("standalone");
    expect(manifest.theme_color).toMatch(/^#/);
    expect(manifest.background_color).toMatch(/^#/);
    const icons = manifest.icons ?? [];
    for (const want of ["192x192", "512x512"]) {
      expect(icons.some((i) => i.sizes === want && i.type === "image/png" && (i.purpose ?? "any").split(" ").includes("any"))).toBe(true);
    }
    for (const icon of icons) {
      const res = await fetch(new URL(icon.src, manifestUrl));
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get("content-type")).toContain("image/png");
      const { width, height } = pngSize(Buffer.from(await res.arrayBuffer()));
      expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
      expect(["any", "maskable", "any maskable"]).toContain(icon.purpose ?? "any");
    }
  });

  it("keeps the page's own JavaScript on a first visit within 200 KB gzip", async () => {
    const html = await (await fetch(`${ctx.url}/`)).text();
    const scripts = [
      ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
      ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
    ].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const src of scripts) {
      const body = Buffer.from(await (await fetch(new URL(src, `${ctx.url}/`))).arrayBuffer());
      total += gzipSync(body, { level: 9 }).length;
    }
    console.log(`initial JS: ${scripts.length} file(s), ${(total / 1024).toFixed(1)} KiB gzip`);
    expect(total).toBeLessThanOrEqual(200 * 1024);
  });
});

describe("service worker and offline", () => {
  it("registers, and an offline reload still shows the cached vehicles with an offline banner", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, ctx, "admin");
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      expect(scope).toBe(`${ctx.url}/`);
      // Wait until the worker controls this page (clients.claim on activate).
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

      await page.goto("/vehicles");
      await settled(page);
      await page.getByRole("link", { name: "Unit 001", exact: true }).waitFor();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      await settled(page);
      expect(await page.locator(".offline-banner").innerText()).not.toMatch(/offline/i);

      await context.setOffline(true);
      await page.goto("/vehicles");
      await page.getByRole("heading", { level: 1, name: "Vehicles" }).waitFor();
      await page.getByRole("link", { name: "Unit 001", exact: true }).waitFor();
      const banner = page.getByRole("status").filter({ hasText: /offline/i });
      await banner.waitFor();
      expect(await banner.innerText()).toMatch(/You are offline — showing data from \d\d:\d\d/);
      await screenshot(page, "admin-vehicles-offline-desktop-light");

      // Reload of another screen while offline: the shell and the cached profile.
      await page.reload();
      await page.getByRole("link", { name: "Unit 001", exact: true }).waitFor();
      await page.goto("/settings");
      await settled(page);
      expect(await page.locator("main").innerText()).toContain(ctx.users.admin.email);

      // Back online: the banner goes once fresh data arrives.
      await context.setOffline(false);
      await page.goto("/vehicles");
      await settled(page);
      await page.getByRole("link", { name: "Unit 001", exact: true }).waitFor();
      await expect.poll(() => page.locator(".offline-banner").innerText()).not.toMatch(/offline/i);
    } finally {
      await context.close();
    }
  });

  it("shows cached data offline even before the service worker controls the page", async () => {
    // Service workers blocked: the app's own cache of its last answers carries the offline reload.
    const context = await browser.newContext({ serviceWorkers: "block" });
    try {
      const page = await context.newPage();
      await signIn(page, ctx, "admin");
      await page.goto("/vehicles");
      await page.getByRole("link", { name: "Unit 001", exact: true }).waitFor();
      await context.setOffline(true);
      // Without a service worker the document itself cannot load offline; route it from the app.
      await page.evaluate(() => {
        history.pushState(null, "", "/settings");
        dispatchEvent(new PopStateEvent("popstate"));
      });
      await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Vehicles" }).click();
      await page.getByRole("link", { name: "Unit 001", exact: true }).waitFor();
      await page
        .getByRole("status")
        .filter({ hasText: /offline/i })
        .waitFor();
    } finally {
      await context.close();
    }
  });
});
