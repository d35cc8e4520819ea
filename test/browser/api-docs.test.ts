/** /api/docs: the bundled Swagger UI renders the API from /api/openapi.json and sends requests, all on this origin. */
import { describe, expect, inject, it } from "vitest";
import { browserForFile, screenshot } from "./support";

const ctx = inject("fleetpulse");
const browser = browserForFile(ctx);

describe("API reference", () => {
  it("renders the operations and sends a request from the page, with no request leaving the origin", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const origin = new URL(ctx.url).origin;
    const elsewhere: string[] = [];
    // Anything aimed at another origin is recorded and refused, so a CDN or telemetry call fails the test here.
    await context.route(
      (url) => url.origin !== origin,
      (route) => {
        elsewhere.push(route.request().url());
        return route.abort();
      },
    );
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto("/api/docs");
    // Every tag of the document is listed (collapsed); opening one renders its operations, $refs resolved.
    await page.locator(".opblock-tag").nth(20).waitFor();
    for (const [tag, path] of [
      ["Auth", "/api/auth/login"],
      ["Vehicles", "/api/vehicles/{id}"],
      ["Notifications", "/api/push/vapid-public-key"],
    ]) {
      await page.locator(`.opblock-tag[data-tag="${tag}"]`).click();
      await page.locator(`.opblock-summary-path[data-path="${path}"]`).first().waitFor();
    }
    expect(await page.title()).toMatch(/API reference/);

    // "Try it out" is on: open an operation that needs no token and execute it.
    const operation = page
      .locator(".opblock")
      .filter({ has: page.locator('.opblock-summary-path[data-path="/api/push/vapid-public-key"]') });
    await operation.locator(".opblock-summary-control").click();
    const answered = page.waitForResponse((res) => res.url() === `${origin}/api/push/vapid-public-key` && res.request().method() === "GET");
    await operation.getByRole("button", { name: "Execute" }).click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(await response.json()).toHaveProperty("key");
    await operation.locator(".live-responses-table .response-col_status").filter({ hasText: "200" }).waitFor();
    await screenshot(page, "api-docs");

    expect(requested.some((url) => url === `${origin}/api/openapi.json`)).toBe(true);
    expect(requested.filter((url) => new URL(url).origin !== origin && !url.startsWith("data:"))).toEqual([]);
    expect(elsewhere).toEqual([]);
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
