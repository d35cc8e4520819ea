import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { checkRouteMap, END, routeMapMarkdown, routeTable, START, withRouteMap } from "../../scripts/route-map.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const appSource = readFileSync(path.join(root, "worker/app.ts"), "utf8");

describe("route map (scripts/route-map.mjs)", () => {
  it("docs/architecture.md holds the current path → file table (fix: node scripts/route-map.mjs --write)", () => {
    const result = checkRouteMap({ root });
    expect(result.diff, "docs/architecture.md is out of date").toBe("");
    expect(result.current).toBe(true);
  });

  it("maps every URL prefix to the one file that serves it, nothing at /", () => {
    const rows: { prefix: string; file: string }[] = routeTable(appSource);
    const byPrefix = Object.fromEntries(rows.map((r) => [r.prefix, r.file]));
    expect(byPrefix["/api/me"]).toBe("worker/routes/api/me.ts");
    expect(byPrefix["/api/integrations"]).toBe("worker/routes/api/integrations.ts");
    expect(byPrefix["/api/escalation-policies"]).toBe("worker/routes/api/escalation-policies.ts");
    expect(byPrefix["/webhooks/{tenantSlug}/samsara"]).toBe("worker/routes/webhooks/samsara.ts");
    expect(byPrefix["/problems"]).toBe("worker/routes/problems.ts");
    expect(rows.map((r) => r.prefix)).not.toContain("/api");
    // File named after its prefix: /api/<prefix> → worker/routes/api/<prefix>.ts.
    for (const { prefix, file } of rows.filter((r) => r.file.startsWith("worker/routes/api/"))) {
      expect(file, prefix).toBe(`worker/routes/api/${prefix.split("/")[2]}.ts`);
    }
  });

  it("refuses a router mounted at / or two routers on one prefix", () => {
    const atRoot = 'import { a } from "./routes/api/a";\nexport const app = new OpenAPIHono();\nconst routes = app.route("/", a);\n';
    expect(() => routeTable(atRoot)).toThrow(/mounted at "\/"/);
    const twice =
      'import { a } from "./routes/api/a";\nimport { b } from "./routes/api/b";\nexport const app = new OpenAPIHono();\nconst routes = app.route("/x", a).route("/x", b);\n';
    expect(() => routeTable(twice)).toThrow(/served by both/);
  });

  it("writes between the markers and reports a stale table with a diff", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "route-map-"));
    mkdirSync(path.join(dir, "worker"));
    mkdirSync(path.join(dir, "docs"));
    writeFileSync(path.join(dir, "worker/app.ts"), appSource);
    const doc = `# Architecture\n\n${START}\n| stale |\n${END}\n\nAfter.\n`;
    writeFileSync(path.join(dir, "docs/architecture.md"), doc);

    const stale = checkRouteMap({ root: dir });
    expect(stale.current).toBe(false);
    expect(stale.diff).toContain("- | stale |");
    expect(stale.diff).toContain("+ | `/api/me` | [`worker/routes/api/me.ts`](../worker/routes/api/me.ts) |");

    writeFileSync(path.join(dir, "docs/architecture.md"), stale.expected);
    expect(checkRouteMap({ root: dir }).current).toBe(true);
    expect(stale.expected).toBe(withRouteMap(doc, routeMapMarkdown(routeTable(appSource))));
    expect(stale.expected.endsWith(`${END}\n\nAfter.\n`)).toBe(true);
  });
});
