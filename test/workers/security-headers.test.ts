import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import headersFile from "../../app/public/_headers?raw";
import { SECURITY_HEADERS } from "../../worker/middleware/security-headers";
import { parseCsv } from "./csv-parse";
import { addVehicles, call, createTenant, userWithRole } from "./helpers";

function expectSecurityHeaders(res: Response, what: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), `${what}: ${name}`).toBe(value);
  const csp = res.headers.get("content-security-policy")!;
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self'(;|$)/); // no 'unsafe-inline', no hosts
}

describe("security headers", () => {
  it("app/public/_headers sends exactly the Worker's values to every static path", () => {
    const lines = headersFile.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(lines[0]).toBe("/*");
    const sent = Object.fromEntries(
      lines
        .slice(1)
        .map(
          (l) =>
            l
              .trim()
              .split(/:\s(.*)/s)
              .slice(0, 2) as [string, string],
        )
        .map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(sent).toEqual(SECURITY_HEADERS);
  });

  it("are on the app's HTML (/ and an SPA route) and on a static asset, served by the assets binding", async () => {
    for (const path of ["/", "/alerts/some-id", "/manifest.webmanifest"]) {
      const res = await env.ASSETS.fetch(`http://fleetpulse.test${path}`);
      await res.arrayBuffer();
      if (res.status === 404) continue; // only when the PWA is not built (npm test builds it)
      expectSecurityHeaders(res, path);
    }
    const root = await env.ASSETS.fetch("http://fleetpulse.test/");
    expect(root.status).toBe(200);
    const html = await root.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i); // no inline script the CSP would block
    expectSecurityHeaders(root, "/");
  });

  it("are on the Worker's own answers", async () => {
    expectSecurityHeaders(await call("GET", "/api/openapi.json"), "/api/openapi.json");
    expectSecurityHeaders(await call("GET", "/api/me"), "401");
  });
});

describe("least privilege", () => {
  it("escalation policies are admin-only, reads included", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    expect((await call("GET", "/api/escalation-policies", { token: manager.token })).status).toBe(403);
    expect((await call("GET", "/api/escalation-policies", { token: tenant.admin.token })).status).toBe(200);
  });

  it("neutralises cells a spreadsheet would run as formulas in CSV exports", async () => {
    const tenant = await createTenant();
    const { V1: vehicle } = await addVehicles(tenant, ["V1"]);
    const title = "=1+1";
    const created = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: vehicle!.id, title, priority: "normal", notes: '@SUM(A1)+HYPERLINK("http://x.example")' },
    });
    expect(created.status).toBe(201);
    const csv = parseCsv(await (await call("GET", "/api/reports/work-orders.csv", { token: tenant.admin.token })).text());
    const [header, row] = csv;
    expect(row![header!.indexOf("title")]).toBe("'=1+1");
    expect(row![header!.indexOf("notes")]).toBe(`'@SUM(A1)+HYPERLINK("http://x.example")`);
  });

  it("keeps push subscriptions per tenant and user, at most 10 per user", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const keys = {
      p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
      auth: "tBHItJI5svbpez7KI4CCXg",
    };
    const subscribe = (token: string, endpoint: string) => call("POST", "/api/push/subscriptions", { token, body: { endpoint, keys } });
    const shared = "http://127.0.0.1:9/push/shared";
    expect((await subscribe(tenant.admin.token, shared)).status).toBe(201);
    expect((await subscribe(other.admin.token, shared)).status).toBe(201);
    const rows = await env.DB.prepare("SELECT tenant_id FROM push_subscriptions WHERE endpoint = ?")
      .bind(shared)
      .all<{ tenant_id: string }>();
    expect(rows.results.map((r) => r.tenant_id).sort()).toEqual([tenant.id, other.id].sort());
    for (let i = 0; i < 12; i++) expect((await subscribe(tenant.admin.token, `http://127.0.0.1:9/push/${i}`)).status).toBe(201);
    const mine = await env.DB.prepare("SELECT endpoint FROM push_subscriptions WHERE tenant_id = ? AND user_id = ?")
      .bind(tenant.id, tenant.admin.id)
      .all<{ endpoint: string }>();
    expect(mine.results.length).toBe(10);
    expect(mine.results.map((r) => r.endpoint)).toContain("http://127.0.0.1:9/push/11");
  });
});
